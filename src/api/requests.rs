//! Requests as JavaScript passes them: serde `Deserialize` types that refuse unknown fields.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use super::ApiError;
use crate::engine::MintRequest;
use crate::model::{TokenKind, base64url};
use crate::token::SigningKey;

/// Seconds since the epoch in a request: a whole number (from 0 to 2^53 − 1 in JavaScript).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Whole;
        impl Visitor<'_> for Whole {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of seconds since the epoch")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                Ok(Seconds(v))
            }
        }
        deserializer.deserialize_u64(Whole)
    }
}

/// A count in a request: a whole number (from 0 to 2^53 − 1 in JavaScript).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count(pub u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Seconds::deserialize(deserializer).map(|Seconds(n)| Count(n))
    }
}

/// Tag keys `{ "key": true }` (an object, not an array: requests hold no arrays).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagKeys(pub Vec<String>);

impl<'de> Deserialize<'de> for TagKeys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Keys;
        impl<'de> Visitor<'de> for Keys {
            type Value = TagKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of `true` values")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<TagKeys, M::Error> {
                let mut keys = Vec::new();
                while let Some((key, wanted)) = map.next_entry::<String, bool>()? {
                    if !wanted {
                        return Err(de::Error::custom(format!("`{key}` must be `true`")));
                    }
                    keys.push(key);
                }
                Ok(TagKeys(keys))
            }
        }
        deserializer.deserialize_map(Keys)
    }
}

/// Stack tags `{ "key": "value" }`, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of string values")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Tags, M::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    // Kept in key order as they arrive (a few tags: no sort routine needed).
                    let at = pairs.partition_point(|(k, _)| *k < key);
                    pairs.insert(at, (key, value));
                }
                Ok(Tags(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// `authenticate`'s options: `{ now?, organization? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthenticateOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// The organization the request is against.
    pub organization: Option<String>,
}

/// `listTokens`' options: `{ now?, showExpired? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListTokensOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// List expired tokens too.
    pub show_expired: Option<bool>,
}

/// `mintToken`'s options: `{ now?, signingKey? }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// Mint a signed token with this key instead of an opaque one.
    pub signing_key: Option<SigningKeyInput>,
}

/// A token request: `{ kind?, organization?, team?, role?, name?, description?, expires? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintRequestInput {
    /// `personal` (the default), `organization` or `team`.
    pub kind: Option<String>,
    /// The organization of an organization or team token.
    pub organization: Option<String>,
    /// The team of a team token.
    pub team: Option<String>,
    /// The role of an organization token.
    pub role: Option<String>,
    /// The name of an organization or team token.
    pub name: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Seconds since the epoch; absent or 0 means never.
    pub expires: Option<Seconds>,
}

impl MintRequestInput {
    /// The core's request.
    pub fn into_request(self) -> Result<MintRequest, ApiError> {
        let kind = match self.kind.as_deref() {
            None => None,
            Some(name) => Some(TokenKind::parse(name).ok_or_else(|| {
                ApiError::argument("The token request's `kind` must be `personal`, `organization` or `team`.")
            })?),
        };
        Ok(MintRequest {
            kind: kind.filter(|k| *k != TokenKind::Personal),
            org: self.organization,
            team: self.team,
            role: self.role,
            name: self.name,
            description: self.description,
            expires: self.expires.map(|s| s.0).filter(|&at| at != 0),
        })
    }
}

/// A signing key: `{ kid, alg?: "EdDSA", privateKey, publicKey? }` or `{ kid, alg: "HS256",
/// secret }` (base64url without padding).
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SigningKeyInput {
    /// The key id.
    pub kid: String,
    /// `EdDSA` (the default) or `HS256`.
    pub alg: Option<String>,
    /// The Ed25519 seed.
    pub private_key: Option<String>,
    /// The Ed25519 public key (ignored; accepted so that a generated key can be passed whole).
    #[allow(dead_code)]
    pub public_key: Option<String>,
    /// The HS256 secret.
    pub secret: Option<String>,
}

