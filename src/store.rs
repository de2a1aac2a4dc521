//! The indexed in-memory form of a snapshot. Every lookup on the check path is a hash lookup or
//! a walk over the principal's own teams and roles, never over the organization's entities, so a
//! check costs the same for ten stacks and a hundred thousand.
//!
//! Removals leave tombstones (`deleted`) so that indices held elsewhere stay valid.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::catalog::{EntityScopeSet, OrgScopeSet};
use crate::model::{BuiltinRole, EntityKind, Permission, Settings, TokenKind};

mod principal;
mod signing;

pub use principal::{ClaimsPrincipal, PrincipalRef, Who};
pub use signing::Algorithm;
pub(crate) use signing::{KeyMaterial, SigningConfig, VerificationKey};

/// Index of a user in [`Store::users`].
pub type UserIdx = u32;
/// Index of an organization in [`Store::orgs`].
pub type OrgIdx = u32;
/// Index of a member in [`Org::members`].
pub type MemberIdx = u32;
/// Index of a team in [`Org::teams`].
pub type TeamIdx = u32;
/// Index of a custom role in [`Org::roles`].
pub type RoleIdx = u32;
/// Index of an entity in its [`EntityTable`].
pub type EntityIdx = u32;
/// Index of a token in [`Store::tokens`].
pub type TokenIdx = u32;

/// Everything the engine knows, indexed.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// The snapshot revision this state derives from.
    pub revision: u64,
    pub users: Vec<User>,
    pub user_by_login: FxHashMap<Box<str>, UserIdx>,
    pub orgs: Vec<Org>,
    pub org_by_name: FxHashMap<Box<str>, OrgIdx>,
    pub tokens: Vec<TokenRecord>,
    pub token_by_id: FxHashMap<Box<str>, TokenIdx>,
    /// Opaque tokens by the SHA-256 digest of their string.
    pub token_by_digest: FxHashMap<[u8; 32], TokenIdx>,
    /// Keys, issuer, audience and leeway for signed tokens.
    pub signing: SigningConfig,
    /// Revoked token ids (`jti`).
    pub revoked: FxHashSet<Box<str>>,
}

/// A user known to the snapshot.
#[derive(Debug, Clone)]
pub struct User {
    pub login: Box<str>,
    pub name: Option<Box<str>>,
    /// The user's memberships (usually one or two, so a linear scan is the fastest lookup).
    pub memberships: Vec<(OrgIdx, MemberIdx)>,
}

/// A role reference: built-in or custom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleRef {
    Builtin(BuiltinRole),
    Custom(RoleIdx),
}

/// An organization.
#[derive(Debug, Clone)]
pub struct Org {
    pub name: Box<str>,
    pub settings: Settings,
    pub members: Vec<Member>,
    pub roles: Vec<CustomRole>,
    pub role_by_name: FxHashMap<Box<str>, RoleIdx>,
    pub permission_sets: Vec<PermissionSetDef>,
    pub teams: Vec<Team>,
    pub team_by_name: FxHashMap<Box<str>, TeamIdx>,
    /// Stacks, environments and cloud accounts, by [`EntityKind::slot`].
    pub entities: [EntityTable; 3],
    /// Organization and team tokens of this organization.
    pub tokens: Vec<TokenIdx>,
    /// Every organization or team token name ever used here, deleted ones included.
    pub token_names: FxHashSet<Box<str>>,
}

impl Org {
    #[inline]
    pub fn entities(&self, kind: EntityKind) -> &EntityTable {
        match kind {
            EntityKind::Stack => &self.entities[0],
            EntityKind::Environment => &self.entities[1],
            EntityKind::Account => &self.entities[2],
        }
    }
    pub fn entities_mut(&mut self, kind: EntityKind) -> &mut EntityTable {
        match kind {
            EntityKind::Stack => &mut self.entities[0],
            EntityKind::Environment => &mut self.entities[1],
            EntityKind::Account => &mut self.entities[2],
        }
    }
    #[inline]
    pub fn member(&self, idx: MemberIdx) -> Option<&Member> {
        self.members.get(idx as usize).filter(|m| !m.removed)
    }
    #[inline]
    pub fn team(&self, idx: TeamIdx) -> Option<&Team> {
        self.teams.get(idx as usize).filter(|t| !t.deleted)
    }
    #[inline]
    pub fn role(&self, idx: RoleIdx) -> Option<&CustomRole> {
        self.roles.get(idx as usize).filter(|r| !r.deleted)
    }
    pub fn role_name(&self, role: RoleRef) -> &str {
        match role {
            RoleRef::Builtin(b) => b.as_str(),
            RoleRef::Custom(idx) => self.roles.get(idx as usize).map_or("", |r| &r.name),
        }
    }
}

