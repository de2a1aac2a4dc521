//! Management actions (PRODUCT decision 8): each takes the acting principal, asks one
//! authorization question through [`Authorizer`] (the same decision path as `check`), and applies
//! one store mutation, or refuses with [`ManageError::Forbidden`] naming the missing right.

mod stacks;
mod teams;
mod tokens;

pub(crate) use tokens::list_tokens;
pub use tokens::{MintRequest, Minted, TokenView};

use crate::authorize::{Authorizer, ResourceRef, SpecialScopes};
use crate::catalog::Catalog;
use crate::error::ManageError;
use crate::model::{BuiltinRole, EntityKind, Permission, Settings};
use crate::snapshot::NameRule;
use crate::store::{MemberId, OrgId, RoleRef, Store, TeamId, UserId};

/// Management actions over one state.
#[derive(Debug)]
pub(crate) struct Manager<'a> {
    pub catalog: &'a Catalog,
    pub special: &'a SpecialScopes,
    pub store: &'a mut Store,
}

/// A change to organization settings; `None` leaves a setting as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsPatch {
    /// `defaultStackPermission`.
    pub default_stack_permission: Option<Permission>,
    /// `defaultEnvironmentPermission`.
    pub default_environment_permission: Option<Permission>,
    /// `defaultAccountPermission`.
    pub default_account_permission: Option<Permission>,
    /// `membersCanCreateStacks`.
    pub members_can_create_stacks: Option<bool>,
    /// `stackAdminsCanDeleteStacks`.
    pub stack_admins_can_delete_stacks: Option<bool>,
    /// `stackAdminsCanTransferStacks`.
    pub stack_admins_can_transfer_stacks: Option<bool>,
    /// `membersCanCreateTeams`.
    pub members_can_create_teams: Option<bool>,
    /// `membersCanCreateAccounts`.
    pub members_can_create_accounts: Option<bool>,
    /// `teamTokensGetMemberDefaults`.
    pub team_tokens_get_member_defaults: Option<bool>,
    /// `tokenExpiryPolicyDays`: `Some(None)` removes the policy.
    pub token_expiry_policy_days: Option<Option<u32>>,
}

impl SettingsPatch {
    /// The settings with this patch applied.
    fn apply(&self, s: Settings) -> Settings {
        Settings {
            default_stack_permission: self.default_stack_permission.unwrap_or(s.default_stack_permission),
            default_environment_permission: self
                .default_environment_permission
                .unwrap_or(s.default_environment_permission),
            default_account_permission: self
                .default_account_permission
                .unwrap_or(s.default_account_permission),
            members_can_create_stacks: self.members_can_create_stacks.unwrap_or(s.members_can_create_stacks),
            stack_admins_can_delete_stacks: self
                .stack_admins_can_delete_stacks
                .unwrap_or(s.stack_admins_can_delete_stacks),
            stack_admins_can_transfer_stacks: self
                .stack_admins_can_transfer_stacks
                .unwrap_or(s.stack_admins_can_transfer_stacks),
            members_can_create_teams: self.members_can_create_teams.unwrap_or(s.members_can_create_teams),
            members_can_create_accounts: self
                .members_can_create_accounts
                .unwrap_or(s.members_can_create_accounts),
            team_tokens_get_member_defaults: self
                .team_tokens_get_member_defaults
                .unwrap_or(s.team_tokens_get_member_defaults),
            token_expiry_policy_days: self.token_expiry_policy_days.unwrap_or(s.token_expiry_policy_days),
        }
    }
}

pub(crate) fn not_found(what: &'static str, name: &str) -> ManageError {
    ManageError::NotFound { what, name: crate::snapshot::shorten(name) }
}

pub(crate) fn conflict(what: &'static str, name: &str, why: &'static str) -> ManageError {
    ManageError::Conflict { what, name: crate::snapshot::shorten(name), why }
}

pub(crate) fn invalid_name(rule: NameRule, what: &'static str, name: &str) -> Result<(), ManageError> {
    if rule.accepts(name) {
        return Ok(());
    }
    let why = format!("`{}` is not a valid {what}", crate::snapshot::shorten(name));
    Err(ManageError::InvalidArgument { what, why })
}

