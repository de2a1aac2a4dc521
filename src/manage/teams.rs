//! Team actions: create and delete teams, change their members, grants and roles (model-facts
//! C.6: organization admins, and team admins on their own team, for members and grants).

use super::{Manager, conflict, invalid_name, not_found};
use crate::authorize::ResourceRef;
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::snapshot::NameRule;
use crate::store::{MemberId, OrgId, RoleRef, TeamId};

impl Manager<'_> {
    /// Creates a team (`team:create`, or a built-in Member when `membersCanCreateTeams` is on).
    /// A user who creates a team becomes its team admin.
    pub fn create_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        self.require(actor, "team:create", ResourceRef::Org(org_id))?;
        invalid_name(NameRule::Identifier, "team", team)?;
        let creator = self.view().actor_for(actor, org_id).ok().and_then(|a| a.member);
        let team_id = self
            .store
            .add_team(org_id, team, None, None, false)
            .map_err(|_| conflict("team", team, "already exists"))?;
        if let Some(member) = creator {
            // The creator holds team access: a Billing Manager cannot create teams.
            self.store
                .set_team_member(org_id, team_id, member, true)
                .map_err(|_| conflict("member", actor, "is a billing manager, who holds no team access"))?;
        }
        Ok(())
    }

    /// Deletes a team and its tokens (`team:delete`: organization admins).
    pub fn delete_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        let team_id = self.team_id(org_id, team)?;
        self.require(actor, "team:delete", ResourceRef::Team(org_id, team_id))?;
        self.store.delete_team(org_id, team_id);
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
        let (org_id, team_id, member) = self.team_membership_change(actor, org, team, login)?;
        self.store
            .set_team_member(org_id, team_id, member, team_admin)
            .map_err(|_| conflict("member", login, "is a billing manager, who holds no team access"))?;
        Ok(())
    }

    /// Removes a member from a team (`team:update` on the team).
    pub fn remove_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(), ManageError> {
        let (org_id, team_id, member) = self.team_membership_change(actor, org, team, login)?;
        if !self.store.remove_team_member(org_id, team_id, member) {
            return Err(not_found("team member", login));
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
    ) -> Result<(OrgId, TeamId, MemberId), ManageError> {
        let org_id = self.org_id(org)?;
        let team_id = self.team_id(org_id, team)?;
        self.require(actor, "team:update", ResourceRef::Team(org_id, team_id))?;
        let (_, member) = self.member_of(org_id, login)?;
        let github = self.store.org(org_id).and_then(|o| o.team(team_id)).is_some_and(|t| t.github());
        if github {
            return Err(conflict("team", team, "takes its membership from GitHub"));
        }
        Ok((org_id, team_id, member))
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
        let org_id = self.org_id(org)?;
        let team_id = self.team_id(org_id, team)?;
        self.require(actor, "team:update", ResourceRef::Team(org_id, team_id))?;
        if !kind.accepts(level) {
            let why = format!("`{level}` is not a {kind} permission");
            return Err(ManageError::InvalidArgument { what: "permission", why });
        }
        let found = self.store.org(org_id).and_then(|o| o.entities(kind).find(entity)).map(|(id, _)| id);
        let entity_id = found.ok_or_else(|| not_found(kind.as_str(), entity))?;
        self.store.set_team_grant(org_id, team_id, kind, entity_id, level);
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
        let org_id = self.org_id(org)?;
        let team_id = self.team_id(org_id, team)?;
        self.require(actor, "role:update", ResourceRef::Org(org_id))?;
        self.require(actor, "team:update", ResourceRef::Org(org_id))?;
        let RoleRef::Custom(role_id) = self.parse_role(org_id, role)? else {
            return Err(conflict("role", role, "is built in; teams hold custom roles only"));
        };
        self.store.set_team_role(org_id, team_id, role_id, assigned);
        Ok(())
    }
}