impl fmt::Debug for SigningKeyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the private key or secret is never printed.
        f.debug_struct("SigningKeyInput").field("kid", &self.kid).field("alg", &self.alg).finish()
    }
}

impl SigningKeyInput {
    /// The key. Messages never repeat the key material.
    pub fn into_key(self) -> Result<SigningKey, ApiError> {
        let decode = |field: &str, text: Option<String>| -> Result<Vec<u8>, ApiError> {
            let text = text.ok_or_else(|| ApiError::argument(format!("The signing key needs `{field}`.")))?;
            base64url::decode(text).ok_or_else(|| {
                ApiError::argument(format!("The signing key's `{field}` is not base64url without padding."))
            })
        };
        match self.alg.as_deref() {
            Some("EdDSA") | None => {
                let seed = <[u8; 32]>::try_from(decode("privateKey", self.private_key)?.as_slice())
                    .map_err(|_| ApiError::argument("The signing key's `privateKey` must be 32 bytes."))?;
                Ok(SigningKey::ed25519(&self.kid, &seed))
            }
            Some("HS256") => Ok(SigningKey::hs256(&self.kid, &decode("secret", self.secret)?)),
            Some(_) => Err(ApiError::argument("The signing key's `alg` must be `EdDSA` or `HS256`.")),
        }
    }
}

/// The options of `searchResources`: `{ tags?, limit?, cursor? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchResourcesOptions {
    /// Only resources carrying every one of these tags.
    pub tags: Option<Tags>,
    /// Only resources carrying a tag of each of these keys, whatever its value.
    pub has_tags: Option<TagKeys>,
    /// At most this many ids per page.
    pub limit: Option<Count>,
    /// The `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl SearchResourcesOptions {
    /// The engine's query.
    pub fn into_query(self) -> crate::engine::ResourceQuery {
        crate::engine::ResourceQuery {
            tags: self.tags.map(|t| t.0).unwrap_or_default(),
            has_tags: self.has_tags.map(|t| t.0).unwrap_or_default(),
            limit: self.limit.map(|l| usize::try_from(l.0).unwrap_or(usize::MAX)),
            cursor: self.cursor,
        }
    }
}

/// The options of `searchSubjects`: `{ tokens? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SearchSubjectsOptions {
    /// Whether organization and team tokens are listed too.
    pub tokens: Option<bool>,
}

/// The options of `evaluate`: `{ principal?, semantics? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EvaluateOptions {
    /// The principal of every item that names none.
    pub principal: Option<String>,
    /// `execute_all` (default), `deny_on_first_deny` or `permit_on_first_permit`.
    pub semantics: Option<String>,
}

/// The options of `exportSnapshot`: `{ includeSecrets? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExportSnapshotOptions {
    /// Include HS256 key secrets (never send such a snapshot to a browser).
    pub include_secrets: Option<bool>,
}

/// The options of the constructor: `{ tokenCache? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadOptions {
    /// Keep the verified-token cache (the default) or not (`false`).
    pub token_cache: Option<bool>,
}

/// The options of `fromSignedSnapshot`: `{ now?, tokenCache? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignedLoadOptions {
    /// Seconds since the epoch, compared with the snapshot's `notAfter`; the current time when absent.
    pub now: Option<Seconds>,
    /// Keep the verified-token cache (the default) or not (`false`).
    pub token_cache: Option<bool>,
}

/// The options of `changesSince`: `{ notAfter? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChangesOptions {
    /// Seconds since the epoch after which the delta is refused.
    pub not_after: Option<Seconds>,
}

/// The options of `applyDelta`: `{ now? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ApplyDeltaOptions {
    /// Seconds since the epoch, compared with the delta's `notAfter`; the current time when absent.
    pub now: Option<Seconds>,
}
