//! Management actions (PRODUCT decision 8): each takes the acting principal, checks it through
//! the same decision path as a question, and applies the change in place, or refuses with
//! [`ManageError::Forbidden`] naming the missing right.

use super::evaluate::Explain;
use super::index::{Entity, EntityIdx, Identity, Member, OrgIdx, RoleRef, TeamIdx, TokenSubject, UserIdx};
use super::{Engine, ResourceRef, ScopeRef};
use crate::engine::Deny;
use crate::error::ManageError;
use crate::model::{BuiltinRole, EntityKind, Permission};
use crate::snapshot::{NameRule, push_user};

/// A change to organization settings; declared with the settings themselves.
pub use crate::model::SettingsPatch;

fn not_found(what: &'static str, name: &str) -> ManageError {
    ManageError::NotFound { what, name: name.to_string() }
}

fn conflict(what: &'static str, name: &str, why: &'static str) -> ManageError {
    ManageError::Conflict { what, name: name.to_string(), why }
}

impl Engine {
    fn org_idx(&self, org: &str) -> Result<OrgIdx, ManageError> {
        self.index.org_by_name.get(org).copied().ok_or_else(|| not_found("organization", org))
    }

    fn team_idx(&self, org: OrgIdx, team: &str) -> Result<TeamIdx, ManageError> {
        let org_ref = self.index.orgs.get(org as usize).ok_or_else(|| not_found("organization", ""))?;
        match org_ref.team_by_name.get(team) {
            Some(&t) if org_ref.team(t).is_some() => Ok(t),
            _ => Err(not_found("team", team)),
        }
    }

    fn member_of(&self, org: OrgIdx, login: &str) -> Result<(UserIdx, u32), ManageError> {
        let &user = self.index.user_by_login.get(login).ok_or_else(|| not_found("member", login))?;
        let memberships =
            self.index.users.get(user as usize).map(|u| u.memberships.as_slice()).unwrap_or_default();
        memberships
            .iter()
            .find(|(o, _)| *o == org)
            .map(|(_, m)| (user, *m))
            .ok_or_else(|| not_found("member", login))
    }

    /// Refuses unless `actor` holds `scope` on `resource`.
    pub(crate) fn require(
        &self,
        actor: &str,
        scope: &'static str,
        resource: ResourceRef,
    ) -> Result<(), ManageError> {
        let forbidden = |deny| ManageError::Forbidden { action: scope, deny };
        let who = self.resolve_principal(actor).ok_or(forbidden(Deny::UnknownPrincipal))?;
        let entry = self.catalog.lookup(scope).ok_or(forbidden(Deny::UnknownScope))?;
        let scope_ref = match resource {
            ResourceRef::Entity(..) => entry.entity.map(ScopeRef::Entity),
            _ => entry.org.map(ScopeRef::Org),
        };
        let scope_ref = scope_ref.ok_or(forbidden(Deny::InvalidResource))?;
        // The explaining trace, so that a refusal names what was missing.
        self.decide(who, scope_ref, resource, &mut Explain::default()).map_err(forbidden)
    }

