//! Errors, one type per area, each variant mapped to a stable [`ErrorCode`].
//!
//! Messages follow one style: lowercase, no trailing period, user input in backticks, never a
//! secret. The code strings are API: new ones may be added, none is renamed or removed.

use std::fmt;
use std::str::FromStr;

use crate::decision::Deny;
use crate::model::{BuiltinRole, EntityKind, Permission, Toggle, TokenKind};

mod delta;
pub use delta::DeltaError;

macro_rules! error_codes {
    ($($variant:ident => $code:literal, $doc:literal;)*) => {
        /// Every stable error code, as JavaScript sees it in `error.code`. Codes may be added
        /// in any release, so a `match` on them needs a `_` arm.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(#[doc = $doc] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }

            /// The one-line meaning of the code (used in the README table).
            pub fn meaning(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $doc,)*
                }
            }
        }
    };
}

error_codes! {
    InvalidJson => "invalid_json", "the snapshot is not a JSON object";
    UnsupportedVersion => "unsupported_version", "the snapshot `version` is not 1";
    UnknownField => "unknown_field", "an object has a field the format does not define";
    MissingField => "missing_field", "a required field is absent";
    WrongType => "wrong_type", "a field has the wrong JSON type";
    InvalidValue => "invalid_value", "a value is outside its allowed set or range";
    InvalidName => "invalid_name", "a name is empty, too long or uses characters outside its alphabet";
    Duplicate => "duplicate", "a name or id appears twice where it must be unique";
    DanglingReference => "dangling_reference", "a reference names something the snapshot does not define";
    InvalidReference => "invalid_reference", "a reference names something that may not be used there";
    UnknownScope => "unknown_scope", "a scope name is not in the catalog";
    ScopeEntityMismatch => "scope_entity_mismatch", "a permission set holds a scope of another entity type";
    TooLarge => "too_large", "the input exceeds a size limit";
    Forbidden => "forbidden", "the acting principal lacks the right for a management action, or is not a member of the organization it names (whether or not that exists)";
    NotFound => "not_found", "a management action names something that does not exist in the actor's own organization, or a token out of the actor's reach";
    Conflict => "conflict", "a management action would create a duplicate or break a reference";
    InvalidArgument => "invalid_argument", "an argument is malformed";
    MalformedToken => "malformed_token", "the credential is not a well-formed opaque or signed token";
    UnknownToken => "unknown_token", "no token record matches, or its principal is not in the snapshot";
    TokenExpired => "token_expired", "the token's expiry has passed (beyond the leeway for signed tokens)";
    TokenNotYetValid => "token_not_yet_valid", "a signed token's `nbf` is still in the future (beyond the leeway)";
    TokenRevoked => "token_revoked", "the token was deleted or its id is on the revocation list";
    BadSignature => "bad_signature", "the signature does not verify with the named key";
    UnknownKey => "unknown_key", "the signed token names a key id the snapshot does not have";
    AlgorithmNotAllowed => "algorithm_not_allowed", "the signed token's algorithm is not allowed (`none`, or not configured)";
    InvalidClaims => "invalid_claims", "a signed token's claims are missing, mistyped or disagree with its record";
    InvalidIssuer => "invalid_issuer", "a signed token's `iss` is not the configured issuer";
    InvalidAudience => "invalid_audience", "a signed token's `aud` does not include the configured audience";
    ExpiryPolicyViolation => "expiry_policy_violation", "the organization's token expiry policy refuses the token's lifetime";
    WrongOrganization => "wrong_organization", "the token belongs to another organization than the request";
    RandomUnavailable => "random_unavailable", "no secure random numbers are available to mint a token";
    SnapshotSignatureInvalid => "snapshot_signature_invalid", "a signed snapshot's signature does not verify with the configured key";
    SnapshotExpired => "snapshot_expired", "a signed snapshot's `notAfter` has passed";
    DeltaSignatureInvalid => "delta_signature_invalid", "a delta's signature does not verify with the configured key";
    DeltaGap => "delta_gap", "a delta's `baseRevision` is ahead of the engine: deltas in between are missing";
    DeltaReplay => "delta_replay", "a delta's `baseRevision` is behind the engine: it was applied already or is older";
    DeltaExpired => "delta_expired", "a delta's `notAfter` has passed";
    ChangesUnavailable => "changes_unavailable", "the engine no longer holds the changes since the revision asked for";
}

