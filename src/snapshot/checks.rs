//! What the loader's parts share: required fields, map entries read once, permission levels,
//! where a token record sits, and the references resolved once the whole document is read.

use rustc_hash::FxHashSet;

use super::names::{Path, Problems, shorten};
use super::wire::{Map, Req};
use crate::error::SnapshotErrorKind as K;
use crate::model::{EntityKind, Permission, SettingProblem};
use crate::store::{EntityId, OrgId, TokenId};

/// A required field: reports `missing_field` at the object when absent.
pub(crate) fn required<'v, T>(
    field: &'v Req<T>,
    at: &Path<'_>,
    name: &'static str,
    problems: &mut Problems,
) -> Option<&'v T> {
    if field.0.is_none() {
        problems.push(at, K::MissingField { field: name });
    }
    field.0.as_ref()
}

/// A setting problem as a snapshot problem.
pub(crate) fn setting_problem(problem: SettingProblem) -> K {
    match problem {
        SettingProblem::WrongType(expected) => K::WrongType { expected },
        SettingProblem::InvalidValue { value, expected } => K::InvalidValue { value, expected },
    }
}

/// Parses a permission level allowed for `kind`; `with_none` for defaults.
pub(crate) fn parse_level(kind: EntityKind, s: &str, with_none: bool) -> Option<Permission> {
    let level = Permission::parse(s)?;
    (kind.accepts(level) && (with_none || level != Permission::None)).then_some(level)
}

/// A map key given twice.
pub(crate) fn repeated_key(key: &str) -> K {
    K::Duplicate { what: "key", name: shorten(key) }
}

/// The entries of a map, each key once: a repeated key is reported at its path and skipped.
pub(crate) fn entries<'v>(
    map: Option<&'v Map<'_>>,
    at: &Path<'_>,
    problems: &mut Problems,
) -> Vec<(&'v str, &'v str)> {
    let Some(map) = map else { return Vec::new() };
    let mut out = Vec::with_capacity(map.0.len());
    let mut seen = FxHashSet::default();
    for (key, value) in &map.0 {
        let repeated =
            if map.0.len() <= 16 { out.iter().any(|(k, _)| *k == &**key) } else { !seen.insert(&**key) };
        if repeated {
            problems.push(&at.key(key), repeated_key(key));
        } else {
            out.push((&**key, &**value));
        }
    }
    out
}

/// The field of an organization that holds entities of `kind`.
pub(crate) fn entity_field(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Stack => "stacks",
        EntityKind::Environment => "environments",
        EntityKind::Account => "accounts",
    }
}

/// A reference resolved once the whole document is read, so that document order never matters.
pub(crate) enum Pending<'a> {
    /// `organizations[org_at].<kind>[entity_at].creator.token` names a token.
    CreatorToken {
        org: OrgId,
        org_at: usize,
        kind: EntityKind,
        entity: EntityId,
        entity_at: usize,
        id: &'a str,
    },
    /// A token record's `createdBy` names a user.
    CreatedBy { token: TokenId, place: TokenPlace, login: &'a str },
}

/// Where a token record sits: `users[i].tokens[j]` or `organizations[i].tokens[j]`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TokenPlace {
    User(usize, usize),
    Org(usize, usize),
}

impl TokenPlace {
    /// Calls `f` with the path of the record's `field`.
    pub fn with_path(self, field: &str, f: impl FnOnce(&Path<'_>)) {
        let (list, i, j) = match self {
            Self::User(i, j) => ("users", i, j),
            Self::Org(i, j) => ("organizations", i, j),
        };
        let root = Path::Root;
        let lists = root.field(list);
        let owner = lists.index(i);
        let tokens = owner.field("tokens");
        let record = tokens.index(j);
        f(&record.field(field));
    }
}
