//! Signing keys for minting tokens and signing snapshots. Secrets never appear in `Debug` output.

use std::fmt;

use ed25519_dalek::SigningKey as Ed25519SigningKey;

pub use crate::store::Algorithm;

/// A key to sign tokens with when minting. Build it from a 32-byte Ed25519 seed or an HMAC
/// secret; its `Debug` output never shows the secret.
///
/// ```
/// use scopegate::{Algorithm, SigningKey};
/// let key = SigningKey::ed25519("2024-01", &[7; 32]);
/// assert_eq!((key.kid(), key.algorithm()), ("2024-01", Algorithm::EdDsa));
/// assert!(key.public_key().is_some());
/// assert!(!format!("{key:?}").contains("[7"));
/// ```
#[derive(Clone)]
pub struct SigningKey {
    pub(crate) kid: String,
    pub(crate) key: SigningMaterial,
}

#[derive(Clone)]
pub(crate) enum SigningMaterial {
    Ed25519(Box<Ed25519SigningKey>),
    Hmac(Vec<u8>),
}

impl SigningKey {
    /// An Ed25519 key from its 32-byte seed (the private key as RFC 8032 defines it).
    pub fn ed25519(kid: &str, seed: &[u8; 32]) -> Self {
        Self {
            kid: kid.to_string(),
            key: SigningMaterial::Ed25519(Box::new(Ed25519SigningKey::from_bytes(seed))),
        }
    }

    /// An HS256 key from a secret (at least 32 bytes are recommended; the snapshot requires it).
    pub fn hs256(kid: &str, secret: &[u8]) -> Self {
        Self { kid: kid.to_string(), key: SigningMaterial::Hmac(secret.to_vec()) }
    }

    /// The key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self.key {
            SigningMaterial::Ed25519(_) => Algorithm::EdDsa,
            SigningMaterial::Hmac(_) => Algorithm::Hs256,
        }
    }

    /// A detached Ed25519 signature over `bytes`, base64url without padding (`None` for HS256).
    pub fn sign_bytes(&self, bytes: &[u8]) -> Option<String> {
        use ed25519_dalek::Signer;
        match &self.key {
            SigningMaterial::Ed25519(key) => {
                Some(crate::model::base64url::encode(key.sign(bytes).to_bytes()))
            }
            SigningMaterial::Hmac(_) => None,
        }
    }

    /// The Ed25519 public key, for the snapshot's `signing.keys` (`None` for HS256).
    pub fn public_key(&self) -> Option<[u8; 32]> {
        match &self.key {
            SigningMaterial::Ed25519(key) => Some(key.verifying_key().to_bytes()),
            SigningMaterial::Hmac(_) => None,
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the private key or secret is never printed.
        write!(f, "SigningKey {{ kid: {:?}, alg: {} }}", self.kid, self.algorithm().as_str())
    }
}
