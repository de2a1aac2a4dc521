//! Scope evaluation: every source of a grant is additive, the union of
//! scopes wins, and gates (organization toggles, machine-token limits) sit on top.
//!
//! One evaluator serves `check` and `explain`: the [`Trace`] parameter either ignores reasons and
//! stops at the first grant ([`Quick`]), or records every source that grants the scope
//! ([`Explain`]).

use super::actor::{Actor, ActorRole};
use crate::catalog::{Catalog, EntityScope, EntityScopeSet, OrgScope, OrgScopeSet};
use crate::decision::{Decision, Deny, Reason};
use crate::model::{BuiltinRole, EntityKind, Permission, Toggle};
use crate::store::{Entity, EntityId, Identity, Org, RoleId, RoleRef, TeamId};

/// Collects reasons, or not.
pub(crate) trait Trace {
    /// Whether reasons are recorded (and evaluation must not stop early).
    const EXPLAIN: bool;
    fn push(&mut self, reason: impl FnOnce() -> Reason);
}

/// The fast path: no reasons, stop at the first grant.
pub(crate) struct Quick;

impl Trace for Quick {
    const EXPLAIN: bool = false;
    #[inline]
    fn push(&mut self, _reason: impl FnOnce() -> Reason) {}
}

/// The explaining path: every granting source is recorded.
#[derive(Default)]
pub(crate) struct Explain(pub Vec<Reason>);

impl Trace for Explain {
    const EXPLAIN: bool = true;
    fn push(&mut self, reason: impl FnOnce() -> Reason) {
        self.0.push(reason());
    }
}

/// Scope ids the evaluator treats specially, looked up once per engine.
#[derive(Debug, Clone)]
pub(crate) struct SpecialScopes {
    pub stack_create: Option<OrgScope>,
    pub team_create: Option<OrgScope>,
    pub account_create: Option<OrgScope>,
    pub org_token_create: Option<OrgScope>,
    pub org_token_delete: Option<OrgScope>,
    pub environment_tags_list: Option<OrgScope>,
    /// Organization scopes that may target one team (`org/team`).
    pub team_targeted: OrgScopeSet,
    /// The subset a team admin holds on their own team.
    pub team_admin: OrgScopeSet,
    /// What a team token holds on its organization (token matrix rows 18 and 21).
    pub team_token_baseline: OrgScopeSet,
    pub stack_delete: Option<EntityScope>,
    pub stack_transfer: Option<EntityScope>,
}

impl SpecialScopes {
    pub fn new(catalog: &Catalog) -> Self {
        let org = |name: &str| catalog.lookup(name).and_then(|e| e.org);
        let entity = |name: &str| catalog.lookup(name).and_then(|e| e.entity);
        let set = |names: &[&str]| {
            let mut set = OrgScopeSet::EMPTY;
            names.iter().filter_map(|n| org(n)).for_each(|s| set.insert(s));
            set
        };
        let team_admin =
            set(&["team:read", "team:update", "team:create_token", "team:delete_token", "team:list_tokens"]);
        Self {
            stack_create: org("stack:create"),
            team_create: org("team:create"),
            account_create: org("insights_account:create"),
            org_token_create: org("org_token:create"),
            org_token_delete: org("org_token:delete"),
            environment_tags_list: org("environment_tags:list"),
            team_targeted: team_admin.union(set(&["team:delete"])),
            team_admin,
            team_token_baseline: set(&["org_member:read", "team:list"]),
            stack_delete: entity("stack:delete"),
            stack_transfer: entity("stack:transfer"),
        }
    }

    /// The toggle that lets built-in Members use an organization scope they do not hold.
    fn member_toggle(&self, scope: OrgScope) -> Option<Toggle> {
        if Some(scope) == self.stack_create {
            Some(Toggle::MembersCanCreateStacks)
        } else if Some(scope) == self.team_create {
            Some(Toggle::MembersCanCreateTeams)
        } else if Some(scope) == self.account_create {
            Some(Toggle::MembersCanCreateAccounts)
        } else {
            None
        }
    }
}

