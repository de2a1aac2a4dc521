//! Typed ids into the store's tables. Only the store makes them, so an id always names a slot of
//! the table its type says (an `OrgId` cannot stand for a `TeamId`), and the conversions to a
//! table index live here alone.

use std::fmt;
use std::marker::PhantomData;

use rustc_hash::FxHashMap;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl $name {
            /// The id of slot `index`; tables stay far below `u32::MAX` (the loader's item limit).
            #[inline]
            pub(super) fn new(index: usize) -> Self {
                Self(u32::try_from(index).unwrap_or(u32::MAX))
            }

            /// The slot this id names.
            #[inline]
            pub(super) fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl Id for $name {
            #[inline]
            fn from_raw(raw: u32) -> Self {
                Self(raw)
            }
            #[inline]
            fn raw(self) -> u32 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    )*};
}

ids! {
    /// A user.
    UserId;
    /// An organization.
    OrgId;
    /// A membership, within its organization.
    MemberId;
    /// A team, within its organization.
    TeamId;
    /// A custom role, within its organization.
    RoleId;
    /// A stack, environment or cloud account, within its organization and kind.
    EntityId;
    /// A token record.
    TokenId;
}

/// An id that an index of names stores as its number.
pub(crate) trait Id: Copy {
    fn from_raw(raw: u32) -> Self;
    fn raw(self) -> u32;
}

/// The names of one table (logins, organization, team, role, entity and token names), to ids.
/// Every name index of the store is this one map type underneath, so the shipped module carries
/// one copy of the hash table's code for all of them.
#[derive(Clone, Default)]
pub(crate) struct NameMap(FxHashMap<Box<str>, u32>);

impl NameMap {
    #[inline]
    fn get(&self, name: &str) -> Option<u32> {
        self.0.get(name).copied()
    }

    fn insert(&mut self, name: Box<str>, raw: u32) {
        self.0.insert(name, raw);
    }

    fn remove(&mut self, name: &str) {
        self.0.remove(name);
    }
}

/// Names to the ids of one table.
#[derive(Clone)]
pub(crate) struct Names<I> {
    map: NameMap,
    id: PhantomData<I>,
}

impl<I> Default for Names<I> {
    fn default() -> Self {
        Self { map: NameMap::default(), id: PhantomData }
    }
}

impl<I> fmt::Debug for Names<I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.map.0.keys()).finish()
    }
}

impl<I: Id> Names<I> {
    /// The id of `name`.
    #[inline]
    pub fn get(&self, name: &str) -> Option<I> {
        self.map.get(name).map(I::from_raw)
    }

    /// Whether `name` is known.
    #[inline]
    pub fn contains(&self, name: &str) -> bool {
        self.map.get(name).is_some()
    }

    /// Names `id` `name` (replacing what the name stood for).
    #[inline]
    pub fn insert(&mut self, name: Box<str>, id: I) {
        self.map.insert(name, id.raw());
    }

    /// Forgets `name`.
    #[inline]
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }
}

/// A set of names (revoked token ids, token names ever used): the same map as [`Names`].
#[derive(Clone, Default)]
pub(crate) struct NameSet(NameMap);

impl fmt::Debug for NameSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.0.0.keys()).finish()
    }
}

impl NameSet {
    /// Whether `name` is in the set.
    #[inline]
    pub fn contains(&self, name: &str) -> bool {
        self.0.get(name).is_some()
    }

    /// Adds `name`.
    #[inline]
    pub fn insert(&mut self, name: Box<str>) {
        self.0.insert(name, 0);
    }

    /// Every name, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        self.0.0.keys().map(|name| &**name)
    }
}
