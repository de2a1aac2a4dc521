//! Decisions over the store: `check`, `explain`, the per-resource listings for UI gating, and the
//! resolution of principal, scope and resource strings. One evaluator (`evaluate`) serves the
//! quick and the explaining path.
//!
//! Questions name a principal (`alice`, `user:alice`, `token:<id>`), a scope (`stack:write`,
//! `team:update`, …) and a resource whose shape the scope decides:
//!
//! | scope kind | resource |
//! |---|---|
//! | organization scope | `org`, or `org/team` for the team scopes (`team:update`, `team:create_token`, …) |
//! | stack scope | `org/project/stack` |
//! | environment scope | `org/project/environment` |
//! | cloud account scope | `org/account` |
//!
//! Anything unknown (principal, scope, resource) is a deny, never an error.

pub(crate) mod actor;
pub(crate) mod diff;
pub(crate) mod evaluate;
pub(crate) mod preview;
mod search;

pub use diff::{AccessChange, AccessDiff, AccessEntry, ScopeChange};
pub use preview::{Preview, StoppedToken};
pub use search::{ResourcePage, ResourceQuery, Semantics, Subject};

use actor::Actor;
pub(crate) use evaluate::SpecialScopes;
use evaluate::{Eval, Explain, Quick, Trace, decision};
use std::sync::{Arc, Weak};

use rustc_hash::FxHashMap;

use crate::catalog::{Catalog, EntityScope, OrgScope, ScopeEntry};
use crate::decision::{Decision, Deny, ResourceKind};
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::store::{EntityId, OrgId, PrincipalRef, Store, TeamId, TokenId, Who};

/// The question-answering view of one state: the catalog, the scopes the evaluator treats
/// specially, and the store. Cheap to copy; built per call by the engine and the management
/// actions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Authorizer<'a> {
    pub catalog: &'a Catalog,
    pub special: &'a SpecialScopes,
    pub store: &'a Store,
}

/// The identity of one engine, which the principals, targets and handle tables it resolves
/// carry. Each engine makes its own at construction (a clone is another engine), so a value
/// resolved by one engine is recognised as foreign by any other, including an engine made after
/// the first one was dropped: a value holds a weak reference to the identity's allocation, which
/// keeps its address from being reused.
#[derive(Debug)]
pub(crate) struct EngineId(Arc<()>);

impl EngineId {
    /// A new identity, distinct from every other live or dropped one.
    pub fn new() -> Self {
        Self(Arc::new(()))
    }

    /// The weak reference that values resolved by this engine carry.
    pub fn tag(&self) -> Weak<()> {
        Arc::downgrade(&self.0)
    }

    /// Whether `tag` is this identity's (one pointer compare).
    #[inline]
    pub fn owns(&self, tag: &Weak<()>) -> bool {
        std::ptr::eq(tag.as_ptr(), Arc::as_ptr(&self.0))
    }
}

/// A principal resolved by one engine, to ask many questions as (see
/// [`Engine::resolve_principal`](crate::Engine::resolve_principal)). It cannot be built by hand,
/// and it answers only on the engine that resolved it: on any other engine a question as it is
/// denied with [`Deny::ForeignHandle`]. A principal whose token was deleted after it was resolved
/// is denied with [`Deny::UnknownPrincipal`], one whose membership ended with
/// [`Deny::NotAMember`].
#[derive(Debug, Clone)]
pub struct Principal {
    who: Who,
    /// The token record it was resolved through, checked again on every use.
    token: Option<TokenId>,
    engine: Weak<()>,
}

impl Principal {
    /// A principal not yet bound to an engine (the engine binds it before handing it out).
    pub(crate) fn new(who: Who, token: Option<TokenId>) -> Self {
        Self { who, token, engine: Weak::new() }
    }

    /// The same principal, bound to `engine`.
    pub(crate) fn bound(mut self, engine: &EngineId) -> Self {
        self.engine = engine.tag();
        self
    }
}

