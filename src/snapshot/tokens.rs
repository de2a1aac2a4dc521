//! Token records and signing keys in a snapshot.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::Pending;
use super::reader::{NameRule, Problems, object, shorten};
use crate::error::SnapshotErrorKind as K;
use crate::model::{BuiltinRole, TokenKind};
use crate::store::{Algorithm, KeyMaterial, SigningConfig, VerificationKey};
use crate::store::{NewToken, OrgId, RoleRef, Store, TokenConflict, TokenSubject, UserId};

pub(crate) const SIGNING_FIELDS: &[&str] = &["issuer", "audience", "leewaySeconds", "keys"];
pub(crate) const KEY_FIELDS: &[&str] = &["kid", "alg", "publicKey", "secret"];

/// Loads the `signing` object: keys by `kid`, issuer, audience and leeway.
pub(crate) fn load_signing(value: &Value, path: &str, problems: &mut Problems) -> SigningConfig {
    let default = || SigningConfig::new(None, None, SigningConfig::DEFAULT_LEEWAY, Vec::new());
    let Some(obj) = object(value, path, SIGNING_FIELDS, problems) else { return default() };
    let issuer = obj.opt_str("issuer", problems);
    let audience = obj.opt_str("audience", problems);
    let mut leeway = SigningConfig::DEFAULT_LEEWAY;
    let mut keys: Vec<VerificationKey> = Vec::new();
    if let Some(seconds) = obj.opt_u64("leewaySeconds", problems) {
        if seconds <= SigningConfig::MAX_LEEWAY {
            leeway = seconds;
        } else {
            let expected = "at most 600 seconds";
            problems.push(
                &obj.path_of("leewaySeconds"),
                K::InvalidValue { value: seconds.to_string(), expected },
            );
        }
    }
    for (key_path, key) in obj.opt_array("keys", problems) {
        let Some(key) = object(key, &key_path, KEY_FIELDS, problems) else { continue };
        let (Some(kid), Some(alg)) = (key.req_str("kid", problems), key.req_str("alg", problems)) else {
            continue;
        };
        if !NameRule::Identifier.check(kid, &key.path_of("kid"), problems) {
            continue;
        }
        if keys.iter().any(|k| k.kid() == kid) {
            problems.push(&key.path_of("kid"), K::Duplicate { what: "key id", name: shorten(kid) });
            continue;
        }
        let material = match Algorithm::parse(alg) {
            Some(Algorithm::EdDsa) => {
                let bytes = key.req_str("publicKey", problems).and_then(|k| URL_SAFE_NO_PAD.decode(k).ok());
                let public = bytes
                    .and_then(|b| <[u8; 32]>::try_from(b.as_slice()).ok())
                    .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok());
                if key.get("secret").is_some() {
                    problems.push(&key.path_of("secret"), K::UnknownField { field: "secret".into() });
                }
                match public {
                    Some(public) => KeyMaterial::Ed25519(public),
                    None => {
                        let expected = "an Ed25519 public key: 32 bytes, base64url without padding";
                        problems.push(
                            &key.path_of("publicKey"),
                            K::InvalidValue { value: "publicKey".into(), expected },
                        );
                        continue;
                    }
                }
            }
            Some(Algorithm::Hs256) => {
                let secret = key.req_str("secret", problems).and_then(|k| URL_SAFE_NO_PAD.decode(k).ok());
                if key.get("publicKey").is_some() {
                    problems.push(&key.path_of("publicKey"), K::UnknownField { field: "publicKey".into() });
                }
                match secret.filter(|s| s.len() >= 32) {
                    Some(secret) => KeyMaterial::Hmac(secret),
                    None => {
                        // SECURITY: the message never repeats the secret.
                        let expected = "at least 32 bytes, base64url without padding";
                        problems.push(
                            &key.path_of("secret"),
                            K::InvalidValue { value: "secret".into(), expected },
                        );
                        continue;
                    }
                }
            }
            None => {
                let expected = "`EdDSA` or `HS256`";
                problems.push(&key.path_of("alg"), K::InvalidValue { value: shorten(alg), expected });
                continue;
            }
        };
        keys.push(VerificationKey::new(kid, material));
    }
    SigningConfig::new(issuer, audience, leeway, keys)
}

pub(crate) const TOKEN_FIELDS: &[&str] = &[
    "id",
    "kind",
    "name",
    "description",
    "team",
    "role",
    "digest",
    "created",
    "expires",
    "createdBy",
    "deleted",
];

/// Whose token record is being read.
pub(crate) enum TokenOwner {
    /// An organization or team token of the organization being built.
    Org(OrgId),
    /// A personal token of a user.
    User(UserId),
}

