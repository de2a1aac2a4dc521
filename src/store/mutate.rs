//! Every change to the state. Each keeps the indexes, both sides of a membership and the model's
//! invariants together, so that the snapshot loader and the management actions (and later,
//! deltas) change the state the same way. Callers check authorization and input first; what
//! only the state can tell (a duplicate name, a Billing Manager given access) is refused here.

use super::entity::{Entity, Identity};
use super::ids::{EntityId, MemberId, OrgId, RoleId, TeamId, TokenId, UserId};
use super::org::{CustomRole, Member, Org, PermissionSetDef, RoleRef, Team, User};
use super::token::{NewToken, TokenConflict, TokenRecord, TokenSubject};
use super::{SigningConfig, Store, VerificationKey};
use crate::model::{EntityKind, Permission, Settings};

/// Something of that name (or that membership) exists already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Exists;

/// The member is a Billing Manager, who holds no team or stack access ([`RoleRef::may_hold_access`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AccessRefused;

impl Store {
    fn org_mut(&mut self, org: OrgId) -> Option<&mut Org> {
        self.orgs.get_mut(org.index())
    }

    /// Sets the snapshot revision.
    pub(crate) fn set_revision(&mut self, revision: u64) {
        self.revision = revision;
    }

    /// Sets the time after which a signed copy of the state is refused.
    pub(crate) fn set_not_after(&mut self, not_after: Option<u64>) {
        self.not_after = not_after;
    }

    /// Adds a signed-token verification key; `false` when its key id is taken.
    pub(crate) fn add_key(&mut self, key: VerificationKey) -> bool {
        self.signing.add_key(key)
    }

    /// Removes a signed-token verification key; `false` when there is none with that id.
    pub(crate) fn remove_key(&mut self, kid: &str) -> bool {
        self.signing.remove_key(kid)
    }

    /// Sets the signed-token configuration.
    pub(crate) fn set_signing(&mut self, signing: SigningConfig) {
        self.signing = signing;
    }

    /// Puts a token id on the revocation list.
    pub(crate) fn revoke(&mut self, id: &str) {
        self.revoked.insert(id.into());
    }

    /// Adds a user with no memberships.
    pub(crate) fn add_user(&mut self, login: &str, name: Option<&str>) -> Result<UserId, Exists> {
        if self.user_by_login.contains(login) {
            return Err(Exists);
        }
        let id = UserId::new(self.users.len());
        self.users.push(User { login: login.into(), name: name.map(Into::into), memberships: Vec::new() });
        self.user_by_login.insert(login.into(), id);
        Ok(id)
    }

    /// The user with this login, added when unknown.
    pub(crate) fn user_or_new(&mut self, login: &str) -> UserId {
        match self.user_id(login) {
            Some(id) => id,
            None => self.add_user(login, None).unwrap_or(UserId::new(usize::MAX)),
        }
    }

    /// Adds an organization.
    pub(crate) fn add_org(&mut self, name: &str, settings: Settings) -> Result<OrgId, Exists> {
        if self.org_by_name.contains(name) {
            return Err(Exists);
        }
        let id = OrgId::new(self.orgs.len());
        self.orgs.push(Org::new(name, settings));
        self.org_by_name.insert(name.into(), id);
        Ok(id)
    }

    /// Replaces an organization's settings.
    pub(crate) fn set_settings(&mut self, org: OrgId, settings: Settings) {
        if let Some(o) = self.org_mut(org) {
            o.settings = settings;
        }
    }

    /// Adds a custom permission set (its name is checked against the built-in ones by the caller).
    pub(crate) fn add_permission_set(&mut self, org: OrgId, set: PermissionSetDef) -> Result<(), Exists> {
        let o = self.org_mut(org).ok_or(Exists)?;
        if o.permission_sets.iter().any(|p| p.name == set.name) {
            return Err(Exists);
        }
        o.permission_sets.push(set);
        Ok(())
    }

    /// Adds a custom role.
    pub(crate) fn add_role(&mut self, org: OrgId, role: CustomRole) -> Result<RoleId, Exists> {
        let o = self.org_mut(org).ok_or(Exists)?;
        if o.role_by_name.contains(&role.name) {
            return Err(Exists);
        }
        let id = RoleId::new(o.roles.len());
        o.role_by_name.insert(role.name.clone(), id);
        o.roles.push(role);
        Ok(id)
    }

