//! Checking one organization and building it: its parts in dependency order (permission sets,
//! entities, roles, members, teams, tokens, then creators and explicit grants).

use rustc_hash::FxHashSet;

use super::build::Builder;
use super::checks::{Pending, TokenPlace, entity_field, entries, parse_level, repeated_key, required};
use super::names::{NameRule, Path, Problems, shorten};
use super::tokens::load_token;
use super::wire::{self, Map, Req, Str};
use crate::catalog::{Catalog, EntityScopeSet, OrgScopeSet};
use crate::error::SnapshotErrorKind as K;
use crate::model::{BuiltinRole, EntityKind, Permission};
use crate::store::{
    EntityId, EntityRule, Identity, MemberId, OrgId, PermissionScopes, RoleRef, Selector, TagCondition,
    UserId,
};

/// A stack, environment or account, whichever wire shape it has.
struct EntityView<'v, 'a> {
    project: Option<&'v Req<Str<'a>>>,
    name: &'v Req<Str<'a>>,
    tags: Option<&'v Map<'a>>,
    creator: Option<&'v wire::Creator<'a>>,
    grants: Option<&'v Map<'a>>,
}

pub(super) struct OrgLoader<'l, 'v, 'a> {
    pub(super) catalog: &'l Catalog,
    pub(super) b: &'l mut Builder,
    pub(super) org: OrgId,
    /// The organization's position in the document.
    pub(super) position: usize,
    pub(super) wire: &'v wire::Organization<'a>,
    pub(super) at: Path<'l>,
    pub(super) problems: &'l mut Problems,
    pub(super) pending: &'l mut Vec<Pending<'v>>,
}

impl<'v> OrgLoader<'_, 'v, '_> {
    pub(super) fn load(&mut self) {
        self.load_permission_sets();
        let mut deferred = Vec::new();
        for kind in EntityKind::ALL {
            self.load_entities(kind, &mut deferred);
        }
        self.load_roles();
        self.load_members();
        self.load_teams();
        let org_at = self.at;
        let tokens_at = org_at.field("tokens");
        for (j, token) in self.wire.tokens.iter().flatten().enumerate() {
            let place = TokenPlace::Org(self.position, j);
            let at = tokens_at.index(j);
            load_token(self.b, Some(self.org), None, token, place, &at, self.problems, self.pending);
        }
        for (kind, idx, position, view) in deferred {
            self.load_creator_and_grants(kind, idx, position, &view);
        }
    }

    fn load_permission_sets(&mut self) {
        let org_at = self.at;
        let sets_at = org_at.field("permissionSets");
        for (i, set) in self.wire.permission_sets.iter().flatten().enumerate() {
            let at = sets_at.index(i);
            let name = required(&set.name, &at, "name", self.problems);
            let entity = required(&set.entity, &at, "entity", self.problems);
            let (Some(name), Some(entity)) = (name, entity) else { continue };
            if !NameRule::Label.check(name, &at.field("name"), self.problems) {
                continue;
            }
            let builtin = self.catalog.org_permission_set(name).is_some()
                || self.catalog.entity_permission_set(name).is_some();
            if builtin || self.b.permission_set(self.org, name).is_some() {
                let kind = K::Duplicate { what: "permission set", name: shorten(name) };
                self.problems.push(&at.field("name"), kind);
                continue;
            }
            let kind = if &**entity == "organization" { None } else { EntityKind::parse(entity) };
            if kind.is_none() && &**entity != "organization" {
                let expected = "one of `organization`, `stack`, `environment`, `account`";
                self.problems.push(&at.field("entity"), K::InvalidValue { value: shorten(entity), expected });
                continue;
            }
            let mut org_scopes = OrgScopeSet::EMPTY;
            let mut entity_scopes = EntityScopeSet::EMPTY;
            let scopes_at = at.field("scopes");
            for (j, scope) in set.scopes.iter().flatten().enumerate() {
                let at = scopes_at.index(j);
                let Some(entry) = self.catalog.lookup(scope) else {
                    self.problems.push(&at, K::UnknownScope { scope: shorten(scope) });
                    continue;
                };
                let found = match kind {
                    None => entry.org.map(|s| org_scopes.insert(s)),
                    Some(kind) => entry.entity.filter(|e| e.kind == kind).map(|s| entity_scopes.insert(s)),
                };
                if found.is_none() {
                    let entity = kind.map_or("organization", EntityKind::as_str);
                    self.problems.push(&at, K::ScopeEntityMismatch { scope: shorten(scope), entity });
                }
            }
            let scopes = match kind {
                None => PermissionScopes::Organization(org_scopes),
                Some(kind) => PermissionScopes::Entity(kind, entity_scopes),
            };
            self.b.add_permission_set(self.org, name, scopes);
        }
    }

