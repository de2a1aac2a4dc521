//! Key material: verification keys from the snapshot (by `kid`) and signing keys for minting.
//! Secrets never appear in `Debug` output.

use std::fmt;

use ed25519_dalek::{SigningKey as Ed25519SigningKey, VerifyingKey};

/// A signature algorithm scopegate accepts. `none` and every other algorithm are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// Ed25519 (RFC 8037), required.
    EdDsa,
    /// HMAC-SHA256, optional: only when the snapshot configures an HS256 key.
    Hs256,
}

impl Algorithm {
    /// The JOSE name (`EdDSA`, `HS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EdDsa => "EdDSA",
            Self::Hs256 => "HS256",
        }
    }

    /// Parses a JOSE algorithm name; only the two supported ones.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "EdDSA" => Some(Self::EdDsa),
            "HS256" => Some(Self::Hs256),
            _ => None,
        }
    }
}

/// A verification key from the snapshot.
#[derive(Clone)]
pub(crate) enum KeyMaterial {
    Ed25519(VerifyingKey),
    Hmac(Vec<u8>),
}

impl KeyMaterial {
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::Ed25519(_) => Algorithm::EdDsa,
            Self::Hmac(_) => Algorithm::Hs256,
        }
    }
}

impl fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ed25519(key) => write!(f, "Ed25519({:02x?})", key.as_bytes()),
            // SECURITY: an HMAC secret is never printed.
            Self::Hmac(secret) => write!(f, "Hmac(<{} secret bytes>)", secret.len()),
        }
    }
}

/// A named verification key.
#[derive(Debug, Clone)]
pub(crate) struct VerificationKey {
    pub kid: Box<str>,
    pub material: KeyMaterial,
}

/// How signed tokens are checked: keys by `kid`, the expected issuer and audience, and the
/// clock leeway. Loaded from the snapshot's `signing` object.
#[derive(Debug, Clone, Default)]
pub(crate) struct SigningConfig {
    pub issuer: Option<Box<str>>,
    pub audience: Option<Box<str>>,
    pub leeway: u64,
    pub keys: Vec<VerificationKey>,
}

impl SigningConfig {
    /// Default leeway for `nbf` and `exp`, in seconds.
    pub const DEFAULT_LEEWAY: u64 = 60;
    /// The largest leeway a snapshot may configure.
    pub const MAX_LEEWAY: u64 = 600;

    /// Whether any configured key uses `alg`: the allow-list.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|k| k.material.algorithm() == alg)
    }

    pub fn key(&self, kid: &str) -> Option<&VerificationKey> {
        self.keys.iter().find(|k| &*k.kid == kid)
    }
}

/// A key to sign tokens with when minting. Build it from a 32-byte Ed25519 seed or an HMAC
/// secret; its `Debug` output never shows the secret.
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
        use base64::Engine as _;
        use ed25519_dalek::Signer;
        match &self.key {
            SigningMaterial::Ed25519(key) => {
                Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.sign(bytes).to_bytes()))
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
