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

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

use super::build::Builder;
use super::checks::{Pending, TokenPlace};
use super::names::{Path, Problems, shorten};
use super::tokens::{load_signing, load_token};
use super::wire::{Creator, Key, Map, Req, Signing, Str, Token};
use super::{MAX_SNAPSHOT_BYTES, read_strict, verify};
use crate::error::{DeltaError, SnapshotError, SnapshotErrorKind as K};
use crate::model::SettingsWire;
use crate::store::{OrgId, Store, TokenId, UserId, VerificationKey};

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

/// The document as first read by the snapshot reader (unknown and repeated fields refused, wrong
/// types reported at their path); what is required is checked after.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields, bound(deserialize = "'de: 'a"))]
struct RawDelta<'a> {
    version: Option<u64>,
    base_revision: Option<u64>,
    revision: Option<u64>,
    changes: Option<Vec<RawChange<'a>>>,
    not_after: Option<u64>,
}

/// A change as first read: the `op` and every field some operation takes, each optional, so
/// that one plain struct reads them all in any order (an internally tagged enum would buffer
/// the object first). [`RawChange::build`] then checks them against the operation.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields, bound(deserialize = "'de: 'a"))]
struct RawChange<'a> {
    op: Option<Str<'a>>,
    org: Option<Str<'a>>,
    user: Option<Str<'a>>,
    login: Option<Str<'a>>,
    role: Option<Str<'a>>,
    team: Option<Str<'a>>,
    admin: Option<Admin<'a>>,
    kind: Option<Str<'a>>,
    entity: Option<Str<'a>>,
    permission: Option<Str<'a>>,
    assigned: Option<bool>,
    project: Option<Str<'a>>,
    stack: Option<Str<'a>>,
    destination: Option<Str<'a>>,
    tags: Option<Map<'a>>,
    creator: Option<Creator<'a>>,
    settings: Option<SettingsWire<'a>>,
    token: Option<Token<'a>>,
    id: Option<Str<'a>>,
    key: Option<Key<'a>>,
    kid: Option<Str<'a>>,
}

/// `admin`: a login (`createTeam`) or a flag (`setTeamMember`).
enum Admin<'a> {
    Flag(bool),
    Login(Str<'a>),
}

struct AdminVisitor;

impl<'de> Visitor<'de> for AdminVisitor {
    type Value = Admin<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a login or a boolean")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Admin::Flag(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Admin::Login(Str::from(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Admin::Login(Str::from(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Admin::Login(Str::from(v)))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Admin<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(AdminVisitor)
    }
}

/// Every operation with the fields it takes (besides `op`): the first `.1` are required.
const OPS: &[(&str, usize, &[&str])] = &[
    ("updateSettings", 2, &["org", "settings"]),
    ("addMember", 3, &["org", "login", "role"]),
    ("removeMember", 2, &["org", "login"]),
    ("setMemberRole", 3, &["org", "login", "role"]),
    ("createTeam", 2, &["org", "team", "admin"]),
    ("deleteTeam", 2, &["org", "team"]),
    ("setTeamMember", 3, &["org", "team", "login", "admin"]),
    ("removeTeamMember", 3, &["org", "team", "login"]),
    ("setTeamPermission", 5, &["org", "team", "kind", "entity", "permission"]),
    ("setTeamRole", 4, &["org", "team", "role", "assigned"]),
    ("createStack", 3, &["org", "project", "stack", "tags", "creator"]),
    ("deleteStack", 1, &["stack"]),
    ("transferStack", 2, &["stack", "destination"]),
    ("setStackPermission", 3, &["stack", "login", "permission"]),
    ("removeCreatorGrant", 1, &["stack"]),
    ("addToken", 1, &["token", "org", "user"]),
    ("deleteToken", 1, &["id"]),
    ("addKey", 1, &["key"]),
    ("removeKey", 1, &["kid"]),
    ("revokeToken", 1, &["id"]),
];

fn too_large() -> K {
    K::TooLarge { what: "bytes", max: MAX_SNAPSHOT_BYTES }
}

/// `field` under `at` (the change's path, or the document).
fn under(at: &str, field: &str) -> String {
    if at.is_empty() { field.to_string() } else { format!("{at}.{field}") }
}

fn missing(at: &str, field: &'static str) -> SnapshotError {
    SnapshotError { path: at.to_string(), kind: K::MissingField { field } }
}

fn owned(s: Str<'_>) -> String {
    s.0.into_owned()
}