/// One organization membership.
#[derive(Debug, Clone)]
pub struct Member {
    pub user: UserIdx,
    pub role: RoleRef,
    /// Teams the member belongs to (admins included).
    pub teams: Vec<TeamIdx>,
    /// Teams the member administers.
    pub admin_of: Vec<TeamIdx>,
    pub removed: bool,
}

/// A custom permission set defined by the organization.
#[derive(Debug, Clone)]
pub struct PermissionSetDef {
    pub name: Box<str>,
    pub scopes: PermissionScopes,
}

/// The scopes of a permission set: organization-level or on one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionScopes {
    Organization(OrgScopeSet),
    Entity(EntityKind, EntityScopeSet),
}

/// A custom role.
#[derive(Debug, Clone)]
pub struct CustomRole {
    pub name: Box<str>,
    pub description: Option<Box<str>>,
    /// The organization access level's permission set id (built-in or custom), if any.
    pub org_set_name: Option<Box<str>>,
    pub org_scopes: OrgScopeSet,
    pub rules: Vec<EntityRule>,
    pub deleted: bool,
}

/// An entity access rule of a custom role.
#[derive(Debug, Clone)]
pub struct EntityRule {
    pub kind: EntityKind,
    pub selector: Selector,
    pub set_name: Box<str>,
    pub scopes: EntityScopeSet,
}

/// Which entities a rule applies to.
#[derive(Debug, Clone)]
pub enum Selector {
    /// Every entity of the kind, present and future.
    All,
    /// Specific entities.
    Entities(FxHashSet<EntityIdx>),
    /// Entities whose tags match every condition.
    Tags(Vec<TagCondition>),
}

/// `tag key equals value`, or `tag key exists` when `value` is `None`.
#[derive(Debug, Clone)]
pub struct TagCondition {
    pub key: Box<str>,
    pub value: Option<Box<str>>,
}

impl Selector {
    pub fn matches(&self, idx: EntityIdx, entity: &Entity) -> bool {
        match self {
            Self::All => true,
            Self::Entities(set) => set.contains(&idx),
            Self::Tags(conditions) => conditions.iter().all(|c| entity.tag_matches(c)),
        }
    }
}

/// A team.
#[derive(Debug, Clone)]
pub struct Team {
    pub name: Box<str>,
    pub display_name: Option<Box<str>>,
    pub description: Option<Box<str>>,
    /// `pulumi` or `github`; GitHub teams take their membership from GitHub.
    pub github: bool,
    pub members: Vec<MemberIdx>,
    /// Grants on stacks, environments and accounts, by [`EntityKind::slot`].
    pub grants: [FxHashMap<EntityIdx, Permission>; 3],
    pub roles: Vec<RoleIdx>,
    pub deleted: bool,
}

impl Team {
    #[inline]
    pub fn grant(&self, kind: EntityKind, idx: EntityIdx) -> Permission {
        let map = match kind {
            EntityKind::Stack => &self.grants[0],
            EntityKind::Environment => &self.grants[1],
            EntityKind::Account => &self.grants[2],
        };
        map.get(&idx).copied().unwrap_or_default()
    }
    pub fn grants_mut(&mut self, kind: EntityKind) -> &mut FxHashMap<EntityIdx, Permission> {
        match kind {
            EntityKind::Stack => &mut self.grants[0],
            EntityKind::Environment => &mut self.grants[1],
            EntityKind::Account => &mut self.grants[2],
        }
    }
    pub fn grants(&self, kind: EntityKind) -> &FxHashMap<EntityIdx, Permission> {
        match kind {
            EntityKind::Stack => &self.grants[0],
            EntityKind::Environment => &self.grants[1],
            EntityKind::Account => &self.grants[2],
        }
    }
}

