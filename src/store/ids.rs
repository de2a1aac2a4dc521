//! Typed ids into the store's tables. Only the store makes them, so an id always names a slot of
//! the table its type says (an `OrgId` cannot stand for a `TeamId`), and the conversions to a
//! table index live here alone.

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