/// Loads one token record.
pub(crate) fn load_token(
    index: &mut Store,
    owner: TokenOwner,
    path: &str,
    value: &Value,
    problems: &mut Problems,
    pending: &mut Vec<Pending>,
) {
    let (org, user) = match owner {
        TokenOwner::Org(idx) => (Some(idx), None),
        TokenOwner::User(user) => (None, Some(user)),
    };
    let Some(obj) = object(value, path, TOKEN_FIELDS, problems) else {
        return;
    };
    let Some(id) = obj.req_str("id", problems) else {
        return;
    };
    if !NameRule::Identifier.check(id, &obj.path_of("id"), problems) {
        return;
    }
    if index.token_id(id).is_some() {
        problems.push(&obj.path_of("id"), K::Duplicate { what: "token id", name: shorten(id) });
        return;
    }
    let default_kind = if org.is_some() { None } else { Some("personal") };
    let kind_str = obj.opt_str("kind", problems).or(default_kind);
    let kind = match kind_str.and_then(TokenKind::parse) {
        Some(TokenKind::Personal) if org.is_some() => None,
        Some(k) if org.is_none() && k != TokenKind::Personal => None,
        other => other,
    };
    let Some(kind) = kind else {
        let expected = if org.is_some() { "`organization` or `team`" } else { "`personal`" };
        match kind_str {
            Some(k) => problems.push(&obj.path_of("kind"), K::InvalidValue { value: shorten(k), expected }),
            None => problems.push(path, K::MissingField { field: "kind" }),
        }
        return;
    };
    let name = obj.opt_str("name", problems);
    let description = obj
        .opt_str("description", problems)
        .filter(|d| NameRule::Text.check(d, &obj.path_of("description"), problems));
    let deleted = obj.opt_bool("deleted", problems).unwrap_or(false);
    let org_ref = org.and_then(|o| index.org(o));
    // A team token's team: present, or (for a deleted token, which only reserves its name) gone.
    let mut gone_team = None;
    let subject = match (kind, org_ref) {
        (TokenKind::Personal, _) => {
            if name.is_some() {
                let why = "is a name on a personal token; personal tokens have a description only";
                problems.push(
                    &obj.path_of("name"),
                    K::InvalidReference { name: shorten(name.unwrap_or_default()), why },
                );
            }
            user.map(TokenSubject::User)
        }
        (TokenKind::Team, Some(org_ref)) => match obj.req_str("team", problems) {
            Some(team) => match org_ref.team_id(team) {
                Some(t) => Some(TokenSubject::Team(t)),
                None if deleted => {
                    gone_team = Some(team);
                    None
                }
                None => {
                    problems.push(
                        &obj.path_of("team"),
                        K::DanglingReference { what: "team", name: shorten(team) },
                    );
                    None
                }
            },
            None => None,
        },
        (TokenKind::Organization, Some(org_ref)) => {
            let role = obj.opt_str("role", problems).unwrap_or("member");
            match BuiltinRole::parse(role) {
                Some(BuiltinRole::BillingManager) => {
                    let why = "cannot be an organization token's role";
                    problems.push(&obj.path_of("role"), K::InvalidReference { name: shorten(role), why });
                    None
                }
                Some(builtin) => Some(TokenSubject::Role(RoleRef::Builtin(builtin))),
                None => match org_ref.role_id(role) {
                    Some(r) => Some(TokenSubject::Role(RoleRef::Custom(r))),
                    None => {
                        problems.push(
                            &obj.path_of("role"),
                            K::DanglingReference { what: "role", name: shorten(role) },
                        );
                        None
                    }
                },
            }
        }
        (_, None) => None,
    };
    if kind != TokenKind::Team && obj.get("team").is_some() {
        problems.push(&obj.path_of("team"), K::UnknownField { field: "team".into() });
    }
    if kind != TokenKind::Organization && obj.get("role").is_some() {
        problems.push(&obj.path_of("role"), K::UnknownField { field: "role".into() });
    }
    if kind != TokenKind::Personal {
        match name {
            None => problems.push(path, K::MissingField { field: "name" }),
            Some(n) if !NameRule::TokenName.check(n, &obj.path_of("name"), problems) => return,
            Some(n) => {
                if org_ref.is_some_and(|o| o.token_name_used(n)) {
                    problems
                        .push(&obj.path_of("name"), K::Duplicate { what: "token name", name: shorten(n) });
                    return;
                }
            }
        }
    }
    let digest = match obj.opt_str("digest", problems) {
        Some(hex) => match parse_digest(hex) {
            Some(d) => Some(d),
            None => {
                let expected = "64 lowercase hex characters (SHA-256)";
                problems.push(&obj.path_of("digest"), K::InvalidValue { value: shorten(hex), expected });
                return;
            }
        },
        None => None,
    };
    let created = obj.opt_u64("created", problems).unwrap_or(0);
    let expires = obj.opt_u64("expires", problems).unwrap_or(0);
    let created_by = obj.opt_str("createdBy", problems);
    let subject = match (subject, gone_team, org) {
        (Some(subject), _, _) => subject,
        // Keep the gone team as a tombstone so that the record still names it.
        (None, Some(team), Some(org)) => match index.add_deleted_team(org, team) {
            Some(t) => TokenSubject::Team(t),
            None => return,
        },
        _ => return,
    };
    let record = NewToken {
        id,
        kind,
        org,
        subject,
        name: if kind == TokenKind::Personal { None } else { name },
        description,
        digest,
        created,
        expires,
        created_by: None,
        deleted,
    };
    let token = match index.add_token(record) {
        Ok(token) => token,
        // Two records with one digest would be one secret with two meanings.
        Err(TokenConflict::Digest) => {
            problems.push(&obj.path_of("digest"), K::Duplicate { what: "token digest", name: shorten(id) });
            return;
        }
        Err(TokenConflict::Id) => {
            problems.push(&obj.path_of("id"), K::Duplicate { what: "token id", name: shorten(id) });
            return;
        }
        Err(TokenConflict::Name) => {
            let n = name.unwrap_or_default();
            problems.push(&obj.path_of("name"), K::Duplicate { what: "token name", name: shorten(n) });
            return;
        }
    };
    if let Some(login) = created_by {
        pending.push(Pending::CreatedBy { token, login: login.to_string(), path: obj.path_of("createdBy") });
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
