//! Changes as data, and the delta document that carries them: `{ "version": 1, "baseRevision",
//! "revision", "changes": [...], "notAfter" }`, signed like a snapshot (a detached Ed25519
//! signature over the exact text, [`crate::token::sign_snapshot`]).
//!
//! A [`Change`] names everything by the names a snapshot uses (organization, login, team,
//! `org/project/stack`), so that one change means the same on every engine that holds the same
//! revision. Its fields are read here; what only the state can tell (an unknown member, a taken
//! name) is checked where the change is applied, by the same store mutation the management
//! action uses. A token record or a verification key in a change is checked by the snapshot
//! loader's own code ([`add_token`], [`read_key`]).

use serde::{Deserialize, Serialize};

mod raw;

use super::build::Builder;
use super::checks::{Pending, TokenPlace};
use super::names::{Path, Problems, shorten};
use super::tokens::{load_signing, load_token};
use super::wire::{Creator, Key, Map, Req, Signing, Str, Token};
use super::{MAX_SNAPSHOT_BYTES, read_strict, verify};
use crate::error::{DeltaError, SnapshotError, SnapshotErrorKind as K};
use crate::model::SettingsWire;
use crate::store::{OrgId, Store, TokenId, UserId, VerificationKey};
use raw::{RawChange, RawDelta, missing, too_large};

/// One change to the state, as data: what a management action applied, or what a delta
/// carries. On the wire, `{ "op": "addMember", "org": "acme", "login": "max", "role": "member" }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "camelCase", rename_all_fields = "camelCase")]
#[non_exhaustive]
pub enum Change {
    /// Sets every setting present in `settings`.
    UpdateSettings {
        /// Organization.
        org: String,
        /// The settings to set, as a snapshot writes them.
        settings: SettingsWire<'static>,
    },
    /// Adds a member with a role (`admin`, `member`, `billing-manager` or a custom role).
    AddMember {
        /// Organization.
        org: String,
        /// The user's login.
        login: String,
        /// The role.
        role: String,
    },
    /// Removes a member from the organization and its teams.
    RemoveMember {
        /// Organization.
        org: String,
        /// The member's login.
        login: String,
    },
    /// Changes a member's role.
    SetMemberRole {
        /// Organization.
        org: String,
        /// The member's login.
        login: String,
        /// The new role.
        role: String,
    },
    /// Creates a team; `admin`, when given, becomes its first member and team admin.
    CreateTeam {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
        /// The login of the member who administers the new team.
        #[serde(skip_serializing_if = "Option::is_none")]
        admin: Option<String>,
    },
    /// Deletes a team with its memberships and tokens.
    DeleteTeam {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
    },
    /// Adds a member to a team, or sets whether they administer it.
    SetTeamMember {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
        /// The member's login.
        login: String,
        /// Whether they administer the team.
        admin: bool,
    },
    /// Removes a member from a team.
    RemoveTeamMember {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
        /// The member's login.
        login: String,
    },
    /// Sets a team's permission on a stack, environment or account (`none` removes it).
    SetTeamPermission {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
        /// `stack`, `environment` or `account`.
        kind: String,
        /// `project/stack`, `project/environment` or `account`.
        entity: String,
        /// `none`, `read`, `open` (environments), `write` or `admin`.
        permission: String,
    },
    /// Assigns a custom role to a team, or removes it.
    SetTeamRole {
        /// Organization.
        org: String,
        /// Team name.
        team: String,
        /// The custom role.
        role: String,
        /// `true` assigns, `false` removes.
        assigned: bool,
    },
    /// Creates a stack; `creator`, when given, receives the creator's admin grant.
    CreateStack {
        /// Organization.
        org: String,
        /// Project.
        project: String,
        /// Stack name.
        stack: String,
        /// Tags.
        #[serde(skip_serializing_if = "Option::is_none")]
        tags: Option<Map<'static>>,
        /// The creator: a user login or a machine token id.
        #[serde(skip_serializing_if = "Option::is_none")]
        creator: Option<Creator<'static>>,
    },
    /// Deletes a stack.
    DeleteStack {
        /// `org/project/stack`.
        stack: String,
    },
    /// Moves a stack to another organization.
    TransferStack {
        /// `org/project/stack`.
        stack: String,
        /// The destination organization.
        destination: String,
    },
    /// Sets a user's explicit permission on a stack (`none` removes it).
    SetStackPermission {
        /// `org/project/stack`.
        stack: String,
        /// The member's login.
        login: String,
        /// `none`, `read`, `write` or `admin`.
        permission: String,
    },
    /// Removes the creator's admin grant from a stack.
    RemoveCreatorGrant {
        /// `org/project/stack`.
        stack: String,
    },
    /// Adds a token record: an organization's (`org`) or a user's personal one (`user`).
    AddToken {
        /// Organization of an organization or team token.
        #[serde(skip_serializing_if = "Option::is_none")]
        org: Option<String>,
        /// User of a personal token.
        #[serde(skip_serializing_if = "Option::is_none")]
        user: Option<String>,
        /// The record, as a snapshot writes it (a digest, never the secret).
        token: Token<'static>,
    },
    /// Deletes a token: it stops validating, and its name stays reserved.
    DeleteToken {
        /// Token id.
        id: String,
    },
    /// Adds a signed-token verification key.
    AddKey {
        /// The key, as a snapshot's `signing.keys[]` writes it.
        key: Key<'static>,
    },
    /// Removes a signed-token verification key.
    RemoveKey {
        /// Key id.
        kid: String,
    },
    /// Puts a token id on the revocation list.
    RevokeToken {
        /// Token id (`jti`).
        id: String,
    },
}

