//! The static catalog: every scope the model knows, grouped by the entity it applies to, and the
//! built-in permission sets and roles built from them.
//!
//! Scopes are plain data here. [`Catalog`] turns the tables into bit sets once, so that the engine
//! compares masks instead of strings on the check path.

mod entity_scopes;
mod org_scopes;
mod permission_sets;
// The expected answers of the token tests: compiled for the crate's own tests only.
#[cfg(feature = "testing")]
mod token_matrix;

pub use entity_scopes::{ACCOUNT_SCOPES, ENVIRONMENT_SCOPES, EntityScopeRow, STACK_SCOPES};
pub use org_scopes::ORG_SCOPES;
#[cfg(feature = "testing")]
pub use org_scopes::OrgScopeRow;
pub use permission_sets::{BuiltinPermissionSet, EXTRA_ORG_SCOPES, ORG_PERMISSION_SETS};
#[cfg(feature = "testing")]
pub use token_matrix::{MatrixRow, TOKEN_MATRIX, Target};

use crate::model::{EntityKind, Permission};
use rustc_hash::FxHashMap;

/// Which built-in roles hold an organization scope by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultRoles {
    /// Held by the built-in Admin role.
    pub admin: bool,
    /// Held by the built-in Member role.
    pub member: bool,
    /// Held by the built-in Billing Manager role.
    pub billing_manager: bool,
}

impl DefaultRoles {
    /// Held by no built-in role (only through a permission set).
    pub const NONE: Self = Self::new(false, false, false);
    /// Admin only.
    pub const ADMIN: Self = Self::new(true, false, false);
    /// Admin and Member.
    pub const ADMIN_MEMBER: Self = Self::new(true, true, false);
    /// Admin and Billing Manager.
    pub const ADMIN_BILLING: Self = Self::new(true, false, true);
    /// All three built-in roles.
    pub const ALL: Self = Self::new(true, true, true);

    const fn new(admin: bool, member: bool, billing_manager: bool) -> Self {
        Self { admin, member, billing_manager }
    }
}

/// A set of organization-level scopes (at most 128; the catalog has 114).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct OrgScopeSet(pub(crate) u128);

impl OrgScopeSet {
    /// The empty set.
    pub const EMPTY: Self = Self(0);

    /// Whether the set holds `scope`.
    #[inline]
    pub fn contains(self, scope: OrgScope) -> bool {
        self.0 & (1u128 << scope.0) != 0
    }
    /// Adds one scope.
    pub fn insert(&mut self, scope: OrgScope) {
        self.0 |= 1u128 << scope.0;
    }
    /// The union of two sets.
    #[must_use]
    #[inline]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
    /// Whether every scope of `other` is in `self`.
    #[cfg(feature = "testing")]
    pub fn is_superset(self, other: Self) -> bool {
        other.0 & !self.0 == 0
    }
    /// Number of scopes in the set.
    #[cfg(feature = "testing")]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
    /// Whether the set is empty.
    #[cfg(feature = "testing")]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A set of scopes of one entity type (stack, environment or cloud account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct EntityScopeSet(pub(crate) u32);

impl EntityScopeSet {
    /// The empty set.
    pub const EMPTY: Self = Self(0);

    /// Whether the set holds the scope with this bit.
    #[inline]
    pub fn contains(self, scope: EntityScope) -> bool {
        self.0 & (1u32 << scope.bit) != 0
    }
    /// Adds one scope.
    #[inline]
    pub fn insert(&mut self, scope: EntityScope) {
        self.0 |= 1u32 << scope.bit;
    }
    /// The union of two sets.
    #[must_use]
    #[inline]
    pub fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
    /// Whether every scope of `other` is in `self`.
    #[inline]
    pub fn is_superset(self, other: Self) -> bool {
        other.0 & !self.0 == 0
    }
    /// Whether the set is empty.
    #[inline]
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// Number of scopes in the set.
    #[cfg(feature = "testing")]
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }
}

/// An organization-level scope: an index into the organization scope table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrgScope(pub(crate) u8);

/// A scope on an entity (a stack, an environment or a cloud account).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EntityScope {
    /// The entity type the scope applies to.
    pub kind: EntityKind,
    pub(crate) bit: u8,
}

