//! The first reading of deltas and changes: plain structs of optional fields that the
//! snapshot reader fills in any order, then checked against each operation and built.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

use super::*;

/// The document as first read by the snapshot reader (unknown and repeated fields refused, wrong
/// types reported at their path); what is required is checked after.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields, bound(deserialize = "'de: 'a"))]
pub(super) struct RawDelta<'a> {
    pub(super) version: Option<u64>,
    pub(super) base_revision: Option<u64>,
    pub(super) revision: Option<u64>,
    pub(super) changes: Option<Vec<RawChange<'a>>>,
    pub(super) not_after: Option<u64>,
}

/// A change as first read: the `op` and every field some operation takes, each optional, so
/// that one plain struct reads them all in any order (an internally tagged enum would buffer
/// the object first). [`RawChange::build`] then checks them against the operation.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields, bound(deserialize = "'de: 'a"))]
pub(super) struct RawChange<'a> {
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

pub(super) fn too_large() -> K {
    K::TooLarge { what: "bytes", max: MAX_SNAPSHOT_BYTES }
}

/// `field` under `at` (the change's path, or the document).
fn under(at: &str, field: &str) -> String {
    if at.is_empty() { field.to_string() } else { format!("{at}.{field}") }
}

pub(super) fn missing(at: &str, field: &'static str) -> SnapshotError {
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
    pub(super) fn build(self, at: &str) -> Result<Change, SnapshotError> {
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
