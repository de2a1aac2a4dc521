//! Stacks, environments and cloud accounts: one table per kind and organization, with a name
//! index. Removals leave tombstones so that ids held elsewhere stay valid.

use rustc_hash::FxHashSet;

use super::ids::{EntityId, Names, TokenId, UserId};
use crate::model::Permission;

/// Who holds a creator grant: a user, or a machine token's own identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// A user.
    User(UserId),
    /// An organization or team token with a record.
    Token(TokenId),
    /// A signed machine token with no record: it can hold no grant of its own.
    Claims,
}

/// The stacks (or environments, or accounts) of one organization.
#[derive(Debug, Clone, Default)]
pub struct EntityTable {
    pub(super) items: Vec<Entity>,
    /// `project/name` for stacks and environments, `name` for accounts.
    pub(super) by_name: Names<EntityId>,
}

impl EntityTable {
    /// An entity that is not deleted.
    #[inline]
    pub fn get(&self, id: EntityId) -> Option<&Entity> {
        self.items.get(id.index()).filter(|e| !e.deleted)
    }
    /// An entity by name (`project/name`, or `name` for accounts).
    pub fn find(&self, name: &str) -> Option<(EntityId, &Entity)> {
        let id = self.by_name.get(name)?;
        self.get(id).map(|e| (id, e))
    }
    /// The entities that are not deleted from table position `start` on, in creation order, with
    /// their positions (a position is a stable cursor: removals leave tombstones).
    pub fn iter_from(&self, start: usize) -> impl Iterator<Item = (usize, EntityId, &Entity)> + '_ {
        let tail = self.items.get(start..).unwrap_or_default();
        tail.iter()
            .enumerate()
            .filter(|(_, e)| !e.deleted)
            .map(move |(i, e)| (start + i, EntityId::new(start + i), e))
    }
    /// Every entity that is not deleted, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (EntityId, &Entity)> + Clone + '_ {
        self.items.iter().enumerate().filter(|(_, e)| !e.deleted).map(|(i, e)| (EntityId::new(i), e))
    }
}

/// A stack, environment or cloud account.
#[derive(Debug, Clone)]
pub struct Entity {
    /// `project/name` (or `name` for accounts).
    pub(super) name: Box<str>,
    pub(super) tags: Vec<(Box<str>, Box<str>)>,
    /// Holder of the creator's ADMIN grant, if it has not been removed.
    pub(super) creator: Option<Identity>,
    /// Explicit per-user grants.
    pub(super) grants: Vec<(UserId, Permission)>,
    pub(super) deleted: bool,
}

impl Entity {
    /// `project/name`, or `name` for accounts.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Its tags, in order.
    pub fn tags(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.tags.iter().map(|(k, v)| (&**k, &**v))
    }
    /// The holder of the creator's ADMIN grant.
    #[inline]
    pub fn creator(&self) -> Option<Identity> {
        self.creator
    }
    /// The explicit per-user grants.
    pub fn grants(&self) -> &[(UserId, Permission)] {
        &self.grants
    }
    /// The value of a tag.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.iter().find(|(k, _)| &**k == key).map(|(_, v)| &**v)
    }
    /// Whether a tag condition holds.
    pub fn tag_matches(&self, condition: &TagCondition) -> bool {
        self.tags
            .iter()
            .any(|(k, v)| **k == *condition.key && condition.value.as_deref().is_none_or(|want| **v == *want))
    }
    /// The user's explicit grant.
    #[inline]
    pub fn explicit_grant(&self, user: UserId) -> Permission {
        self.grants.iter().filter(|(u, _)| *u == user).map(|(_, p)| *p).max().unwrap_or_default()
    }
}

/// Which entities a rule applies to.
#[derive(Debug, Clone)]
pub enum Selector {
    /// Every entity of the kind, present and future.
    All,
    /// Specific entities.
    Entities(FxHashSet<EntityId>),
    /// Entities whose tags match every condition.
    Tags(Vec<TagCondition>),
}

/// `tag key equals value`, or `tag key exists` when the value is `None`.
#[derive(Debug, Clone)]
pub struct TagCondition {
    pub(super) key: Box<str>,
    pub(super) value: Option<Box<str>>,
}

impl TagCondition {
    /// A condition on tag `key`.
    pub fn new(key: &str, value: Option<&str>) -> Self {
        Self { key: key.into(), value: value.map(Into::into) }
    }
    /// The tag key.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The value it must equal; `None` when the key need only exist.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

impl Selector {
    /// Whether a rule with this selector applies to an entity.
    pub fn matches(&self, id: EntityId, entity: &Entity) -> bool {
        match self {
            Self::All => true,
            Self::Entities(set) => set.contains(&id),
            Self::Tags(conditions) => conditions.iter().all(|c| entity.tag_matches(c)),
        }
    }
}