/// What one scope name means: it may be an organization scope, an entity scope, or both
/// (`stack_access:read` is listed at organization level and inside `Stack Read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ScopeEntry {
    /// The organization-level scope of this name, if any.
    pub org: Option<OrgScope>,
    /// The entity scope of this name, if any.
    pub entity: Option<EntityScope>,
}

/// The catalog in indexed form. Built once per engine; no global state.
#[derive(Debug, Clone)]
pub struct Catalog {
    names: FxHashMap<&'static str, ScopeEntry>,
    org_names: Vec<&'static str>,
    admin: OrgScopeSet,
    member: OrgScopeSet,
    billing_manager: OrgScopeSet,
    org_sets: Vec<(&'static str, OrgScopeSet)>,
    level_masks: [[EntityScopeSet; 5]; 3],
    entity_names: [Vec<&'static str>; 3],
}

impl Default for Catalog {
    fn default() -> Self {
        Self::new()
    }
}

impl Catalog {
    /// Builds the indexed catalog from the static tables.
    pub fn new() -> Self {
        let mut names: FxHashMap<&'static str, ScopeEntry> = FxHashMap::default();
        let mut org_names = Vec::new();
        let (mut admin, mut member, mut billing_manager) = (0u128, 0u128, 0u128);
        let org_rows = ORG_SCOPES.iter().map(|r| (r.name, r.defaults));
        let extra_rows = EXTRA_ORG_SCOPES.iter().map(|n| (*n, DefaultRoles::NONE));
        for (index, (name, defaults)) in org_rows.chain(extra_rows).enumerate() {
            let scope = OrgScope(index as u8);
            names.entry(name).or_default().org = Some(scope);
            org_names.push(name);
            // Admin holds every organization scope, listed for it or not.
            admin |= 1u128 << index;
            if defaults.member {
                member |= 1u128 << index;
            }
            if defaults.billing_manager {
                billing_manager |= 1u128 << index;
            }
        }
        let mut level_masks = [[EntityScopeSet::EMPTY; 5]; 3];
        let mut entity_names: [Vec<&'static str>; 3] = Default::default();
        for kind in EntityKind::ALL {
            let rows = entity_rows(kind);
            let slot = kind.slot();
            for (bit, row) in rows.iter().enumerate() {
                let scope = EntityScope { kind, bit: bit as u8 };
                names.entry(row.name).or_default().entity = Some(scope);
                if let Some(names) = entity_names.get_mut(slot) {
                    names.push(row.name);
                }
                if let Some(masks) = level_masks.get_mut(slot) {
                    for (level_index, mask) in masks.iter_mut().enumerate() {
                        if (row.level as usize) <= level_index {
                            mask.0 |= 1u32 << bit;
                        }
                    }
                }
            }
        }
        let mut catalog = Self {
            names,
            org_names,
            admin: OrgScopeSet(admin),
            member: OrgScopeSet(member),
            billing_manager: OrgScopeSet(billing_manager),
            org_sets: Vec::new(),
            level_masks,
            entity_names,
        };
        let org_sets =
            ORG_PERMISSION_SETS.iter().map(|set| (set.id, catalog.org_set_of(set.scopes()))).collect();
        catalog.org_sets = org_sets;
        catalog
    }

    fn org_set_of<'n>(&self, scopes: impl Iterator<Item = &'n str>) -> OrgScopeSet {
        let mut set = OrgScopeSet::EMPTY;
        for name in scopes {
            if let Some(scope) = self.lookup(name).and_then(|e| e.org) {
                set.insert(scope);
            }
        }
        set
    }

    /// Looks a scope name up; `None` for a name the catalog does not know.
    pub fn lookup(&self, name: &str) -> Option<ScopeEntry> {
        self.names.get(name).copied()
    }

    /// The name of an organization scope.
    pub fn org_scope_name(&self, scope: OrgScope) -> &'static str {
        self.org_names.get(scope.0 as usize).copied().unwrap_or("")
    }

    /// The name of an entity scope.
    pub fn entity_scope_name(&self, scope: EntityScope) -> &'static str {
        self.entity_names
            .get(scope.kind.slot())
            .and_then(|names| names.get(scope.bit as usize))
            .copied()
            .unwrap_or("")
    }

