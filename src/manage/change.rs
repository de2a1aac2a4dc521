//! Applying a [`Change`]: resolve its names, check what only the state can tell, and make the
//! one store mutation. Management actions ask their authorization question and then apply a
//! change through here; deltas apply theirs through here too, so there is one way to change
//! the state. Every check comes before the mutation, so a refused change changes nothing.

mod footprint;

use super::{Manager, conflict, invalid_name, not_found};
use crate::error::{DeltaError, ManageError, SnapshotError};
use crate::model::{EntityKind, Permission};
use crate::snapshot::wire::Creator;
use crate::snapshot::{Change, NameRule, shorten};
use crate::store::{Identity, RoleRef, UserId};

/// Why a change was refused, with the field of the change that names the problem.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// Refused by the state, at `field` of the change.
    State { field: &'static str, error: ManageError },
    /// A token record or key in the change that the snapshot loader refuses.
    Record(SnapshotError),
}

impl Refusal {
    /// The refusal as a management action reports it.
    pub fn into_manage(self) -> ManageError {
        match self {
            Self::State { error, .. } => error,
            Self::Record(e) => ManageError::InvalidArgument { what: "change", why: e.to_string() },
        }
    }

    /// The refusal of the change at `index` of a delta.
    pub fn into_delta(self, index: usize) -> DeltaError {
        match self {
            Self::State { field, error } => {
                DeltaError::Change { path: format!("changes[{index}].{field}"), error: Box::new(error) }
            }
            Self::Record(mut e) => {
                e.path = format!("changes[{index}].{}", e.path);
                DeltaError::Invalid(Box::new(e))
            }
        }
    }
}

/// Tags the error with the change's field it concerns.
fn at(field: &'static str) -> impl Fn(ManageError) -> Refusal {
    move |error| Refusal::State { field, error }
}

fn invalid(what: &'static str, why: String) -> Refusal {
    Refusal::State { field: what, error: ManageError::InvalidArgument { what, why } }
}

fn permission(text: &str, kind: EntityKind) -> Result<Permission, Refusal> {
    match Permission::parse(text) {
        Some(level) if kind.accepts(level) => Ok(level),
        _ => Err(invalid("permission", format!("`{}` is not a {kind} permission", shorten(text)))),
    }
}

