//! Access tokens: turning a credential into a principal offline, and minting new ones.
//!
//! Two formats are accepted:
//! - **opaque** tokens in Pulumi's format, `pul-` + 40 lowercase hex characters, looked up by the
//!   SHA-256 digest the snapshot stores;
//! - **signed** tokens, compact JWS (JWT) with EdDSA (Ed25519) or, when configured, HS256, keys
//!   by `kid` from the snapshot.
//!
//! Time is always passed in as seconds since the epoch.

mod cache;
mod credential;
mod jwt;
mod keys;
pub(crate) mod opaque;

pub use cache::MAX_CACHED_TOKENS;
pub(crate) use cache::VerifiedCache;
pub use jwt::Claims;
pub(crate) use jwt::sign as sign_claims;
pub use keys::{Algorithm, SigningKey};

use crate::authorize::Principal;
use crate::error::TokenError;
use crate::model::TokenKind;
use crate::store::Store;

/// Longest credential accepted, in bytes; anything longer is `malformed_token` before any work.
pub const MAX_CREDENTIAL_BYTES: usize = 8192;

/// Two years, the longest lifetime a token may be issued with.
pub const MAX_LIFETIME_SECONDS: u64 = 2 * 365 * 86_400;

/// A validated credential: who it acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authenticated {
    /// The principal to ask questions as, on the engine that authenticated the credential.
    pub principal: Principal,
    /// The principal as a string for [`Engine::check`](crate::Engine::check) (`user:<login>` or `token:<id>`), when it
    /// has a record; `None` for a signed machine token known only by its claims.
    pub principal_name: Option<String>,
    /// The token id (`jti` for signed tokens).
    pub token_id: String,
    /// The token's kind.
    pub kind: TokenKind,
    /// The organization of an organization or team token.
    pub organization: Option<String>,
    /// The user login (personal), team name (team) or role (organization) it acts as.
    pub subject: String,
    /// Expiry in seconds since the epoch; `None` for a token that never expires. For a signed
    /// token with a record, the earlier of the record's expiry and its `exp` claim.
    pub expires: Option<u64>,
    /// Whether the credential was a signed token.
    pub signed: bool,
}

/// Credentials checked against one state.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Verifier<'a> {
    pub store: &'a Store,
    /// Signed tokens whose signature verified, when the cache is on.
    pub cache: Option<&'a VerifiedCache>,
}

impl Verifier<'_> {
    /// Validates a credential: a bare token, `token <value>`, `Bearer <value>`, or a whole
    /// `Authorization: token <value>` header line. `org`, when given, is the organization the
    /// request is against: machine tokens of another organization are refused
    /// (`wrong_organization`) and that organization's expiry policy applies.
    pub fn authenticate(
        &self,
        credential: &str,
        now: u64,
        org: Option<&str>,
    ) -> Result<Authenticated, TokenError> {
        let token = credential::strip(credential)?;
        let found = if token.starts_with(opaque::PREFIX) {
            self.authenticate_opaque(token, now)?
        } else {
            self.authenticate_signed(token, now)?
        };
        self.check_organization(&found, org)?;
        self.check_expiry_policy(&found, now, org)?;
        Ok(found)
    }

    fn check_organization(&self, found: &Authenticated, org: Option<&str>) -> Result<(), TokenError> {
        match (org, found.organization.as_deref()) {
            (Some(wanted), Some(own)) if wanted != own => {
                Err(TokenError::WrongOrganization { expected: wanted.to_string(), actual: own.to_string() })
            }
            // A personal token belongs to no organization: it is accepted for any organization
            // name, existing or not, and its questions there deny unless its user is a member.
            _ => Ok(()),
        }
    }

    /// With a policy, a token used against the organization must expire, and no later
    /// than the cap from now. The policy binds the organization's members: a personal token of
    /// a user outside it is accepted as for an organization without a policy (or one that does
    /// not exist), so that the answer shows outsiders neither the organization nor its rules.
    fn check_expiry_policy(
        &self,
        found: &Authenticated,
        now: u64,
        org: Option<&str>,
    ) -> Result<(), TokenError> {
        let Some(org_name) = org.or(found.organization.as_deref()) else { return Ok(()) };
        if found.kind == TokenKind::Personal && !self.user_is_member(&found.subject, org_name) {
            return Ok(());
        }
        let Some(settings) = self.store.settings(org_name) else { return Ok(()) };
        let Some(days) = settings.token_expiry_policy_days else { return Ok(()) };
        if !settings.expiry_policy_admits(found.expires, now) {
            return Err(TokenError::ExpiryPolicyViolation { org: org_name.to_string(), max_days: days });
        }
        Ok(())
    }
}

impl Verifier<'_> {
    fn user_is_member(&self, login: &str, org: &str) -> bool {
        let (Some(user), Some(org)) = (self.store.user_id(login), self.store.org_id(org)) else {
            return false;
        };
        self.store.membership(user, org).is_some()
    }
}

/// Signs snapshot text: a detached Ed25519 signature over its exact UTF-8 bytes, base64url
/// without padding. Edge deployments accept only snapshots signed this way.
pub fn sign_snapshot(json: &str, key: &SigningKey) -> Option<String> {
    key.sign_bytes(json.as_bytes())
}
