//! Signed tokens: compact JWS (JWT) with EdDSA or HS256.
//!
//! Order of checks (each refusal before any later work): size and shape, the algorithm
//! allow-list, the key by `kid` and its algorithm, the signature, then issuer, audience, time,
//! revocation and the principal.

use ed25519_dalek::Signature;
use ed25519_dalek::Signer;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::Authenticated;
use super::keys::{SigningKey, SigningMaterial};
use crate::authorize::Principal;
use crate::error::TokenError;
use crate::model::{BuiltinRole, Loose, TokenKind, base64url};
use crate::snapshot::{NameRule, shorten};
use crate::store::{Algorithm, KeyMaterial};
use crate::store::{ClaimsPrincipal, RoleRef, TokenId, TokenSubject, Who};

/// The largest decoded header accepted, in bytes.
const MAX_HEADER_BYTES: usize = 1024;

/// The claims scopegate reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// Token id; also the revocation handle.
    pub jti: String,
    /// `personal`, `organization` or `team`.
    pub kind: TokenKind,
    /// Organization of an organization or team token.
    pub org: Option<String>,
    /// User login (personal), team name (team), or the token name (organization).
    pub sub: String,
    /// Role of an organization token (`member`, `admin` or a custom role).
    pub role: Option<String>,
    /// Issued at.
    pub iat: u64,
    /// Not before.
    pub nbf: u64,
    /// Expires (required).
    pub exp: u64,
    /// Issuer.
    pub iss: Option<String>,
    /// Audience.
    pub aud: Option<String>,
}

/// The JOSE header as written and read. Other header parameters are ignored; `crit` is refused.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct Header<'a> {
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    alg: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    crit: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    kid: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    typ: Loose<'a>,
}

/// The claims scopegate writes and reads, in the order written (by name). Each is read loosely
/// and checked in the order the checks need; other claims are ignored.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(bound(deserialize = "'de: 'a"))]
struct ClaimsWire<'a> {
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    aud: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    exp: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    iat: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    iss: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    jti: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    kind: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    nbf: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    org: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    role: Loose<'a>,
    #[serde(default, skip_serializing_if = "Loose::is_absent")]
    sub: Loose<'a>,
}

fn text(s: &str) -> Loose<'_> {
    Loose::Str(s.into())
}

fn opt_text(s: Option<&str>) -> Loose<'_> {
    s.map_or(Loose::Absent, text)
}

impl Claims {
    fn to_wire(&self) -> ClaimsWire<'_> {
        ClaimsWire {
            aud: opt_text(self.aud.as_deref()),
            exp: Loose::Unsigned(self.exp),
            iat: Loose::Unsigned(self.iat),
            iss: opt_text(self.iss.as_deref()),
            jti: text(&self.jti),
            kind: text(self.kind.as_str()),
            nbf: Loose::Unsigned(self.nbf),
            org: opt_text(self.org.as_deref()),
            role: opt_text(self.role.as_deref()),
            sub: text(&self.sub),
        }
    }
}

/// Signs claims into a compact JWS.
pub(crate) fn sign(claims: &Claims, key: &SigningKey) -> String {
    let header = Header {
        alg: text(key.algorithm().as_str()),
        kid: text(&key.kid),
        typ: text("JWT"),
        ..Header::default()
    };
    let mut out = base64url::encode(serde_json::to_string(&header).unwrap_or_default());
    out.push('.');
    out.push_str(&base64url::encode(serde_json::to_string(&claims.to_wire()).unwrap_or_default()));
    let signature = match &key.key {
        SigningMaterial::Ed25519(signing) => signing.sign(out.as_bytes()).to_bytes().to_vec(),
        SigningMaterial::Hmac(secret) => hmac_sha256(secret, out.as_bytes()),
    };
    out.push('.');
    out.push_str(&base64url::encode(signature));
    out
}

fn hmac_sha256(secret: &[u8], message: &[u8]) -> Vec<u8> {
    match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length; this arm is never taken.
        Err(_) => Vec::new(),
    }
}

fn decode_part(part: &str) -> Result<Vec<u8>, TokenError> {
    base64url::decode(part).ok_or(TokenError::Malformed { why: "a part is not base64url without padding" })
}

/// Reads a header or the claims: a JSON object that repeats no member name, at any depth.
fn json_object<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &'static str) -> Result<T, TokenError> {
    let text = std::str::from_utf8(bytes).ok();
    text.and_then(crate::snapshot::read_object).ok_or(TokenError::Malformed { why: what })
}

fn claim_str<'a>(claim: &'a Loose<'_>, name: &str) -> Result<Option<&'a str>, TokenError> {
    match claim {
        Loose::Absent | Loose::Null => Ok(None),
        Loose::Str(s) => Ok(Some(s)),
        _ => Err(TokenError::InvalidClaims { why: format!("`{name}` is not a string") }),
    }
}

