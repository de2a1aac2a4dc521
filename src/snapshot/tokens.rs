//! Token records and signing keys in a snapshot.

use super::build::Builder;
use super::checks::{Pending, TokenPlace, required};
use super::names::{NameRule, Path, Problems, shorten};
use super::wire;
use crate::error::SnapshotErrorKind as K;
use crate::model::{BuiltinRole, TokenKind, base64url};
use crate::store::NewToken;
use crate::store::{Algorithm, KeyMaterial, SigningConfig, VerificationKey};
use crate::store::{OrgId, RoleRef, TokenSubject, UserId};

/// Loads the `signing` object: keys by `kid`, issuer, audience and leeway.
pub(crate) fn load_signing(
    signing: Option<&wire::Signing<'_>>,
    at: &Path<'_>,
    problems: &mut Problems,
) -> SigningConfig {
    let Some(signing) = signing else {
        return SigningConfig::new(None, None, SigningConfig::DEFAULT_LEEWAY, Vec::new());
    };
    let mut leeway = SigningConfig::DEFAULT_LEEWAY;
    let mut keys: Vec<VerificationKey> = Vec::new();
    if let Some(seconds) = signing.leeway_seconds {
        if seconds <= SigningConfig::MAX_LEEWAY {
            leeway = seconds;
        } else {
            let expected = "at most 600 seconds";
            problems
                .push(&at.field("leewaySeconds"), K::InvalidValue { value: seconds.to_string(), expected });
        }
    }
    let keys_at = at.field("keys");
    for (i, key) in signing.keys.iter().flatten().enumerate() {
        let at = keys_at.index(i);
        let kid = required(&key.kid, &at, "kid", problems);
        let alg = required(&key.alg, &at, "alg", problems);
        let (Some(kid), Some(alg)) = (kid, alg) else { continue };
        if !NameRule::Identifier.check(kid, &at.field("kid"), problems) {
            continue;
        }
        if keys.iter().any(|k| k.kid() == &**kid) {
            problems.push(&at.field("kid"), K::Duplicate { what: "key id", name: shorten(kid) });
            continue;
        }
        let (wanted, other) = match Algorithm::parse(alg) {
            Some(Algorithm::EdDsa) => (("publicKey", &key.public_key), ("secret", &key.secret)),
            Some(Algorithm::Hs256) => (("secret", &key.secret), ("publicKey", &key.public_key)),
            None => {
                let expected = "`EdDSA` or `HS256`";
                problems.push(&at.field("alg"), K::InvalidValue { value: shorten(alg), expected });
                continue;
            }
        };
        if other.1.is_some() {
            problems.push(&at.field(other.0), K::UnknownField { field: other.0.into() });
        }
        let bytes = match wanted.1 {
            Some(text) => base64url::decode(&**text),
            None => {
                problems.push(&at, K::MissingField { field: wanted.0 });
                continue;
            }
        };
        let material = match Algorithm::parse(alg) {
            Some(Algorithm::EdDsa) => bytes
                .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
                .map(KeyMaterial::Ed25519),
            _ => bytes.filter(|s| s.len() >= 32).map(KeyMaterial::Hmac),
        };
        let Some(material) = material else {
            // SECURITY: the message never repeats a secret.
            let expected = if wanted.0 == "secret" {
                "at least 32 bytes, base64url without padding"
            } else {
                "an Ed25519 public key: 32 bytes, base64url without padding"
            };
            problems.push(&at.field(wanted.0), K::InvalidValue { value: wanted.0.into(), expected });
            continue;
        };
        keys.push(VerificationKey::new(kid, material));
    }
    SigningConfig::new(signing.issuer.as_deref(), signing.audience.as_deref(), leeway, keys)
}

/// A deleted team token whose team no longer exists names it anyway.
enum Subject<'a> {
    Known(TokenSubject),
    GoneTeam(&'a str),
}