/// The stacks (or environments, or accounts) of one organization.
#[derive(Debug, Clone, Default)]
pub struct EntityTable {
    pub items: Vec<Entity>,
    /// `project/name` for stacks and environments, `name` for accounts.
    pub by_name: FxHashMap<Box<str>, EntityIdx>,
}

impl EntityTable {
    #[inline]
    pub fn get(&self, idx: EntityIdx) -> Option<&Entity> {
        self.items.get(idx as usize).filter(|e| !e.deleted)
    }
    pub fn find(&self, name: &str) -> Option<(EntityIdx, &Entity)> {
        let idx = *self.by_name.get(name)?;
        self.get(idx).map(|e| (idx, e))
    }
}

/// Who holds a creator grant: a user, or a machine token's own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    User(UserIdx),
    Token(TokenIdx),
    /// A signed machine token with no record: it can hold no grant of its own.
    Claims,
}

/// A stack, environment or cloud account.
#[derive(Debug, Clone)]
pub struct Entity {
    /// `project/name` (or `name` for accounts).
    pub name: Box<str>,
    pub tags: Vec<(Box<str>, Box<str>)>,
    /// Holder of the creator's ADMIN grant, if it has not been removed.
    pub creator: Option<Identity>,
    /// Explicit per-user grants.
    pub grants: Vec<(UserIdx, Permission)>,
    pub deleted: bool,
}

impl Entity {
    pub fn tag_matches(&self, condition: &TagCondition) -> bool {
        self.tags
            .iter()
            .any(|(k, v)| **k == *condition.key && condition.value.as_deref().is_none_or(|want| **v == *want))
    }
    #[inline]
    pub fn explicit_grant(&self, user: UserIdx) -> Permission {
        self.grants.iter().filter(|(u, _)| *u == user).map(|(_, p)| *p).max().unwrap_or_default()
    }
}

/// The role an organization token acts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenSubject {
    /// A personal token acts as its user.
    User(UserIdx),
    /// An organization token acts by its role.
    Role(RoleRef),
    /// A team token acts as its team.
    Team(TeamIdx),
}

/// A stored token record. Only a digest of the secret is kept.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub id: Box<str>,
    pub kind: TokenKind,
    /// The organization of an organization or team token.
    pub org: Option<OrgIdx>,
    pub subject: TokenSubject,
    pub name: Option<Box<str>>,
    pub description: Option<Box<str>>,
    /// SHA-256 of the token string, if the token is opaque.
    pub digest: Option<[u8; 32]>,
    pub created: u64,
    /// Seconds since the epoch; 0 means it never expires.
    pub expires: u64,
    pub created_by: Option<UserIdx>,
    pub deleted: bool,
}

impl Store {
    /// Adds a user with no memberships; the caller has checked that the login is new.
    pub(crate) fn push_user(&mut self, login: &str) -> UserIdx {
        let idx = self.users.len() as UserIdx;
        self.users.push(User { login: login.into(), name: None, memberships: Vec::new() });
        self.user_by_login.insert(login.into(), idx);
        idx
    }
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

impl Store {
    /// The settings of an organization.
    pub(crate) fn settings(&self, org: &str) -> Option<Settings> {
        let idx = *self.org_by_name.get(org)?;
        self.orgs.get(idx as usize).map(|o| o.settings)
    }
}

impl Store {
    /// A description of a token record for answers (`Authenticated`) and listings.
    pub(crate) fn describe_token(&self, idx: u32) -> Option<(TokenKind, Option<String>, String, u64)> {
        let record = self.tokens.get(idx as usize)?;
        let org = record.org.and_then(|o| self.orgs.get(o as usize));
        let subject = match record.subject {
            TokenSubject::User(u) => self.users.get(u as usize).map(|u| u.login.to_string()),
            TokenSubject::Team(t) => org.and_then(|o| o.teams.get(t as usize)).map(|t| t.name.to_string()),
            TokenSubject::Role(r) => org.map(|o| o.role_name(r).to_string()),
        }?;
        Some((record.kind, org.map(|o| o.name.to_string()), subject, record.expires))
    }
}