    /// Makes a user a member of an organization with a role.
    pub(crate) fn add_member(&mut self, org: OrgId, user: UserId, role: RoleRef) -> Result<MemberId, Exists> {
        if self.user(user).is_none_or(|u| u.membership(org).is_some()) {
            return Err(Exists);
        }
        let o = self.org_mut(org).ok_or(Exists)?;
        let member = MemberId::new(o.members.len());
        o.members.push(Member { user, role, teams: Vec::new(), admin_of: Vec::new(), removed: false });
        if let Some(u) = self.users.get_mut(user.index()) {
            u.memberships.push((org, member));
        }
        Ok(member)
    }

    /// Removes a membership, with the member's teams, explicit grants and creator grants.
    pub(crate) fn remove_member(&mut self, org: OrgId, user: UserId) {
        let Some((member, _)) = self.membership(user, org) else { return };
        if let Some(u) = self.users.get_mut(user.index()) {
            u.memberships.retain(|(o, _)| *o != org);
        }
        let Some(o) = self.org_mut(org) else { return };
        for team in &mut o.teams {
            team.members.retain(|m| *m != member);
        }
        for table in &mut o.entities {
            for entity in &mut table.items {
                entity.grants.retain(|(u, _)| *u != user);
                if entity.creator == Some(Identity::User(user)) {
                    entity.creator = None;
                }
            }
        }
        if let Some(m) = o.members.get_mut(member.index()) {
            m.removed = true;
            m.teams.clear();
            m.admin_of.clear();
        }
    }

    /// Changes a member's role; a member who holds team or stack access (a team, an explicit
    /// grant, a creator grant) cannot become a Billing Manager.
    pub(crate) fn set_member_role(
        &mut self,
        org: OrgId,
        member: MemberId,
        role: RoleRef,
    ) -> Result<(), AccessRefused> {
        let Some(o) = self.org_mut(org) else { return Ok(()) };
        let Some(m) = o.members.get(member.index()) else { return Ok(()) };
        if !role.may_hold_access() {
            let user = m.user;
            let holds = |e: &Entity| {
                !e.deleted
                    && (e.creator == Some(Identity::User(user)) || e.grants.iter().any(|(u, _)| *u == user))
            };
            let grants = o.entities.iter().any(|table| table.items.iter().any(holds));
            if !m.teams.is_empty() || grants {
                return Err(AccessRefused);
            }
        }
        if let Some(m) = o.members.get_mut(member.index()) {
            m.role = role;
        }
        Ok(())
    }

    /// Adds a team.
    pub(crate) fn add_team(
        &mut self,
        org: OrgId,
        name: &str,
        display_name: Option<&str>,
        description: Option<&str>,
        github: bool,
    ) -> Result<TeamId, Exists> {
        let o = self.org_mut(org).ok_or(Exists)?;
        if o.team_by_name.contains(name) {
            return Err(Exists);
        }
        let id = TeamId::new(o.teams.len());
        let mut team = Team::new(name);
        team.display_name = display_name.map(Into::into);
        team.description = description.map(Into::into);
        team.github = github;
        o.team_by_name.insert(name.into(), id);
        o.teams.push(team);
        Ok(id)
    }

    /// Keeps a team that is gone as a tombstone, so that a deleted token's record still names it.
    pub(crate) fn add_deleted_team(&mut self, org: OrgId, name: &str) -> Option<TeamId> {
        let o = self.org_mut(org)?;
        let id = TeamId::new(o.teams.len());
        o.teams.push(Team { deleted: true, ..Team::new(name) });
        Some(id)
    }

    /// Deletes a team with its memberships and its tokens (whose names stay reserved).
    pub(crate) fn delete_team(&mut self, org: OrgId, team: TeamId) {
        let Some(o) = self.org_mut(org) else { return };
        for member in &mut o.members {
            member.teams.retain(|t| *t != team);
            member.admin_of.retain(|t| *t != team);
        }
        if let Some(t) = o.teams.get_mut(team.index()) {
            o.team_by_name.remove(&t.name);
            t.deleted = true;
            t.members.clear();
        }
        let tokens = o.tokens.clone();
        for token in tokens {
            if let Some(record) = self.tokens.get_mut(token.index()) {
                if record.subject == TokenSubject::Team(team) {
                    record.deleted = true;
                }
            }
        }
    }