/// Loads one token record: an organization's (`org` set) or a personal one of `user`.
#[expect(clippy::too_many_arguments, reason = "the record, where it sits, and the loader's state")]
pub(crate) fn load_token<'v>(
    b: &mut Builder,
    org: Option<OrgId>,
    user: Option<UserId>,
    token: &'v wire::Token<'_>,
    place: TokenPlace,
    at: &Path<'_>,
    problems: &mut Problems,
    pending: &mut Vec<Pending<'v>>,
) {
    let Some(id) = required(&token.id, at, "id", problems) else { return };
    if !NameRule::Identifier.check(id, &at.field("id"), problems) {
        return;
    }
    if b.token(id).is_some() {
        problems.push(&at.field("id"), K::Duplicate { what: "token id", name: shorten(id) });
        return;
    }
    let kind_name = token.kind.as_deref().or(if org.is_some() { None } else { Some("personal") });
    let kind = match kind_name.and_then(TokenKind::parse) {
        Some(TokenKind::Personal) if org.is_some() => None,
        Some(k) if org.is_none() && k != TokenKind::Personal => None,
        other => other,
    };
    let Some(kind) = kind else {
        let expected = if org.is_some() { "`organization` or `team`" } else { "`personal`" };
        match kind_name {
            Some(k) => problems.push(&at.field("kind"), K::InvalidValue { value: shorten(k), expected }),
            None => problems.push(at, K::MissingField { field: "kind" }),
        }
        return;
    };
    let name = token.name.as_deref();
    let description =
        token.description.as_deref().filter(|d| NameRule::Text.check(d, &at.field("description"), problems));
    let subject = match (kind, org) {
        (TokenKind::Personal, _) => {
            if let Some(name) = name {
                let why = "is a name on a personal token; personal tokens have a description only";
                problems.push(&at.field("name"), K::InvalidReference { name: shorten(name), why });
            }
            user.map(|user| Subject::Known(TokenSubject::User(user)))
        }
        (TokenKind::Team, Some(org)) => match token.team.as_deref() {
            None => {
                problems.push(at, K::MissingField { field: "team" });
                None
            }
            Some(team) => match b.team(org, team) {
                Some(t) => Some(Subject::Known(TokenSubject::Team(t))),
                // A deleted token only reserves its name; its team may be gone.
                None if token.deleted == Some(true) => Some(Subject::GoneTeam(team)),
                None => {
                    problems
                        .push(&at.field("team"), K::DanglingReference { what: "team", name: shorten(team) });
                    None
                }
            },
        },
        (TokenKind::Organization, Some(org)) => {
            let role = token.role.as_deref().unwrap_or("member");
            let found = match BuiltinRole::parse(role) {
                Some(BuiltinRole::BillingManager) => {
                    let why = "cannot be an organization token's role";
                    Err(K::InvalidReference { name: shorten(role), why })
                }
                Some(builtin) => Ok(RoleRef::Builtin(builtin)),
                None => b
                    .role(org, role)
                    .map(RoleRef::Custom)
                    .ok_or_else(|| K::DanglingReference { what: "role", name: shorten(role) }),
            };
            match found {
                Ok(role) => Some(Subject::Known(TokenSubject::Role(role))),
                Err(problem) => {
                    problems.push(&at.field("role"), problem);
                    None
                }
            }
        }
        (_, None) => None,
    };
    if kind != TokenKind::Team && token.team.is_some() {
        problems.push(&at.field("team"), K::UnknownField { field: "team".into() });
    }
    if kind != TokenKind::Organization && token.role.is_some() {
        problems.push(&at.field("role"), K::UnknownField { field: "role".into() });
    }
    if let (Some(org), true) = (org, kind != TokenKind::Personal) {
        match name {
            None => problems.push(at, K::MissingField { field: "name" }),
            Some(n) if !NameRule::TokenName.check(n, &at.field("name"), problems) => return,
            Some(n) if b.token_name_taken(org, n) => {
                problems.push(&at.field("name"), K::Duplicate { what: "token name", name: shorten(n) });
                return;
            }
            Some(_) => {}
        }
    }
    let digest = match token.digest.as_deref() {
        Some(hex) => match parse_digest(hex) {
            Some(d) => Some(d),
            None => {
                let expected = "64 lowercase hex characters (SHA-256)";
                problems.push(&at.field("digest"), K::InvalidValue { value: shorten(hex), expected });
                return;
            }
        },
        None => None,
    };
    let Some(subject) = subject else { return };
    if let Some(digest) = &digest {
        // Two records with one digest would be one secret with two meanings.
        if b.digest_taken(digest) {
            problems.push(&at.field("digest"), K::Duplicate { what: "token digest", name: shorten(id) });
            return;
        }
    }
    let subject = match (subject, org) {
        (Subject::Known(subject), _) => subject,
        // Keep the gone team as a tombstone so that the record still names it.
        (Subject::GoneTeam(team), Some(org)) => match b.add_gone_team(org, team) {
            Some(team) => TokenSubject::Team(team),
            None => return,
        },
        (Subject::GoneTeam(_), None) => return,
    };
    let record = NewToken::new(id, kind, org, subject)
        .named(name, description)
        .digest(digest)
        .times(token.created.unwrap_or(0), token.expires.unwrap_or(0))
        .deleted(token.deleted.unwrap_or(false));
    let added = b.add_token(record);
    // Id, digest and name were checked above.
    let Ok(idx) = added else { return };
    if let Some(login) = token.created_by.as_deref() {
        pending.push(Pending::CreatedBy { token: idx, place, login });
    }
}

/// Parses 64 lowercase hex characters.
pub(crate) fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (slot, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let hi = hex_value(*pair.first()?)?;
        let lo = hex_value(*pair.get(1)?)?;
        *slot = (hi << 4) | lo;
    }
    Some(out)
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}