impl Change {
    /// Reads one change from JSON text, checked as a delta's changes are; a problem's path
    /// starts at the change (`login`, `token.team`).
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError { path: String::new(), kind: too_large() });
        }
        read_strict::<RawChange<'_>>(text)?.build("")
    }
}

/// A delta: the changes that lead from `base_revision` to `revision`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delta {
    /// Format version; `1`.
    pub version: u64,
    /// The revision the changes apply to.
    pub base_revision: u64,
    /// The revision after them: `base_revision` plus the number of changes.
    pub revision: u64,
    /// The changes, in order.
    pub changes: Vec<Change>,
    /// Seconds since the epoch after which the delta is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_after: Option<u64>,
}

impl Delta {
    /// The delta as JSON text (what a producer signs and publishes).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Verifies a delta's detached signature. SECURITY: nothing of the delta is parsed before.
pub(crate) fn verify_delta(text: &str, signature: &str, public_key: &[u8; 32]) -> Result<(), DeltaError> {
    verify(text, signature, public_key).map_err(|_| DeltaError::BadSignature)
}

/// Reads a delta document with the snapshot reader: its shape, its version, and every change's
/// fields (a change's problems name it: `changes[3].login`).
pub(crate) fn read_delta(text: &str) -> Result<Delta, DeltaError> {
    let invalid = |error: SnapshotError| DeltaError::Invalid(Box::new(error));
    let at = |path: &str, kind| invalid(SnapshotError { path: path.to_string(), kind });
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(at("", too_large()));
    }
    let raw: RawDelta<'_> = read_strict(text).map_err(invalid)?;
    let version = raw.version.ok_or_else(|| invalid(missing("", "version")))?;
    let base_revision = raw.base_revision.ok_or_else(|| invalid(missing("", "baseRevision")))?;
    let revision = raw.revision.ok_or_else(|| invalid(missing("", "revision")))?;
    let raw_changes = raw.changes.ok_or_else(|| invalid(missing("", "changes")))?;
    if version != 1 {
        return Err(at("version", K::UnsupportedVersion { found: version.to_string() }));
    }
    let count = u64::try_from(raw_changes.len()).unwrap_or(u64::MAX);
    if base_revision.checked_add(count) != Some(revision) {
        let expected = "`baseRevision` plus the number of changes";
        return Err(at("revision", K::InvalidValue { value: revision.to_string(), expected }));
    }
    let mut changes = Vec::with_capacity(raw_changes.len());
    for (i, raw) in raw_changes.into_iter().enumerate() {
        let mut path = String::from("changes[");
        path.push_str(&i.to_string());
        path.push(']');
        changes.push(raw.build(&path).map_err(invalid)?);
    }
    Ok(Delta { version: 1, base_revision, revision, changes, not_after: raw.not_after })
}

/// Adds a token record to `store` exactly as the snapshot loader would, checked the same way;
/// problems name their field under `token` (`token.team`). A refused record may leave part of
/// it behind: callers apply changes to a copy of the state they drop on any problem.
pub(crate) fn add_token(
    store: &mut Store,
    org: Option<OrgId>,
    user: Option<UserId>,
    token: &Token<'_>,
) -> Result<TokenId, SnapshotError> {
    let mut b = Builder::over(std::mem::take(store));
    let mut problems = Problems::default();
    let mut pending = Vec::new();
    let root = Path::Root;
    let at = root.field("token");
    let place = TokenPlace::Org(0, 0);
    load_token(&mut b, org, user, token, place, &at, &mut problems, &mut pending);
    let id = token.id.0.as_deref().and_then(|id| b.token(id));
    if problems.0.is_empty() {
        for item in pending {
            if let Pending::CreatedBy { token, login, .. } = item {
                match b.user(login) {
                    Some(user) => b.set_created_by(token, user),
                    None => problems.push(
                        &at.field("createdBy"),
                        K::DanglingReference { what: "user", name: shorten(login) },
                    ),
                }
            }
        }
    }
    *store = b.finish();
    match (problems.0.into_iter().next(), id) {
        (None, Some(id)) => Ok(id),
        (problem, _) => {
            Err(problem
                .unwrap_or(SnapshotError { path: "token".into(), kind: K::MissingField { field: "id" } }))
        }
    }
}

/// Reads a verification key exactly as the snapshot loader reads `signing.keys[]`; problems
/// name their field under `key` (`key.alg`).
pub(crate) fn read_key(key: &Key<'_>) -> Result<VerificationKey, SnapshotError> {
    let signing = Signing { keys: Some(vec![key.clone()]), ..Signing::default() };
    let mut problems = Problems::default();
    let config = load_signing(Some(&signing), &Path::Root, &mut problems);
    if let Some(mut first) = problems.0.into_iter().next() {
        // Every problem of the one key is under `keys[0]` (a prefix test: `replacen` would link a
        // substring searcher and its panic messages into the module).
        if let Some(rest) = first.path.strip_prefix("keys[0]") {
            let mut path = String::from("key");
            path.push_str(rest);
            first.path = path;
        }
        return Err(first);
    }
    config
        .keys()
        .first()
        .cloned()
        .ok_or(SnapshotError { path: "key".into(), kind: K::MissingField { field: "kid" } })
}
