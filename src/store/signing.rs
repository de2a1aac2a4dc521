//! How signed tokens are checked: the verification keys (by `kid`), issuer, audience and leeway
//! loaded from the snapshot's `signing` object. Secrets never appear in `Debug` output.

use std::fmt;

use ed25519_dalek::VerifyingKey;

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
    kid: Box<str>,
    material: KeyMaterial,
}

impl VerificationKey {
    pub fn new(kid: &str, material: KeyMaterial) -> Self {
        Self { kid: kid.into(), material }
    }
    pub fn kid(&self) -> &str {
        &self.kid
    }
    pub fn material(&self) -> &KeyMaterial {
        &self.material
    }
}

/// How signed tokens are checked: keys by `kid`, the expected issuer and audience, and the
/// clock leeway. Loaded from the snapshot's `signing` object.
#[derive(Debug, Clone, Default)]
pub(crate) struct SigningConfig {
    issuer: Option<Box<str>>,
    audience: Option<Box<str>>,
    leeway: u64,
    keys: Vec<VerificationKey>,
}

impl SigningConfig {
    /// Default leeway for `nbf` and `exp`, in seconds.
    pub const DEFAULT_LEEWAY: u64 = 60;
    /// The largest leeway a snapshot may configure.
    pub const MAX_LEEWAY: u64 = 600;

    pub fn new(
        issuer: Option<&str>,
        audience: Option<&str>,
        leeway: u64,
        keys: Vec<VerificationKey>,
    ) -> Self {
        Self { issuer: issuer.map(Into::into), audience: audience.map(Into::into), leeway, keys }
    }
    pub fn issuer(&self) -> Option<&str> {
        self.issuer.as_deref()
    }
    pub fn audience(&self) -> Option<&str> {
        self.audience.as_deref()
    }
    pub fn leeway(&self) -> u64 {
        self.leeway
    }
    pub fn keys(&self) -> &[VerificationKey] {
        &self.keys
    }

    /// Whether any configured key uses `alg`: the allow-list.
    pub fn allows(&self, alg: Algorithm) -> bool {
        self.keys.iter().any(|k| k.material.algorithm() == alg)
    }

    pub fn key(&self, kid: &str) -> Option<&VerificationKey> {
        self.keys.iter().find(|k| &*k.kid == kid)
    }

    /// Adds a key; `false` when its id is taken.
    pub fn add_key(&mut self, key: VerificationKey) -> bool {
        if self.key(key.kid()).is_some() {
            return false;
        }
        self.keys.push(key);
        true
    }

    /// Removes a key; `false` when there is none with that id.
    pub fn remove_key(&mut self, kid: &str) -> bool {
        let before = self.keys.len();
        self.keys.retain(|k| &*k.kid != kid);
        self.keys.len() != before
    }
}
