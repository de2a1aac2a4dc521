//! Building the store from checked snapshot values. The loader (`load.rs`, `org.rs`,
//! `tokens.rs`) works on wire values and calls this thin layer, which reads what has been built
//! so far and changes it only through the store's own mutations.

use crate::catalog::OrgScopeSet;
use crate::model::{EntityKind, Permission, Settings, TokenKind};
use crate::store::{
    AccessRefused, CustomRole, EntityId, EntityRule, Identity, MemberId, NewToken, OrgId, PermissionScopes,
    PermissionSetDef, RoleId, RoleRef, SigningConfig, Store, TeamId, TokenConflict, TokenId, UserId,
};

/// The store being built.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    store: Store,
}

impl Builder {
    pub fn finish(self) -> Store {
        self.store
    }

    pub fn set_revision(&mut self, revision: u64) {
        self.store.set_revision(revision);
    }

    pub fn set_not_after(&mut self, not_after: Option<u64>) {
        self.store.set_not_after(not_after);
    }

    /// Builds on an existing store (for changes applied to a loaded state).
    pub fn over(store: Store) -> Self {
        Self { store }
    }

    pub fn set_signing(&mut self, signing: SigningConfig) {
        self.store.set_signing(signing);
    }

    pub fn revoke(&mut self, id: &str) {
        self.store.revoke(id);
    }

    // Users.

    pub fn user(&self, login: &str) -> Option<UserId> {
        self.store.user_id(login)
    }

    /// Adds a user (the caller checked that the login is new).
    pub fn add_user(&mut self, login: &str, name: Option<&str>) -> Option<UserId> {
        self.store.add_user(login, name).ok()
    }

    /// The user with this login, added when unknown.
    pub fn user_or_new(&mut self, login: &str) -> UserId {
        self.store.user_or_new(login)
    }

    // Organizations.

    pub fn has_org(&self, name: &str) -> bool {
        self.store.org_id(name).is_some()
    }

    pub fn add_org(&mut self, name: &str, settings: Settings) -> Option<OrgId> {
        self.store.add_org(name, settings).ok()
    }

    // Permission sets.

    pub fn permission_set(&self, org: OrgId, name: &str) -> Option<PermissionScopes> {
        self.store.org(org)?.permission_set(name).map(PermissionSetDef::scopes)
    }

    pub fn add_permission_set(&mut self, org: OrgId, name: &str, scopes: PermissionScopes) {
        // The loader refused a repeated name first.
        let _ = self.store.add_permission_set(org, PermissionSetDef::new(name, scopes));
    }

    // Stacks, environments and accounts.

    pub fn entity(&self, org: OrgId, kind: EntityKind, name: &str) -> Option<EntityId> {
        self.store.org(org)?.entities(kind).find(name).map(|(id, _)| id)
    }

    /// Adds an entity; gives the name back when it is taken.
    pub fn add_entity(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        name: String,
        tags: Vec<(&str, &str)>,
    ) -> Result<EntityId, String> {
        let tags = tags.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        self.store.add_entity(org, kind, &name, tags, None).map_err(|_| name)
    }

    /// Sets an entity's creator; a Billing Manager is refused.
    pub fn set_creator(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        id: EntityId,
        creator: Identity,
    ) -> Result<(), AccessRefused> {
        self.store.set_creator(org, kind, id, Some(creator))
    }

    /// Adds an explicit grant; a Billing Manager is refused.
    pub fn add_grant(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        id: EntityId,
        user: UserId,
        level: Permission,
    ) -> Result<(), AccessRefused> {
        self.store.set_explicit_grant(org, kind, id, user, level)
    }

    // Roles.

    pub fn role(&self, org: OrgId, name: &str) -> Option<RoleId> {
        self.store.org(org)?.role_id(name)
    }

    pub fn add_role(
        &mut self,
        org: OrgId,
        name: &str,
        description: Option<&str>,
        org_set: Option<(&str, OrgScopeSet)>,
        rules: Vec<EntityRule>,
    ) {
        // The loader refused a repeated name first.
        let _ = self.store.add_role(org, CustomRole::new(name, description, org_set, rules));
    }

    // Members.

    /// The membership of `login` in `org`: the user, the member and its role.
    pub fn member(&self, org: OrgId, login: &str) -> Option<(UserId, MemberId, RoleRef)> {
        let user = self.user(login)?;
        let (member, m) = self.store.membership(user, org)?;
        Some((user, member, m.role()))
    }

    /// Makes `user` a member of `org` (the caller checked that it is not one yet).
    pub fn add_member(&mut self, org: OrgId, user: UserId, role: RoleRef) {
        let _ = self.store.add_member(org, user, role);
    }

    // Teams.

    pub fn team(&self, org: OrgId, name: &str) -> Option<TeamId> {
        self.store.org(org)?.team_id(name)
    }

    /// Adds a team (the caller checked that the name is new).
    pub fn add_team(
        &mut self,
        org: OrgId,
        name: &str,
        display_name: Option<&str>,
        description: Option<&str>,
        github: bool,
    ) -> Option<TeamId> {
        self.store.add_team(org, name, display_name, description, github).ok()
    }

    /// A gone team that a deleted team token still names: kept as a tombstone.
    pub fn add_gone_team(&mut self, org: OrgId, name: &str) -> Option<TeamId> {
        self.store.add_deleted_team(org, name)
    }

    /// Adds a member (or admin) to a team; `Ok(false)` when the member was in it already (an
    /// admin stays one), `Err` for a Billing Manager.
    pub fn add_team_member(
        &mut self,
        org: OrgId,
        team: TeamId,
        member: MemberId,
        admin: bool,
    ) -> Result<bool, AccessRefused> {
        let admin_already =
            self.store.org(org).and_then(|o| o.member(member)).is_some_and(|m| m.admin_of().contains(&team));
        self.store.set_team_member(org, team, member, admin || admin_already)
    }

    /// Grants a team a level on an entity; `false` when it held a grant on it already.
    pub fn add_team_grant(
        &mut self,
        org: OrgId,
        team: TeamId,
        kind: EntityKind,
        id: EntityId,
        level: Permission,
    ) -> bool {
        let held =
            self.store.org(org).and_then(|o| o.team(team)).is_some_and(|t| t.grants(kind).contains_key(&id));
        if !held {
            self.store.set_team_grant(org, team, kind, id, level);
        }
        !held
    }

    /// Assigns a custom role to a team; `false` when the team holds it already.
    pub fn add_team_role(&mut self, org: OrgId, team: TeamId, role: RoleId) -> bool {
        self.store.set_team_role(org, team, role, true)
    }

    // Tokens.

    pub fn token(&self, id: &str) -> Option<TokenId> {
        self.store.token_id(id)
    }

    /// The organization and kind of a token.
    pub fn token_owner(&self, token: TokenId) -> Option<(Option<OrgId>, TokenKind)> {
        self.store.token(token).map(|t| (t.org(), t.kind()))
    }

    pub fn digest_taken(&self, digest: &[u8; 32]) -> bool {
        self.store.token_by_digest(digest).is_some()
    }

    /// Whether an organization or team token of `org` (deleted ones included) has the name.
    pub fn token_name_taken(&self, org: OrgId, name: &str) -> bool {
        self.store.org(org).is_some_and(|o| o.token_name_used(name))
    }

    /// Adds a token record (the caller checked id, digest and name).
    pub fn add_token(&mut self, token: NewToken<'_>) -> Result<TokenId, TokenConflict> {
        self.store.add_token(token)
    }

    pub fn set_created_by(&mut self, token: TokenId, user: UserId) {
        self.store.set_token_created_by(token, user);
    }
}
