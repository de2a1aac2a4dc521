//! Building the index from checked snapshot values. Every write into the index, and every
//! lookup the loader makes in what it has built so far, is one small function here; the loader
//! (`load.rs`, `tokens.rs`) works on wire values and calls these.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::OrgScopeSet;
use crate::engine::index::{
    CustomRole, Entity, EntityIdx, EntityRule, Identity, Index, Member, MemberIdx, Org, OrgIdx,
    PermissionScopes, PermissionSetDef, RoleIdx, RoleRef, Team, TeamIdx, TokenIdx, TokenRecord, TokenSubject,
    User, UserIdx,
};
use crate::model::{EntityKind, Permission, Settings, TokenKind};
use crate::token::keys::SigningConfig;

/// Adds a user with no memberships (management actions use it too).
pub(crate) fn push_user(index: &mut Index, login: &str) -> UserIdx {
    let idx = index.users.len() as UserIdx;
    index.users.push(User { login: login.into(), name: None, memberships: Vec::new() });
    index.user_by_login.insert(login.into(), idx);
    idx
}

/// A team with no members, grants or roles.
pub(crate) fn empty_team(name: &str) -> Team {
    Team {
        name: name.into(),
        display_name: None,
        description: None,
        github: false,
        members: Vec::new(),
        grants: Default::default(),
        roles: Vec::new(),
        deleted: false,
    }
}

/// A token record as the loader has checked it.
#[derive(Debug)]
pub(crate) struct NewToken<'a> {
    pub id: &'a str,
    pub kind: TokenKind,
    pub org: Option<OrgIdx>,
    pub subject: TokenSubject,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub digest: Option<[u8; 32]>,
    pub created: u64,
    pub expires: u64,
    pub deleted: bool,
}

/// The index being built.
#[derive(Debug, Default)]
pub(crate) struct Builder {
    index: Index,
}

impl Builder {
    pub fn finish(self) -> Index {
        self.index
    }

    fn org(&self, org: OrgIdx) -> Option<&Org> {
        self.index.orgs.get(org as usize)
    }

    fn org_mut(&mut self, org: OrgIdx) -> Option<&mut Org> {
        self.index.orgs.get_mut(org as usize)
    }

    pub fn set_revision(&mut self, revision: u64) {
        self.index.revision = revision;
    }

    pub fn set_signing(&mut self, signing: SigningConfig) {
        self.index.signing = signing;
    }

    pub fn revoke(&mut self, id: &str) {
        self.index.revoked.insert(id.into());
    }

    // Users.

    pub fn user(&self, login: &str) -> Option<UserIdx> {
        self.index.user_by_login.get(login).copied()
    }

    pub fn add_user(&mut self, login: &str, name: Option<&str>) -> UserIdx {
        let idx = push_user(&mut self.index, login);
        if let Some(user) = self.index.users.get_mut(idx as usize) {
            user.name = name.map(Into::into);
        }
        idx
    }

    // Organizations.

    pub fn has_org(&self, name: &str) -> bool {
        self.index.org_by_name.contains_key(name)
    }

    pub fn add_org(&mut self, name: &str, settings: Settings) -> OrgIdx {
        let idx = self.index.orgs.len() as OrgIdx;
        self.index.org_by_name.insert(name.into(), idx);
        self.index.orgs.push(Org {
            name: name.into(),
            settings,
            members: Vec::new(),
            roles: Vec::new(),
            role_by_name: FxHashMap::default(),
            permission_sets: Vec::new(),
            teams: Vec::new(),
            team_by_name: FxHashMap::default(),
            entities: Default::default(),
            tokens: Vec::new(),
            token_names: FxHashSet::default(),
        });
        idx
    }

    // Permission sets.

    pub fn permission_set(&self, org: OrgIdx, name: &str) -> Option<PermissionScopes> {
        self.org(org)?.permission_sets.iter().find(|p| &*p.name == name).map(|p| p.scopes)
    }

    pub fn add_permission_set(&mut self, org: OrgIdx, name: &str, scopes: PermissionScopes) {
        if let Some(o) = self.org_mut(org) {
            o.permission_sets.push(PermissionSetDef { name: name.into(), scopes });
        }
    }