/// A name that is none of the values of the type it was parsed as, from the [`FromStr`]
/// implementations of [`Permission`], [`EntityKind`], [`BuiltinRole`], [`TokenKind`],
/// [`Toggle`] and [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{}` is not {what}.", crate::model::shorten(.name))]
pub struct ParseNameError {
    /// What was expected, e.g. "a permission level (`none`, `read`, `write`, `admin`)".
    what: &'static str,
    /// The name as given.
    name: String,
}

impl ParseNameError {
    /// The stable code: `invalid_argument`.
    #[must_use]
    pub fn code(&self) -> ErrorCode {
        ErrorCode::InvalidArgument
    }
}

macro_rules! from_str {
    ($($type:ty => $what:literal, $parse:expr;)*) => {$(
        impl FromStr for $type {
            type Err = ParseNameError;
            fn from_str(name: &str) -> Result<Self, Self::Err> {
                let parse: fn(&str) -> Option<$type> = $parse;
                parse(name).ok_or_else(|| ParseNameError { what: $what, name: name.to_string() })
            }
        }
    )*};
}

from_str! {
    Permission => "a permission level (`none`, `read`, `open`, `write`, `admin`)", Permission::parse;
    EntityKind => "an entity kind (`stack`, `environment`, `account`)", EntityKind::parse;
    BuiltinRole => "a built-in role (`admin`, `member`, `billing-manager`)", BuiltinRole::parse;
    TokenKind => "a token kind (`personal`, `organization`, `team`)", TokenKind::parse;
    Toggle => "an organization setting that is on or off", Toggle::parse;
    ErrorCode => "an error code", |name| ErrorCode::ALL.iter().copied().find(|c| c.as_str() == name);
}

impl fmt::Display for BuiltinRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for TokenKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem found while loading a snapshot, with the JSON path where it was found
/// (`organizations[0].teams[2].stacks["app/prod"]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotError {
    /// Where in the document the problem is.
    pub path: String,
    /// What is wrong.
    pub kind: SnapshotErrorKind,
}

/// What is wrong with one part of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SnapshotErrorKind {
    /// Not JSON, or not an object at the top.
    InvalidJson {
        /// The parser's description.
        detail: String,
    },
    /// `version` is not 1.
    UnsupportedVersion {
        /// The version found.
        found: String,
    },
    /// A field the format does not define.
    UnknownField {
        /// The field name.
        field: String,
    },
    /// A required field is absent.
    MissingField {
        /// The field name.
        field: &'static str,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The type expected.
        expected: &'static str,
    },
    /// A value outside its allowed set or range.
    InvalidValue {
        /// The value found (shortened).
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
    /// A name that is empty, too long or has bad characters.
    InvalidName {
        /// The name found (shortened).
        name: String,
        /// The rule it breaks.
        rule: String,
    },
    /// A name or id that must be unique appears twice.
    Duplicate {
        /// What kind of thing.
        what: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A reference to something the snapshot does not define.
    DanglingReference {
        /// What kind of thing is referenced.
        what: &'static str,
        /// The name referenced.
        name: String,
    },
    /// A reference to something that may not be used there.
    InvalidReference {
        /// The name referenced.
        name: String,
        /// Why it is not allowed.
        why: &'static str,
    },
    /// A scope the catalog does not know.
    UnknownScope {
        /// The scope name.
        scope: String,
    },
    /// A scope of another entity type inside a permission set.
    ScopeEntityMismatch {
        /// The scope name.
        scope: String,
        /// The permission set's entity type.
        entity: &'static str,
    },
    /// A signed snapshot's signature does not verify.
    BadSignature,
    /// A signed snapshot's `notAfter` has passed.
    Expired {
        /// The snapshot's `notAfter`, seconds since the epoch.
        not_after: u64,
    },
    /// A size limit is exceeded.
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// The limit.
        max: usize,
    },
}

impl SnapshotError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match &self.kind {
            SnapshotErrorKind::InvalidJson { .. } => ErrorCode::InvalidJson,
            SnapshotErrorKind::UnsupportedVersion { .. } => ErrorCode::UnsupportedVersion,
            SnapshotErrorKind::UnknownField { .. } => ErrorCode::UnknownField,
            SnapshotErrorKind::MissingField { .. } => ErrorCode::MissingField,
            SnapshotErrorKind::WrongType { .. } => ErrorCode::WrongType,
            SnapshotErrorKind::InvalidValue { .. } => ErrorCode::InvalidValue,
            SnapshotErrorKind::InvalidName { .. } => ErrorCode::InvalidName,
            SnapshotErrorKind::Duplicate { .. } => ErrorCode::Duplicate,
            SnapshotErrorKind::DanglingReference { .. } => ErrorCode::DanglingReference,
            SnapshotErrorKind::InvalidReference { .. } => ErrorCode::InvalidReference,
            SnapshotErrorKind::UnknownScope { .. } => ErrorCode::UnknownScope,
            SnapshotErrorKind::ScopeEntityMismatch { .. } => ErrorCode::ScopeEntityMismatch,
            SnapshotErrorKind::TooLarge { .. } => ErrorCode::TooLarge,
            SnapshotErrorKind::BadSignature => ErrorCode::SnapshotSignatureInvalid,
            SnapshotErrorKind::Expired { .. } => ErrorCode::SnapshotExpired,
        }
    }
}

