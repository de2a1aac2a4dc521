//! Building the index from a snapshot document. Inside an organization, parts are read in
//! dependency order (permission sets, entities, roles, members, teams, tokens, then creators and
//! explicit grants), whatever their order in the document.

use rustc_hash::FxHashSet;
use serde_json::Value;

use super::Pending;
use super::reader::{NameRule, Obj, Problems, object, shorten};
use super::tokens::{KEY_FIELDS, SIGNING_FIELDS, TOKEN_FIELDS, TokenOwner, load_signing, load_token};
use crate::catalog::{Catalog, EntityScopeSet, OrgScopeSet};
use crate::error::SnapshotErrorKind as K;
use crate::model::{BuiltinRole, EntityKind, Permission, Settings, TokenKind};
use crate::store::{
    CustomRole, EntityId, EntityRule, Identity, MemberId, Org, OrgId, PermissionScopes, PermissionSetDef,
    RoleRef, Selector, Store, TagCondition, UserId,
};

/// Limits that keep a hostile snapshot from exhausting memory.
pub(crate) const MAX_ITEMS: usize = 1_000_000;

const ROOT_FIELDS: &[&str] = &["version", "revision", "users", "organizations", "signing", "revokedTokenIds"];
const USER_FIELDS: &[&str] = &["login", "name", "tokens"];
const ORG_FIELDS: &[&str] = &[
    "name",
    "settings",
    "members",
    "permissionSets",
    "roles",
    "teams",
    "stacks",
    "environments",
    "accounts",
    "tokens",
];
pub(crate) const SETTINGS_FIELDS: &[&str] = &[
    "defaultStackPermission",
    "defaultEnvironmentPermission",
    "defaultAccountPermission",
    "membersCanCreateStacks",
    "stackAdminsCanDeleteStacks",
    "stackAdminsCanTransferStacks",
    "membersCanCreateTeams",
    "membersCanCreateAccounts",
    "teamTokensGetMemberDefaults",
    "tokenExpiryPolicyDays",
];
const MEMBER_FIELDS: &[&str] = &["login", "role"];
const PSET_FIELDS: &[&str] = &["name", "entity", "scopes", "description"];
const ROLE_FIELDS: &[&str] = &["name", "description", "organization", "rules"];
const RULE_FIELDS: &[&str] = &["entity", "permissionSet", "all", "entities", "tags"];
const TAG_CONDITION_FIELDS: &[&str] = &["key", "value"];
const TEAM_FIELDS: &[&str] = &[
    "name",
    "displayName",
    "description",
    "kind",
    "members",
    "admins",
    "stacks",
    "environments",
    "accounts",
    "roles",
];
const STACK_FIELDS: &[&str] = &["project", "name", "tags", "creator", "grants"];
const ACCOUNT_FIELDS: &[&str] = &["name", "tags", "creator", "grants"];
const CREATOR_FIELDS: &[&str] = &["user", "token"];

/// Every object of the format with its fields, for documentation and drift tests.
pub const OBJECT_FIELDS: [(&str, &[&str]); 16] = [
    ("snapshot", ROOT_FIELDS),
    ("user", USER_FIELDS),
    ("organization", ORG_FIELDS),
    ("settings", SETTINGS_FIELDS),
    ("member", MEMBER_FIELDS),
    ("permissionSet", PSET_FIELDS),
    ("role", ROLE_FIELDS),
    ("rule", RULE_FIELDS),
    ("tagCondition", TAG_CONDITION_FIELDS),
    ("team", TEAM_FIELDS),
    ("stack", STACK_FIELDS),
    ("account", ACCOUNT_FIELDS),
    ("creator", CREATOR_FIELDS),
    ("token", TOKEN_FIELDS),
    ("signing", SIGNING_FIELDS),
    ("key", KEY_FIELDS),
];

