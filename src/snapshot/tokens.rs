//! Token records and signing keys in a snapshot.

use serde_json::Value;

use super::load::{Pending, empty_team};
use super::reader::{NameRule, Problems, object, shorten};
use crate::engine::index::{Index, Org, OrgIdx, RoleRef, Team, TokenRecord, TokenSubject, UserIdx};
use crate::error::SnapshotErrorKind as K;
use crate::model::{BuiltinRole, TokenKind};

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

/// Marks a deleted team token whose team no longer exists.
const DELETED_TEAM: u32 = u32::MAX;

/// Whose token record is being read.
pub(crate) enum TokenOwner<'o> {
    /// An organization or team token of the organization being built.
    Org(OrgIdx, &'o mut Org),
    /// A personal token of a user.
    User(UserIdx),
}

/// Loads one token record.
pub(crate) fn load_token(
    index: &mut Index,
    owner: TokenOwner<'_>,
    path: &str,
    value: &Value,
    problems: &mut Problems,
    pending: &mut Vec<Pending>,
) {
    let (org, user, mut org_ref) = match owner {
        TokenOwner::Org(idx, org) => (Some(idx), 0, Some(org)),
        TokenOwner::User(user) => (None, user, None),
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
    if index.token_by_id.contains_key(id) {
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
    let subject = match (kind, org_ref.as_deref()) {
        (TokenKind::Personal, _) => {
            if name.is_some() {
                let why = "is a name on a personal token; personal tokens have a description only";
                problems.push(
                    &obj.path_of("name"),
                    K::InvalidReference { name: shorten(name.unwrap_or_default()), why },
                );
            }
            Some(TokenSubject::User(user))
        }
        (TokenKind::Team, Some(org_ref)) => match obj.req_str("team", problems) {
            Some(team) => match org_ref.team_by_name.get(team) {
                Some(&t) => Some(TokenSubject::Team(t)),
                // A deleted token only reserves its name; its team may be gone.
                None if obj.opt_bool("deleted", &mut Problems::default()) == Some(true) => {
                    Some(TokenSubject::Team(DELETED_TEAM))
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
                None => match org_ref.role_by_name.get(role) {
                    Some(&r) => Some(TokenSubject::Role(RoleRef::Custom(r))),
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
                let taken = org_ref.as_deref().is_some_and(|o| o.token_names.contains(n));
                if taken {
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
    let deleted = obj.opt_bool("deleted", problems).unwrap_or(false);
    let created_by = obj.opt_str("createdBy", problems);
    let Some(mut subject) = subject else { return };
    if let (TokenSubject::Team(DELETED_TEAM), Some(org_ref)) = (subject, org_ref.as_deref_mut()) {
        // Keep the gone team as a tombstone so that the record still names it.
        subject = TokenSubject::Team(org_ref.teams.len() as u32);
        let name = obj.opt_str("team", &mut Problems::default()).unwrap_or_default();
        org_ref.teams.push(Team { deleted: true, ..empty_team(name) });
    }
    let idx = index.tokens.len() as u32;
    index.token_by_id.insert(id.into(), idx);
    index.tokens.push(TokenRecord {
        id: id.into(),
        kind,
        org,
        subject,
        name: name.map(Into::into),
        description: description.map(Into::into),
        digest,
        created,
        expires,
        created_by: None,
        deleted,
    });
    if let Some(login) = created_by {
        pending.push(Pending::CreatedBy {
            token: idx,
            login: login.to_string(),
            path: obj.path_of("createdBy"),
        });
    }
    if let Some(org_ref) = org_ref {
        org_ref.tokens.push(idx);
        if let Some(n) = name {
            org_ref.token_names.insert(n.into());
        }
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