impl fmt::Display for SnapshotErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidJson { detail } => write!(f, "the snapshot is not valid JSON: {detail}"),
            Self::UnsupportedVersion { found } => {
                write!(f, "snapshot version `{found}` is not supported (expected 1)")
            }
            Self::UnknownField { field } => write!(f, "unknown field `{field}`"),
            Self::MissingField { field } => write!(f, "missing field `{field}`"),
            Self::WrongType { expected } => write!(f, "expected {expected}"),
            Self::InvalidValue { value, expected } => {
                write!(f, "invalid value `{value}`, expected {expected}")
            }
            Self::InvalidName { name, rule } => write!(f, "invalid name `{name}`: {rule}"),
            Self::Duplicate { what, name } => write!(f, "duplicate {what} `{name}`"),
            Self::DanglingReference { what, name } => write!(f, "unknown {what} `{name}`"),
            Self::InvalidReference { name, why } => write!(f, "`{name}` {why}"),
            Self::UnknownScope { scope } => write!(f, "unknown scope `{scope}`"),
            Self::ScopeEntityMismatch { scope, entity } => {
                write!(f, "scope `{scope}` does not apply to a {entity} permission set")
            }
            Self::TooLarge { what, max } => write!(f, "too many {what} (at most {max})"),
            Self::BadSignature => {
                f.write_str("the snapshot's signature does not verify with the configured key")
            }
            Self::Expired { not_after } => write!(f, "the snapshot expired at {not_after}"),
        }
    }
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.kind)
        } else {
            write!(f, "{}: {}", self.path, self.kind)
        }
    }
}

impl std::error::Error for SnapshotError {}

/// Every problem found in a snapshot (at least one: only the loader makes these).
///
/// ```
/// let errors = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme", "colour": "red"}]}"#)
///     .unwrap_err();
/// let first = errors.first().ok_or("at least one problem")?;
/// assert_eq!(first.path, "organizations[0].colour");
/// assert_eq!(first.code(), scopegate::ErrorCode::UnknownField);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotErrors(pub(crate) Vec<SnapshotError>);

impl SnapshotErrors {
    /// Every problem, in the order found.
    pub fn iter(&self) -> std::slice::Iter<'_, SnapshotError> {
        self.0.iter()
    }
    /// How many problems were found (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Always `false`: a snapshot is refused for at least one problem.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The first problem (there is always one).
    pub fn first(&self) -> Option<&SnapshotError> {
        self.0.first()
    }
    /// The code of the first problem.
    pub fn code(&self) -> ErrorCode {
        self.first().map_or(ErrorCode::InvalidJson, SnapshotError::code)
    }
}

impl fmt::Display for SnapshotErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [] => f.write_str("invalid snapshot"),
            [one] => write!(f, "invalid snapshot: {one}"),
            [first, rest @ ..] => {
                write!(f, "invalid snapshot: {first} (and {} more problems)", rest.len())
            }
        }
    }
}

impl std::error::Error for SnapshotErrors {}