/// Loads a whole snapshot document.
pub(crate) fn load(catalog: &Catalog, value: &Value, problems: &mut Problems) -> Store {
    let mut index = Store::default();
    if !value.is_object() {
        problems.push("", K::InvalidJson { detail: "the top level is not an object".into() });
        return index;
    }
    let Some(root) = object(value, "", ROOT_FIELDS, problems) else {
        return index;
    };
    let mut pending = Vec::new();
    match root.get("version") {
        Some(v) if v.as_u64() == Some(1) => {}
        Some(v) => problems.push("version", K::UnsupportedVersion { found: shorten(&v.to_string()) }),
        None => problems.push("", K::MissingField { field: "version" }),
    }
    index.set_revision(root.opt_u64("revision", problems).unwrap_or(0));
    let users = root.opt_array("users", problems);
    let orgs = root.opt_array("organizations", problems);
    if users.len() > MAX_ITEMS || orgs.len() > MAX_ITEMS {
        problems.push("", K::TooLarge { what: "users or organizations", max: MAX_ITEMS });
        return index;
    }
    let mut personal_tokens = Vec::new();
    for (path, value) in &users {
        let Some(user) = object(value, path, USER_FIELDS, problems) else {
            continue;
        };
        let Some(login) = user.req_str("login", problems) else {
            continue;
        };
        if !NameRule::Login.check(login, &user.path_of("login"), problems) {
            continue;
        }
        let name = user.opt_str("name", problems);
        let Ok(idx) = index.add_user(login, name) else {
            problems.push(&user.path_of("login"), K::Duplicate { what: "user", name: shorten(login) });
            continue;
        };
        for (token_path, token) in user.opt_array("tokens", problems) {
            personal_tokens.push((token_path, token, idx));
        }
    }
    for (path, value) in &orgs {
        let Some(org) = object(value, path, ORG_FIELDS, problems) else {
            continue;
        };
        let Some(name) = org.req_str("name", problems) else {
            continue;
        };
        if !NameRule::Identifier.check(name, &org.path_of("name"), problems) {
            continue;
        }
        let Ok(org_idx) = index.add_org(name, Settings::default()) else {
            problems.push(&org.path_of("name"), K::Duplicate { what: "organization", name: shorten(name) });
            continue;
        };
        OrgLoader {
            catalog,
            index: &mut index,
            org_idx,
            empty: Org::empty(),
            obj: &org,
            problems,
            pending: &mut pending,
        }
        .load();
    }
    for (path, value, user) in personal_tokens {
        load_token(&mut index, TokenOwner::User(user), &path, value, problems, &mut pending);
    }
    resolve_pending(&mut index, pending, problems);
    if let Some(signing) = root.get("signing") {
        index.set_signing(load_signing(signing, "signing", problems));
    } else {
        let default = crate::store::SigningConfig::new(
            None,
            None,
            crate::store::SigningConfig::DEFAULT_LEEWAY,
            Vec::new(),
        );
        index.set_signing(default);
    }
    for (path, id) in root.opt_str_array("revokedTokenIds", problems) {
        if NameRule::Identifier.check(id, &path, problems) {
            index.revoke(id);
        }
    }
    index
}

/// Parses a permission level allowed for `kind`; `allow_none` for defaults.
pub(crate) fn parse_level(kind: EntityKind, s: &str, allow_none: bool) -> Option<Permission> {
    let level = Permission::parse(s)?;
    let ok = kind.accepts(level) && (allow_none || level != Permission::None);
    ok.then_some(level)
}

fn level_expectation(kind: EntityKind, allow_none: bool) -> &'static str {
    match (kind, allow_none) {
        (EntityKind::Environment, true) => "one of `none`, `read`, `open`, `write`, `admin`",
        (EntityKind::Environment, false) => "one of `read`, `open`, `write`, `admin`",
        (_, true) => "one of `none`, `read`, `write`, `admin`",
        (_, false) => "one of `read`, `write`, `admin`",
    }
}

struct OrgLoader<'a, 'v> {
    catalog: &'a Catalog,
    index: &'a mut Store,
    /// The organization being loaded (already in the store).
    org_idx: OrgId,
    /// Stands in for it if it were missing.
    empty: Org,
    obj: &'a Obj<'v>,
    problems: &'a mut Problems,
    /// References to tokens and users that may be defined later in the document.
    pending: &'a mut Vec<Pending>,
}

