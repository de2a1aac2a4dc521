//! Team actions: create and delete teams, change their members, grants and roles. Organization
//! admins may do all of them; a team's admins may change that team's members and grants.

use super::Manager;
use crate::authorize::ResourceRef;
use crate::decision::ResourceKind;
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::snapshot::Change;

impl Manager<'_> {
    /// Creates a team (`team:create`, or a built-in Member when `membersCanCreateTeams` is on).
    /// A user who creates a team becomes its team admin.
    pub fn create_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        let org_id = self.member_of_org(actor, "team:create", org)?;
        self.require(actor, "team:create", ResourceRef::Org(org_id))?;
        let creator = self.view().actor_for(actor, org_id).ok().and_then(|a| a.member);
        let admin = creator
            .and_then(|m| self.store.org(org_id)?.member(m))
            .and_then(|m| self.store.user(m.user()))
            .map(|u| u.login().to_string());
        self.change(Change::CreateTeam { org: org.into(), team: team.into(), admin })
    }

    /// Deletes a team and its tokens (`team:delete`: organization admins).
    pub fn delete_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        self.require_team(actor, org, team, "team:delete")?;
        self.change(Change::DeleteTeam { org: org.into(), team: team.into() })
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
        self.require_team(actor, org, team, "team:update")?;
        let (org, team, login) = (org.into(), team.into(), login.into());
        self.change(Change::SetTeamMember { org, team, login, admin: team_admin })
    }

    /// Removes a member from a team (`team:update` on the team).
    pub fn remove_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(), ManageError> {
        self.require_team(actor, org, team, "team:update")?;
        self.change(Change::RemoveTeamMember { org: org.into(), team: team.into(), login: login.into() })
    }

    /// Refuses unless `actor` holds `scope` on the team (organization admins, and that team's
    /// admins for `team:update`).
    fn require_team(
        &self,
        actor: &str,
        org: &str,
        team: &str,
        scope: &'static str,
    ) -> Result<(), ManageError> {
        let org_id = self.member_org(actor, scope, org, (&format!("{org}/{team}"), ResourceKind::Team))?;
        let team_id = self.team_id(org_id, team)?;
        self.require(actor, scope, ResourceRef::Team(org_id, team_id))
    }

    /// Sets a team's permission on a stack, environment or account (`team:update` on the
    /// team: organization admins and that team's admins). `Permission::None` removes it.
    pub fn set_team_permission(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        kind: EntityKind,
        entity: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        self.require_team(actor, org, team, "team:update")?;
        self.change(Change::SetTeamPermission {
            org: org.into(),
            team: team.into(),
            kind: kind.as_str().into(),
            entity: entity.into(),
            permission: level.as_str().into(),
        })
    }

    /// Assigns a custom role to a team, or removes it (needs `role:update` and `team:update`
    /// organization-wide: being the team's admin is not enough, since a role can grant more
    /// than the team admin holds).
    pub fn set_team_role(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        role: &str,
        assigned: bool,
    ) -> Result<(), ManageError> {
        let org_id = self.member_of_org(actor, "role:update", org)?;
        self.team_id(org_id, team)?;
        self.require(actor, "role:update", ResourceRef::Org(org_id))?;
        self.require(actor, "team:update", ResourceRef::Org(org_id))?;
        self.change(Change::SetTeamRole { org: org.into(), team: team.into(), role: role.into(), assigned })
    }
}