impl Manager<'_> {
    fn view(&self) -> Authorizer<'_> {
        Authorizer { catalog: self.catalog, special: self.special, store: self.store }
    }

    /// Refuses unless `actor` holds `scope` on `resource`.
    fn require(&self, actor: &str, scope: &'static str, resource: ResourceRef) -> Result<(), ManageError> {
        self.view().require(actor, scope, resource)
    }

    fn org_id(&self, org: &str) -> Result<OrgId, ManageError> {
        self.store.org_id(org).ok_or_else(|| not_found("organization", org))
    }

    fn team_id(&self, org: OrgId, team: &str) -> Result<TeamId, ManageError> {
        self.store.org(org).and_then(|o| o.team_id(team)).ok_or_else(|| not_found("team", team))
    }

    fn member_of(&self, org: OrgId, login: &str) -> Result<(UserId, MemberId), ManageError> {
        let user = self.store.user_id(login).ok_or_else(|| not_found("member", login))?;
        let (member, _) = self.store.membership(user, org).ok_or_else(|| not_found("member", login))?;
        Ok((user, member))
    }

    fn parse_role(&self, org: OrgId, role: &str) -> Result<RoleRef, ManageError> {
        if let Some(builtin) = BuiltinRole::parse(role) {
            return Ok(RoleRef::Builtin(builtin));
        }
        let id = self.store.org(org).and_then(|o| o.role_id(role)).ok_or_else(|| not_found("role", role))?;
        Ok(RoleRef::Custom(id))
    }

    /// Changes organization settings (`organization:update`: organization admins).
    pub fn update_settings(
        &mut self,
        actor: &str,
        org: &str,
        patch: &SettingsPatch,
    ) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        self.require(actor, "organization:update", ResourceRef::Org(org_id))?;
        if let Some(Some(days)) = patch.token_expiry_policy_days {
            if !(1..=3650).contains(&days) {
                let why = "must be from 1 to 3650 days".to_string();
                return Err(ManageError::InvalidArgument { what: "tokenExpiryPolicyDays", why });
            }
        }
        for (kind, level) in [
            (EntityKind::Stack, patch.default_stack_permission),
            (EntityKind::Environment, patch.default_environment_permission),
            (EntityKind::Account, patch.default_account_permission),
        ] {
            if level.is_some_and(|l| !kind.accepts(l)) {
                let why = format!("`open` is not a {kind} permission");
                return Err(ManageError::InvalidArgument { what: "default permission", why });
            }
        }
        let current = *self.store.org(org_id).ok_or_else(|| not_found("organization", org))?.settings();
        self.store.set_settings(org_id, patch.apply(current));
        Ok(())
    }

    /// Adds a user to an organization with a role (`org_member:add`).
    pub fn add_member(&mut self, actor: &str, org: &str, login: &str, role: &str) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        self.require(actor, "org_member:add", ResourceRef::Org(org_id))?;
        let role = self.parse_role(org_id, role)?;
        invalid_name(NameRule::Login, "login", login)?;
        if self.member_of(org_id, login).is_ok() {
            return Err(conflict("member", login, "is already a member"));
        }
        let user = self.store.user_or_new(login);
        self.store
            .add_member(org_id, user, role)
            .map_err(|_| conflict("member", login, "is already a member"))?;
        Ok(())
    }

    /// Removes a user from an organization and its teams (`org_member:delete`).
    pub fn remove_member(&mut self, actor: &str, org: &str, login: &str) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        self.require(actor, "org_member:delete", ResourceRef::Org(org_id))?;
        let (user, _) = self.member_of(org_id, login)?;
        self.store.remove_member(org_id, user);
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
        let org_id = self.org_id(org)?;
        self.require(actor, "org_member:update", ResourceRef::Org(org_id))?;
        let role = self.parse_role(org_id, role)?;
        if role == RoleRef::Builtin(BuiltinRole::Admin) {
            self.require(actor, "org_member:set_admin", ResourceRef::Org(org_id))?;
        }
        let (_, member) = self.member_of(org_id, login)?;
        self.store
            .set_member_role(org_id, member, role)
            .map_err(|_| conflict("member", login, "belongs to teams; billing managers hold no team access"))
    }
}