    /// Changes organization settings (`organization:update`: organization admins).
    pub fn update_settings(
        &mut self,
        actor: &str,
        org: &str,
        patch: &SettingsPatch,
    ) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "organization:update", ResourceRef::Org(org_idx))?;
        let mut refused = None;
        patch.check(&mut |what, problem| {
            refused.get_or_insert(ManageError::InvalidArgument { what, why: problem.to_string() });
        });
        if let Some(refused) = refused {
            return Err(refused);
        }
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        o.settings.apply(patch);
        Ok(())
    }

    fn parse_role(&self, org: OrgIdx, role: &str) -> Result<RoleRef, ManageError> {
        if let Some(builtin) = BuiltinRole::parse(role) {
            return Ok(RoleRef::Builtin(builtin));
        }
        let org_ref = self.index.orgs.get(org as usize).ok_or_else(|| not_found("organization", ""))?;
        match org_ref.role_by_name.get(role) {
            Some(&r) if org_ref.role(r).is_some() => Ok(RoleRef::Custom(r)),
            _ => Err(not_found("role", role)),
        }
    }

    /// Adds a user to an organization with a role (`org_member:add`).
    pub fn add_member(&mut self, actor: &str, org: &str, login: &str, role: &str) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "org_member:add", ResourceRef::Org(org_idx))?;
        let role = self.parse_role(org_idx, role)?;
        if !NameRule::Login.accepts(login) {
            let why = format!("`{}` is not a valid login", crate::snapshot::shorten(login));
            return Err(ManageError::InvalidArgument { what: "login", why });
        }
        if self.member_of(org_idx, login).is_ok() {
            return Err(conflict("member", login, "is already a member"));
        }
        let user = match self.index.user_by_login.get(login) {
            Some(&u) => u,
            None => push_user(&mut self.index, login),
        };
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let member_idx = o.members.len() as u32;
        o.members.push(Member { user, role, teams: Vec::new(), admin_of: Vec::new(), removed: false });
        if let Some(u) = self.index.users.get_mut(user as usize) {
            u.memberships.push((org_idx, member_idx));
        }
        Ok(())
    }

    /// Removes a user from an organization and its teams (`org_member:delete`).
    pub fn remove_member(&mut self, actor: &str, org: &str, login: &str) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "org_member:delete", ResourceRef::Org(org_idx))?;
        let (user, member_idx) = self.member_of(org_idx, login)?;
        if let Some(u) = self.index.users.get_mut(user as usize) {
            u.memberships.retain(|(o, _)| *o != org_idx);
        }
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        for team in &mut o.teams {
            team.members.retain(|m| *m != member_idx);
        }
        for table in &mut o.entities {
            for entity in &mut table.items {
                entity.grants.retain(|(u, _)| *u != user);
            }
        }
        if let Some(member) = o.members.get_mut(member_idx as usize) {
            member.removed = true;
            member.teams.clear();
            member.admin_of.clear();
        }
        Ok(())
    }

    /// Changes a member's role (`org_member:update`; making someone an admin also needs
    /// `org_member:set_admin`).
    pub fn set_member_role(
        &mut self,
        actor: &str,
        org: &str,
        login: &str,
        role: &str,
    ) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "org_member:update", ResourceRef::Org(org_idx))?;
        let role = self.parse_role(org_idx, role)?;
        if role == RoleRef::Builtin(BuiltinRole::Admin) {
            self.require(actor, "org_member:set_admin", ResourceRef::Org(org_idx))?;
        }
        let (_, member_idx) = self.member_of(org_idx, login)?;
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let Some(member) = o.members.get_mut(member_idx as usize) else {
            return Err(not_found("member", login));
        };
        if role == RoleRef::Builtin(BuiltinRole::BillingManager) && !member.teams.is_empty() {
            return Err(conflict("member", login, "belongs to teams; billing managers hold no team access"));
        }
        member.role = role;
        Ok(())
    }

    /// Creates a team (`team:create`, or a built-in Member when `membersCanCreateTeams` is on).
    /// A user who creates a team becomes its team admin.
    pub fn create_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "team:create", ResourceRef::Org(org_idx))?;
        if !NameRule::Identifier.accepts(team) {
            let why = format!("`{}` is not a valid team name", crate::snapshot::shorten(team));
            return Err(ManageError::InvalidArgument { what: "team", why });
        }
        let creator = self.actor_for(actor, org_idx).ok().and_then(|a| a.member);
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        if o.team_by_name.contains_key(team) {
            return Err(conflict("team", team, "already exists"));
        }
        let team_idx = o.teams.len() as u32;
        let mut new_team = crate::snapshot::empty_team(team);
        if let Some(member) = creator.and_then(|m| o.members.get_mut(m as usize)) {
            member.teams.push(team_idx);
            member.admin_of.push(team_idx);
            new_team.members.extend(creator);
        }
        o.team_by_name.insert(team.into(), team_idx);
        o.teams.push(new_team);
        Ok(())
    }

    /// Deletes a team (`team:delete`: organization admins).
    pub fn delete_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        let team_idx = self.team_idx(org_idx, team)?;
        self.require(actor, "team:delete", ResourceRef::Team(org_idx, team_idx))?;
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        for member in &mut o.members {
            member.teams.retain(|t| *t != team_idx);
            member.admin_of.retain(|t| *t != team_idx);
        }
        o.team_by_name.remove(team);
        if let Some(t) = o.teams.get_mut(team_idx as usize) {
            t.deleted = true;
            t.members.clear();
        }
        // The team's tokens go with it; their names stay reserved.
        for &token in &o.tokens {
            if let Some(record) = self.index.tokens.get_mut(token as usize) {
                if record.subject == TokenSubject::Team(team_idx) {
                    record.deleted = true;
                }
            }
        }
        Ok(())
    }

    /// Adds a member to a team, or changes whether they administer it (`team:update` on the
    /// team: organization admins and that team's admins).
    pub fn set_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
        team_admin: bool,
    ) -> Result<(), ManageError> {
        let (org_idx, team_idx, member_idx) = self.team_membership_change(actor, org, team, login)?;
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let Some(member) = o.members.get_mut(member_idx as usize) else {
            return Err(not_found("member", login));
        };
        if member.role == RoleRef::Builtin(BuiltinRole::BillingManager) {
            return Err(conflict("member", login, "is a billing manager, who holds no team access"));
        }
        if !member.teams.contains(&team_idx) {
            member.teams.push(team_idx);
            if let Some(t) = o.teams.get_mut(team_idx as usize) {
                t.members.push(member_idx);
            }
        }
        member.admin_of.retain(|t| *t != team_idx);
        if team_admin {
            member.admin_of.push(team_idx);
        }
        Ok(())
    }

    /// The checks every team membership change makes: `team:update` on the team (organization
    /// admins and that team's admins), a member of the organization, a team whose membership
    /// is not managed by GitHub.
    fn team_membership_change(
        &self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(OrgIdx, TeamIdx, u32), ManageError> {
        let org_idx = self.org_idx(org)?;
        let team_idx = self.team_idx(org_idx, team)?;
        self.require(actor, "team:update", ResourceRef::Team(org_idx, team_idx))?;
        let (_, member_idx) = self.member_of(org_idx, login)?;
        let github = self
            .index
            .orgs
            .get(org_idx as usize)
            .and_then(|o| o.teams.get(team_idx as usize))
            .is_some_and(|t| t.github);
        if github {
            return Err(conflict("team", team, "takes its membership from GitHub"));
        }
        Ok((org_idx, team_idx, member_idx))
    }

    /// Removes a member from a team (`team:update` on the team).
    pub fn remove_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(), ManageError> {
        let (org_idx, team_idx, member_idx) = self.team_membership_change(actor, org, team, login)?;
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let Some(member) = o.members.get_mut(member_idx as usize) else {
            return Err(not_found("member", login));
        };
        if !member.teams.contains(&team_idx) {
            return Err(not_found("team member", login));
        }
        member.teams.retain(|t| *t != team_idx);
        member.admin_of.retain(|t| *t != team_idx);
        if let Some(t) = o.teams.get_mut(team_idx as usize) {
            t.members.retain(|m| *m != member_idx);
        }
        Ok(())
    }

    /// Sets a team's permission on a stack, environment or account (`team:update` on the
    /// team: organization admins and that team's admins, C.6). `Permission::None` removes it.
    pub fn set_team_permission(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        kind: EntityKind,
        entity: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        let team_idx = self.team_idx(org_idx, team)?;
        self.require(actor, "team:update", ResourceRef::Team(org_idx, team_idx))?;
        if !kind.accepts(level) {
            let why = format!("`{level}` is not a {kind} permission");
            return Err(ManageError::InvalidArgument { what: "permission", why });
        }
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let (entity_idx, _) =
            o.entities(kind).find(entity).ok_or_else(|| not_found(kind.as_str(), entity))?;
        let Some(t) = o.teams.get_mut(team_idx as usize) else {
            return Err(not_found("team", team));
        };
        if level == Permission::None {
            t.grants_mut(kind).remove(&entity_idx);
        } else {
            t.grants_mut(kind).insert(entity_idx, level);
        }
        Ok(())
    }

    /// Assigns a custom role to a team, or removes it (needs `role:update` and `team:update`
    /// organization-wide; being team admin is not enough, model-facts F.16).
    pub fn set_team_role(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        role: &str,
        assigned: bool,
    ) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        let team_idx = self.team_idx(org_idx, team)?;
        self.require(actor, "role:update", ResourceRef::Org(org_idx))?;
        self.require(actor, "team:update", ResourceRef::Org(org_idx))?;
        let RoleRef::Custom(role_idx) = self.parse_role(org_idx, role)? else {
            return Err(conflict("role", role, "is built in; teams hold custom roles only"));
        };
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let Some(t) = o.teams.get_mut(team_idx as usize) else {
            return Err(not_found("team", team));
        };
        t.roles.retain(|r| *r != role_idx);
        if assigned {
            t.roles.push(role_idx);
        }
        Ok(())
    }

    /// Creates a stack (C.4 create gate). The creator, a user or a machine token's own
    /// identity, receives the creator's ADMIN grant.
    pub fn create_stack(
        &mut self,
        actor: &str,
        org: &str,
        project: &str,
        stack: &str,
        tags: &[(&str, &str)],
    ) -> Result<(), ManageError> {
        let org_idx = self.org_idx(org)?;
        self.require(actor, "stack:create", ResourceRef::Org(org_idx))?;
        for (what, name) in [("project", project), ("stack", stack)] {
            if !NameRule::Identifier.accepts(name) {
                let why = format!("`{}` is not a valid name", crate::snapshot::shorten(name));
                return Err(ManageError::InvalidArgument { what, why });
            }
        }
        for (key, value) in tags {
            if !NameRule::TagKey.accepts(key) || !NameRule::Text.accepts(value) {
                let why = format!("`{}` is not a valid tag", crate::snapshot::shorten(key));
                return Err(ManageError::InvalidArgument { what: "tags", why });
            }
        }
        let creator =
            self.actor_for(actor, org_idx).ok().map(|a| a.identity).filter(|i| *i != Identity::Claims);
        let name = format!("{project}/{stack}");
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("organization", org));
        };
        let table = o.entities_mut(EntityKind::Stack);
        if table.find(&name).is_some() {
            return Err(conflict("stack", &name, "already exists"));
        }
        let idx = table.items.len() as EntityIdx;
        table.by_name.insert(name.as_str().into(), idx);
        let tags = tags.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        table.items.push(Entity { name: name.into(), tags, creator, grants: Vec::new(), deleted: false });
        Ok(())
    }

    fn stack_ref(&self, stack: &str) -> Result<(OrgIdx, EntityIdx), ManageError> {
        self.find_entity(EntityKind::Stack, stack).ok_or_else(|| not_found("stack", stack))
    }

    /// Deletes a stack (`stack:delete`, gated by `stackAdminsCanDeleteStacks` for non-admins).
    pub fn delete_stack(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_idx, idx) = self.stack_ref(stack)?;
        self.require(actor, "stack:delete", ResourceRef::Entity(org_idx, EntityKind::Stack, idx))?;
        self.remove_entity(org_idx, EntityKind::Stack, idx);
        Ok(())
    }

    fn remove_entity(&mut self, org_idx: OrgIdx, kind: EntityKind, idx: EntityIdx) -> Option<Entity> {
        let o = self.index.orgs.get_mut(org_idx as usize)?;
        for team in &mut o.teams {
            team.grants_mut(kind).remove(&idx);
        }
        let table = o.entities_mut(kind);
        let entity = table.items.get_mut(idx as usize)?;
        let removed = entity.clone();
        entity.deleted = true;
        table.by_name.remove(&removed.name);
        Some(removed)
    }

    /// Moves a stack to another organization: `stack:transfer` (gated by
    /// `stackAdminsCanTransferStacks` for non-admins) and the right to create stacks in the
    /// destination. Team grants and explicit grants stay behind; the creator grant travels only
    /// with a user who is a member of the destination.
    pub fn transfer_stack(&mut self, actor: &str, stack: &str, destination: &str) -> Result<(), ManageError> {
        let (org_idx, idx) = self.stack_ref(stack)?;
        let dest_idx = self.org_idx(destination)?;
        if dest_idx == org_idx {
            return Err(conflict("stack", stack, "is already in that organization"));
        }
        self.require(actor, "stack:transfer", ResourceRef::Entity(org_idx, EntityKind::Stack, idx))?;
        self.require(actor, "stack:create", ResourceRef::Org(dest_idx)).map_err(|_| {
            ManageError::Forbidden {
                action: "stack:transfer",
                deny: Deny::DestinationDenied { org: destination.to_string() },
            }
        })?;
        let name = self
            .index
            .orgs
            .get(org_idx as usize)
            .and_then(|o| o.entities(EntityKind::Stack).get(idx))
            .map(|e| e.name.clone())
            .unwrap_or_default();
        let exists = self
            .index
            .orgs
            .get(dest_idx as usize)
            .is_some_and(|o| o.entities(EntityKind::Stack).find(&name).is_some());
        if exists {
            return Err(conflict("stack", &name, "already exists in the destination"));
        }
        let Some(mut moved) = self.remove_entity(org_idx, EntityKind::Stack, idx) else {
            return Err(not_found("stack", stack));
        };
        moved.grants.clear();
        moved.creator = match moved.creator {
            Some(Identity::User(u)) if self.index.actor(super::Who::User(u), dest_idx).is_ok() => {
                Some(Identity::User(u))
            }
            _ => None,
        };
        let Some(dest) = self.index.orgs.get_mut(dest_idx as usize) else {
            return Err(not_found("organization", destination));
        };
        let table = dest.entities_mut(EntityKind::Stack);
        let new_idx = table.items.len() as EntityIdx;
        table.by_name.insert(moved.name.clone(), new_idx);
        table.items.push(moved);
        Ok(())
    }

    /// Sets a user's explicit permission on a stack (`stack_access:update`: stack admins).
    /// `Permission::None` removes it.
    pub fn set_stack_permission(
        &mut self,
        actor: &str,
        stack: &str,
        login: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        let (org_idx, idx) = self.stack_ref(stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_idx, EntityKind::Stack, idx))?;
        if level == Permission::Open {
            let why = "`open` is not a stack permission".to_string();
            return Err(ManageError::InvalidArgument { what: "permission", why });
        }
        let (user, member_idx) = self.member_of(org_idx, login)?;
        let Some(o) = self.index.orgs.get_mut(org_idx as usize) else {
            return Err(not_found("stack", stack));
        };
        if o.members
            .get(member_idx as usize)
            .is_some_and(|m| m.role == RoleRef::Builtin(BuiltinRole::BillingManager))
        {
            return Err(conflict("member", login, "is a billing manager, who holds no stack access"));
        }
        let Some(entity) = o.entities_mut(EntityKind::Stack).items.get_mut(idx as usize) else {
            return Err(not_found("stack", stack));
        };
        entity.grants.retain(|(u, _)| *u != user);
        if level != Permission::None {
            entity.grants.push((user, level));
        }
        Ok(())
    }

    /// Removes the creator's ADMIN grant from a stack (`stack_access:update`, F.20).
    pub fn remove_creator_grant(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_idx, idx) = self.stack_ref(stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_idx, EntityKind::Stack, idx))?;
        if let Some(entity) = self
            .index
            .orgs
            .get_mut(org_idx as usize)
            .and_then(|o| o.entities_mut(EntityKind::Stack).items.get_mut(idx as usize))
        {
            entity.creator = None;
        }
        Ok(())
    }
}