impl RawChange<'_> {
    /// Which fields are there, by name.
    fn present(&self) -> [(&'static str, bool); 20] {
        [
            ("org", self.org.is_some()),
            ("user", self.user.is_some()),
            ("login", self.login.is_some()),
            ("role", self.role.is_some()),
            ("team", self.team.is_some()),
            ("admin", self.admin.is_some()),
            ("kind", self.kind.is_some()),
            ("entity", self.entity.is_some()),
            ("permission", self.permission.is_some()),
            ("assigned", self.assigned.is_some()),
            ("project", self.project.is_some()),
            ("stack", self.stack.is_some()),
            ("destination", self.destination.is_some()),
            ("tags", self.tags.is_some()),
            ("creator", self.creator.is_some()),
            ("settings", self.settings.is_some()),
            ("token", self.token.is_some()),
            ("id", self.id.is_some()),
            ("key", self.key.is_some()),
            ("kid", self.kid.is_some()),
        ]
    }

    /// The change the fields name, or the first problem: no or an unknown `op`, a field the
    /// operation does not take, a missing one, or an `admin` of the wrong type. `at` is the
    /// change's path (`changes[3]`), empty for a change read alone. Everything is checked
    /// before the change is built, so that building cannot fail.
    fn build(self, at: &str) -> Result<Change, SnapshotError> {
        let Some(op) = self.op.as_deref() else { return Err(missing(at, "op")) };
        let Some(&(op, required, takes)) = OPS.iter().find(|(name, ..)| *name == op) else {
            let kind = K::InvalidValue { value: shorten(op), expected: "a change operation" };
            return Err(SnapshotError { path: under(at, "op"), kind });
        };
        let present = self.present();
        if let Some((field, _)) = present.iter().find(|(f, there)| *there && !takes.contains(f)) {
            let kind = K::UnknownField { field: field.to_string() };
            return Err(SnapshotError { path: under(at, field), kind });
        }
        let there = |field: &str| present.iter().any(|(f, there)| *there && *f == field);
        if let Some(field) = takes.iter().take(required).find(|f| !there(f)) {
            return Err(missing(at, field));
        }
        let expected = match (op, &self.admin) {
            ("createTeam", Some(Admin::Flag(_))) => Some("a string"),
            ("setTeamMember", Some(Admin::Login(_))) => Some("a boolean"),
            _ => None,
        };
        if let Some(expected) = expected {
            return Err(SnapshotError { path: under(at, "admin"), kind: K::WrongType { expected } });
        }
        Ok(self.into_change(op))
    }

    /// The change of operation `op`, its fields checked: any missing is empty.
    fn into_change(self, op: &str) -> Change {
        let RawChange {
            org,
            user,
            login,
            role,
            team,
            admin,
            kind,
            entity,
            permission,
            assigned,
            project,
            stack,
            destination,
            tags,
            creator,
            settings,
            token,
            id,
            key,
            kid,
            ..
        } = self;
        let s = |value: Option<Str<'_>>| value.map(owned).unwrap_or_default();
        match op {
            "updateSettings" => {
                Change::UpdateSettings { org: s(org), settings: settings.unwrap_or_default().into_owned() }
            }
            "addMember" => Change::AddMember { org: s(org), login: s(login), role: s(role) },
            "removeMember" => Change::RemoveMember { org: s(org), login: s(login) },
            "setMemberRole" => Change::SetMemberRole { org: s(org), login: s(login), role: s(role) },
            "createTeam" => Change::CreateTeam {
                org: s(org),
                team: s(team),
                admin: match admin {
                    Some(Admin::Login(login)) => Some(owned(login)),
                    _ => None,
                },
            },
            "deleteTeam" => Change::DeleteTeam { org: s(org), team: s(team) },
            "setTeamMember" => Change::SetTeamMember {
                org: s(org),
                team: s(team),
                login: s(login),
                admin: matches!(admin, Some(Admin::Flag(true))),
            },
            "removeTeamMember" => Change::RemoveTeamMember { org: s(org), team: s(team), login: s(login) },
            "setTeamPermission" => Change::SetTeamPermission {
                org: s(org),
                team: s(team),
                kind: s(kind),
                entity: s(entity),
                permission: s(permission),
            },
            "setTeamRole" => Change::SetTeamRole {
                org: s(org),
                team: s(team),
                role: s(role),
                assigned: assigned.unwrap_or_default(),
            },
            "createStack" => Change::CreateStack {
                org: s(org),
                project: s(project),
                stack: s(stack),
                tags: tags.map(|Map(pairs)| {
                    Map(pairs.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
                }),
                creator: creator.map(|c| Creator {
                    user: c.user.map(Str::into_owned),
                    token: c.token.map(Str::into_owned),
                }),
            },
            "deleteStack" => Change::DeleteStack { stack: s(stack) },
            "transferStack" => Change::TransferStack { stack: s(stack), destination: s(destination) },
            "setStackPermission" => {
                Change::SetStackPermission { stack: s(stack), login: s(login), permission: s(permission) }
            }
            "removeCreatorGrant" => Change::RemoveCreatorGrant { stack: s(stack) },
            "addToken" => Change::AddToken {
                org: org.map(owned),
                user: user.map(owned),
                token: token.unwrap_or_default().into_owned(),
            },
            "deleteToken" => Change::DeleteToken { id: s(id) },
            "addKey" => {
                let key = key.unwrap_or_default();
                Change::AddKey {
                    key: Key {
                        kid: Req(key.kid.0.map(Str::into_owned)),
                        alg: Req(key.alg.0.map(Str::into_owned)),
                        public_key: key.public_key.map(Str::into_owned),
                        secret: key.secret.map(Str::into_owned),
                    },
                }
            }
            "removeKey" => Change::RemoveKey { kid: s(kid) },
            _ => Change::RevokeToken { id: s(id) },
        }
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
