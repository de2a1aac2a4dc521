//! The engine: a snapshot loaded into indexed form, and the questions asked of it.
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
//! Anything unknown is a deny (PRODUCT decision 6).

mod actor;
mod decision;
mod evaluate;
pub(crate) mod index;
mod manage;

pub use actor::{ClaimsPrincipal, PrincipalRef, Who};
pub use decision::{Decision, Deny, Reason};
pub use manage::SettingsPatch;

use actor::Actor;
use evaluate::{Eval, Explain, Quick, SpecialScopes, Trace, decision};
use index::{EntityIdx, Index, OrgIdx, TeamIdx};
use rustc_hash::FxHashMap;

use crate::catalog::{Catalog, EntityScope, OrgScope, ScopeEntry};
use crate::error::SnapshotErrors;
use crate::model::{EntityKind, Permission, Settings};
use crate::snapshot::ExportOptions;

/// A snapshot loaded into indexed form, ready for questions and management actions.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) catalog: Catalog,
    special: SpecialScopes,
    pub(crate) index: Index,
}

/// Pre-resolved principals and (scope, resource) targets, for callers that ask the same
/// questions many times: a handle is an index into this table. Registering the same principal
/// or target again gives the same handle, so the table grows only with distinct ones. Handles
/// stay safe across changes: a removed stack or member makes its handles deny.
#[derive(Debug, Clone, Default)]
pub struct Handles {
    principals: Vec<Who>,
    principal_ids: FxHashMap<Who, u32>,
    targets: Vec<(ScopeRef, ResourceRef)>,
    target_ids: FxHashMap<(ScopeRef, ResourceRef), u32>,
}

impl Handles {
    /// The handle of a resolved principal.
    pub fn add_principal(&mut self, who: Who) -> u32 {
        let next = self.principals.len() as u32;
        let handle = *self.principal_ids.entry(who).or_insert(next);
        if handle == next {
            self.principals.push(who);
        }
        handle
    }

    /// The handle of a resolved target.
    pub fn add_target(&mut self, scope: ScopeRef, resource: ResourceRef) -> u32 {
        let next = self.targets.len() as u32;
        let handle = *self.target_ids.entry((scope, resource)).or_insert(next);
        if handle == next {
            self.targets.push((scope, resource));
        }
        handle
    }

    /// The principal of a handle.
    #[inline]
    pub fn principal(&self, handle: u32) -> Option<Who> {
        self.principals.get(handle as usize).copied()
    }

    /// The target of a handle.
    #[inline]
    pub fn target(&self, handle: u32) -> Option<(ScopeRef, ResourceRef)> {
        self.targets.get(handle as usize).copied()
    }
}

/// A resource resolved against the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceRef {
    /// An organization.
    Org(OrgIdx),
    /// A team of an organization.
    Team(OrgIdx, TeamIdx),
    /// A stack, environment or cloud account of an organization.
    Entity(OrgIdx, EntityKind, EntityIdx),
}

/// A scope resolved against the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScopeRef {
    /// An organization-level scope.
    Org(OrgScope),
    /// An entity scope.
    Entity(EntityScope),
}

impl Engine {
    /// Loads a snapshot from JSON text, reporting every problem found.
    pub fn from_json(json: &str) -> Result<Self, SnapshotErrors> {
        let catalog = Catalog::new();
        let index = crate::snapshot::load_json(&catalog, json)?;
        Ok(Self::from_parts(catalog, index))
    }

    /// Loads a snapshot only if `signature` (base64url, see [`crate::snapshot::sign`]) is a valid
    /// Ed25519 signature of its exact text by `public_key`.
    pub fn from_signed_json(
        json: &str,
        signature: &str,
        public_key: &[u8; 32],
    ) -> Result<Self, SnapshotErrors> {
        crate::snapshot::verify(json, signature, public_key)?;
        Self::from_json(json)
    }

    /// Loads a snapshot from a parsed JSON value (through its text, so that problems are
    /// reported exactly as for [`Engine::from_json`]).
    pub fn from_value(value: &serde_json::Value) -> Result<Self, SnapshotErrors> {
        Self::from_json(&value.to_string())
    }

    fn from_parts(catalog: Catalog, index: Index) -> Self {
        let special = SpecialScopes::new(&catalog);
        Self { catalog, special, index }
    }

    /// The current state as a snapshot v1 document, including every change applied in place,
    /// without HS256 secrets (see [`ExportOptions`]).
    pub fn to_value(&self) -> serde_json::Value {
        self.to_value_with(ExportOptions::default())
    }

