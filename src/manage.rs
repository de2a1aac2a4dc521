//! Management actions: each takes the acting principal, asks one
//! authorization question through [`Authorizer`] (the same decision path as `check`), and applies
//! one store mutation, or refuses with [`ManageError::Forbidden`] naming the missing right.
//!
//! An actor that is not a member of the organization an action names (an unknown principal
//! included) is refused before anything in that organization is looked up, with the same answer
//! whether or not the organization exists: refusals reveal no organization, team or stack to
//! outsiders.

mod change;
mod journal;
mod perform;
mod stacks;
mod teams;
mod tokens;

pub(crate) use change::Refusal;
pub(crate) use journal::Journal;
pub use journal::MAX_KEPT_CHANGES;
pub(crate) use perform::authority;

pub(crate) use tokens::list_tokens;
pub use tokens::{MintRequest, Minted, TokenView};

use crate::authorize::{Authorizer, ResourceRef, SpecialScopes};
use crate::catalog::Catalog;
use crate::decision::{Deny, ResourceKind};
use crate::error::ManageError;
use crate::model::BuiltinRole;
use crate::snapshot::{Change, NameRule};
use crate::store::{MemberId, OrgId, RoleRef, Store, TeamId, UserId};

/// Management actions over one state.
#[derive(Debug)]
pub(crate) struct Manager<'a> {
    pub catalog: &'a Catalog,
    pub special: &'a SpecialScopes,
    pub store: &'a mut Store,
    /// The changes applied since the state was loaded.
    pub journal: &'a mut Journal,
}

/// A change to organization settings; declared with the settings themselves.
pub use crate::model::SettingsPatch;

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

    /// The organization `org` for an actor that belongs to it. An actor that does not (an
    /// unknown principal included) is refused with `action` on `resource` (as the caller wrote
    /// it) whether or not the organization exists, so that the answer does not tell.
    fn member_org(
        &self,
        actor: &str,
        action: &'static str,
        org: &str,
        (resource, kind): (&str, ResourceKind),
    ) -> Result<OrgId, ManageError> {
        let refuse = |deny| ManageError::Forbidden {
            action,
            actor: actor.to_string(),
            resource: resource.to_string(),
            kind,
            deny,
        };
        if self.view().resolve_principal(actor).is_none() {
            return Err(refuse(Deny::UnknownPrincipal));
        }
        let org_id = self.store.org_id(org).ok_or_else(|| refuse(Deny::NotAMember))?;
        self.view().actor_for(actor, org_id).map_err(refuse)?;
        Ok(org_id)
    }

    /// [`Manager::member_org`] for an action on the organization itself.
    fn member_of_org(&self, actor: &str, action: &'static str, org: &str) -> Result<OrgId, ManageError> {
        self.member_org(actor, action, org, (org, ResourceKind::Organization))
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
        let org_id = self.member_of_org(actor, "organization:update", org)?;
        self.require(actor, "organization:update", ResourceRef::Org(org_id))?;
        let mut refused = None;
        patch.check(&mut |what, problem| {
            refused.get_or_insert(ManageError::InvalidArgument { what, why: problem.to_string() });
        });
        if let Some(refused) = refused {
            return Err(refused);
        }
        let mut settings = *self.store.org(org_id).ok_or_else(|| not_found("organization", org))?.settings();
        settings.apply(patch);
        self.change(Change::UpdateSettings { org: org.into(), settings: settings.to_wire() })
    }

    /// Applies a change after the action's authorization question.
    fn change(&mut self, change: Change) -> Result<(), ManageError> {
        self.apply(change).map_err(Refusal::into_manage)
    }

    /// Adds a user to an organization with a role (`org_member:add`).
    pub fn add_member(&mut self, actor: &str, org: &str, login: &str, role: &str) -> Result<(), ManageError> {
        let org_id = self.member_of_org(actor, "org_member:add", org)?;
        self.require(actor, "org_member:add", ResourceRef::Org(org_id))?;
        self.change(Change::AddMember { org: org.into(), login: login.into(), role: role.into() })
    }

    /// Removes a user from an organization and its teams (`org_member:delete`).
    pub fn remove_member(&mut self, actor: &str, org: &str, login: &str) -> Result<(), ManageError> {
        let org_id = self.member_of_org(actor, "org_member:delete", org)?;
        self.require(actor, "org_member:delete", ResourceRef::Org(org_id))?;
        self.change(Change::RemoveMember { org: org.into(), login: login.into() })
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
        let org_id = self.member_of_org(actor, "org_member:update", org)?;
        self.require(actor, "org_member:update", ResourceRef::Org(org_id))?;
        if self.parse_role(org_id, role)? == RoleRef::Builtin(BuiltinRole::Admin) {
            self.require(actor, "org_member:set_admin", ResourceRef::Org(org_id))?;
        }
        self.change(Change::SetMemberRole { org: org.into(), login: login.into(), role: role.into() })
    }
}