impl Manager<'_> {
    /// Applies a change, raises the revision by one and records the change.
    pub(crate) fn apply(&mut self, change: Change) -> Result<(), Refusal> {
        self.mutate(&change, false)?;
        self.record_change(change);
        Ok(())
    }

    /// Applies every change of a delta, or none: the refusal names the first change refused.
    ///
    /// Every change is first checked against the current state. When no change reads what an
    /// earlier one changes (see [`footprint`]), each meets in its checks what it would meet after
    /// the earlier ones, so the delta applies in place once every check passes. A delta whose
    /// changes depend on each other is applied to a copy that replaces the state at the end.
    pub(crate) fn apply_all(&mut self, changes: Vec<Change>) -> Result<(), DeltaError> {
        let in_place = match changes.as_slice() {
            // One change: its checks all come before its mutation.
            [change] => !footprint::of(change).unchecked,
            _ => self.check_all(&changes)?,
        };
        if !in_place {
            return self.apply_on_copy(changes);
        }
        for (i, change) in changes.into_iter().enumerate() {
            // Checked above: a refusal here can only be a single change's, before its mutation.
            self.apply(change).map_err(|r| r.into_delta(i))?;
        }
        Ok(())
    }

    /// Checks every change against the current state: `Ok(true)` when all pass and none
    /// depends on an earlier one, `Ok(false)` when the delta must be tried on a copy, the
    /// refusal of the first change refused otherwise.
    fn check_all(&mut self, changes: &[Change]) -> Result<bool, DeltaError> {
        let mut written = Vec::new();
        let mut independent = true;
        for (i, change) in changes.iter().enumerate() {
            let footprint = footprint::of(change);
            if footprint.unchecked || footprint.depends_on(&written) {
                independent = false;
            } else if let Err(refusal) = self.check(change) {
                // Every change before it applies as checked, so this is the first refusal;
                // unless one of them could not be checked.
                return if independent { Err(refusal.into_delta(i)) } else { Ok(false) };
            }
            written.extend(footprint.writes);
        }
        Ok(independent)
    }

    /// Applies the changes to a copy of the state, which replaces it when every one applied.
    fn apply_on_copy(&mut self, changes: Vec<Change>) -> Result<(), DeltaError> {
        let mut store = self.store.clone();
        let mut journal = self.journal.clone();
        let mut copy = Manager {
            catalog: self.catalog,
            special: self.special,
            store: &mut store,
            journal: &mut journal,
        };
        for (i, change) in changes.into_iter().enumerate() {
            copy.apply(change).map_err(|r| r.into_delta(i))?;
        }
        *self.store = store;
        *self.journal = journal;
        Ok(())
    }

    /// Raises the revision by one for a change already made, and records it.
    pub(crate) fn record_change(&mut self, change: Change) {
        let revision = self.store.revision().saturating_add(1);
        self.store.set_revision(revision);
        self.journal.record(revision, change);
    }

    /// Whether `change` would apply to the current state, without changing anything: every
    /// check [`Manager::apply`] makes, the store's own refusals included.
    pub(crate) fn check(&mut self, change: &Change) -> Result<(), Refusal> {
        self.mutate(change, true)
    }

    /// Resolves the change's names and makes every check; then, unless `dry`, the one store
    /// mutation, which refuses nothing the checks let through.
    fn mutate(&mut self, change: &Change, dry: bool) -> Result<(), Refusal> {
        match change {
            Change::UpdateSettings { org, settings } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let mut refused = None;
                let mut problem = |what: &'static str, problem: crate::model::SettingProblem| {
                    refused.get_or_insert(ManageError::InvalidArgument { what, why: problem.to_string() });
                };
                let patch = settings.read(&mut problem);
                patch.check(&mut problem);
                if let Some(error) = refused {
                    return Err(Refusal::State { field: "settings", error });
                }
                let current = self.store.org(org_id).map(|o| *o.settings());
                let mut next = current.ok_or_else(|| at("org")(not_found("organization", org)))?;
                if dry {
                    return Ok(());
                }
                next.apply(&patch);
                self.store.set_settings(org_id, next);
            }
            Change::AddMember { org, login, role } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let role = self.parse_role(org_id, role).map_err(at("role"))?;
                invalid_name(NameRule::Login, "login", login).map_err(at("login"))?;
                if self.member_of(org_id, login).is_ok() {
                    return Err(at("login")(conflict("member", login, "is already a member")));
                }
                if dry {
                    return Ok(());
                }
                let user = self.store.user_or_new(login);
                self.store
                    .add_member(org_id, user, role)
                    .map_err(|_| at("login")(conflict("member", login, "is already a member")))?;
            }
            Change::RemoveMember { org, login } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let (user, _) = self.member_of(org_id, login).map_err(at("login"))?;
                if dry {
                    return Ok(());
                }
                self.store.remove_member(org_id, user);
            }
            Change::SetMemberRole { org, login, role } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let role = self.parse_role(org_id, role).map_err(at("role"))?;
                let (user, member) = self.member_of(org_id, login).map_err(at("login"))?;
                let refused = || {
                    at("role")(conflict(
                        "member",
                        login,
                        "holds team or stack access; billing managers hold none",
                    ))
                };
                if dry {
                    let holds = !role.may_hold_access() && self.holds_access(org_id, user, member);
                    return if holds { Err(refused()) } else { Ok(()) };
                }
                self.store.set_member_role(org_id, member, role).map_err(|_| refused())?;
            }
            Change::CreateTeam { org, team, admin } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                invalid_name(NameRule::Identifier, "team", team).map_err(at("team"))?;
                let admin = match admin {
                    Some(login) => {
                        let (_, member) = self.member_of(org_id, login).map_err(at("admin"))?;
                        let role = self.store.org(org_id).and_then(|o| o.member(member)).map(|m| m.role());
                        if !role.is_some_and(RoleRef::may_hold_access) {
                            let why = "is a billing manager, who holds no team access";
                            return Err(at("admin")(conflict("member", login, why)));
                        }
                        Some(member)
                    }
                    None => None,
                };
                if self.store.org(org_id).and_then(|o| o.team_id(team)).is_some() {
                    return Err(at("team")(conflict("team", team, "already exists")));
                }
                if dry {
                    return Ok(());
                }
                let team_id = self
                    .store
                    .add_team(org_id, team, None, None, false)
                    .map_err(|_| at("team")(conflict("team", team, "already exists")))?;
                if let Some(member) = admin {
                    // Checked above: the member may hold team access.
                    let _ = self.store.set_team_member(org_id, team_id, member, true);
                }
            }
            Change::DeleteTeam { org, team } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let team_id = self.team_id(org_id, team).map_err(at("team"))?;
                if dry {
                    return Ok(());
                }
                self.store.delete_team(org_id, team_id);
            }
            Change::SetTeamMember { org, team, login, admin } => {
                let (org_id, team_id, member) = self.team_membership(org, team, login)?;
                let refused = || {
                    at("login")(conflict("member", login, "is a billing manager, who holds no team access"))
                };
                if dry {
                    return if self.may_hold_access(org_id, member) { Ok(()) } else { Err(refused()) };
                }
                self.store.set_team_member(org_id, team_id, member, *admin).map_err(|_| refused())?;
            }
            Change::RemoveTeamMember { org, team, login } => {
                let (org_id, team_id, member) = self.team_membership(org, team, login)?;
                if dry {
                    let joined = self.store.org(org_id).and_then(|o| o.member(member));
                    let joined = joined.is_some_and(|m| m.teams().contains(&team_id));
                    return if joined { Ok(()) } else { Err(at("login")(not_found("team member", login))) };
                }
                if !self.store.remove_team_member(org_id, team_id, member) {
                    return Err(at("login")(not_found("team member", login)));
                }
            }
            Change::SetTeamPermission { org, team, kind, entity, permission: level } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let team_id = self.team_id(org_id, team).map_err(at("team"))?;
                let kind = EntityKind::parse(kind).ok_or_else(|| {
                    invalid("kind", format!("`{}` is not `stack`, `environment` or `account`", shorten(kind)))
                })?;
                let level = permission(level, kind)?;
                let found =
                    self.store.org(org_id).and_then(|o| o.entities(kind).find(entity)).map(|(id, _)| id);
                let entity_id = found.ok_or_else(|| at("entity")(not_found(kind.as_str(), entity)))?;
                if dry {
                    return Ok(());
                }
                self.store.set_team_grant(org_id, team_id, kind, entity_id, level);
            }
            Change::SetTeamRole { org, team, role, assigned } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                let team_id = self.team_id(org_id, team).map_err(at("team"))?;
                let RoleRef::Custom(role_id) = self.parse_role(org_id, role).map_err(at("role"))? else {
                    return Err(at("role")(conflict(
                        "role",
                        role,
                        "is built in; teams hold custom roles only",
                    )));
                };
                if dry {
                    return Ok(());
                }
                self.store.set_team_role(org_id, team_id, role_id, *assigned);
            }
            Change::CreateStack { org, project, stack, tags, creator } => {
                let org_id = self.org_id(org).map_err(at("org"))?;
                invalid_name(NameRule::Identifier, "project", project).map_err(at("project"))?;
                invalid_name(NameRule::Identifier, "stack", stack).map_err(at("stack"))?;
                let tags: Vec<(Box<str>, Box<str>)> =
                    tags.iter().flat_map(|m| m.0.iter()).map(|(k, v)| ((**k).into(), (**v).into())).collect();
                for (key, value) in &tags {
                    if !NameRule::TagKey.accepts(key) || !NameRule::Text.accepts(value) {
                        return Err(invalid("tags", format!("`{}` is not a valid tag", shorten(key))));
                    }
                }
                let creator = match creator {
                    Some(Creator { user: Some(login), token: None }) => {
                        let (user, _) = self.member_of(org_id, login).map_err(at("creator"))?;
                        Some(Identity::User(user))
                    }
                    Some(Creator { user: None, token: Some(id) }) => {
                        let token = self.store.token_id(id).filter(|t| {
                            self.store.token(*t).is_some_and(|r| r.org() == Some(org_id) && !r.deleted())
                        });
                        Some(Identity::Token(token.ok_or_else(|| at("creator")(not_found("token", id)))?))
                    }
                    Some(_) => return Err(invalid("creator", "names one user or one token".into())),
                    None => None,
                };
                let name = format!("{project}/{stack}");
                let exists = self.store.org(org_id).and_then(|o| o.entities(EntityKind::Stack).find(&name));
                if exists.is_some() {
                    return Err(at("stack")(conflict("stack", &name, "already exists")));
                }
                if dry {
                    return Ok(());
                }
                self.store
                    .add_entity(org_id, EntityKind::Stack, &name, tags, creator)
                    .map_err(|_| at("stack")(conflict("stack", &name, "already exists")))?;
            }
            Change::DeleteStack { stack } => {
                let (org_id, id) = self.stack_ref(stack).map_err(at("stack"))?;
                if dry {
                    return Ok(());
                }
                self.store.remove_entity(org_id, EntityKind::Stack, id);
            }
            Change::TransferStack { stack, destination } => {
                let (org_id, id) = self.stack_ref(stack).map_err(at("stack"))?;
                let dest_id = self.org_id(destination).map_err(at("destination"))?;
                if dest_id == org_id {
                    return Err(at("destination")(conflict(
                        "stack",
                        stack,
                        "is already in that organization",
                    )));
                }
                let refused =
                    || at("destination")(conflict("stack", stack, "already exists in the destination"));
                if dry {
                    let name = self.store.org(org_id).and_then(|o| o.entities(EntityKind::Stack).get(id));
                    let taken = name.is_none_or(|e| {
                        self.store
                            .org(dest_id)
                            .is_none_or(|o| o.entities(EntityKind::Stack).find(e.name()).is_some())
                    });
                    return if taken { Err(refused()) } else { Ok(()) };
                }
                self.store.move_entity(org_id, EntityKind::Stack, id, dest_id).map_err(|_| refused())?;
            }
            Change::SetStackPermission { stack, login, permission: level } => {
                let (org_id, id) = self.stack_ref(stack).map_err(at("stack"))?;
                let level = permission(level, EntityKind::Stack)?;
                let (user, member) = self.member_of(org_id, login).map_err(at("login"))?;
                let refused = || {
                    at("login")(conflict("member", login, "is a billing manager, who holds no stack access"))
                };
                if dry {
                    let refuses = level != Permission::None && !self.may_hold_access(org_id, member);
                    return if refuses { Err(refused()) } else { Ok(()) };
                }
                self.store
                    .set_explicit_grant(org_id, EntityKind::Stack, id, user, level)
                    .map_err(|_| refused())?;
            }
            Change::RemoveCreatorGrant { stack } => {
                let (org_id, id) = self.stack_ref(stack).map_err(at("stack"))?;
                if dry {
                    return Ok(());
                }
                // Removing a grant never breaks the Billing Manager rule.
                let _ = self.store.set_creator(org_id, EntityKind::Stack, id, None);
            }
            Change::AddToken { org, user, token } => {
                let (org, user) = match (org, user) {
                    (Some(org), None) => (Some(self.org_id(org).map_err(at("org"))?), None),
                    (None, Some(login)) => {
                        let user =
                            self.store.user_id(login).ok_or_else(|| at("user")(not_found("user", login)))?;
                        (None, Some(user))
                    }
                    _ => {
                        return Err(invalid("org", "a token belongs to one organization or one user".into()));
                    }
                };
                if dry {
                    // The record is read by the snapshot loader as it is added: a delta checks
                    // it on a copy (see `Footprint::Unchecked`).
                    return Ok(());
                }
                crate::snapshot::add_token(self.store, org, user, token).map_err(Refusal::Record)?;
            }
            Change::DeleteToken { id } => {
                let token = self.store.token_id(id).ok_or_else(|| at("id")(not_found("token", id)))?;
                if dry {
                    return Ok(());
                }
                self.store.delete_token(token);
            }
            Change::AddKey { key } => {
                let key = crate::snapshot::read_key(key).map_err(Refusal::Record)?;
                let kid = key.kid().to_string();
                if dry {
                    let taken = self.store.signing().key(&kid).is_some();
                    return if taken { Err(at("key")(conflict("key id", &kid, "is taken"))) } else { Ok(()) };
                }
                if !self.store.add_key(key) {
                    return Err(at("key")(conflict("key id", &kid, "is taken")));
                }
            }
            Change::RemoveKey { kid } => {
                if dry {
                    let found = self.store.signing().key(kid).is_some();
                    return if found { Ok(()) } else { Err(at("kid")(not_found("key id", kid))) };
                }
                if !self.store.remove_key(kid) {
                    return Err(at("kid")(not_found("key id", kid)));
                }
            }
            Change::RevokeToken { id } => {
                invalid_name(NameRule::Identifier, "token id", id).map_err(at("id"))?;
                if dry {
                    return Ok(());
                }
                self.store.revoke(id);
            }
        }
        Ok(())
    }

    /// The names of a team membership change, resolved, on a team whose membership is not
    /// managed by GitHub.
    fn team_membership(
        &self,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(crate::store::OrgId, crate::store::TeamId, crate::store::MemberId), Refusal> {
        let org_id = self.org_id(org).map_err(at("org"))?;
        let team_id = self.team_id(org_id, team).map_err(at("team"))?;
        let (_, member) = self.member_of(org_id, login).map_err(at("login"))?;
        let github = self.store.org(org_id).and_then(|o| o.team(team_id)).is_some_and(|t| t.github());
        if github {
            return Err(at("team")(conflict("team", team, "takes its membership from GitHub")));
        }
        Ok((org_id, team_id, member))
    }

    /// Whether a member may hold team and stack access (Billing Managers may not).
    fn may_hold_access(&self, org: crate::store::OrgId, member: crate::store::MemberId) -> bool {
        let member = self.store.org(org).and_then(|o| o.member(member));
        member.is_some_and(|m| m.role().may_hold_access())
    }

    /// Whether a member holds team or stack access: a team, an explicit grant or a creator
    /// grant on an entity that exists (what keeps them from becoming a Billing Manager).
    fn holds_access(&self, org: crate::store::OrgId, user: UserId, member: crate::store::MemberId) -> bool {
        let Some(o) = self.store.org(org) else { return false };
        let teams = o.member(member).is_some_and(|m| !m.teams().is_empty());
        let grants =
            [EntityKind::Stack, EntityKind::Environment, EntityKind::Account].into_iter().any(|kind| {
                o.entities(kind).iter().any(|(_, e)| {
                    e.creator() == Some(Identity::User(user)) || e.grants().iter().any(|(u, _)| *u == user)
                })
            });
        teams || grants
    }
}
