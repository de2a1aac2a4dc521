//! An organization's state: settings, members, custom roles, permission sets, teams and the
//! tables of stacks, environments and accounts. Fields are the store's own; other layers read
//! them through these accessors and change them only through the store's mutations.

use rustc_hash::FxHashMap;

use super::entity::{EntityTable, Selector};
use super::ids::{EntityId, MemberId, NameSet, Names, OrgId, RoleId, TeamId, TokenId, UserId};
use crate::catalog::{EntityScopeSet, OrgScopeSet};
use crate::model::{BuiltinRole, EntityKind, Permission, Settings};

/// A role reference: built-in or custom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleRef {
    /// One of the three built-in roles.
    Builtin(BuiltinRole),
    /// A custom role of the organization.
    Custom(RoleId),
}

impl RoleRef {
    /// Billing Managers hold no team or stack access: they may not join a team, hold a grant
    /// or a creator grant. The one place this rule is written.
    pub fn may_hold_access(self) -> bool {
        self != Self::Builtin(BuiltinRole::BillingManager)
    }
}

/// An organization.
#[derive(Debug, Clone)]
pub struct Org {
    pub(super) name: Box<str>,
    pub(super) settings: Settings,
    pub(super) members: Vec<Member>,
    pub(super) roles: Vec<CustomRole>,
    pub(super) role_by_name: Names<RoleId>,
    pub(super) permission_sets: Vec<PermissionSetDef>,
    pub(super) teams: Vec<Team>,
    pub(super) team_by_name: Names<TeamId>,
    /// Stacks, environments and cloud accounts, by [`EntityKind::slot`].
    pub(super) entities: [EntityTable; 3],
    /// Organization and team tokens of this organization.
    pub(super) tokens: Vec<TokenId>,
    /// Every organization or team token name ever used here, deleted ones included.
    pub(super) token_names: NameSet,
}

impl Org {
    pub(super) fn new(name: &str, settings: Settings) -> Self {
        Self {
            name: name.into(),
            settings,
            members: Vec::new(),
            roles: Vec::new(),
            role_by_name: Names::default(),
            permission_sets: Vec::new(),
            teams: Vec::new(),
            team_by_name: Names::default(),
            entities: Default::default(),
            tokens: Vec::new(),
            token_names: NameSet::default(),
        }
    }

    /// The organization's name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its settings.
    #[inline]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }
    /// The stacks, environments or accounts.
    #[inline]
    pub fn entities(&self, kind: EntityKind) -> &EntityTable {
        match kind {
            EntityKind::Stack => &self.entities[0],
            EntityKind::Environment => &self.entities[1],
            EntityKind::Account => &self.entities[2],
        }
    }
    pub(super) fn entities_mut(&mut self, kind: EntityKind) -> &mut EntityTable {
        match kind {
            EntityKind::Stack => &mut self.entities[0],
            EntityKind::Environment => &mut self.entities[1],
            EntityKind::Account => &mut self.entities[2],
        }
    }
    /// A current membership.
    #[inline]
    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.get(id.index()).filter(|m| !m.removed)
    }
    /// Every current membership.
    pub fn members(&self) -> impl Iterator<Item = (MemberId, &Member)> + '_ {
        self.members.iter().enumerate().filter(|(_, m)| !m.removed).map(|(i, m)| (MemberId::new(i), m))
    }
    /// A team that is not deleted.
    #[inline]
    pub fn team(&self, id: TeamId) -> Option<&Team> {
        self.teams.get(id.index()).filter(|t| !t.deleted)
    }
    /// A team by name (not deleted).
    pub fn team_id(&self, name: &str) -> Option<TeamId> {
        self.team_by_name.get(name).filter(|&t| self.team(t).is_some())
    }
    /// Every team, deleted ones included (their names stay reserved for tokens).
    pub fn all_teams(&self) -> impl Iterator<Item = (TeamId, &Team)> + '_ {
        self.teams.iter().enumerate().map(|(i, t)| (TeamId::new(i), t))
    }
    /// The name of a team, deleted ones included (a deleted team token still names its team).
    pub fn team_name(&self, id: TeamId) -> &str {
        self.teams.get(id.index()).map_or("", |t| &t.name)
    }
    /// A custom role that is not deleted.
    #[inline]
    pub fn role(&self, id: RoleId) -> Option<&CustomRole> {
        self.roles.get(id.index()).filter(|r| !r.deleted)
    }
    /// A custom role by name.
    pub fn role_id(&self, name: &str) -> Option<RoleId> {
        self.role_by_name.get(name).filter(|&r| self.role(r).is_some())
    }
    /// Every custom role.
    pub fn roles(&self) -> impl Iterator<Item = (RoleId, &CustomRole)> + '_ {
        self.roles.iter().enumerate().filter(|(_, r)| !r.deleted).map(|(i, r)| (RoleId::new(i), r))
    }
    /// The name of a role.
    pub fn role_name(&self, role: RoleRef) -> &str {
        match role {
            RoleRef::Builtin(b) => b.as_str(),
            RoleRef::Custom(id) => self.roles.get(id.index()).map_or("", |r| &r.name),
        }
    }
    /// The custom permission sets.
    pub fn permission_sets(&self) -> &[PermissionSetDef] {
        &self.permission_sets
    }
    /// A custom permission set by name.
    pub fn permission_set(&self, name: &str) -> Option<&PermissionSetDef> {
        self.permission_sets.iter().find(|p| &*p.name == name)
    }
    /// The organization and team tokens of this organization, deleted ones included.
    pub fn token_ids(&self) -> &[TokenId] {
        &self.tokens
    }
    /// Whether an organization or team token name was ever used here.
    pub fn token_name_used(&self, name: &str) -> bool {
        self.token_names.contains(name)
    }
}

