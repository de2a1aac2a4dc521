//! The snapshot v1 wire format: one definition of every object, read (borrowing strings from
//! the input) and written (export) through serde.
//!
//! Every field is optional at this level; a field the format requires is a [`Req`], whose
//! absence the loader reports as `missing_field` together with every other problem. Values whose
//! set or range is the format's business (levels, kinds, names, references) are strings here and
//! are checked by the loader, so that one load reports them all; only a wrong JSON type stops
//! reading. Unknown fields are refused (reported and skipped while reading goes on).

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::model::{Loose, SettingsWire};

/// A string of the document, borrowed from the input text where it has no escapes.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Str<'a>(pub Cow<'a, str>);

impl Deref for Str<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Str<'_> {
    /// The same string, owned.
    pub fn into_owned(self) -> Str<'static> {
        Str(Cow::Owned(self.0.into_owned()))
    }
}

impl<'a> From<&'a str> for Str<'a> {
    fn from(s: &'a str) -> Self {
        Self(Cow::Borrowed(s))
    }
}

impl From<String> for Str<'_> {
    fn from(s: String) -> Self {
        Self(Cow::Owned(s))
    }
}

struct StrVisitor;

impl<'de> Visitor<'de> for StrVisitor {
    type Value = Str<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Str(Cow::Owned(v)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Str<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrVisitor)
    }
}

impl Serialize for Str<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// A JSON object used as a dictionary of strings (`grants`, `tags`, a team's `stacks`), in
/// document order and with any repeated key kept, so that the loader can report it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Map<'a>(pub Vec<(Str<'a>, Str<'a>)>);

struct MapVisitor;

impl<'de> Visitor<'de> for MapVisitor {
    type Value = Map<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Map(entries))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Map<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(MapVisitor)
    }
}

impl Serialize for Map<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// A field the format requires. `None` (absent or `null`) is reported by the loader as
/// `missing_field`, at the object's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Req<T>(pub Option<T>);

impl<T> Default for Req<T> {
    fn default() -> Self {
        Self(None)
    }
}

impl<T> Req<T> {
    /// A present value.
    pub fn of(value: T) -> Self {
        Self(Some(value))
    }
}

/// What [`Req`] expects: the field probe in [`super::fields`] tells required fields by it.
pub(crate) const REQUIRED: &str = "a required value";

struct ReqVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for ReqVisitor<T> {
    type Value = Req<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REQUIRED)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Req(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Req(None))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        T::deserialize(d).map(Req::of)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Req<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_option(ReqVisitor(std::marker::PhantomData))
    }
}

impl<T: Serialize> Serialize for Req<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Fields left out of an export when they hold nothing.
trait Absent {
    fn absent(&self) -> bool;
}

impl<T> Absent for Option<T> {
    fn absent(&self) -> bool {
        self.is_none()
    }
}

impl<T> Absent for Req<T> {
    fn absent(&self) -> bool {
        self.0.is_none()
    }
}

impl Absent for Loose<'_> {
    fn absent(&self) -> bool {
        self.is_absent()
    }
}