    fn load_entities(
        &mut self,
        kind: EntityKind,
        deferred: &mut Vec<(EntityKind, EntityId, usize, EntityView<'v, 'v>)>,
    ) {
        let views: Vec<EntityView<'v, 'v>> = match kind {
            EntityKind::Stack | EntityKind::Environment => {
                let list =
                    if kind == EntityKind::Stack { &self.wire.stacks } else { &self.wire.environments };
                list.iter()
                    .flatten()
                    .map(|s| EntityView {
                        project: Some(&s.project),
                        name: &s.name,
                        tags: s.tags.as_ref(),
                        creator: s.creator.as_ref(),
                        grants: s.grants.as_ref(),
                    })
                    .collect()
            }
            EntityKind::Account => self
                .wire
                .accounts
                .iter()
                .flatten()
                .map(|a| EntityView {
                    project: None,
                    name: &a.name,
                    tags: a.tags.as_ref(),
                    creator: a.creator.as_ref(),
                    grants: a.grants.as_ref(),
                })
                .collect(),
        };
        let org_at = self.at;
        let list_at = org_at.field(entity_field(kind));
        for (i, view) in views.into_iter().enumerate() {
            let at = list_at.index(i);
            let Some(name) = self.entity_name(&view, &at) else { continue };
            let tags_at = at.field("tags");
            let mut tags = Vec::new();
            for (key, value) in entries(view.tags, &tags_at, self.problems) {
                let tag_at = tags_at.key(key);
                if NameRule::TagKey.check(key, &tag_at, self.problems)
                    && NameRule::Text.check(value, &tag_at, self.problems)
                {
                    tags.push((key, value));
                }
            }
            match self.b.add_entity(self.org, kind, name, tags) {
                Ok(idx) => deferred.push((kind, idx, i, view)),
                Err(name) => {
                    self.problems.push(&at, K::Duplicate { what: kind.as_str(), name: shorten(&name) })
                }
            }
        }
    }

    /// `project/name` for stacks and environments, `name` for accounts.
    fn entity_name(&mut self, view: &EntityView<'_, '_>, at: &Path<'_>) -> Option<String> {
        let name = required(view.name, at, "name", self.problems);
        let name_ok = name.is_some_and(|n| NameRule::Identifier.check(n, &at.field("name"), self.problems));
        let Some(project) = view.project else {
            return name.filter(|_| name_ok).map(|n| n.to_string());
        };
        let project = required(project, at, "project", self.problems);
        let project_ok =
            project.is_some_and(|p| NameRule::Identifier.check(p, &at.field("project"), self.problems));
        match (project, name) {
            (Some(p), Some(n)) if name_ok && project_ok => {
                let mut full = String::with_capacity(p.len() + 1 + n.len());
                full.push_str(p);
                full.push('/');
                full.push_str(n);
                Some(full)
            }
            _ => None,
        }
    }