/// One organization membership.
#[derive(Debug, Clone)]
pub struct Member {
    pub(super) user: UserId,
    pub(super) role: RoleRef,
    /// Teams the member belongs to (admins included).
    pub(super) teams: Vec<TeamId>,
    /// Teams the member administers.
    pub(super) admin_of: Vec<TeamId>,
    pub(super) removed: bool,
}

impl Member {
    /// The user.
    pub fn user(&self) -> UserId {
        self.user
    }
    /// The member's role.
    pub fn role(&self) -> RoleRef {
        self.role
    }
    /// The teams the member belongs to.
    pub fn teams(&self) -> &[TeamId] {
        &self.teams
    }
    /// The teams the member administers.
    pub fn admin_of(&self) -> &[TeamId] {
        &self.admin_of
    }
}

/// A custom permission set defined by the organization.
#[derive(Debug, Clone)]
pub struct PermissionSetDef {
    pub(super) name: Box<str>,
    pub(super) scopes: PermissionScopes,
}

impl PermissionSetDef {
    /// A set named `name` holding `scopes`.
    pub fn new(name: &str, scopes: PermissionScopes) -> Self {
        Self { name: name.into(), scopes }
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its scopes.
    pub fn scopes(&self) -> PermissionScopes {
        self.scopes
    }
}

/// The scopes of a permission set: organization-level or on one entity type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionScopes {
    /// Organization scopes.
    Organization(OrgScopeSet),
    /// Scopes of one entity kind.
    Entity(EntityKind, EntityScopeSet),
}

/// A custom role.
#[derive(Debug, Clone)]
pub struct CustomRole {
    pub(super) name: Box<str>,
    pub(super) description: Option<Box<str>>,
    /// The organization access level's permission set id (built-in or custom), if any.
    pub(super) org_set_name: Option<Box<str>>,
    pub(super) org_scopes: OrgScopeSet,
    pub(super) rules: Vec<EntityRule>,
    pub(super) deleted: bool,
}

impl CustomRole {
    /// A role from its parts (validated by the caller).
    pub fn new(
        name: &str,
        description: Option<&str>,
        org_set: Option<(&str, OrgScopeSet)>,
        rules: Vec<EntityRule>,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.map(Into::into),
            org_set_name: org_set.map(|(n, _)| n.into()),
            org_scopes: org_set.map_or(OrgScopeSet::EMPTY, |(_, s)| s),
            rules,
            deleted: false,
        }
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The permission set of its organization access level, if any.
    pub fn org_set_name(&self) -> Option<&str> {
        self.org_set_name.as_deref()
    }
    /// The organization scopes it grants.
    #[inline]
    pub fn org_scopes(&self) -> OrgScopeSet {
        self.org_scopes
    }
    /// Its entity access rules.
    #[inline]
    pub fn rules(&self) -> &[EntityRule] {
        &self.rules
    }
}