    // Stacks, environments and accounts.

    pub fn entity(&self, org: OrgIdx, kind: EntityKind, name: &str) -> Option<EntityIdx> {
        self.org(org)?.entities(kind).by_name.get(name).copied()
    }

    /// Adds an entity; gives the name back when it is taken.
    pub fn add_entity(
        &mut self,
        org: OrgIdx,
        kind: EntityKind,
        name: String,
        tags: Vec<(&str, &str)>,
    ) -> Result<EntityIdx, String> {
        let Some(o) = self.org_mut(org) else { return Err(name) };
        let table = o.entities_mut(kind);
        let idx = table.items.len() as EntityIdx;
        let name: Box<str> = name.into();
        match table.by_name.entry(name.clone()) {
            std::collections::hash_map::Entry::Occupied(_) => return Err(name.into()),
            std::collections::hash_map::Entry::Vacant(slot) => slot.insert(idx),
        };
        let tags = tags.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        table.items.push(Entity { name, tags, creator: None, grants: Vec::new(), deleted: false });
        Ok(idx)
    }

    fn entity_mut(&mut self, org: OrgIdx, kind: EntityKind, idx: EntityIdx) -> Option<&mut Entity> {
        self.org_mut(org)?.entities_mut(kind).items.get_mut(idx as usize)
    }

    pub fn set_creator(&mut self, org: OrgIdx, kind: EntityKind, idx: EntityIdx, creator: Identity) {
        if let Some(entity) = self.entity_mut(org, kind, idx) {
            entity.creator = Some(creator);
        }
    }

    pub fn add_grant(
        &mut self,
        org: OrgIdx,
        kind: EntityKind,
        idx: EntityIdx,
        user: UserIdx,
        level: Permission,
    ) {
        if let Some(entity) = self.entity_mut(org, kind, idx) {
            entity.grants.push((user, level));
        }
    }

    // Roles.

    pub fn role(&self, org: OrgIdx, name: &str) -> Option<RoleIdx> {
        self.org(org)?.role_by_name.get(name).copied()
    }

    pub fn add_role(
        &mut self,
        org: OrgIdx,
        name: &str,
        description: Option<&str>,
        org_set: Option<(&str, OrgScopeSet)>,
        rules: Vec<EntityRule>,
    ) {
        let Some(o) = self.org_mut(org) else { return };
        let idx = o.roles.len() as RoleIdx;
        o.role_by_name.insert(name.into(), idx);
        o.roles.push(CustomRole {
            name: name.into(),
            description: description.map(Into::into),
            org_set_name: org_set.map(|(set, _)| set.into()),
            org_scopes: org_set.map_or(OrgScopeSet::EMPTY, |(_, scopes)| scopes),
            rules,
            deleted: false,
        });
    }

    // Members.

    /// The membership of `login` in `org`: the user, the member and its role.
    pub fn member(&self, org: OrgIdx, login: &str) -> Option<(UserIdx, MemberIdx, RoleRef)> {
        let user = self.user(login)?;
        let (_, member) = self.index.users.get(user as usize)?.memberships.iter().find(|(o, _)| *o == org)?;
        let role = self.org(org)?.members.get(*member as usize)?.role;
        Some((user, *member, role))
    }

    /// Makes `user` a member of `org` (the caller checked that it is not one yet).
    pub fn add_member(&mut self, org: OrgIdx, user: UserIdx, role: RoleRef) {
        let Some(o) = self.org_mut(org) else { return };
        let member = o.members.len() as MemberIdx;
        o.members.push(Member { user, role, teams: Vec::new(), admin_of: Vec::new(), removed: false });
        if let Some(u) = self.index.users.get_mut(user as usize) {
            u.memberships.push((org, member));
        }
    }

    // Teams.

    pub fn team(&self, org: OrgIdx, name: &str) -> Option<TeamIdx> {
        self.org(org)?.team_by_name.get(name).copied()
    }