    fn load_roles(&mut self) {
        let org_at = self.at;
        let roles_at = org_at.field("roles");
        for (i, role) in self.wire.roles.iter().flatten().enumerate() {
            let at = roles_at.index(i);
            let Some(name) = required(&role.name, &at, "name", self.problems) else { continue };
            if !NameRule::Label.check(name, &at.field("name"), self.problems) {
                continue;
            }
            if BuiltinRole::parse(name).is_some() || self.b.role(self.org, name).is_some() {
                self.problems.push(&at.field("name"), K::Duplicate { what: "role", name: shorten(name) });
                continue;
            }
            let mut org_set = None;
            if let Some(set_name) = &role.organization {
                match self.org_permission_set(set_name) {
                    Ok(set) => org_set = Some((&**set_name, set)),
                    Err(kind) => self.problems.push(&at.field("organization"), kind),
                }
            }
            let rules_at = at.field("rules");
            let mut rules = Vec::new();
            for (j, rule) in role.rules.iter().flatten().enumerate() {
                if let Some(rule) = self.load_rule(&rules_at.index(j), rule) {
                    rules.push(rule);
                }
            }
            self.b.add_role(self.org, name, role.description.as_deref(), org_set, rules);
        }
    }

    fn org_permission_set(&self, name: &str) -> Result<OrgScopeSet, K> {
        let not_org =
            || K::InvalidReference { name: shorten(name), why: "is not an organization permission set" };
        if let Some(set) = self.catalog.org_permission_set(name) {
            return Ok(set);
        }
        if self.catalog.entity_permission_set(name).is_some() {
            return Err(not_org());
        }
        match self.b.permission_set(self.org, name) {
            Some(PermissionScopes::Organization(set)) => Ok(set),
            Some(PermissionScopes::Entity(..)) => Err(not_org()),
            None => Err(K::DanglingReference { what: "permission set", name: shorten(name) }),
        }
    }

    fn entity_permission_set(&self, kind: EntityKind, name: &str) -> Result<EntityScopeSet, K> {
        let other =
            || K::InvalidReference { name: shorten(name), why: "is a permission set of another entity type" };
        let found = match self.catalog.entity_permission_set(name) {
            Some((set_kind, set)) => Some(PermissionScopes::Entity(set_kind, set)),
            None => self.b.permission_set(self.org, name),
        };
        match found {
            Some(PermissionScopes::Entity(set_kind, set)) if set_kind == kind => Ok(set),
            Some(_) => Err(other()),
            None => Err(K::DanglingReference { what: "permission set", name: shorten(name) }),
        }
    }

    fn load_rule(&mut self, at: &Path<'_>, rule: &wire::Rule<'_>) -> Option<EntityRule> {
        let entity = required(&rule.entity, at, "entity", self.problems);
        let set_name = required(&rule.permission_set, at, "permissionSet", self.problems);
        let (entity, set_name) = (entity?, set_name?);
        let Some(kind) = EntityKind::parse(entity) else {
            let expected = "one of `stack`, `environment`, `account`";
            self.problems.push(&at.field("entity"), K::InvalidValue { value: shorten(entity), expected });
            return None;
        };
        let scopes = match self.entity_permission_set(kind, set_name) {
            Ok(scopes) => scopes,
            Err(problem) => {
                self.problems.push(&at.field("permissionSet"), problem);
                return None;
            }
        };
        let chosen = usize::from(rule.all.is_some())
            + usize::from(rule.entities.is_some())
            + usize::from(rule.tags.is_some());
        if chosen != 1 {
            let expected = "exactly one selector of `all`, `entities`, `tags`";
            self.problems.push(at, K::InvalidValue { value: format!("{chosen} selectors"), expected });
            return None;
        }
        let selector = if let Some(all) = rule.all {
            if !all {
                let expected = "`true` (omit the rule to select nothing)";
                self.problems.push(&at.field("all"), K::InvalidValue { value: "false".into(), expected });
                return None;
            }
            Selector::All
        } else if let Some(names) = &rule.entities {
            let mut set = FxHashSet::default();
            let entities_at = at.field("entities");
            for (i, name) in names.iter().enumerate() {
                match self.b.entity(self.org, kind, name) {
                    Some(idx) => {
                        set.insert(idx);
                    }
                    None => self.problems.push(
                        &entities_at.index(i),
                        K::DanglingReference { what: kind.as_str(), name: shorten(name) },
                    ),
                }
            }
            Selector::Entities(set)
        } else {
            let mut conditions = Vec::new();
            let tags_at = at.field("tags");
            for (i, condition) in rule.tags.iter().flatten().enumerate() {
                let at = tags_at.index(i);
                let Some(key) = required(&condition.key, &at, "key", self.problems) else { continue };
                NameRule::TagKey.check(key, &at.field("key"), self.problems);
                conditions.push(TagCondition::new(key, condition.value.as_deref()));
            }
            if conditions.is_empty() {
                let expected = "at least one tag condition";
                self.problems.push(&tags_at, K::InvalidValue { value: "[]".into(), expected });
                return None;
            }
            Selector::Tags(conditions)
        };
        Some(EntityRule::new(kind, selector, set_name, scopes))
    }