    /// Adds a member to a team (if not in it yet) and sets whether they administer it; `true`
    /// when the member was added.
    pub(crate) fn set_team_member(
        &mut self,
        org: OrgId,
        team: TeamId,
        member: MemberId,
        admin: bool,
    ) -> Result<bool, AccessRefused> {
        let Some(o) = self.org_mut(org) else { return Ok(false) };
        let Some(m) = o.members.get_mut(member.index()).filter(|m| !m.removed) else { return Ok(false) };
        if !m.role.may_hold_access() {
            return Err(AccessRefused);
        }
        let added = !m.teams.contains(&team);
        if added {
            m.teams.push(team);
            if let Some(t) = o.teams.get_mut(team.index()) {
                t.members.push(member);
            }
        }
        m.admin_of.retain(|t| *t != team);
        if admin {
            m.admin_of.push(team);
        }
        Ok(added)
    }

    /// Removes a member from a team; `false` when they were not in it.
    pub(crate) fn remove_team_member(&mut self, org: OrgId, team: TeamId, member: MemberId) -> bool {
        let Some(o) = self.org_mut(org) else { return false };
        let Some(m) = o.members.get_mut(member.index()) else { return false };
        if !m.teams.contains(&team) {
            return false;
        }
        m.teams.retain(|t| *t != team);
        m.admin_of.retain(|t| *t != team);
        if let Some(t) = o.teams.get_mut(team.index()) {
            t.members.retain(|m| *m != member);
        }
        true
    }

    /// Sets a team's grant on an entity; `Permission::None` removes it.
    pub(crate) fn set_team_grant(
        &mut self,
        org: OrgId,
        team: TeamId,
        kind: EntityKind,
        entity: EntityId,
        level: Permission,
    ) {
        let Some(t) = self.org_mut(org).and_then(|o| o.teams.get_mut(team.index())) else { return };
        if level == Permission::None {
            t.grants_mut(kind).remove(&entity);
        } else {
            t.grants_mut(kind).insert(entity, level);
        }
    }

    /// Assigns a custom role to a team or removes it; `false` when assigning one it holds.
    pub(crate) fn set_team_role(&mut self, org: OrgId, team: TeamId, role: RoleId, assigned: bool) -> bool {
        let Some(t) = self.org_mut(org).and_then(|o| o.teams.get_mut(team.index())) else { return false };
        let held = t.roles.contains(&role);
        t.roles.retain(|r| *r != role);
        if assigned {
            t.roles.push(role);
        }
        !(assigned && held)
    }

    /// Adds a stack, environment or account named `name` (`project/name`, or `name`).
    pub(crate) fn add_entity(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        name: &str,
        tags: Vec<(Box<str>, Box<str>)>,
        creator: Option<Identity>,
    ) -> Result<EntityId, Exists> {
        let table = self.org_mut(org).ok_or(Exists)?.entities_mut(kind);
        if table.find(name).is_some() {
            return Err(Exists);
        }
        let id = EntityId::new(table.items.len());
        table.by_name.insert(name.into(), id);
        table.items.push(Entity { name: name.into(), tags, creator, grants: Vec::new(), deleted: false });
        Ok(id)
    }

    fn entity_mut(&mut self, org: OrgId, kind: EntityKind, entity: EntityId) -> Option<&mut Entity> {
        self.org_mut(org)?.entities_mut(kind).items.get_mut(entity.index())
    }

    fn may_hold_access(&self, org: OrgId, user: UserId) -> bool {
        self.membership(user, org).is_some_and(|(_, m)| m.role.may_hold_access())
    }

    /// Sets (or with `None` removes) the creator's ADMIN grant; a user must be a member who may
    /// hold stack access.
    pub(crate) fn set_creator(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        entity: EntityId,
        creator: Option<Identity>,
    ) -> Result<(), AccessRefused> {
        if let Some(Identity::User(user)) = creator {
            if !self.may_hold_access(org, user) {
                return Err(AccessRefused);
            }
        }
        if let Some(e) = self.entity_mut(org, kind, entity) {
            e.creator = creator;
        }
        Ok(())
    }