/// Two principals are equal when they act as the same identity on the same engine (a personal
/// token and its user are equal).
impl PartialEq for Principal {
    fn eq(&self, other: &Self) -> bool {
        self.who == other.who && self.engine.ptr_eq(&other.engine)
    }
}

impl Eq for Principal {}

/// A (scope, resource) pair resolved by one engine (see
/// [`Engine::resolve_target`](crate::Engine::resolve_target)). Like a [`Principal`], it cannot be
/// built by hand and answers only on the engine that resolved it; a target whose resource was
/// removed since is denied with [`Deny::UnknownResource`].
#[derive(Debug, Clone)]
pub struct Target {
    scope: ScopeRef,
    resource: ResourceRef,
    engine: Weak<()>,
}

impl Target {
    /// The same target, bound to `engine`.
    pub(crate) fn bound(mut self, engine: &EngineId) -> Self {
        self.engine = engine.tag();
        self
    }
}

impl PartialEq for Target {
    fn eq(&self, other: &Self) -> bool {
        self.scope == other.scope && self.resource == other.resource && self.engine.ptr_eq(&other.engine)
    }
}

impl Eq for Target {}

/// Pre-resolved principals and targets of one engine, for callers that ask the same questions
/// many times: a handle is a number into this table. Registering the same principal or target
/// again gives the same handle, so the table grows only with distinct ones. A table answers only
/// on the engine that made it ([`Engine::handles`](crate::Engine::handles)), and handles stay
/// safe across changes: a removed stack, member or token makes its handles deny.
///
/// ```
/// # let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
/// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
/// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
/// let mut handles = engine.handles();
/// let max = engine.resolve_principal("max").ok_or("max is a member")?;
/// let target = engine.resolve_target("stack:write", "acme/app/prod").map_err(|d| d.code())?;
/// let (who, what) = (handles.add_principal(&max).map_err(|d| d.code())?, handles.add_target(&target).map_err(|d| d.code())?);
/// assert!(engine.check_handles(&handles, who, what));
/// // On another engine (a clone is one), the same table denies.
/// assert!(!engine.clone().check_handles(&handles, who, what));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Handles {
    engine: Weak<()>,
    principals: Vec<(Who, Option<TokenId>)>,
    principal_ids: FxHashMap<(Who, Option<TokenId>), u32>,
    targets: Vec<(ScopeRef, ResourceRef)>,
    target_ids: FxHashMap<(ScopeRef, ResourceRef), u32>,
}

impl Handles {
    /// An empty table for `engine`.
    pub(crate) fn new(engine: &EngineId) -> Self {
        Self {
            engine: engine.tag(),
            principals: Vec::new(),
            principal_ids: FxHashMap::default(),
            targets: Vec::new(),
            target_ids: FxHashMap::default(),
        }
    }

    /// The handle of a resolved principal.
    ///
    /// # Errors
    ///
    /// [`Deny::ForeignHandle`] when `principal` was resolved by another engine than the table's.
    pub fn add_principal(&mut self, principal: &Principal) -> Result<u32, Deny> {
        if !self.engine.ptr_eq(&principal.engine) {
            return Err(Deny::ForeignHandle);
        }
        let key = (principal.who, principal.token);
        let next = u32::try_from(self.principals.len()).map_err(|_| Deny::ForeignHandle)?;
        let handle = *self.principal_ids.entry(key).or_insert(next);
        if handle == next {
            self.principals.push(key);
        }
        Ok(handle)
    }

    /// The handle of a resolved target.
    ///
    /// # Errors
    ///
    /// [`Deny::ForeignHandle`] when `target` was resolved by another engine than the table's.
    pub fn add_target(&mut self, target: &Target) -> Result<u32, Deny> {
        if !self.engine.ptr_eq(&target.engine) {
            return Err(Deny::ForeignHandle);
        }
        let key = (target.scope, target.resource);
        let next = u32::try_from(self.targets.len()).map_err(|_| Deny::ForeignHandle)?;
        let handle = *self.target_ids.entry(key).or_insert(next);
        if handle == next {
            self.targets.push(key);
        }
        Ok(handle)
    }