    /// The current state as a snapshot v1 document, with what `options` asks for.
    pub fn to_value_with(&self, options: ExportOptions) -> serde_json::Value {
        serde_json::from_str(&self.to_json_with(options)).unwrap_or_default()
    }

    /// The current state as snapshot v1 JSON text, without HS256 secrets (see
    /// [`ExportOptions`]).
    pub fn to_json(&self) -> String {
        self.to_json_with(ExportOptions::default())
    }

    /// The current state as snapshot v1 JSON text, with what `options` asks for.
    pub fn to_json_with(&self, options: ExportOptions) -> String {
        crate::snapshot::to_json(&self.catalog, &self.index, options)
    }

    /// The catalog the engine was built with.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The snapshot revision.
    pub fn revision(&self) -> u64 {
        self.index.revision
    }

    /// The settings of an organization.
    pub fn settings(&self, org: &str) -> Option<Settings> {
        let idx = *self.index.org_by_name.get(org)?;
        self.index.orgs.get(idx as usize).map(|o| o.settings)
    }

    /// Resolves a principal string; `None` when unknown (or a deleted token).
    pub fn resolve_principal(&self, principal: &str) -> Option<Who> {
        self.index.resolve(PrincipalRef::parse(principal))
    }

    /// Resolves a scope name; `None` when the catalog does not know it.
    pub fn resolve_scope(&self, scope: &str) -> Option<ScopeEntry> {
        self.catalog.lookup(scope)
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
        let org_idx = *self.index.org_by_name.get(org_name).ok_or(Deny::UnknownResource)?;
        let org = self.index.orgs.get(org_idx as usize).ok_or(Deny::UnknownResource)?;
        match (second, third, scope.org, scope.entity) {
            (None, None, Some(org_scope), _) => Ok((ScopeRef::Org(org_scope), ResourceRef::Org(org_idx))),
            (Some(team), None, Some(org_scope), _) if self.special.team_targeted.contains(org_scope) => {
                let team_idx = *org.team_by_name.get(team).ok_or(Deny::UnknownResource)?;
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

    /// The check on handles from a [`Handles`] table; an unknown handle is a deny.
    #[inline]
    pub fn check_handles(&self, handles: &Handles, principal: u32, target: u32) -> bool {
        match (handles.principal(principal), handles.target(target)) {
            (Some(who), Some((scope, resource))) => self.check_resolved(who, scope, resource),
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

    fn eval(&self, org: OrgIdx) -> Option<Eval<'_>> {
        let org = self.index.orgs.get(org as usize)?;
        Some(Eval { catalog: &self.catalog, special: &self.special, org })
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
        let actor = self.index.actor(who, org_idx)?;
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
    /// the destination (model-facts C.4).
    pub fn explain_transfer(&self, principal: &str, stack: &str, destination: &str) -> Decision {
        let first = self.explain(principal, "stack:transfer", stack);
        if !first.allowed {
            return first;
        }
        let second = self.explain(principal, "stack:create", destination);
        if !second.allowed {
            return Decision::denied(Deny::DestinationDenied { org: destination.to_string() });
        }
        Decision { allowed: true, reasons: [first.reasons, second.reasons].concat(), deny: None }
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
        let actor = self.index.actor(who, org_idx).ok()?;
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
        let Some(&org_idx) = self.index.org_by_name.get(org_name) else {
            return Vec::new();
        };
        let Some(eval) = self.eval(org_idx) else {
            return Vec::new();
        };
        let Ok(actor) = self.index.actor(who, org_idx) else {
            return Vec::new();
        };
        let team = match team_name {
            Some(name) => match eval.org.team_by_name.get(name) {
                Some(&t) if eval.org.team(t).is_some() => Some(t),
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

    fn find_entity(&self, kind: EntityKind, resource: &str) -> Option<(OrgIdx, EntityIdx)> {
        let (org_name, name) = resource.split_once('/')?;
        let org_idx = *self.index.org_by_name.get(org_name)?;
        let org = self.index.orgs.get(org_idx as usize)?;
        org.entities(kind).find(name).map(|(idx, _)| (org_idx, idx))
    }

    pub(crate) fn actor_for(&self, principal: &str, org: OrgIdx) -> Result<Actor<'_>, Deny> {
        let who = self.resolve_principal(principal).ok_or(Deny::UnknownPrincipal)?;
        self.index.actor(who, org)
    }
}