/// The evaluation context for one organization.
pub(crate) struct Eval<'a> {
    pub catalog: &'a Catalog,
    pub special: &'a SpecialScopes,
    pub org: &'a Org,
}

impl Eval<'_> {
    /// Whether the actor gets the built-in Member defaults and toggles: built-in Members (users
    /// and Member-role organization tokens), and team tokens when `teamTokensGetMemberDefaults` is on.
    pub fn gets_member_defaults(&self, actor: &Actor<'_>) -> bool {
        actor.is_builtin_member()
            || (actor.role == ActorRole::TeamToken && self.org.settings().team_tokens_get_member_defaults)
    }

    fn custom_role_name(&self, role: RoleId) -> String {
        self.org.role(role).map(|r| r.name().to_string()).unwrap_or_default()
    }

    fn team_name(&self, team: TeamId) -> String {
        self.org.team(team).map(|t| t.name().to_string()).unwrap_or_default()
    }

    /// The union of entity scopes the actor holds on one entity. With [`Quick`], stops as soon
    /// as every scope of `want` is held.
    pub fn entity_scopes<T: Trace>(
        &self,
        actor: &Actor<'_>,
        kind: EntityKind,
        idx: EntityId,
        entity: &Entity,
        want: EntityScopeSet,
        trace: &mut T,
    ) -> EntityScopeSet {
        let all = self.catalog.level_scopes(kind, Permission::Admin);
        // Organization admins hold ADMIN on every entity.
        if actor.is_admin() {
            trace.push(|| Reason::OrgAdmin);
            return all;
        }
        let mut held = EntityScopeSet::EMPTY;
        // Records a source when it grants what was asked; on the quick path, reports completion.
        let add = |held: &mut EntityScopeSet,
                   scopes: EntityScopeSet,
                   trace: &mut T,
                   reason: &dyn Fn() -> Reason| {
            if T::EXPLAIN && scopes.is_superset(want) {
                trace.push(reason);
            }
            *held = held.union(scopes);
            !T::EXPLAIN && held.is_superset(want)
        };
        // The organization default, for built-in Members (and team tokens when enabled).
        if self.gets_member_defaults(actor) {
            let level = self.org.settings().default_permission(kind);
            let scopes = self.catalog.level_scopes(kind, level);
            if add(&mut held, scopes, trace, &|| Reason::DefaultPermission { level }) {
                return held;
            }
        }
        // Team grants and the roles assigned to each team.
        for team_idx in actor.teams.iter() {
            let Some(team) = self.org.team(team_idx) else {
                continue;
            };
            let level = team.grant(kind, idx);
            if level != Permission::None {
                let scopes = self.catalog.level_scopes(kind, level);
                let reason = || Reason::TeamGrant { team: team.name().to_string(), level };
                if add(&mut held, scopes, trace, &reason) {
                    return held;
                }
            }
            for &role_idx in team.roles() {
                if self.role_rules(role_idx, Some(team_idx), kind, idx, entity, want, &mut held, trace) {
                    return held;
                }
            }
        }
        // The principal's own custom role (a user's, or an organization token's).
        if let ActorRole::Role(RoleRef::Custom(role_idx)) = actor.role {
            if self.role_rules(role_idx, None, kind, idx, entity, want, &mut held, trace) {
                return held;
            }
        }
        // The creator's ADMIN grant, held by the creating user or machine token.
        if entity.creator() == Some(actor.identity)
            && actor.identity != Identity::Claims
            && add(&mut held, all, trace, &|| Reason::CreatorGrant)
        {
            return held;
        }
        // Explicit per-user grants.
        if let Some(user) = actor.user {
            let level = entity.explicit_grant(user);
            if level != Permission::None {
                let scopes = self.catalog.level_scopes(kind, level);
                if add(&mut held, scopes, trace, &|| Reason::ExplicitGrant { level }) {
                    return held;
                }
            }
        }
        held
    }

    /// Adds the scopes of one custom role's matching rules; returns true when `want` is complete
    /// on the quick path.
    #[expect(
        clippy::too_many_arguments,
        reason = "one call site per source; a struct would only rename them"
    )]
    fn role_rules<T: Trace>(
        &self,
        role_idx: RoleId,
        team: Option<TeamId>,
        kind: EntityKind,
        idx: EntityId,
        entity: &Entity,
        want: EntityScopeSet,
        held: &mut EntityScopeSet,
        trace: &mut T,
    ) -> bool {
        let Some(role) = self.org.role(role_idx) else {
            return false;
        };
        for rule in role.rules().iter().filter(|r| r.kind() == kind) {
            if !rule.selector().matches(idx, entity) {
                continue;
            }
            if T::EXPLAIN && rule.scopes().is_superset(want) {
                trace.push(|| Reason::RoleRule {
                    role: self.custom_role_name(role_idx),
                    team: team.map(|t| self.team_name(t)),
                    permission_set: rule.set_name().to_string(),
                });
            }
            *held = held.union(rule.scopes());
            if !T::EXPLAIN && held.is_superset(want) {
                return true;
            }
        }
        false
    }

    /// The organization scopes the actor holds through its roles (no toggles, no team-admin rights).
    pub fn org_scopes<T: Trace>(
        &self,
        actor: &Actor<'_>,
        want: Option<OrgScope>,
        trace: &mut T,
    ) -> OrgScopeSet {
        let wants = |set: OrgScopeSet| want.is_none_or(|w| set.contains(w));
        if actor.is_admin() {
            trace.push(|| Reason::OrgAdmin);
            return self.catalog.admin_scopes();
        }
        let mut held = OrgScopeSet::EMPTY;
        match actor.role {
            ActorRole::Role(RoleRef::Builtin(role)) => {
                let set = match role {
                    BuiltinRole::Admin => self.catalog.admin_scopes(),
                    BuiltinRole::Member => self.catalog.member_scopes(),
                    BuiltinRole::BillingManager => self.catalog.billing_manager_scopes(),
                };
                if T::EXPLAIN && wants(set) {
                    trace.push(|| Reason::BuiltinRole { role });
                }
                held = held.union(set);
            }
            ActorRole::Role(RoleRef::Custom(role_idx)) => {
                if let Some(role) = self.org.role(role_idx) {
                    if T::EXPLAIN && wants(role.org_scopes()) {
                        trace.push(|| Reason::CustomRole { role: role.name().to_string(), team: None });
                    }
                    held = held.union(role.org_scopes());
                }
            }
            ActorRole::TeamToken => {
                let baseline = self.special.team_token_baseline;
                if T::EXPLAIN && wants(baseline) {
                    trace.push(|| Reason::TeamTokenBaseline);
                }
                held = held.union(baseline);
                if self.gets_member_defaults(actor) {
                    let member = self.catalog.member_scopes();
                    if T::EXPLAIN && wants(member) {
                        trace.push(|| Reason::Setting { toggle: Toggle::TeamTokensGetMemberDefaults });
                    }
                    held = held.union(member);
                }
            }
        }
        for team_idx in actor.teams.iter() {
            let Some(team) = self.org.team(team_idx) else {
                continue;
            };
            for &role_idx in team.roles() {
                let Some(role) = self.org.role(role_idx) else {
                    continue;
                };
                if T::EXPLAIN && wants(role.org_scopes()) {
                    trace.push(|| Reason::CustomRole {
                        role: role.name().to_string(),
                        team: Some(team.name().to_string()),
                    });
                }
                held = held.union(role.org_scopes());
            }
        }
        held
    }

    /// Decides an organization scope on the organization, or on one team when `team` is given.
    pub fn decide_org<T: Trace>(
        &self,
        actor: &Actor<'_>,
        scope: OrgScope,
        team: Option<TeamId>,
        trace: &mut T,
    ) -> Result<(), Deny> {
        let special = self.special;
        // No machine token creates or deletes organization
        // tokens, whatever its role. SECURITY: checked before any grant.
        if actor.is_machine()
            && (Some(scope) == special.org_token_create || Some(scope) == special.org_token_delete)
        {
            return Err(Deny::MachineToken);
        }
        let held = self.org_scopes(actor, Some(scope), trace);
        let mut allowed = held.contains(scope);
        // Team admins manage their own team's members, grants and tokens.
        if let Some(team_idx) = team {
            if special.team_admin.contains(scope) && actor.admin_of.contains(&team_idx) {
                trace.push(|| Reason::TeamAdmin { team: self.team_name(team_idx) });
                allowed = true;
            }
        }
        // `environment_tags:list` comes with Environment Read on any environment.
        if Some(scope) == special.environment_tags_list && !actor.is_admin() && (T::EXPLAIN || !allowed) {
            allowed |= self.reads_some_environment(actor, trace);
        }
        if allowed {
            return Ok(());
        }
        // Toggles that let built-in Members do what their role lacks.
        if let Some(toggle) = special.member_toggle(scope) {
            if self.gets_member_defaults(actor) {
                if self.org.settings().toggle(toggle) {
                    trace.push(|| Reason::Setting { toggle });
                    return Ok(());
                }
                return Err(Deny::SettingDisabled { toggle });
            }
        }
        Err(Deny::MissingScope { scope: self.catalog.org_scope_name(scope), level: None })
    }

    /// Whether the actor holds Environment Read (every scope of that set) on at
    /// least one environment that exists. The explaining path records the sources on the first
    /// such environment.
    fn reads_some_environment<T: Trace>(&self, actor: &Actor<'_>, trace: &mut T) -> bool {
        let kind = EntityKind::Environment;
        let read = self.catalog.level_scopes(kind, Permission::Read);
        let envs = self.org.entities(kind);
        let first = envs.iter().find(|&(idx, entity)| {
            self.entity_scopes(actor, kind, idx, entity, read, &mut Quick).is_superset(read)
        });
        let Some((idx, entity)) = first else { return false };
        if T::EXPLAIN {
            self.entity_scopes(actor, kind, idx, entity, read, trace);
        }
        true
    }

    /// Decides an entity scope on one entity, with the delete and transfer gates.
    pub fn decide_entity<T: Trace>(
        &self,
        actor: &Actor<'_>,
        scope: EntityScope,
        idx: EntityId,
        entity: &Entity,
        trace: &mut T,
    ) -> Result<(), Deny> {
        let mut want = EntityScopeSet::EMPTY;
        want.insert(scope);
        let held = self.entity_scopes(actor, scope.kind, idx, entity, want, trace);
        if !held.contains(scope) {
            // The quick path needs only the verdict: no level to compute.
            let level = if T::EXPLAIN { Some(self.catalog.level_of(scope.kind, held)) } else { None };
            return Err(Deny::MissingScope { scope: self.catalog.entity_scope_name(scope), level });
        }
        self.entity_gate(actor, scope)
    }

    /// The organization toggles on top of a held entity scope: organization admins bypass them.
    pub fn entity_gate(&self, actor: &Actor<'_>, scope: EntityScope) -> Result<(), Deny> {
        if actor.is_admin() {
            return Ok(());
        }
        // Only admin tokens among machine tokens transfer stacks.
        if actor.is_machine() && Some(scope) == self.special.stack_transfer {
            return Err(Deny::MachineToken);
        }
        let settings = &self.org.settings();
        if Some(scope) == self.special.stack_delete && !settings.stack_admins_can_delete_stacks {
            return Err(Deny::SettingDisabled { toggle: Toggle::StackAdminsCanDeleteStacks });
        }
        if Some(scope) == self.special.stack_transfer && !settings.stack_admins_can_transfer_stacks {
            return Err(Deny::SettingDisabled { toggle: Toggle::StackAdminsCanTransferStacks });
        }
        Ok(())
    }
}

/// Turns an evaluation result and its trace into a [`Decision`].
pub(crate) fn decision(result: Result<(), Deny>, trace: Explain) -> Decision {
    match result {
        Ok(()) => Decision::Allowed { reasons: trace.0 },
        Err(deny) => Decision::denied(deny),
    }
}