    fn load_members(&mut self) {
        let org_at = self.at;
        let members_at = org_at.field("members");
        for (i, member) in self.wire.members.iter().flatten().enumerate() {
            let at = members_at.index(i);
            let Some(login) = required(&member.login, &at, "login", self.problems) else { continue };
            if !NameRule::Login.check(login, &at.field("login"), self.problems) {
                continue;
            }
            let role_name = member.role.as_deref().unwrap_or("member");
            let role = match BuiltinRole::parse(role_name) {
                Some(builtin) => RoleRef::Builtin(builtin),
                None => match self.b.role(self.org, role_name) {
                    Some(idx) => RoleRef::Custom(idx),
                    None => {
                        let kind = K::DanglingReference { what: "role", name: shorten(role_name) };
                        self.problems.push(&at.field("role"), kind);
                        continue;
                    }
                },
            };
            if self.b.member(self.org, login).is_some() {
                self.problems.push(&at.field("login"), K::Duplicate { what: "member", name: shorten(login) });
                continue;
            }
            let user = self.b.user_or_new(login);
            self.b.add_member(self.org, user, role);
        }
    }

    /// The member `login` of this organization, recording a problem when it is not a member.
    fn member(&mut self, login: &str, at: &Path<'_>) -> Option<(UserId, MemberId)> {
        let found = self.b.member(self.org, login).map(|(user, member, _)| (user, member));
        if found.is_none() {
            self.problems.push(at, K::DanglingReference { what: "member", name: shorten(login) });
        }
        found
    }

    /// Records the store's refusal to give a Billing Manager team or stack access.
    fn refused(&mut self, login: &str, at: &Path<'_>) {
        let why = "is a billing manager, who holds no team or stack access";
        self.problems.push(at, K::InvalidReference { name: shorten(login), why });
    }

