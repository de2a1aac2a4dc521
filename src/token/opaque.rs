//! Opaque tokens in Pulumi's format: `pul-` and 40 lowercase hex characters (160 random bits).
//! The snapshot keeps only the SHA-256 digest of the whole string.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::Authenticated;
use crate::authorize::Principal;
use crate::error::TokenError;
use crate::store::TokenId;

pub(crate) const PREFIX: &str = "pul-";
const HEX_LEN: usize = 40;

/// The SHA-256 digest of a token string.
pub(crate) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// `pul-` + lowercase hex of 20 secret bytes.
pub(crate) fn format(secret: &[u8; 20]) -> String {
    let mut out = String::with_capacity(PREFIX.len() + HEX_LEN);
    out.push_str(PREFIX);
    for b in secret {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

fn well_formed(token: &str) -> bool {
    token.len() == PREFIX.len() + HEX_LEN
        && token.starts_with(PREFIX)
        && token.bytes().skip(PREFIX.len()).all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl super::Verifier<'_> {
    pub(crate) fn authenticate_opaque(&self, token: &str, now: u64) -> Result<Authenticated, TokenError> {
        if !well_formed(token) {
            return Err(TokenError::Malformed {
                why: "an opaque token is `pul-` and 40 lowercase hex characters",
            });
        }
        let computed = digest(token);
        // The lookup is keyed by a hash of the secret, which leaks nothing useful through
        // timing; the final comparison of the stored digest is constant-time all the same.
        let idx = self.store.token_by_digest(&computed).ok_or(TokenError::Unknown)?;
        let record = self.store.token(idx).ok_or(TokenError::Unknown)?;
        let stored = record.digest().ok_or(TokenError::Unknown)?;
        // SECURITY: secrets are compared in constant time.
        if !bool::from(stored.ct_eq(&computed)) {
            return Err(TokenError::Unknown);
        }
        if record.deleted() || self.store.is_revoked(record.id()) {
            return Err(TokenError::Revoked { token_id: record.id().to_string() });
        }
        if record.expires() != 0 && now >= record.expires() {
            return Err(TokenError::Expired { expired_at: record.expires() });
        }
        self.authenticated_record(idx, false)
    }

    /// The answer for a live token record.
    pub(crate) fn authenticated_record(
        &self,
        idx: TokenId,
        signed: bool,
    ) -> Result<Authenticated, TokenError> {
        let who = self.store.who_of_token(idx).ok_or(TokenError::Unknown)?;
        let record = self.store.token(idx).ok_or(TokenError::Unknown)?;
        let (kind, organization, subject, expires) =
            self.store.describe_token(idx).ok_or(TokenError::Unknown)?;
        // A team token whose team is gone, or a personal token whose user left every
        // organization, still resolves; questions then deny.
        Ok(Authenticated {
            principal: Principal::new(who, Some(idx)),
            principal_name: Some(format!("token:{}", record.id())),
            token_id: record.id().to_string(),
            kind,
            organization,
            subject,
            expires: (expires != 0).then_some(expires),
            signed,
        })
    }
}