    pub fn add_team(
        &mut self,
        org: OrgIdx,
        name: &str,
        display_name: Option<&str>,
        description: Option<&str>,
        github: bool,
    ) -> TeamIdx {
        let Some(o) = self.org_mut(org) else { return 0 };
        let idx = o.teams.len() as TeamIdx;
        o.team_by_name.insert(name.into(), idx);
        o.teams.push(Team {
            display_name: display_name.map(Into::into),
            description: description.map(Into::into),
            github,
            ..empty_team(name)
        });
        idx
    }

    /// A gone team that a deleted team token still names: kept as a tombstone.
    pub fn add_gone_team(&mut self, org: OrgIdx, name: &str) -> TeamIdx {
        let Some(o) = self.org_mut(org) else { return 0 };
        o.teams.push(Team { deleted: true, ..empty_team(name) });
        (o.teams.len() - 1) as TeamIdx
    }

    /// Adds a member (or admin) to a team; `false` when the member was in it already.
    pub fn add_team_member(&mut self, org: OrgIdx, team: TeamIdx, member: MemberIdx, admin: bool) -> bool {
        let Some(o) = self.org_mut(org) else { return false };
        let Some(m) = o.members.get_mut(member as usize) else { return false };
        if admin && !m.admin_of.contains(&team) {
            m.admin_of.push(team);
        }
        if m.teams.contains(&team) {
            return false;
        }
        m.teams.push(team);
        if let Some(t) = o.teams.get_mut(team as usize) {
            t.members.push(member);
        }
        true
    }

    /// Grants a team a level on an entity; `false` when it held a grant on it already.
    pub fn add_team_grant(
        &mut self,
        org: OrgIdx,
        team: TeamIdx,
        kind: EntityKind,
        idx: EntityIdx,
        level: Permission,
    ) -> bool {
        let team = self.org_mut(org).and_then(|o| o.teams.get_mut(team as usize));
        team.is_some_and(|t| t.grants_mut(kind).insert(idx, level).is_none())
    }

    /// Assigns a custom role to a team; `false` when the team holds it already.
    pub fn add_team_role(&mut self, org: OrgIdx, team: TeamIdx, role: RoleIdx) -> bool {
        let Some(t) = self.org_mut(org).and_then(|o| o.teams.get_mut(team as usize)) else { return false };
        if t.roles.contains(&role) {
            return false;
        }
        t.roles.push(role);
        true
    }

    // Tokens.

    pub fn token(&self, id: &str) -> Option<TokenIdx> {
        self.index.token_by_id.get(id).copied()
    }

    /// The organization and kind of a token.
    pub fn token_owner(&self, token: TokenIdx) -> Option<(Option<OrgIdx>, TokenKind)> {
        self.index.tokens.get(token as usize).map(|t| (t.org, t.kind))
    }

    pub fn digest_taken(&self, digest: &[u8; 32]) -> bool {
        self.index.token_by_digest.contains_key(digest)
    }

    /// Whether an organization or team token of `org` (deleted ones included) has the name.
    pub fn token_name_taken(&self, org: OrgIdx, name: &str) -> bool {
        self.org(org).is_some_and(|o| o.token_names.contains(name))
    }

    pub fn add_token(&mut self, token: NewToken<'_>) -> TokenIdx {
        let idx = self.index.tokens.len() as TokenIdx;
        if let Some(digest) = token.digest {
            self.index.token_by_digest.insert(digest, idx);
        }
        self.index.token_by_id.insert(token.id.into(), idx);
        self.index.tokens.push(TokenRecord {
            id: token.id.into(),
            kind: token.kind,
            org: token.org,
            subject: token.subject,
            name: token.name.map(Into::into),
            description: token.description.map(Into::into),
            digest: token.digest,
            created: token.created,
            expires: token.expires,
            created_by: None,
            deleted: token.deleted,
        });
        if let Some(o) = token.org.and_then(|org| self.index.orgs.get_mut(org as usize)) {
            o.tokens.push(idx);
            if let Some(name) = token.name {
                o.token_names.insert(name.into());
            }
        }
        idx
    }

    pub fn set_created_by(&mut self, token: TokenIdx, user: UserIdx) {
        if let Some(t) = self.index.tokens.get_mut(token as usize) {
            t.created_by = Some(user);
        }
    }
}