fn resolve_pending(index: &mut Store, pending: Vec<Pending>, problems: &mut Problems) {
    for item in pending {
        match item {
            Pending::CreatorToken { org, kind, entity, id, path } => {
                let Some(token) = index.token_id(&id) else {
                    problems.push(&path, K::DanglingReference { what: "token", name: shorten(&id) });
                    continue;
                };
                let machine_of_org = index
                    .token(token)
                    .is_some_and(|t| t.org() == Some(org) && t.kind() != TokenKind::Personal);
                if !machine_of_org {
                    let why = "is not an organization or team token of this organization";
                    problems.push(&path, K::InvalidReference { name: shorten(&id), why });
                    continue;
                }
                // A machine token is no Billing Manager: the store cannot refuse it.
                let _ = index.set_creator(org, kind, entity, Some(Identity::Token(token)));
            }
            Pending::CreatedBy { token, login, path } => match index.user_id(&login) {
                Some(user) => index.set_token_created_by(token, user),
                None => problems.push(&path, K::DanglingReference { what: "user", name: shorten(&login) }),
            },
        }
    }
}

impl<'v> OrgLoader<'_, 'v> {
    /// The organization as loaded so far.
    fn org(&self) -> &Org {
        // The loader added it before loading its parts.
        self.index.org(self.org_idx).unwrap_or(&self.empty)
    }

    fn load(mut self) {
        if let Some(settings) = self.obj.get("settings") {
            let path = self.obj.path_of("settings");
            let parsed = parse_settings(settings, &path, self.problems);
            self.index.set_settings(self.org_idx, parsed);
        }
        self.load_permission_sets();
        let mut deferred = Vec::new();
        for kind in EntityKind::ALL {
            self.load_entities(kind, &mut deferred);
        }
        self.load_roles();
        self.load_members();
        self.load_teams();
        for (path, value) in self.obj.opt_array("tokens", self.problems) {
            load_token(self.index, TokenOwner::Org(self.org_idx), &path, value, self.problems, self.pending);
        }
        for (kind, idx, entity) in deferred {
            self.load_creator_and_grants(kind, idx, &entity);
        }
    }

    fn load_permission_sets(&mut self) {
        for (path, value) in self.obj.opt_array("permissionSets", self.problems) {
            let Some(set) = object(value, &path, PSET_FIELDS, self.problems) else {
                continue;
            };
            let (Some(name), Some(entity)) =
                (set.req_str("name", self.problems), set.req_str("entity", self.problems))
            else {
                continue;
            };
            set.opt_str("description", self.problems);
            if !NameRule::Label.check(name, &set.path_of("name"), self.problems) {
                continue;
            }
            let builtin = self.catalog.org_permission_set(name).is_some()
                || self.catalog.entity_permission_set(name).is_some();
            if builtin || self.org().permission_set(name).is_some() {
                self.problems
                    .push(&set.path_of("name"), K::Duplicate { what: "permission set", name: shorten(name) });
                continue;
            }
            let kind = if entity == "organization" { None } else { EntityKind::parse(entity) };
            if kind.is_none() && entity != "organization" {
                let expected = "one of `organization`, `stack`, `environment`, `account`";
                self.problems
                    .push(&set.path_of("entity"), K::InvalidValue { value: shorten(entity), expected });
                continue;
            }
            let mut org_scopes = OrgScopeSet::EMPTY;
            let mut entity_scopes = EntityScopeSet::EMPTY;
            for (scope_path, scope) in set.opt_str_array("scopes", self.problems) {
                let Some(entry) = self.catalog.lookup(scope) else {
                    self.problems.push(&scope_path, K::UnknownScope { scope: shorten(scope) });
                    continue;
                };
                match kind {
                    None => match entry.org {
                        Some(s) => org_scopes.insert(s),
                        None => self.problems.push(
                            &scope_path,
                            K::ScopeEntityMismatch { scope: shorten(scope), entity: "organization" },
                        ),
                    },
                    Some(kind) => match entry.entity.filter(|e| e.kind == kind) {
                        Some(s) => entity_scopes.insert(s),
                        None => self.problems.push(
                            &scope_path,
                            K::ScopeEntityMismatch { scope: shorten(scope), entity: kind.as_str() },
                        ),
                    },
                }
            }
            let scopes = match kind {
                None => PermissionScopes::Organization(org_scopes),
                Some(kind) => PermissionScopes::Entity(kind, entity_scopes),
            };
            let _ = self.index.add_permission_set(self.org_idx, PermissionSetDef::new(name, scopes));
        }
    }

    fn load_entities(&mut self, kind: EntityKind, deferred: &mut Vec<(EntityKind, EntityId, Obj<'v>)>) {
        let field = match kind {
            EntityKind::Stack => "stacks",
            EntityKind::Environment => "environments",
            EntityKind::Account => "accounts",
        };
        let items = self.obj.opt_array(field, self.problems);
        if items.len() > MAX_ITEMS {
            self.problems.push(&self.obj.path_of(field), K::TooLarge { what: field, max: MAX_ITEMS });
            return;
        }
        for (path, value) in items {
            let fields = if kind == EntityKind::Account { ACCOUNT_FIELDS } else { STACK_FIELDS };
            let Some(obj) = object(value, &path, fields, self.problems) else {
                continue;
            };
            let Some(name) = self.entity_name(kind, &obj) else {
                continue;
            };
            let mut tags = Vec::new();
            for (tag_path, key, value) in obj.opt_str_map("tags", self.problems) {
                let key_ok = NameRule::TagKey.check(key, &tag_path, self.problems);
                if key_ok && NameRule::Text.check(value, &tag_path, self.problems) {
                    tags.push((key.into(), value.into()));
                }
            }
            let Ok(idx) = self.index.add_entity(self.org_idx, kind, &name, tags, None) else {
                self.problems.push(&path, K::Duplicate { what: kind.as_str(), name: shorten(&name) });
                continue;
            };
            deferred.push((kind, idx, obj));
        }
    }

    fn entity_name(&mut self, kind: EntityKind, obj: &Obj<'_>) -> Option<String> {
        let name = obj.req_str("name", self.problems);
        let name_ok =
            name.is_some_and(|n| NameRule::Identifier.check(n, &obj.path_of("name"), self.problems));
        if kind == EntityKind::Account {
            return name.filter(|_| name_ok).map(str::to_string);
        }
        let project = obj.req_str("project", self.problems);
        let project_ok =
            project.is_some_and(|p| NameRule::Identifier.check(p, &obj.path_of("project"), self.problems));
        match (project, name) {
            (Some(p), Some(n)) if name_ok && project_ok => Some(format!("{p}/{n}")),
            _ => None,
        }
    }

    fn load_roles(&mut self) {
        for (path, value) in self.obj.opt_array("roles", self.problems) {
            let Some(obj) = object(value, &path, ROLE_FIELDS, self.problems) else {
                continue;
            };
            let Some(name) = obj.req_str("name", self.problems) else {
                continue;
            };
            if !NameRule::Label.check(name, &obj.path_of("name"), self.problems) {
                continue;
            }
            if BuiltinRole::parse(name).is_some() || self.org().role_id(name).is_some() {
                self.problems.push(&obj.path_of("name"), K::Duplicate { what: "role", name: shorten(name) });
                continue;
            }
            let description = obj.opt_str("description", self.problems);
            let mut org_scopes = OrgScopeSet::EMPTY;
            let org_set_name = obj.opt_str("organization", self.problems);
            if let Some(set_name) = org_set_name {
                match self.org_permission_set(set_name) {
                    Ok(set) => org_scopes = set,
                    Err(kind) => self.problems.push(&obj.path_of("organization"), kind),
                }
            }
            let mut rules = Vec::new();
            for (rule_path, rule) in obj.opt_array("rules", self.problems) {
                if let Some(rule) = self.load_rule(&rule_path, rule) {
                    rules.push(rule);
                }
            }
            let role = CustomRole::new(name, description, org_set_name.map(|n| (n, org_scopes)), rules);
            let _ = self.index.add_role(self.org_idx, role);
        }
    }

    fn org_permission_set(&mut self, name: &str) -> Result<OrgScopeSet, K> {
        if let Some(set) = self.catalog.org_permission_set(name) {
            return Ok(set);
        }
        if self.catalog.entity_permission_set(name).is_some() {
            return Err(K::InvalidReference {
                name: shorten(name),
                why: "is not an organization permission set",
            });
        }
        match self.org().permission_set(name).map(|p| p.scopes()) {
            Some(PermissionScopes::Organization(set)) => Ok(set),
            Some(PermissionScopes::Entity(..)) => {
                Err(K::InvalidReference { name: shorten(name), why: "is not an organization permission set" })
            }
            None => Err(K::DanglingReference { what: "permission set", name: shorten(name) }),
        }
    }

    fn entity_permission_set(&mut self, kind: EntityKind, name: &str) -> Result<EntityScopeSet, K> {
        if let Some((set_kind, set)) = self.catalog.entity_permission_set(name) {
            if set_kind == kind {
                return Ok(set);
            }
            return Err(K::InvalidReference {
                name: shorten(name),
                why: "is a permission set of another entity type",
            });
        }
        match self.org().permission_set(name).map(|p| p.scopes()) {
            Some(PermissionScopes::Entity(set_kind, set)) if set_kind == kind => Ok(set),
            Some(_) => Err(K::InvalidReference {
                name: shorten(name),
                why: "is a permission set of another entity type",
            }),
            None => Err(K::DanglingReference { what: "permission set", name: shorten(name) }),
        }
    }

    fn load_rule(&mut self, path: &str, value: &Value) -> Option<EntityRule> {
        let rule = object(value, path, RULE_FIELDS, self.problems)?;
        let entity = rule.req_str("entity", self.problems)?;
        let set_name = rule.req_str("permissionSet", self.problems)?;
        let Some(kind) = EntityKind::parse(entity) else {
            let expected = "one of `stack`, `environment`, `account`";
            self.problems.push(&rule.path_of("entity"), K::InvalidValue { value: shorten(entity), expected });
            return None;
        };
        let scopes = match self.entity_permission_set(kind, set_name) {
            Ok(scopes) => scopes,
            Err(problem) => {
                self.problems.push(&rule.path_of("permissionSet"), problem);
                return None;
            }
        };
        let all = rule.opt_bool("all", self.problems);
        let has_entities = rule.get("entities").is_some();
        let has_tags = rule.get("tags").is_some();
        let chosen = usize::from(all.is_some()) + usize::from(has_entities) + usize::from(has_tags);
        if chosen != 1 {
            let expected = "exactly one selector of `all`, `entities`, `tags`";
            self.problems.push(path, K::InvalidValue { value: format!("{chosen} selectors"), expected });
            return None;
        }
        let selector = if let Some(all) = all {
            if !all {
                let expected = "`true` (omit the rule to select nothing)";
                self.problems.push(&rule.path_of("all"), K::InvalidValue { value: "false".into(), expected });
                return None;
            }
            Selector::All
        } else if has_entities {
            let mut set = FxHashSet::default();
            for (entity_path, name) in rule.opt_str_array("entities", self.problems) {
                match self.org().entities(kind).find(name) {
                    Some((idx, _)) => {
                        set.insert(idx);
                    }
                    None => self.problems.push(
                        &entity_path,
                        K::DanglingReference { what: kind.as_str(), name: shorten(name) },
                    ),
                }
            }
            Selector::Entities(set)
        } else {
            let mut conditions = Vec::new();
            for (cond_path, cond) in rule.opt_array("tags", self.problems) {
                let Some(cond) = object(cond, &cond_path, TAG_CONDITION_FIELDS, self.problems) else {
                    continue;
                };
                let Some(key) = cond.req_str("key", self.problems) else {
                    continue;
                };
                NameRule::TagKey.check(key, &cond.path_of("key"), self.problems);
                let value = cond.opt_str("value", self.problems);
                conditions.push(TagCondition::new(key, value));
            }
            if conditions.is_empty() {
                let expected = "at least one tag condition";
                self.problems.push(&rule.path_of("tags"), K::InvalidValue { value: "[]".into(), expected });
                return None;
            }
            Selector::Tags(conditions)
        };
        Some(EntityRule::new(kind, selector, set_name, scopes))
    }

    fn load_members(&mut self) {
        for (path, value) in self.obj.opt_array("members", self.problems) {
            let Some(obj) = object(value, &path, MEMBER_FIELDS, self.problems) else {
                continue;
            };
            let Some(login) = obj.req_str("login", self.problems) else {
                continue;
            };
            if !NameRule::Login.check(login, &obj.path_of("login"), self.problems) {
                continue;
            }
            let role_name = obj.opt_str("role", self.problems).unwrap_or("member");
            let role = match BuiltinRole::parse(role_name) {
                Some(builtin) => RoleRef::Builtin(builtin),
                None => match self.org().role_id(role_name) {
                    Some(idx) => RoleRef::Custom(idx),
                    None => {
                        self.problems.push(
                            &obj.path_of("role"),
                            K::DanglingReference { what: "role", name: shorten(role_name) },
                        );
                        continue;
                    }
                },
            };
            let user = self.index.user_or_new(login);
            if self.index.add_member(self.org_idx, user, role).is_err() {
                self.problems
                    .push(&obj.path_of("login"), K::Duplicate { what: "member", name: shorten(login) });
            }
        }
    }

    /// The membership of `login` in this organization, recording a problem when there is none.
    fn member_ref(&mut self, login: &str, path: &str) -> Option<(UserId, MemberId)> {
        let found = self
            .index
            .user_id(login)
            .and_then(|u| self.index.membership(u, self.org_idx).map(|(m, _)| (u, m)));
        if found.is_none() {
            self.problems.push(path, K::DanglingReference { what: "member", name: shorten(login) });
        }
        found
    }

    /// Records the store's refusal to give a Billing Manager team or stack access.
    fn refused(&mut self, path: &str, login: &str) {
        let why = "is a billing manager, who holds no team or stack access";
        self.problems.push(path, K::InvalidReference { name: shorten(login), why });
    }

    fn load_teams(&mut self) {
        for (path, value) in self.obj.opt_array("teams", self.problems) {
            let Some(obj) = object(value, &path, TEAM_FIELDS, self.problems) else {
                continue;
            };
            let Some(name) = obj.req_str("name", self.problems) else {
                continue;
            };
            if !NameRule::Identifier.check(name, &obj.path_of("name"), self.problems) {
                continue;
            }
            if self.org().team_id(name).is_some() {
                self.problems.push(&obj.path_of("name"), K::Duplicate { what: "team", name: shorten(name) });
                continue;
            }
            let display_name = self.text(&obj, "displayName");
            let description = self.text(&obj, "description");
            let github = match obj.opt_str("kind", self.problems) {
                None | Some("pulumi") => false,
                Some("github") => true,
                Some(other) => {
                    let expected = "`pulumi` or `github`";
                    self.problems
                        .push(&obj.path_of("kind"), K::InvalidValue { value: shorten(other), expected });
                    false
                }
            };
            let added = self.index.add_team(self.org_idx, name, display_name, description, github);
            let Ok(team_idx) = added else { continue };
            let members = obj.opt_str_array("members", self.problems);
            let admins = obj.opt_str_array("admins", self.problems);
            for (is_admin, (member_path, login)) in
                members.into_iter().map(|m| (false, m)).chain(admins.into_iter().map(|a| (true, a)))
            {
                let Some((_, member)) = self.member_ref(login, &member_path) else {
                    continue;
                };
                // An admin listed among the members too stays an admin.
                let admin =
                    is_admin || self.org().member(member).is_some_and(|m| m.admin_of().contains(&team_idx));
                match self.index.set_team_member(self.org_idx, team_idx, member, admin) {
                    Ok(true) => {}
                    Ok(false) if !is_admin => self
                        .problems
                        .push(&member_path, K::Duplicate { what: "team member", name: shorten(login) }),
                    Ok(false) => {}
                    Err(_) => self.refused(&member_path, login),
                }
            }
            for (kind, field) in [
                (EntityKind::Stack, "stacks"),
                (EntityKind::Environment, "environments"),
                (EntityKind::Account, "accounts"),
            ] {
                for (grant_path, entity, level) in obj.opt_str_map(field, self.problems) {
                    let Some(level) = parse_level(kind, level, false) else {
                        let expected = level_expectation(kind, false);
                        self.problems.push(&grant_path, K::InvalidValue { value: shorten(level), expected });
                        continue;
                    };
                    match self.org().entities(kind).find(entity) {
                        Some((idx, _)) => self.index.set_team_grant(self.org_idx, team_idx, kind, idx, level),
                        None => self.problems.push(
                            &grant_path,
                            K::DanglingReference { what: kind.as_str(), name: shorten(entity) },
                        ),
                    }
                }
            }
            for (role_path, role) in obj.opt_str_array("roles", self.problems) {
                match self.org().role_id(role) {
                    Some(idx) if self.index.set_team_role(self.org_idx, team_idx, idx, true) => {}
                    Some(_) => self
                        .problems
                        .push(&role_path, K::Duplicate { what: "team role", name: shorten(role) }),
                    None if BuiltinRole::parse(role).is_some() => {
                        let why = "is a built-in role; teams hold custom roles only";
                        self.problems.push(&role_path, K::InvalidReference { name: shorten(role), why });
                    }
                    None => self
                        .problems
                        .push(&role_path, K::DanglingReference { what: "role", name: shorten(role) }),
                }
            }
        }
    }

    fn text(&mut self, obj: &Obj<'v>, field: &str) -> Option<&'v str> {
        let value = obj.opt_str(field, self.problems)?;
        NameRule::Text.check(value, &obj.path_of(field), self.problems).then_some(value)
    }

    fn load_creator_and_grants(&mut self, kind: EntityKind, idx: EntityId, obj: &Obj<'_>) {
        if let Some(value) = obj.get("creator") {
            let path = obj.path_of("creator");
            if let Some(c) = object(value, &path, CREATOR_FIELDS, self.problems) {
                self.load_creator(&c, kind, idx);
            }
        }
        for (grant_path, login, level) in obj.opt_str_map("grants", self.problems) {
            let Some(level) = parse_level(kind, level, false) else {
                let expected = level_expectation(kind, false);
                self.problems.push(&grant_path, K::InvalidValue { value: shorten(level), expected });
                continue;
            };
            if let Some((user, _)) = self.member_ref(login, &grant_path) {
                if self.index.set_explicit_grant(self.org_idx, kind, idx, user, level).is_err() {
                    self.refused(&grant_path, login);
                }
            }
        }
    }

    fn load_creator(&mut self, c: &Obj<'_>, kind: EntityKind, entity: EntityId) {
        match (c.opt_str("user", self.problems), c.opt_str("token", self.problems)) {
            (Some(login), None) => {
                let path = c.path_of("user");
                if let Some((user, _)) = self.member_ref(login, &path) {
                    if self.index.set_creator(self.org_idx, kind, entity, Some(Identity::User(user))).is_err()
                    {
                        self.refused(&path, login);
                    }
                }
            }
            (None, Some(id)) => {
                self.pending.push(Pending::CreatorToken {
                    org: self.org_idx,
                    kind,
                    entity,
                    id: id.to_string(),
                    path: c.path_of("token"),
                });
            }
            _ => {
                let expected = "exactly one of `user`, `token`";
                self.problems.push(&c.path, K::InvalidValue { value: "creator".into(), expected });
            }
        }
    }
}

fn parse_settings(value: &Value, path: &str, problems: &mut Problems) -> Settings {
    let mut settings = Settings::default();
    let Some(obj) = object(value, path, SETTINGS_FIELDS, problems) else {
        return settings;
    };
    let levels = [
        ("defaultStackPermission", EntityKind::Stack),
        ("defaultEnvironmentPermission", EntityKind::Environment),
        ("defaultAccountPermission", EntityKind::Account),
    ];
    for (field, kind) in levels {
        let Some(s) = obj.opt_str(field, problems) else {
            continue;
        };
        match parse_level(kind, s, true) {
            Some(level) => match kind {
                EntityKind::Stack => settings.default_stack_permission = level,
                EntityKind::Environment => settings.default_environment_permission = level,
                EntityKind::Account => settings.default_account_permission = level,
            },
            None => problems.push(
                &obj.path_of(field),
                K::InvalidValue { value: shorten(s), expected: level_expectation(kind, true) },
            ),
        }
    }
    let flags: [(&str, &mut bool); 6] = [
        ("membersCanCreateStacks", &mut settings.members_can_create_stacks),
        ("stackAdminsCanDeleteStacks", &mut settings.stack_admins_can_delete_stacks),
        ("stackAdminsCanTransferStacks", &mut settings.stack_admins_can_transfer_stacks),
        ("membersCanCreateTeams", &mut settings.members_can_create_teams),
        ("membersCanCreateAccounts", &mut settings.members_can_create_accounts),
        ("teamTokensGetMemberDefaults", &mut settings.team_tokens_get_member_defaults),
    ];
    for (field, slot) in flags {
        if let Some(b) = obj.opt_bool(field, problems) {
            *slot = b;
        }
    }
    if let Some(days) = obj.get("tokenExpiryPolicyDays") {
        let path = obj.path_of("tokenExpiryPolicyDays");
        match days.as_u64() {
            // D.10: 0 (like null) means no policy.
            Some(0) => settings.token_expiry_policy_days = None,
            Some(d @ 1..=3650) => settings.token_expiry_policy_days = Some(d as u32),
            _ if !days.is_number() => problems.push(&path, K::WrongType { expected: "an integer or null" }),
            _ => problems.push(
                &path,
                K::InvalidValue {
                    value: shorten(&days.to_string()),
                    expected: "an integer from 0 to 3650, or null",
                },
            ),
        }
    }
    settings
}