    /// Sets a user's explicit grant on an entity; `Permission::None` removes it.
    pub(crate) fn set_explicit_grant(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        entity: EntityId,
        user: UserId,
        level: Permission,
    ) -> Result<(), AccessRefused> {
        if level != Permission::None && !self.may_hold_access(org, user) {
            return Err(AccessRefused);
        }
        if let Some(e) = self.entity_mut(org, kind, entity) {
            e.grants.retain(|(u, _)| *u != user);
            if level != Permission::None {
                e.grants.push((user, level));
            }
        }
        Ok(())
    }

    /// Removes an entity and the team grants on it; returns what it was.
    pub(crate) fn remove_entity(&mut self, org: OrgId, kind: EntityKind, entity: EntityId) -> Option<Entity> {
        let o = self.org_mut(org)?;
        for team in &mut o.teams {
            team.grants_mut(kind).remove(&entity);
        }
        let table = o.entities_mut(kind);
        let e = table.items.get_mut(entity.index()).filter(|e| !e.deleted)?;
        let removed = e.clone();
        e.deleted = true;
        table.by_name.remove(&removed.name);
        Some(removed)
    }

    /// Moves an entity to another organization: team and explicit grants stay behind; the
    /// creator grant travels only with a user who is a member of the destination.
    pub(crate) fn move_entity(
        &mut self,
        org: OrgId,
        kind: EntityKind,
        entity: EntityId,
        destination: OrgId,
    ) -> Result<EntityId, Exists> {
        let name = self.org(org).and_then(|o| o.entities(kind).get(entity)).map(|e| e.name.clone());
        let name = name.ok_or(Exists)?;
        if self.org(destination).is_none_or(|o| o.entities(kind).find(&name).is_some()) {
            return Err(Exists);
        }
        let moved = self.remove_entity(org, kind, entity).ok_or(Exists)?;
        let creator = match moved.creator {
            Some(Identity::User(u)) if self.membership(u, destination).is_some() => Some(Identity::User(u)),
            _ => None,
        };
        self.add_entity(destination, kind, &name, moved.tags, creator)
    }

    /// Adds a token record.
    pub(crate) fn add_token(&mut self, token: NewToken<'_>) -> Result<TokenId, TokenConflict> {
        if self.token_by_id.contains(token.id) {
            return Err(TokenConflict::Id);
        }
        if token.digest.is_some_and(|d| self.token_by_digest.contains_key(&d)) {
            return Err(TokenConflict::Digest);
        }
        let org = token.org.and_then(|o| self.orgs.get(o.index()));
        if let (Some(org), Some(name)) = (org, token.name) {
            if org.token_names.contains(name) {
                return Err(TokenConflict::Name);
            }
        }
        let id = TokenId::new(self.tokens.len());
        if let Some(digest) = token.digest {
            self.token_by_digest.insert(digest, id);
        }
        self.token_by_id.insert(token.id.into(), id);
        if let Some(o) = token.org.and_then(|o| self.orgs.get_mut(o.index())) {
            o.tokens.push(id);
            if let Some(name) = token.name {
                o.token_names.insert(name.into());
            }
        }
        self.tokens.push(TokenRecord {
            id: token.id.into(),
            kind: token.kind,
            org: token.org,
            subject: token.subject,
            name: token.name.map(Into::into),
            description: token.description.map(Into::into),
            digest: token.digest,
            created: token.created,
            expires: token.expires,
            created_by: token.created_by,
            deleted: token.deleted,
        });
        Ok(id)
    }

    /// Records who minted a token.
    pub(crate) fn set_token_created_by(&mut self, token: TokenId, user: UserId) {
        if let Some(t) = self.tokens.get_mut(token.index()) {
            t.created_by = Some(user);
        }
    }

    /// Deletes a token: it stops validating at once, and its name stays reserved.
    pub(crate) fn delete_token(&mut self, token: TokenId) {
        if let Some(t) = self.tokens.get_mut(token.index()) {
            t.deleted = true;
        }
    }
}