    /// Every organization scope in the catalog (the 102 of the scope page, then the extra names
    /// that only the built-in permission sets mention).
    pub fn org_scopes(&self) -> impl Iterator<Item = OrgScope> + '_ {
        (0..self.org_names.len()).map(|i| OrgScope(i as u8))
    }

    /// Every scope of one entity type.
    pub fn entity_scopes(&self, kind: EntityKind) -> impl Iterator<Item = EntityScope> + '_ {
        let count = self.entity_names.get(kind.slot()).map_or(0, Vec::len);
        (0..count).map(move |bit| EntityScope { kind, bit: bit as u8 })
    }

    /// The organization scopes held by the built-in Admin role: all of them.
    pub fn admin_scopes(&self) -> OrgScopeSet {
        self.admin
    }
    /// The organization scopes held by the built-in Member role (23).
    pub fn member_scopes(&self) -> OrgScopeSet {
        self.member
    }
    /// The organization scopes held by the built-in Billing Manager role (7).
    pub fn billing_manager_scopes(&self) -> OrgScopeSet {
        self.billing_manager
    }

    /// A built-in organization permission set by its identifier (`read-only`, `standard`,
    /// `organization-settings-billing`).
    pub fn org_permission_set(&self, id: &str) -> Option<OrgScopeSet> {
        self.org_sets.iter().find(|(name, _)| *name == id).map(|(_, set)| *set)
    }

    /// The scopes a permission level grants on an entity type (the built-in `Stack Read`,
    /// `Environment Open`, … sets). `Open` on a stack or account grants nothing.
    #[inline]
    pub fn level_scopes(&self, kind: EntityKind, level: Permission) -> EntityScopeSet {
        if !kind.accepts(level) {
            return EntityScopeSet::EMPTY;
        }
        self.level_masks
            .get(kind.slot())
            .and_then(|masks| masks.get(level as usize))
            .copied()
            .unwrap_or_default()
    }

    /// The highest level whose built-in set is contained in `scopes`.
    pub fn level_of(&self, kind: EntityKind, scopes: EntityScopeSet) -> Permission {
        let mut best = Permission::None;
        for level in Permission::ALL {
            let mask = self.level_scopes(kind, level);
            if kind.accepts(level) && !mask.is_empty() && scopes.is_superset(mask) {
                best = level;
            }
        }
        best
    }

    /// The built-in entity permission set of a machine identifier (`stack-write`,
    /// `environment-open`, `insights-account-admin`, …).
    pub fn entity_permission_set(&self, id: &str) -> Option<(EntityKind, EntityScopeSet)> {
        let (kind, level) = BuiltinPermissionSet::parse_entity(id)?;
        Some((kind, self.level_scopes(kind, level)))
    }
}

/// Every scope name the catalog knows, each once: the organization scopes first, then the scopes
/// of stacks, environments and cloud accounts. A name such as `stack_access:read` that is both
/// an organization and a stack scope comes once, with the organization scopes.
///
/// ```
/// let scopes: Vec<&str> = scopegate::scopes().collect();
/// assert!(scopes.contains(&"organization:update"));
/// assert!(scopes.contains(&"stack:write"));
/// let mut unique = scopes.clone();
/// unique.sort_unstable();
/// unique.dedup();
/// assert_eq!(unique.len(), scopes.len());
/// ```
pub fn scopes() -> impl Iterator<Item = &'static str> {
    let org = ORG_SCOPES.iter().map(|row| row.name).chain(EXTRA_ORG_SCOPES.iter().copied());
    let entity = EntityKind::ALL.into_iter().flat_map(|kind| entity_rows(kind).iter().map(|row| row.name));
    let mut seen = rustc_hash::FxHashSet::default();
    org.chain(entity).filter(move |name| seen.insert(*name))
}

fn entity_rows(kind: EntityKind) -> &'static [EntityScopeRow] {
    match kind {
        EntityKind::Stack => &STACK_SCOPES,
        EntityKind::Environment => &ENVIRONMENT_SCOPES,
        EntityKind::Account => &ACCOUNT_SCOPES,
    }
}