fn claim_time(claim: &Loose<'_>, name: &str) -> Result<Option<u64>, TokenError> {
    match claim {
        Loose::Absent | Loose::Null => Ok(None),
        Loose::Unsigned(n) => Ok(Some(*n)),
        _ => Err(TokenError::InvalidClaims { why: format!("`{name}` is not a non-negative integer") }),
    }
}

impl super::Verifier<'_> {
    pub(crate) fn authenticate_signed(&self, token: &str, now: u64) -> Result<Authenticated, TokenError> {
        let mut parts = token.split('.');
        let (Some(header_b64), Some(payload_b64), Some(signature_b64), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed { why: "a signed token has three dot-separated parts" });
        };
        let header_bytes = decode_part(header_b64)?;
        if header_bytes.len() > MAX_HEADER_BYTES {
            return Err(TokenError::Malformed { why: "the header is too large" });
        }
        let header: Header<'_> = json_object(&header_bytes, "the header is not a JSON object")?;
        // SECURITY: the algorithm allow-list comes before any other work (`none` is never on it).
        let alg_name = header.alg.as_str().unwrap_or_default();
        let alg = Algorithm::parse(alg_name)
            .filter(|alg| self.store.signing().allows(*alg))
            .ok_or_else(|| TokenError::AlgorithmNotAllowed { alg: shorten(alg_name) })?;
        if !header.crit.is_absent() {
            return Err(TokenError::Malformed { why: "critical header parameters are not supported" });
        }
        let kid = header.kid.as_str().unwrap_or_default();
        let key =
            self.store.signing().key(kid).ok_or_else(|| TokenError::UnknownKey { kid: shorten(kid) })?;
        // SECURITY: a key is only ever used with its own algorithm (no HS256-with-a-public-key swap).
        if key.material().algorithm() != alg {
            return Err(TokenError::AlgorithmNotAllowed { alg: shorten(alg_name) });
        }
        let signature = decode_part(signature_b64)?;
        let signing_input = token.get(..header_b64.len() + 1 + payload_b64.len()).unwrap_or_default();
        // The cache skips only this verification: the same text verified with the same key.
        let digest = self.cache.map(|_| super::opaque::digest(token));
        let cached = self.cache.zip(digest.as_ref()).is_some_and(|(cache, d)| cache.verified(d, kid));
        if !cached {
            verify(key.material(), signing_input.as_bytes(), &signature)?;
            if let Some((cache, d)) = self.cache.zip(digest) {
                cache.insert(d, kid);
            }
        }
        let payload = decode_part(payload_b64)?;
        let claims: ClaimsWire<'_> = json_object(&payload, "the payload is not a JSON object")?;
        self.accept_claims(&claims, now)
    }

    fn accept_claims(&self, claims: &ClaimsWire<'_>, now: u64) -> Result<Authenticated, TokenError> {
        let signing = self.store.signing();
        if let Some(issuer) = signing.issuer() {
            if claim_str(&claims.iss, "iss")? != Some(issuer) {
                return Err(TokenError::InvalidIssuer);
            }
        }
        if let Some(audience) = signing.audience() {
            let ok = match &claims.aud {
                Loose::Str(aud) => aud == audience,
                Loose::Array(auds) => auds.iter().any(|a| a.as_str() == Some(audience)),
                _ => false,
            };
            if !ok {
                return Err(TokenError::InvalidAudience);
            }
        }
        let exp = claim_time(&claims.exp, "exp")?
            .ok_or(TokenError::InvalidClaims { why: "`exp` is required".into() })?;
        if now >= exp.saturating_add(signing.leeway()) {
            return Err(TokenError::Expired { expired_at: exp });
        }
        if let Some(nbf) = claim_time(&claims.nbf, "nbf")? {
            if now.saturating_add(signing.leeway()) < nbf {
                return Err(TokenError::NotYetValid { not_before: nbf });
            }
        }
        claim_time(&claims.iat, "iat")?;
        let jti = claim_str(&claims.jti, "jti")?
            .ok_or(TokenError::InvalidClaims { why: "`jti` is required".into() })?;
        // A token id is an identifier, as in the snapshot: an empty one could never be revoked,
        // and control characters would break the headers it is forwarded in.
        if !NameRule::Identifier.accepts(jti) {
            return Err(TokenError::InvalidClaims {
                why: "`jti` must be a token id (letters, digits, `-`, `_`, `.`)".into(),
            });
        }
        if self.store.is_revoked(jti) {
            return Err(TokenError::Revoked { token_id: shorten(jti) });
        }
        let kind_name = claim_str(&claims.kind, "kind")?.unwrap_or_default();
        let kind = TokenKind::parse(kind_name).ok_or_else(|| TokenError::InvalidClaims {
            why: format!("unknown `kind` `{}`", shorten(kind_name)),
        })?;
        let sub = claim_str(&claims.sub, "sub")?.unwrap_or_default();
        let org = claim_str(&claims.org, "org")?;
        let role = claim_str(&claims.role, "role")?;
        if let Some(idx) = self.store.token_id(jti) {
            return self.accept_recorded(idx, kind, org, sub, role, exp, now);
        }
        self.accept_unrecorded(jti, kind, org, sub, role, exp)
    }

    /// A signed token whose `jti` has a record: the record decides, and the claims must agree.
    #[expect(clippy::too_many_arguments, reason = "the claims it compares with the record")]
    fn accept_recorded(
        &self,
        idx: TokenId,
        kind: TokenKind,
        org: Option<&str>,
        sub: &str,
        role: Option<&str>,
        exp: u64,
        now: u64,
    ) -> Result<Authenticated, TokenError> {
        let record = self.store.token(idx).ok_or(TokenError::Unknown)?;
        if record.deleted() {
            return Err(TokenError::Revoked { token_id: record.id().to_string() });
        }
        // The leeway covers clock skew for the record's expiry as for the `exp` claim.
        if record.expires() != 0 && now >= record.expires().saturating_add(self.store.signing().leeway()) {
            return Err(TokenError::Expired { expired_at: record.expires() });
        }
        let mut found = self.authenticated_record(idx, true)?;
        // An organization token's `sub` is its name and its `role` (when present) its role;
        // a personal or team token's `sub` is its user or team.
        let subject_matches = match kind {
            TokenKind::Organization => record.name() == Some(sub) && role.is_none_or(|r| r == found.subject),
            TokenKind::Personal | TokenKind::Team => found.subject == sub,
        };
        if found.kind != kind || found.organization.as_deref() != org || !subject_matches {
            return Err(TokenError::InvalidClaims {
                why: "the claims disagree with the token's record".into(),
            });
        }
        found.expires = Some(found.expires.map_or(exp, |at| at.min(exp)));
        Ok(found)
    }

    /// A signed token with no record: it acts by its claims.
    fn accept_unrecorded(
        &self,
        jti: &str,
        kind: TokenKind,
        org: Option<&str>,
        sub: &str,
        role: Option<&str>,
        exp: u64,
    ) -> Result<Authenticated, TokenError> {
        let base = |who, principal_name, subject: &str| Authenticated {
            principal: Principal::new(who, None),
            principal_name,
            token_id: jti.to_string(),
            kind,
            organization: org.map(str::to_string),
            subject: subject.to_string(),
            expires: Some(exp),
            signed: true,
        };
        if kind == TokenKind::Personal {
            if org.is_some() {
                return Err(TokenError::InvalidClaims { why: "a personal token has no `org`".into() });
            }
            let user = self.store.user_id(sub).ok_or(TokenError::Unknown)?;
            return Ok(base(Who::User(user), Some(format!("user:{sub}")), sub));
        }
        let org_name = org.ok_or(TokenError::InvalidClaims { why: "`org` is required".into() })?;
        let org_idx = self.store.org_id(org_name).ok_or(TokenError::Unknown)?;
        let org_ref = self.store.org(org_idx).ok_or(TokenError::Unknown)?;
        let (subject, name) = if kind == TokenKind::Team {
            let team = org_ref.team_id(sub);
            (TokenSubject::Team(team.ok_or(TokenError::Unknown)?), sub)
        } else {
            let role_name = role.unwrap_or("member");
            let role = match BuiltinRole::parse(role_name) {
                Some(BuiltinRole::BillingManager) => {
                    return Err(TokenError::InvalidClaims {
                        why: "an organization token cannot be a billing manager".into(),
                    });
                }
                Some(builtin) => RoleRef::Builtin(builtin),
                None => {
                    let custom = org_ref.role_id(role_name);
                    RoleRef::Custom(custom.ok_or(TokenError::Unknown)?)
                }
            };
            (TokenSubject::Role(role), role_name)
        };
        Ok(base(Who::Claims(ClaimsPrincipal::new(org_idx, subject)), None, name))
    }
}

fn verify(key: &KeyMaterial, message: &[u8], signature: &[u8]) -> Result<(), TokenError> {
    match key {
        KeyMaterial::Ed25519(public) => {
            let signature = Signature::from_slice(signature).map_err(|_| TokenError::BadSignature)?;
            public.verify_strict(message, &signature).map_err(|_| TokenError::BadSignature)
        }
        KeyMaterial::Hmac(secret) => {
            let mut mac = Hmac::<Sha256>::new_from_slice(secret).map_err(|_| TokenError::BadSignature)?;
            mac.update(message);
            // SECURITY: constant-time comparison of the MAC.
            mac.verify_slice(signature).map_err(|_| TokenError::BadSignature)
        }
    }
}