    fn text<'t>(&mut self, value: Option<&'t Str<'_>>, at: &Path<'_>) -> Option<&'t str> {
        let value = &**value?;
        NameRule::Text.check(value, at, self.problems).then_some(value)
    }

    fn load_teams(&mut self) {
        let org_at = self.at;
        let teams_at = org_at.field("teams");
        for (i, team) in self.wire.teams.iter().flatten().enumerate() {
            let at = teams_at.index(i);
            let Some(name) = required(&team.name, &at, "name", self.problems) else { continue };
            if !NameRule::Identifier.check(name, &at.field("name"), self.problems) {
                continue;
            }
            if self.b.team(self.org, name).is_some() {
                self.problems.push(&at.field("name"), K::Duplicate { what: "team", name: shorten(name) });
                continue;
            }
            let display_name = self.text(team.display_name.as_ref(), &at.field("displayName"));
            let description = self.text(team.description.as_ref(), &at.field("description"));
            let github = match team.kind.as_deref() {
                None | Some("pulumi") => false,
                Some("github") => true,
                Some(other) => {
                    let expected = "`pulumi` or `github`";
                    self.problems
                        .push(&at.field("kind"), K::InvalidValue { value: shorten(other), expected });
                    false
                }
            };
            let Some(idx) = self.b.add_team(self.org, name, display_name, description, github) else {
                continue;
            };
            for (field, admin) in [("members", false), ("admins", true)] {
                let list = if admin { &team.admins } else { &team.members };
                let list_at = at.field(field);
                for (j, login) in list.iter().flatten().enumerate() {
                    let at = list_at.index(j);
                    let Some((_, member)) = self.member(login, &at) else { continue };
                    match self.b.add_team_member(self.org, idx, member, admin) {
                        Ok(false) if !admin => {
                            self.problems
                                .push(&at, K::Duplicate { what: "team member", name: shorten(login) });
                        }
                        Ok(_) => {}
                        Err(_) => self.refused(login, &at),
                    }
                }
            }
            for (kind, grants) in [
                (EntityKind::Stack, &team.stacks),
                (EntityKind::Environment, &team.environments),
                (EntityKind::Account, &team.accounts),
            ] {
                let grants_at = at.field(entity_field(kind));
                // A repeated key names an entity granted already: the grant tells.
                for (entity, level) in grants.iter().flat_map(|g| &g.0) {
                    let (entity, level) = (&**entity, &**level);
                    let at = grants_at.key(entity);
                    let Some(level) = parse_level(kind, level, false) else {
                        let expected = Permission::expected(kind, false);
                        self.problems.push(&at, K::InvalidValue { value: shorten(level), expected });
                        continue;
                    };
                    match self.b.entity(self.org, kind, entity) {
                        Some(found) => {
                            if !self.b.add_team_grant(self.org, idx, kind, found, level) {
                                self.problems.push(&at, repeated_key(entity));
                            }
                        }
                        None => self
                            .problems
                            .push(&at, K::DanglingReference { what: kind.as_str(), name: shorten(entity) }),
                    }
                }
            }
            let roles_at = at.field("roles");
            for (j, role) in team.roles.iter().flatten().enumerate() {
                let at = roles_at.index(j);
                let problem = match self.b.role(self.org, role) {
                    Some(r) if self.b.add_team_role(self.org, idx, r) => continue,
                    Some(_) => K::Duplicate { what: "team role", name: shorten(role) },
                    None if BuiltinRole::parse(role).is_some() => {
                        let why = "is a built-in role; teams hold custom roles only";
                        K::InvalidReference { name: shorten(role), why }
                    }
                    None => K::DanglingReference { what: "role", name: shorten(role) },
                };
                self.problems.push(&at, problem);
            }
        }
    }

    fn load_creator_and_grants(
        &mut self,
        kind: EntityKind,
        idx: EntityId,
        position: usize,
        view: &EntityView<'v, 'v>,
    ) {
        let org_at = self.at;
        let list_at = org_at.field(entity_field(kind));
        let at = list_at.index(position);
        if let Some(creator) = view.creator {
            let creator_at = at.field("creator");
            match (&creator.user, &creator.token) {
                (Some(login), None) => {
                    let user_at = creator_at.field("user");
                    if let Some((user, _)) = self.member(login, &user_at) {
                        if self.b.set_creator(self.org, kind, idx, Identity::User(user)).is_err() {
                            self.refused(login, &user_at);
                        }
                    }
                }
                (None, Some(id)) => self.pending.push(Pending::CreatorToken {
                    org: self.org,
                    org_at: self.position,
                    kind,
                    entity: idx,
                    entity_at: position,
                    id,
                }),
                _ => {
                    let expected = "exactly one of `user`, `token`";
                    self.problems.push(&creator_at, K::InvalidValue { value: "creator".into(), expected });
                }
            }
        }
        let grants_at = at.field("grants");
        for (login, level) in entries(view.grants, &grants_at, self.problems) {
            let at = grants_at.key(login);
            let Some(level) = parse_level(kind, level, false) else {
                let expected = Permission::expected(kind, false);
                self.problems.push(&at, K::InvalidValue { value: shorten(level), expected });
                continue;
            };
            if let Some((user, _)) = self.member(login, &at) {
                if self.b.add_grant(self.org, kind, idx, user, level).is_err() {
                    self.refused(login, &at);
                }
            }
        }
    }
}