/// The wire objects: serde derive with camelCase names, unknown fields refused, strings borrowed
/// from the input, and nothing written for a field that holds nothing.
macro_rules! wire {
    ($(
        $(#[doc = $doc:literal])+
        pub struct $name:ident { $( $(#[doc = $fdoc:literal])+ pub $field:ident: $ty:ty, )+ }
    )+) => { $(
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields, bound(deserialize = "'de: 'a"))]
        pub struct $name<'a> {
            $(
                $(#[doc = $fdoc])+
                #[serde(default, skip_serializing_if = "Absent::absent")]
                pub $field: $ty,
            )+
        }
    )+ };
}

wire! {
    /// The whole document.
    pub struct Snapshot {
        /// Format version; must be `1`.
        pub version: Req<Loose<'a>>,
        /// Revision of the policy data.
        pub revision: Option<u64>,
        /// Seconds since the epoch after which a signed copy is refused.
        pub not_after: Option<u64>,
        /// Users and their personal tokens.
        pub users: Option<Vec<User<'a>>>,
        /// Organizations.
        pub organizations: Option<Vec<Organization<'a>>>,
        /// How signed tokens are verified.
        pub signing: Option<Signing<'a>>,
        /// Revoked token ids.
        pub revoked_token_ids: Option<Vec<Str<'a>>>,
    }

    /// A user.
    pub struct User {
        /// Login.
        pub login: Req<Str<'a>>,
        /// Display name.
        pub name: Option<Str<'a>>,
        /// Personal tokens.
        pub tokens: Option<Vec<Token<'a>>>,
    }

    /// An organization.
    pub struct Organization {
        /// Name.
        pub name: Req<Str<'a>>,
        /// Settings; an omitted one takes its default.
        pub settings: Option<Box<SettingsWire<'a>>>,
        /// Members.
        pub members: Option<Vec<Member<'a>>>,
        /// Custom permission sets.
        pub permission_sets: Option<Vec<PermissionSet<'a>>>,
        /// Custom roles.
        pub roles: Option<Vec<Role<'a>>>,
        /// Teams.
        pub teams: Option<Vec<Team<'a>>>,
        /// Stacks.
        pub stacks: Option<Vec<Stack<'a>>>,
        /// Environments (the stack shape).
        pub environments: Option<Vec<Stack<'a>>>,
        /// Cloud accounts.
        pub accounts: Option<Vec<Account<'a>>>,
        /// Organization and team token records.
        pub tokens: Option<Vec<Token<'a>>>,
    }

    /// A membership.
    pub struct Member {
        /// Login.
        pub login: Req<Str<'a>>,
        /// Organization role; `member` when omitted.
        pub role: Option<Str<'a>>,
    }

    /// A custom permission set.
    pub struct PermissionSet {
        /// Name.
        pub name: Req<Str<'a>>,
        /// `organization`, `stack`, `environment` or `account`.
        pub entity: Req<Str<'a>>,
        /// Scope names.
        pub scopes: Option<Vec<Str<'a>>>,
        /// Free text.
        pub description: Option<Str<'a>>,
    }

    /// A custom role.
    pub struct Role {
        /// Name.
        pub name: Req<Str<'a>>,
        /// Free text.
        pub description: Option<Str<'a>>,
        /// Organization-level permission set.
        pub organization: Option<Str<'a>>,
        /// Entity rules.
        pub rules: Option<Vec<Rule<'a>>>,
    }

    /// An entity rule of a custom role.
    pub struct Rule {
        /// `stack`, `environment` or `account`.
        pub entity: Req<Str<'a>>,
        /// Permission set of that entity type.
        pub permission_set: Req<Str<'a>>,
        /// Selector: every entity.
        pub all: Option<bool>,
        /// Selector: named entities.
        pub entities: Option<Vec<Str<'a>>>,
        /// Selector: entities matching every tag condition.
        pub tags: Option<Vec<TagCondition<'a>>>,
    }

    /// A tag condition of a rule.
    pub struct TagCondition {
        /// Tag key.
        pub key: Req<Str<'a>>,
        /// Tag value; any value when omitted.
        pub value: Option<Str<'a>>,
    }

    /// A team.
    pub struct Team {
        /// Name.
        pub name: Req<Str<'a>>,
        /// Display name.
        pub display_name: Option<Str<'a>>,
        /// Free text.
        pub description: Option<Str<'a>>,
        /// `pulumi` or `github`.
        pub kind: Option<Str<'a>>,
        /// Member logins.
        pub members: Option<Vec<Str<'a>>>,
        /// Team admin logins.
        pub admins: Option<Vec<Str<'a>>>,
        /// Grants on stacks, by `project/stack`.
        pub stacks: Option<Map<'a>>,
        /// Grants on environments, by `project/env`.
        pub environments: Option<Map<'a>>,
        /// Grants on cloud accounts, by account name.
        pub accounts: Option<Map<'a>>,
        /// Custom roles of the team.
        pub roles: Option<Vec<Str<'a>>>,
    }

    /// A stack or environment.
    pub struct Stack {
        /// Project name.
        pub project: Req<Str<'a>>,
        /// Stack or environment name.
        pub name: Req<Str<'a>>,
        /// Tags.
        pub tags: Option<Map<'a>>,
        /// Who created it.
        pub creator: Option<Creator<'a>>,
        /// Explicit per-user grants, by login.
        pub grants: Option<Map<'a>>,
    }

    /// A cloud account.
    pub struct Account {
        /// Name.
        pub name: Req<Str<'a>>,
        /// Tags.
        pub tags: Option<Map<'a>>,
        /// Who created it.
        pub creator: Option<Creator<'a>>,
        /// Explicit per-user grants, by login.
        pub grants: Option<Map<'a>>,
    }

    /// The creator of an entity: exactly one of the fields.
    pub struct Creator {
        /// A member's login.
        pub user: Option<Str<'a>>,
        /// An organization or team token's id.
        pub token: Option<Str<'a>>,
    }

    /// A token record.
    pub struct Token {
        /// Token id.
        pub id: Req<Str<'a>>,
        /// `personal`, `organization` or `team`.
        pub kind: Option<Str<'a>>,
        /// Name (organization and team tokens).
        pub name: Option<Str<'a>>,
        /// Free text.
        pub description: Option<Str<'a>>,
        /// The team of a team token.
        pub team: Option<Str<'a>>,
        /// The role of an organization token.
        pub role: Option<Str<'a>>,
        /// SHA-256 of the token string, 64 lowercase hex characters.
        pub digest: Option<Str<'a>>,
        /// Creation time, seconds since the epoch.
        pub created: Option<u64>,
        /// Expiry time, seconds since the epoch; 0 means never.
        pub expires: Option<u64>,
        /// The login of the user who created it.
        pub created_by: Option<Str<'a>>,
        /// Whether it was deleted.
        pub deleted: Option<bool>,
    }

    /// How signed tokens are verified.
    pub struct Signing {
        /// Expected `iss`.
        pub issuer: Option<Str<'a>>,
        /// Audience the `aud` claim must contain.
        pub audience: Option<Str<'a>>,
        /// Clock leeway, in seconds.
        pub leeway_seconds: Option<u64>,
        /// Verification keys.
        pub keys: Option<Vec<Key<'a>>>,
    }

    /// A verification key.
    pub struct Key {
        /// Key id.
        pub kid: Req<Str<'a>>,
        /// `EdDSA` or `HS256`.
        pub alg: Req<Str<'a>>,
        /// Ed25519 public key, base64url without padding.
        pub public_key: Option<Str<'a>>,
        /// HMAC secret, base64url without padding.
        pub secret: Option<Str<'a>>,
    }
}

impl Token<'_> {
    /// The same record, owning its strings.
    pub fn into_owned(self) -> Token<'static> {
        let owned = |s: Option<Str<'_>>| s.map(Str::into_owned);
        Token {
            id: Req(owned(self.id.0)),
            kind: owned(self.kind),
            name: owned(self.name),
            description: owned(self.description),
            team: owned(self.team),
            role: owned(self.role),
            digest: owned(self.digest),
            created: self.created,
            expires: self.expires,
            created_by: owned(self.created_by),
            deleted: self.deleted,
        }
    }
}