    /// The principal of a handle; `None` for a number the table never gave.
    #[must_use]
    pub fn principal(&self, handle: u32) -> Option<Principal> {
        let &(who, token) = self.principals.get(handle as usize)?;
        Some(Principal { who, token, engine: self.engine.clone() })
    }

    /// The target of a handle; `None` for a number the table never gave.
    #[must_use]
    pub fn target(&self, handle: u32) -> Option<Target> {
        let &(scope, resource) = self.targets.get(handle as usize)?;
        Some(Target { scope, resource, engine: self.engine.clone() })
    }
}

/// A resource resolved against the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ResourceRef {
    /// An organization.
    Org(OrgId),
    /// A team of an organization.
    Team(OrgId, TeamId),
    /// A stack, environment or cloud account of an organization.
    Entity(OrgId, EntityKind, EntityId),
}

/// A scope resolved against the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ScopeRef {
    /// An organization-level scope.
    Org(OrgScope),
    /// An entity scope.
    Entity(EntityScope),
}

impl Authorizer<'_> {
    /// Resolves a principal string; `None` when unknown (or a deleted token).
    pub fn resolve_principal(&self, principal: &str) -> Option<Who> {
        self.store.resolve(PrincipalRef::parse(principal))
    }

    /// Resolves a resource string for a scope (see the module docs for the shapes).
    pub fn resolve_resource(
        &self,
        scope: ScopeEntry,
        resource: &str,
    ) -> Result<(ScopeRef, ResourceRef), Deny> {
        let mut parts = resource.splitn(3, '/');
        let org_name = parts.next().unwrap_or_default();
        let second = parts.next();
        let third = parts.next();
        let org_idx = self.store.org_id(org_name).ok_or(Deny::UnknownResource)?;
        let org = self.store.org(org_idx).ok_or(Deny::UnknownResource)?;
        match (second, third, scope.org, scope.entity) {
            (None, None, Some(org_scope), _) => Ok((ScopeRef::Org(org_scope), ResourceRef::Org(org_idx))),
            (Some(team), None, Some(org_scope), _) if self.special.team_targeted.contains(org_scope) => {
                let team_idx = org.team_id(team).ok_or(Deny::UnknownResource)?;
                org.team(team_idx).ok_or(Deny::UnknownResource)?;
                Ok((ScopeRef::Org(org_scope), ResourceRef::Team(org_idx, team_idx)))
            }
            (Some(_), _, _, Some(entity_scope)) => {
                let name = resource.get(org_name.len() + 1..).unwrap_or_default();
                let shape_ok = match entity_scope.kind {
                    EntityKind::Account => third.is_none(),
                    EntityKind::Stack | EntityKind::Environment => third.is_some_and(|t| !t.contains('/')),
                };
                if !shape_ok {
                    return Err(Deny::InvalidResource);
                }
                let (idx, _) = org.entities(entity_scope.kind).find(name).ok_or(Deny::UnknownResource)?;
                Ok((ScopeRef::Entity(entity_scope), ResourceRef::Entity(org_idx, entity_scope.kind, idx)))
            }
            _ => Err(Deny::InvalidResource),
        }
    }

    /// May `principal` use `scope` on `resource`? Deny by default.
    pub fn check(&self, principal: &str, scope: &str, resource: &str) -> bool {
        self.resolve_principal(principal).is_some_and(|who| self.check_as(who, scope, resource))
    }

    /// Like [`Engine::check`], with every granting source or the reason for the deny.
    pub fn explain(&self, principal: &str, scope: &str, resource: &str) -> Decision {
        match self.resolve_principal(principal) {
            Some(who) => self.explain_as(who, scope, resource),
            None => Decision::denied(Deny::UnknownPrincipal),
        }
    }

    /// The check on pre-resolved handles (the fast path for repeated questions).
    #[inline]
    pub fn check_resolved(&self, who: Who, scope: ScopeRef, resource: ResourceRef) -> bool {
        self.decide(who, scope, resource, &mut Quick).is_ok()
    }

    /// Resolves a principal string into a value not yet bound to an engine; `None` when unknown
    /// (or a deleted token).
    pub(crate) fn resolve(&self, principal: &str) -> Option<Principal> {
        match PrincipalRef::parse(principal) {
            PrincipalRef::User(login) => {
                self.store.user_id(login).map(|u| Principal::new(Who::User(u), None))
            }
            PrincipalRef::Token(id) => {
                let idx = self.store.token_id(id)?;
                self.store.who_of_token(idx).map(|who| Principal::new(who, Some(idx)))
            }
        }
    }

    /// A resolved principal as the store knows it, if it belongs to `engine` and its token (if
    /// any) was not deleted since.
    pub(crate) fn live_principal(&self, engine: &EngineId, principal: &Principal) -> Result<Who, Deny> {
        if !engine.owns(&principal.engine) {
            return Err(Deny::ForeignHandle);
        }
        self.live(principal.who, principal.token)
    }

    #[inline]
    fn live(&self, who: Who, token: Option<TokenId>) -> Result<Who, Deny> {
        match token {
            Some(idx) if self.store.token(idx).is_none_or(|t| t.deleted()) => Err(Deny::UnknownPrincipal),
            _ => Ok(who),
        }
    }

    /// Resolves a scope and a resource string into a target not yet bound to an engine.
    pub(crate) fn resolve_target(&self, scope: &str, resource: &str) -> Result<Target, Deny> {
        let entry = self.catalog.lookup(scope).ok_or(Deny::UnknownScope)?;
        let (scope, resource) = self.resolve_resource(entry, resource)?;
        Ok(Target { scope, resource, engine: Weak::new() })
    }

    /// A resolved target as the store knows it, if it belongs to `engine`.
    pub(crate) fn live_target(
        &self,
        engine: &EngineId,
        target: &Target,
    ) -> Result<(ScopeRef, ResourceRef), Deny> {
        if !engine.owns(&target.engine) {
            return Err(Deny::ForeignHandle);
        }
        Ok((target.scope, target.resource))
    }

    /// The check on handles from a [`Handles`] table of `engine`; an unknown handle, a table of
    /// another engine or a deleted token is a deny.
    #[inline]
    pub(crate) fn check_handles(
        &self,
        engine: &EngineId,
        handles: &Handles,
        principal: u32,
        target: u32,
    ) -> bool {
        if !engine.owns(&handles.engine) {
            return false;
        }
        match (handles.principals.get(principal as usize), handles.targets.get(target as usize)) {
            (Some(&(who, token)), Some(&(scope, resource))) => {
                self.live(who, token).is_ok() && self.check_resolved(who, scope, resource)
            }
            _ => false,
        }
    }

    /// A question asked as an already resolved principal, with scope and resource strings.
    pub fn explain_as(&self, who: Who, scope: &str, resource: &str) -> Decision {
        let Some(entry) = self.catalog.lookup(scope) else { return Decision::denied(Deny::UnknownScope) };
        match self.resolve_resource(entry, resource) {
            Ok((scope, resource)) => self.explain_resolved(who, scope, resource),
            Err(deny) => Decision::denied(deny),
        }
    }

    /// [`Engine::check`] as an already resolved principal.
    pub fn check_as(&self, who: Who, scope: &str, resource: &str) -> bool {
        let Some(entry) = self.catalog.lookup(scope) else { return false };
        let Ok((scope, resource)) = self.resolve_resource(entry, resource) else { return false };
        self.decide(who, scope, resource, &mut Quick).is_ok()
    }

    /// The explanation on pre-resolved handles.
    pub fn explain_resolved(&self, who: Who, scope: ScopeRef, resource: ResourceRef) -> Decision {
        let mut trace = Explain::default();
        let result = self.decide(who, scope, resource, &mut trace);
        decision(result, trace)
    }

    fn eval(&self, org: OrgId) -> Option<Eval<'_>> {
        let org = self.store.org(org)?;
        Some(Eval { catalog: self.catalog, special: self.special, org })
    }

    fn decide<T: Trace>(
        &self,
        who: Who,
        scope: ScopeRef,
        resource: ResourceRef,
        trace: &mut T,
    ) -> Result<(), Deny> {
        let (org_idx, team) = match resource {
            ResourceRef::Org(o) => (o, None),
            ResourceRef::Team(o, t) => (o, Some(t)),
            ResourceRef::Entity(o, _, _) => (o, None),
        };
        let eval = self.eval(org_idx).ok_or(Deny::UnknownResource)?;
        let actor = actor::actor_of(self.store, who, org_idx)?;
        match (scope, resource) {
            (ScopeRef::Org(scope), ResourceRef::Org(_) | ResourceRef::Team(..)) => {
                eval.decide_org(&actor, scope, team, trace)
            }
            (ScopeRef::Entity(scope), ResourceRef::Entity(_, kind, idx)) if scope.kind == kind => {
                let entity = eval.org.entities(kind).get(idx).ok_or(Deny::UnknownResource)?;
                eval.decide_entity(&actor, scope, idx, entity, trace)
            }
            _ => Err(Deny::InvalidResource),
        }
    }

    /// May `principal` move stack `stack` (`org/project/stack`) to organization `destination`?
    /// Needs `stack:transfer` with its toggle in the source and the right to create stacks in
    /// the destination.
    pub fn explain_transfer(&self, principal: &str, stack: &str, destination: &str) -> Decision {
        let first = self.explain(principal, "stack:transfer", stack);
        if !first.is_allowed() {
            return first;
        }
        let second = self.explain(principal, "stack:create", destination);
        if !second.is_allowed() {
            return Decision::denied(Deny::DestinationDenied { org: destination.to_string() });
        }
        Decision::Allowed { reasons: [first.reasons(), second.reasons()].concat() }
    }

    /// The principal's effective permission level on an entity (`org/project/stack`, …), for UI
    /// gating. Gates (delete/transfer toggles) are not part of the level.
    pub fn effective_permission(&self, principal: &str, kind: EntityKind, resource: &str) -> Permission {
        let Some(who) = self.resolve_principal(principal) else { return Permission::None };
        self.held_entity_scopes(who, kind, resource, |_, _, held| self.catalog.level_of(kind, held))
            .unwrap_or(Permission::None)
    }

    /// Runs `f` on every scope `who` holds on one entity (before gates), with its context.
    fn held_entity_scopes<R>(
        &self,
        who: Who,
        kind: EntityKind,
        resource: &str,
        f: impl FnOnce(&Eval<'_>, &Actor<'_>, crate::catalog::EntityScopeSet) -> R,
    ) -> Option<R> {
        let (org_idx, idx) = self.find_entity(kind, resource)?;
        let eval = self.eval(org_idx)?;
        let actor = actor::actor_of(self.store, who, org_idx).ok()?;
        let entity = eval.org.entities(kind).get(idx)?;
        let all = self.catalog.level_scopes(kind, Permission::Admin);
        let held = eval.entity_scopes(&actor, kind, idx, entity, all, &mut Quick);
        Some(f(&eval, &actor, held))
    }

    /// Every scope `principal` may use on a resource, in one call (for UI gating): entity scopes
    /// for an entity, organization scopes for `org`, team scopes for `org/team`.
    pub fn allowed_scopes(
        &self,
        principal: &str,
        kind: Option<EntityKind>,
        resource: &str,
    ) -> Vec<&'static str> {
        let Some(who) = self.resolve_principal(principal) else {
            return Vec::new();
        };
        match kind {
            Some(kind) => self.allowed_entity_scopes(who, kind, resource),
            None => self.allowed_org_scopes(who, resource),
        }
    }

    fn allowed_entity_scopes(&self, who: Who, kind: EntityKind, resource: &str) -> Vec<&'static str> {
        self.held_entity_scopes(who, kind, resource, |eval, actor, held| {
            self.catalog
                .entity_scopes(kind)
                .filter(|&s| held.contains(s) && eval.entity_gate(actor, s).is_ok())
                .map(|s| self.catalog.entity_scope_name(s))
                .collect()
        })
        .unwrap_or_default()
    }

    fn allowed_org_scopes(&self, who: Who, resource: &str) -> Vec<&'static str> {
        let (org_name, team_name) = match resource.split_once('/') {
            Some((org, team)) => (org, Some(team)),
            None => (resource, None),
        };
        let Some(org_idx) = self.store.org_id(org_name) else {
            return Vec::new();
        };
        let Some(eval) = self.eval(org_idx) else {
            return Vec::new();
        };
        let Ok(actor) = actor::actor_of(self.store, who, org_idx) else {
            return Vec::new();
        };
        let team = match team_name {
            Some(name) => match eval.org.team_id(name) {
                Some(t) if eval.org.team(t).is_some() => Some(t),
                _ => return Vec::new(),
            },
            None => None,
        };
        self.catalog
            .org_scopes()
            .filter(|&s| team.is_none() || self.special.team_targeted.contains(s))
            .filter(|&s| eval.decide_org(&actor, s, team, &mut Quick).is_ok())
            .map(|s| self.catalog.org_scope_name(s))
            .collect()
    }

    pub(crate) fn find_entity(&self, kind: EntityKind, resource: &str) -> Option<(OrgId, EntityId)> {
        let (org_name, name) = resource.split_once('/')?;
        let org_idx = self.store.org_id(org_name)?;
        let org = self.store.org(org_idx)?;
        org.entities(kind).find(name).map(|(idx, _)| (org_idx, idx))
    }

    pub(crate) fn actor_for(&self, principal: &str, org: OrgId) -> Result<Actor<'_>, Deny> {
        let who = self.resolve_principal(principal).ok_or(Deny::UnknownPrincipal)?;
        actor::actor_of(self.store, who, org)
    }
    /// Refuses unless `actor` holds `scope` on `resource`.
    pub(crate) fn require(
        &self,
        actor: &str,
        scope: &'static str,
        resource: ResourceRef,
    ) -> Result<(), ManageError> {
        let forbidden = |deny| {
            let (name, kind) = self.resource_label(resource);
            ManageError::Forbidden { action: scope, actor: actor.to_string(), resource: name, kind, deny }
        };
        let who = self.resolve_principal(actor).ok_or_else(|| forbidden(Deny::UnknownPrincipal))?;
        let entry = self.catalog.lookup(scope).ok_or_else(|| forbidden(Deny::UnknownScope))?;
        let scope_ref = match resource {
            ResourceRef::Entity(..) => entry.entity.map(ScopeRef::Entity),
            _ => entry.org.map(ScopeRef::Org),
        };
        let scope_ref = scope_ref.ok_or_else(|| forbidden(Deny::InvalidResource))?;
        // The explaining trace, so that a refusal names what was missing.
        self.decide(who, scope_ref, resource, &mut Explain::default()).map_err(forbidden)
    }

    /// A resolved resource as written (`acme`, `acme/platform`, `acme/app/prod`) and its kind,
    /// for the message of a refusal.
    pub(crate) fn resource_label(&self, resource: ResourceRef) -> (String, ResourceKind) {
        let org_name = |o: OrgId| self.store.org(o).map(|o| o.name().to_string()).unwrap_or_default();
        match resource {
            ResourceRef::Org(o) => (org_name(o), ResourceKind::Organization),
            ResourceRef::Team(o, t) => {
                let team = self.store.org(o).map_or("", |org| org.team_name(t));
                (format!("{}/{team}", org_name(o)), ResourceKind::Team)
            }
            ResourceRef::Entity(o, kind, id) => {
                let entity =
                    self.store.org(o).and_then(|org| org.entities(kind).get(id)).map_or("", |e| e.name());
                (format!("{}/{entity}", org_name(o)), ResourceKind::Entity(kind))
            }
        }
    }
}