/// An entity access rule of a custom role.
#[derive(Debug, Clone)]
pub struct EntityRule {
    pub(super) kind: EntityKind,
    pub(super) selector: Selector,
    pub(super) set_name: Box<str>,
    pub(super) scopes: EntityScopeSet,
}

impl EntityRule {
    /// A rule granting the scopes of permission set `set_name` on the entities `selector` picks.
    pub fn new(kind: EntityKind, selector: Selector, set_name: &str, scopes: EntityScopeSet) -> Self {
        Self { kind, selector, set_name: set_name.into(), scopes }
    }
    /// The kind of entity it applies to.
    #[inline]
    pub fn kind(&self) -> EntityKind {
        self.kind
    }
    /// Which entities it applies to.
    #[inline]
    pub fn selector(&self) -> &Selector {
        &self.selector
    }
    /// Its permission set's name.
    pub fn set_name(&self) -> &str {
        &self.set_name
    }
    /// The scopes it grants.
    #[inline]
    pub fn scopes(&self) -> EntityScopeSet {
        self.scopes
    }
}

/// A team.
#[derive(Debug, Clone)]
pub struct Team {
    pub(super) name: Box<str>,
    pub(super) display_name: Option<Box<str>>,
    pub(super) description: Option<Box<str>>,
    /// `pulumi` or `github`; GitHub teams take their membership from GitHub.
    pub(super) github: bool,
    pub(super) members: Vec<MemberId>,
    /// Grants on stacks, environments and accounts, by [`EntityKind::slot`].
    pub(super) grants: [FxHashMap<EntityId, Permission>; 3],
    pub(super) roles: Vec<RoleId>,
    pub(super) deleted: bool,
}

impl Team {
    pub(super) fn new(name: &str) -> Self {
        Self {
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
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its display name.
    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// Whether its membership comes from GitHub.
    pub fn github(&self) -> bool {
        self.github
    }
    /// Whether it was deleted (its name stays reserved for its tokens).
    pub fn deleted(&self) -> bool {
        self.deleted
    }
    /// Its members (admins included).
    pub fn members(&self) -> &[MemberId] {
        &self.members
    }
    /// The team's grant on one entity.
    #[inline]
    pub fn grant(&self, kind: EntityKind, id: EntityId) -> Permission {
        self.grants(kind).get(&id).copied().unwrap_or_default()
    }
    /// The team's grants on entities of a kind.
    pub fn grants(&self, kind: EntityKind) -> &FxHashMap<EntityId, Permission> {
        match kind {
            EntityKind::Stack => &self.grants[0],
            EntityKind::Environment => &self.grants[1],
            EntityKind::Account => &self.grants[2],
        }
    }
    pub(super) fn grants_mut(&mut self, kind: EntityKind) -> &mut FxHashMap<EntityId, Permission> {
        match kind {
            EntityKind::Stack => &mut self.grants[0],
            EntityKind::Environment => &mut self.grants[1],
            EntityKind::Account => &mut self.grants[2],
        }
    }
    /// The custom roles assigned to the team.
    #[inline]
    pub fn roles(&self) -> &[RoleId] {
        &self.roles
    }
}

/// A user known to the store.
#[derive(Debug, Clone)]
pub struct User {
    pub(super) login: Box<str>,
    pub(super) name: Option<Box<str>>,
    /// The user's memberships (usually one or two, so a linear scan is the fastest lookup).
    pub(super) memberships: Vec<(OrgId, MemberId)>,
}

impl User {
    /// The login.
    pub fn login(&self) -> &str {
        &self.login
    }
    /// The display name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// The membership in organization `org`, if any.
    #[inline]
    pub fn membership(&self, org: OrgId) -> Option<MemberId> {
        self.memberships.iter().find(|(o, _)| *o == org).map(|(_, m)| *m)
    }
}