impl<'a> IntoIterator for &'a SnapshotErrors {
    type Item = &'a SnapshotError;
    type IntoIter = std::slice::Iter<'a, SnapshotError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A refused or failed management action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ManageError {
    /// The acting principal lacks the right; `deny` says which right is missing.
    #[error("{}", crate::decision::forbidden_message(.action, .actor, .resource, *.kind, .deny))]
    Forbidden {
        /// The action refused (`organization:update`, `team:update`, …).
        action: &'static str,
        /// The acting principal, as named.
        actor: String,
        /// The resource the action was checked on, as written (`acme`, `acme/platform`,
        /// `acme/app/prod`, or a personal token id).
        resource: String,
        /// What the resource is.
        kind: crate::decision::ResourceKind,
        /// Why it was refused.
        deny: Deny,
    },
    /// The action names something that does not exist.
    #[error("unknown {what} `{name}`")]
    NotFound {
        /// What kind of thing.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// The action would create a duplicate or leave a dangling reference.
    #[error("{what} `{name}` {why}")]
    Conflict {
        /// What kind of thing.
        what: &'static str,
        /// The name involved.
        name: String,
        /// Why the action cannot be applied.
        why: &'static str,
    },
    /// An argument is malformed.
    #[error("invalid {what}: {why}")]
    InvalidArgument {
        /// Which argument.
        what: &'static str,
        /// What is wrong with it.
        why: String,
    },
    /// A new token's expiry breaks the organization's expiry policy.
    #[error("organization `{org}` requires tokens to expire within {max_days} days")]
    ExpiryPolicyViolation {
        /// The organization.
        org: String,
        /// Its cap in days.
        max_days: u32,
    },
    /// No secure random numbers are available.
    #[error("no secure random numbers are available")]
    RandomUnavailable,
}

impl ManageError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Forbidden { .. } => ErrorCode::Forbidden,
            Self::NotFound { .. } => ErrorCode::NotFound,
            Self::Conflict { .. } => ErrorCode::Conflict,
            Self::InvalidArgument { .. } => ErrorCode::InvalidArgument,
            Self::ExpiryPolicyViolation { .. } => ErrorCode::ExpiryPolicyViolation,
            Self::RandomUnavailable => ErrorCode::RandomUnavailable,
        }
    }
}

/// Why a credential was refused. Messages never contain the credential or any secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Not an opaque or signed token.
    #[error("malformed token: {why}")]
    Malformed {
        /// What is wrong with its shape.
        why: &'static str,
    },
    /// No record matches.
    #[error("unknown token")]
    Unknown,
    /// Expired.
    #[error("the token expired at {expired_at}")]
    Expired {
        /// Expiry, seconds since the epoch.
        expired_at: u64,
    },
    /// Not valid yet.
    #[error("the token is not valid before {not_before}")]
    NotYetValid {
        /// `nbf`, seconds since the epoch.
        not_before: u64,
    },
    /// Deleted or revoked.
    #[error("token `{token_id}` was revoked")]
    Revoked {
        /// The token id (not a secret).
        token_id: String,
    },
    /// The signature does not verify.
    #[error("bad signature")]
    BadSignature,
    /// The key id is unknown.
    #[error("unknown key id `{kid}`")]
    UnknownKey {
        /// The key id named by the token.
        kid: String,
    },
    /// The algorithm is refused.
    #[error("algorithm `{alg}` is not allowed")]
    AlgorithmNotAllowed {
        /// The algorithm named by the token (shortened).
        alg: String,
    },
    /// Claims are missing, mistyped or disagree with the record.
    #[error("invalid claims: {why}")]
    InvalidClaims {
        /// What is wrong.
        why: String,
    },
    /// Wrong issuer.
    #[error("the token's issuer is not the configured issuer")]
    InvalidIssuer,
    /// Wrong audience.
    #[error("the token's audience does not include the configured audience")]
    InvalidAudience,
    /// The organization's expiry policy refuses it.
    #[error("organization `{org}` requires tokens to expire within {max_days} days")]
    ExpiryPolicyViolation {
        /// The organization.
        org: String,
        /// Its cap in days.
        max_days: u32,
    },
    /// The token belongs to another organization.
    #[error("the token belongs to organization `{actual}`, not `{expected}`")]
    WrongOrganization {
        /// The organization of the request.
        expected: String,
        /// The token's organization.
        actual: String,
    },
}

impl TokenError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed { .. } => ErrorCode::MalformedToken,
            Self::Unknown => ErrorCode::UnknownToken,
            Self::Expired { .. } => ErrorCode::TokenExpired,
            Self::NotYetValid { .. } => ErrorCode::TokenNotYetValid,
            Self::Revoked { .. } => ErrorCode::TokenRevoked,
            Self::BadSignature => ErrorCode::BadSignature,
            Self::UnknownKey { .. } => ErrorCode::UnknownKey,
            Self::AlgorithmNotAllowed { .. } => ErrorCode::AlgorithmNotAllowed,
            Self::InvalidClaims { .. } => ErrorCode::InvalidClaims,
            Self::InvalidIssuer => ErrorCode::InvalidIssuer,
            Self::InvalidAudience => ErrorCode::InvalidAudience,
            Self::ExpiryPolicyViolation { .. } => ErrorCode::ExpiryPolicyViolation,
            Self::WrongOrganization { .. } => ErrorCode::WrongOrganization,
        }
    }
}
