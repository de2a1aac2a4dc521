//! Property tests over random organizations.
//!
//! A strategy builds a random organization (users with built-in or custom roles, teams with
//! members, stack grants and roles, stacks with tags, creators and explicit grants, custom roles
//! with stack rules and an organization access level, random settings, and one token per role
//! kind and per team), renders it to a snapshot and loads it. The properties:
//!
//! 1. adding a grant never takes a decision away;
//! 2. an Admin can do everything a Member can, and everything else;
//! 3. a team token never exceeds its team (nor a built-in Member of the team when it gets the
//!    member defaults);
//! 4. unknown principals, stacks, scopes and organizations, deleted tokens and non-members are
//!    always denied;
//! 5. the engine agrees with a deliberately naive resolver written here from the access model
//!    (stack-permission sources are additive, the delete/transfer toggles gate non-admins, only
//!    admin tokens among machine tokens transfer stacks, the create toggles help built-in
//!    Members only).

// proptest does not build for wasm32; these properties run natively.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use proptest::option;
use proptest::prelude::*;
use proptest::sample::{Index, subsequence};
use scopegate::{Engine, EntityKind, Permission, Reason};
use scopegate::{ResourceQuery, Semantics};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Model data (access model: stack scope table, built-in roles and permission sets)
// ---------------------------------------------------------------------------------------------

/// The stack scopes asked about, with the lowest stack level that holds each.
#[path = "common/facts.rs"]
mod facts;
use facts::{BILLING_MANAGER_SCOPES, BILLING_SET, MEMBER_SCOPES, READ_ONLY_SET, STANDARD_ADDS};

const STACK_SCOPES: [(&str, Level); 6] = [
    ("stack:read", Level::Read),
    ("stack:write", Level::Write),
    ("stack_tags:update", Level::Write),
    ("stack:delete", Level::Admin),
    ("stack:transfer", Level::Admin),
    ("stack_access:update", Level::Admin),
];

/// The organization scopes asked about on the organization.
const ORG_SCOPES: [&str; 6] =
    ["stack:create", "team:create", "org_member:read", "audit_logs:read", "team:list", "tags:read"];

/// Further organization scopes an Admin must hold (every scope, organization tokens included
/// for a human admin).
const MORE_ADMIN_SCOPES: [&str; 8] = [
    "org_token:create",
    "org_token:delete",
    "organization:update",
    "role:update",
    "team:delete",
    "audit_logs:export",
    "environment_tags:list",
    "insights_account:create",
];

/// Scopes custom organization permission sets are drawn from.
const ORG_SET_VOCAB: [&str; 7] = [
    "stack:create",
    "team:create",
    "audit_logs:read",
    "org_member:read",
    "team:list",
    "tags:read",
    "role:read",
];

/// What a team token holds on its organization without the member defaults.
const TEAM_TOKEN_BASELINE: [&str; 2] = ["org_member:read", "team:list"];

const TAG_KEYS: [&str; 3] = ["env", "owner", "tier"];
const TAG_VALUES: [&str; 3] = ["prod", "dev", "blue"];

const ORG: &str = "acme";
const OTHER_ORG: &str = "elsewhere";

// ---------------------------------------------------------------------------------------------
// The organization model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    None,
    Read,
    Write,
    Admin,
}

impl Level {
    fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    fn permission(self) -> Permission {
        match self {
            Self::None => Permission::None,
            Self::Read => Permission::Read,
            Self::Write => Permission::Write,
            Self::Admin => Permission::Admin,
        }
    }

    /// The checked stack scopes of the built-in set for this level.
    fn scopes(self) -> BTreeSet<&'static str> {
        STACK_SCOPES.iter().filter(|(_, needed)| self >= *needed).map(|(scope, _)| *scope).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Admin,
    Member,
    BillingManager,
    Custom(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum TokenRole {
    Member,
    Admin,
    Custom(usize),
}

/// Who is asking (and who may hold a creator grant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    User(usize),
    OrgToken(TokenRole),
    TeamToken(usize),
}

#[derive(Clone, Debug, Default)]
struct Team {
    /// Member user -> team admin?
    members: BTreeMap<usize, bool>,
    grants: BTreeMap<usize, Level>,
    roles: BTreeSet<usize>,
}

#[derive(Clone, Debug)]
struct Stack {
    project: &'static str,
    tags: BTreeMap<&'static str, &'static str>,
    creator: Option<Who>,
    grants: BTreeMap<usize, Level>,
}

#[derive(Clone, Copy, Debug)]
enum SetRef {
    Builtin(Level),
    Custom(usize),
}

#[derive(Clone, Debug)]
enum Selector {
    All,
    Entities(BTreeSet<usize>),
    Tags(Vec<(&'static str, Option<&'static str>)>),
}

#[derive(Clone, Debug)]
struct Rule {
    set: SetRef,
    selector: Selector,
}

#[derive(Clone, Copy, Debug)]
enum OrgSet {
    ReadOnly,
    Standard,
    SettingsBilling,
    Custom(usize),
}

#[derive(Clone, Debug)]
struct RoleDef {
    rules: Vec<Rule>,
    org: Option<OrgSet>,
}

const TOGGLES: [&str; 6] = [
    "membersCanCreateStacks",
    "stackAdminsCanDeleteStacks",
    "stackAdminsCanTransferStacks",
    "membersCanCreateTeams",
    "membersCanCreateAccounts",
    "teamTokensGetMemberDefaults",
];
const MEMBERS_CAN_CREATE_STACKS: usize = 0;
const STACK_ADMINS_CAN_DELETE: usize = 1;
const STACK_ADMINS_CAN_TRANSFER: usize = 2;
const MEMBERS_CAN_CREATE_TEAMS: usize = 3;
const TEAM_TOKENS_GET_MEMBER_DEFAULTS: usize = 5;

#[derive(Clone, Copy, Debug)]
struct Settings {
    default_stack: Level,
    toggles: [bool; 6],
}

#[derive(Clone, Debug)]
struct Org {
    users: Vec<Role>,
    teams: Vec<Team>,
    stacks: Vec<Stack>,
    roles: Vec<RoleDef>,
    stack_sets: Vec<Vec<&'static str>>,
    org_sets: Vec<Vec<&'static str>>,
    settings: Settings,
}

fn login(u: usize) -> String {
    format!("u{u}")
}

fn team_name(t: usize) -> String {
    format!("t{t}")
}

fn role_name(r: usize) -> String {
    format!("custom-{r}")
}

fn stack_path(org: &Org, s: usize) -> String {
    format!("{}/s{s}", org.stacks[s].project)
}

fn stack_resource(org: &Org, s: usize) -> String {
    format!("{ORG}/{}", stack_path(org, s))
}

fn token_id(who: Who) -> String {
    match who {
        Who::User(u) => format!("pat-u{u}"),
        Who::OrgToken(TokenRole::Member) => "org-member".into(),
        Who::OrgToken(TokenRole::Admin) => "org-admin".into(),
        Who::OrgToken(TokenRole::Custom(r)) => format!("org-custom-{r}"),
        Who::TeamToken(t) => format!("team-tok-{t}"),
    }
}

impl Org {
    fn org_tokens(&self) -> Vec<TokenRole> {
        let mut all = vec![TokenRole::Member, TokenRole::Admin];
        all.extend((0..self.roles.len()).map(TokenRole::Custom));
        all
    }

    /// Every principal with the string that names it. With `all_forms`, users are also named
    /// `user:<login>` and by their personal token.
    fn principals(&self, all_forms: bool) -> Vec<(String, Who)> {
        let mut out = Vec::new();
        for u in 0..self.users.len() {
            out.push((login(u), Who::User(u)));
            if all_forms {
                out.push((format!("user:{}", login(u)), Who::User(u)));
                out.push((format!("token:{}", token_id(Who::User(u))), Who::User(u)));
            }
        }
        for role in self.org_tokens() {
            let who = Who::OrgToken(role);
            out.push((format!("token:{}", token_id(who)), who));
        }
        for t in 0..self.teams.len() {
            let who = Who::TeamToken(t);
            out.push((format!("token:{}", token_id(who)), who));
        }
        out
    }

    /// Every principal string that names a live principal of either organization.
    fn known_principals(&self) -> BTreeSet<String> {
        let mut known: BTreeSet<String> = self.principals(true).into_iter().map(|(name, _)| name).collect();
        known.insert("outsider".into());
        known.insert("user:outsider".into());
        known.insert("token:else-admin".into());
        known
    }

    fn can_hold_grants(&self, u: usize) -> bool {
        self.users[u] != Role::BillingManager
    }

    // -- rendering -----------------------------------------------------------------------------

    fn snapshot(&self) -> Value {
        let users: Vec<Value> = (0..self.users.len())
            .map(|u| {
                json!({
                    "login": login(u),
                    "name": format!("User {u}"),
                    "tokens": [
                        { "id": token_id(Who::User(u)), "kind": "personal" },
                        { "id": format!("pat-gone-u{u}"), "kind": "personal", "deleted": true },
                    ],
                })
            })
            .collect();
        let members: Vec<Value> = self
            .users
            .iter()
            .enumerate()
            .map(|(u, role)| {
                let role = match role {
                    Role::Admin => "admin".to_string(),
                    Role::Member => "member".to_string(),
                    Role::BillingManager => "billing-manager".to_string(),
                    Role::Custom(r) => role_name(*r),
                };
                json!({ "login": login(u), "role": role })
            })
            .collect();
        let mut permission_sets: Vec<Value> = self
            .stack_sets
            .iter()
            .enumerate()
            .map(|(i, scopes)| {
                json!({ "name": format!("stack-set-{i}"), "entity": "stack", "scopes": scopes })
            })
            .collect();
        permission_sets.extend(self.org_sets.iter().enumerate().map(|(i, scopes)| {
            json!({ "name": format!("org-set-{i}"), "entity": "organization", "scopes": scopes })
        }));
        let roles: Vec<Value> = self
            .roles
            .iter()
            .enumerate()
            .map(|(r, role)| {
                let rules: Vec<Value> = role
                    .rules
                    .iter()
                    .map(|rule| {
                        let set = match rule.set {
                            SetRef::Builtin(level) => format!("stack-{}", level.as_str()),
                            SetRef::Custom(i) => format!("stack-set-{i}"),
                        };
                        let mut v = json!({ "entity": "stack", "permissionSet": set });
                        match &rule.selector {
                            Selector::All => v["all"] = json!(true),
                            Selector::Entities(stacks) => {
                                let names: Vec<String> =
                                    stacks.iter().map(|&s| stack_path(self, s)).collect();
                                v["entities"] = json!(names);
                            }
                            Selector::Tags(conditions) => {
                                let conditions: Vec<Value> = conditions
                                    .iter()
                                    .map(|(key, value)| match value {
                                        Some(value) => json!({ "key": key, "value": value }),
                                        None => json!({ "key": key }),
                                    })
                                    .collect();
                                v["tags"] = json!(conditions);
                            }
                        }
                        v
                    })
                    .collect();
                let mut v = json!({ "name": role_name(r), "rules": rules });
                if let Some(set) = role.org {
                    v["organization"] = json!(match set {
                        OrgSet::ReadOnly => "read-only".to_string(),
                        OrgSet::Standard => "standard".to_string(),
                        OrgSet::SettingsBilling => "organization-settings-billing".to_string(),
                        OrgSet::Custom(i) => format!("org-set-{i}"),
                    });
                }
                v
            })
            .collect();
        let teams: Vec<Value> = self
            .teams
            .iter()
            .enumerate()
            .map(|(t, team)| {
                let members: Vec<String> = team.members.keys().map(|&u| login(u)).collect();
                let admins: Vec<String> =
                    team.members.iter().filter(|(_, admin)| **admin).map(|(&u, _)| login(u)).collect();
                let stacks: serde_json::Map<String, Value> = team
                    .grants
                    .iter()
                    .map(|(&s, level)| (stack_path(self, s), json!(level.as_str())))
                    .collect();
                let roles: Vec<String> = team.roles.iter().map(|&r| role_name(r)).collect();
                json!({
                    "name": team_name(t),
                    "members": members,
                    "admins": admins,
                    "stacks": stacks,
                    "roles": roles,
                })
            })
            .collect();
        let stacks: Vec<Value> = self
            .stacks
            .iter()
            .enumerate()
            .map(|(s, stack)| {
                let grants: serde_json::Map<String, Value> =
                    stack.grants.iter().map(|(&u, level)| (login(u), json!(level.as_str()))).collect();
                let mut v = json!({
                    "project": stack.project,
                    "name": format!("s{s}"),
                    "tags": stack.tags,
                    "grants": grants,
                });
                match stack.creator {
                    None => {}
                    Some(Who::User(u)) => v["creator"] = json!({ "user": login(u) }),
                    Some(who) => v["creator"] = json!({ "token": token_id(who) }),
                }
                v
            })
            .collect();
        let mut tokens: Vec<Value> = self
            .org_tokens()
            .into_iter()
            .map(|role| {
                let who = Who::OrgToken(role);
                let role = match role {
                    TokenRole::Member => "member".to_string(),
                    TokenRole::Admin => "admin".to_string(),
                    TokenRole::Custom(r) => role_name(r),
                };
                json!({
                    "id": token_id(who),
                    "kind": "organization",
                    "name": format!("org token {role}"),
                    "role": role,
                })
            })
            .collect();
        for t in 0..self.teams.len() {
            tokens.push(json!({
                "id": token_id(Who::TeamToken(t)),
                "kind": "team",
                "name": format!("team token {t}"),
                "team": team_name(t),
            }));
            tokens.push(json!({
                "id": format!("gone-team-{t}"),
                "kind": "team",
                "name": format!("deleted team token {t}"),
                "team": team_name(t),
                "deleted": true,
            }));
        }
        tokens.push(json!({
            "id": "gone-admin",
            "kind": "organization",
            "name": "deleted admin token",
            "role": "admin",
            "deleted": true,
        }));
        let mut settings = json!({ "defaultStackPermission": self.settings.default_stack.as_str() });
        for (name, on) in TOGGLES.iter().zip(self.settings.toggles) {
            settings[*name] = json!(on);
        }
        // A second organization with the same stack names, where nobody of `acme` is a member.
        let other_stacks: Vec<Value> = self
            .stacks
            .iter()
            .enumerate()
            .map(|(s, stack)| json!({ "project": stack.project, "name": format!("s{s}") }))
            .collect();
        json!({
            "version": 1,
            "revision": 0,
            "users": users,
            "organizations": [
                {
                    "name": ORG,
                    "settings": settings,
                    "members": members,
                    "permissionSets": permission_sets,
                    "roles": roles,
                    "teams": teams,
                    "stacks": stacks,
                    "tokens": tokens,
                },
                {
                    "name": OTHER_ORG,
                    "settings": { "defaultStackPermission": "admin" },
                    "members": [ { "login": "outsider", "role": "admin" } ],
                    "teams": [ { "name": "t0", "members": ["outsider"] } ],
                    "stacks": other_stacks,
                    "tokens": [
                        { "id": "else-admin", "kind": "organization", "name": "admin", "role": "admin" },
                    ],
                },
            ],
        })
    }

    fn snapshot_text(&self) -> String {
        serde_json::to_string_pretty(&self.snapshot()).unwrap()
    }

    fn load(&self) -> Engine {
        match Engine::from_json(&self.snapshot_text()) {
            Ok(engine) => engine,
            Err(errors) => {
                let list: Vec<String> =
                    errors.iter().map(|e| format!("{} ({})", e.path, e.code().as_str())).collect();
                panic!("generated snapshot does not load: {list:?}\n{}", self.snapshot_text())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The naive reference resolver (model-facts C.3–C.5 and the briefing's decisions)
// ---------------------------------------------------------------------------------------------

/// A principal as the reference sees it inside `acme`.
struct Actor {
    admin: bool,
    /// Built-in Members (users and Member-role org tokens), and team tokens when
    /// `teamTokensGetMemberDefaults` is on: default stack permission and member toggles.
    member_defaults: bool,
    teams: Vec<usize>,
    own_role: Option<usize>,
    /// Organization scopes from the principal's own role (or the team-token baseline).
    own_org_scopes: BTreeSet<&'static str>,
    who: Who,
    user: Option<usize>,
}

fn org_set_scopes(org: &Org, set: Option<OrgSet>) -> BTreeSet<&'static str> {
    match set {
        None => BTreeSet::new(),
        Some(OrgSet::ReadOnly) => READ_ONLY_SET.into_iter().collect(),
        Some(OrgSet::Standard) => READ_ONLY_SET.into_iter().chain(STANDARD_ADDS).collect(),
        Some(OrgSet::SettingsBilling) => BILLING_SET.into_iter().collect(),
        Some(OrgSet::Custom(i)) => org.org_sets[i].iter().copied().collect(),
    }
}

fn actor(org: &Org, who: Who) -> Actor {
    let mut a = Actor {
        admin: false,
        member_defaults: false,
        teams: Vec::new(),
        own_role: None,
        own_org_scopes: BTreeSet::new(),
        who,
        user: None,
    };
    let role = match who {
        Who::User(u) => {
            a.user = Some(u);
            a.teams = (0..org.teams.len()).filter(|&t| org.teams[t].members.contains_key(&u)).collect();
            org.users[u]
        }
        Who::OrgToken(TokenRole::Admin) => Role::Admin,
        Who::OrgToken(TokenRole::Member) => Role::Member,
        Who::OrgToken(TokenRole::Custom(r)) => Role::Custom(r),
        Who::TeamToken(t) => {
            a.teams = vec![t];
            a.member_defaults = org.settings.toggles[TEAM_TOKENS_GET_MEMBER_DEFAULTS];
            a.own_org_scopes = TEAM_TOKEN_BASELINE.into_iter().collect();
            if a.member_defaults {
                a.own_org_scopes.extend(MEMBER_SCOPES);
            }
            return a;
        }
    };
    match role {
        Role::Admin => a.admin = true,
        Role::Member => {
            a.member_defaults = true;
            a.own_org_scopes = MEMBER_SCOPES.into_iter().collect();
        }
        Role::BillingManager => a.own_org_scopes = BILLING_MANAGER_SCOPES.into_iter().collect(),
        Role::Custom(r) => {
            a.own_role = Some(r);
            a.own_org_scopes = org_set_scopes(org, org.roles[r].org);
        }
    }
    a
}

fn rule_matches(rule: &Rule, stack: &Stack, s: usize) -> bool {
    match &rule.selector {
        Selector::All => true,
        Selector::Entities(set) => set.contains(&s),
        Selector::Tags(conditions) => conditions.iter().all(|(key, value)| {
            let found = stack.tags.get(key);
            match value {
                Some(v) => found == Some(v),
                None => found.is_some(),
            }
        }),
    }
}

/// The checked stack scopes a role's rules grant on stack `s`, and the highest built-in level.
fn role_grant(org: &Org, r: usize, s: usize) -> (BTreeSet<&'static str>, Level) {
    let mut scopes = BTreeSet::new();
    let mut level = Level::None;
    for rule in org.roles[r].rules.iter().filter(|rule| rule_matches(rule, &org.stacks[s], s)) {
        match rule.set {
            SetRef::Builtin(l) => {
                scopes.extend(l.scopes());
                level = level.max(l);
            }
            SetRef::Custom(i) => scopes.extend(org.stack_sets[i].iter().copied()),
        }
    }
    (scopes, level)
}

/// The held checked stack scopes (before gates) and the effective level on stack `s`.
fn stack_grant(org: &Org, a: &Actor, s: usize) -> (BTreeSet<&'static str>, Level) {
    if a.admin {
        return (Level::Admin.scopes(), Level::Admin);
    }
    let mut level = Level::None;
    let mut scopes = BTreeSet::new();
    let mut add_level = |scopes: &mut BTreeSet<&'static str>, l: Level| {
        scopes.extend(l.scopes());
        level = level.max(l);
    };
    // The organization default, for built-in Members (and team tokens when enabled).
    if a.member_defaults {
        add_level(&mut scopes, org.settings.default_stack);
    }
    // Team grants, and the roles of every team.
    let mut roles: Vec<usize> = Vec::new();
    for &t in &a.teams {
        let team = &org.teams[t];
        add_level(&mut scopes, team.grants.get(&s).copied().unwrap_or(Level::None));
        roles.extend(team.roles.iter().copied());
    }
    // The principal's own custom role.
    roles.extend(a.own_role);
    for r in roles {
        let (role_scopes, role_level) = role_grant(org, r, s);
        scopes.extend(role_scopes);
        add_level(&mut scopes, role_level);
    }
    // The creator grant, and explicit per-user grants.
    let stack = &org.stacks[s];
    if stack.creator == Some(a.who) {
        add_level(&mut scopes, Level::Admin);
    }
    if let Some(u) = a.user {
        add_level(&mut scopes, stack.grants.get(&u).copied().unwrap_or(Level::None));
    }
    (scopes, level)
}

/// The reference decision for a stack scope: `Ok`, or the acceptable deny codes. When several
/// gates close the action, any of their codes is acceptable.
fn expect_stack(org: &Org, who: Who, scope: &str, s: usize) -> Result<(), Vec<&'static str>> {
    let a = actor(org, who);
    if a.admin {
        return Ok(());
    }
    let (held, _) = stack_grant(org, &a, s);
    if !held.contains(scope) {
        return Err(vec!["missing_scope"]);
    }
    let mut closed = Vec::new();
    // Token matrix row 4: among machine tokens only admin tokens transfer stacks.
    if scope == "stack:transfer" && !matches!(who, Who::User(_)) {
        closed.push("machine_token");
    }
    let gate = match scope {
        "stack:delete" => org.settings.toggles[STACK_ADMINS_CAN_DELETE],
        "stack:transfer" => org.settings.toggles[STACK_ADMINS_CAN_TRANSFER],
        _ => true,
    };
    if !gate {
        closed.push("setting_disabled");
    }
    if closed.is_empty() { Ok(()) } else { Err(closed) }
}

/// The reference effective level on a stack.
fn expect_level(org: &Org, who: Who, s: usize) -> Level {
    let a = actor(org, who);
    stack_grant(org, &a, s).1
}

/// The reference decision for an organization scope on `acme`.
fn expect_org(org: &Org, who: Who, scope: &str) -> Result<(), Vec<&'static str>> {
    let a = actor(org, who);
    if a.admin {
        return Ok(());
    }
    let mut held = a.own_org_scopes.clone();
    for &t in &a.teams {
        for &r in &org.teams[t].roles {
            held.extend(org_set_scopes(org, org.roles[r].org));
        }
    }
    if held.contains(scope) {
        return Ok(());
    }
    let toggle = match scope {
        "stack:create" => Some(MEMBERS_CAN_CREATE_STACKS),
        "team:create" => Some(MEMBERS_CAN_CREATE_TEAMS),
        _ => None,
    };
    match toggle {
        Some(toggle) if a.member_defaults => {
            if org.settings.toggles[toggle] {
                Ok(())
            } else {
                Err(vec!["setting_disabled"])
            }
        }
        _ => Err(vec!["missing_scope"]),
    }
}

// ---------------------------------------------------------------------------------------------
// Questions asked of the engine
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Org,
    Stack(usize),
}

struct Question {
    principal: String,
    who: Who,
    scope: &'static str,
    target: Target,
    resource: String,
}

impl std::fmt::Display for Question {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.principal, self.scope, self.resource)
    }
}

/// Every (principal, scope, resource) question of the organization: each stack scope on each
/// stack, and each organization scope on the organization.
fn questions(org: &Org, all_forms: bool) -> Vec<Question> {
    let mut out = Vec::new();
    for (principal, who) in org.principals(all_forms) {
        for s in 0..org.stacks.len() {
            for (scope, _) in STACK_SCOPES {
                out.push(Question {
                    principal: principal.clone(),
                    who,
                    scope,
                    target: Target::Stack(s),
                    resource: stack_resource(org, s),
                });
            }
        }
        for scope in ORG_SCOPES {
            out.push(Question {
                principal: principal.clone(),
                who,
                scope,
                target: Target::Org,
                resource: ORG.to_string(),
            });
        }
    }
    out
}

fn answers(engine: &Engine, questions: &[Question]) -> Vec<bool> {
    questions.iter().map(|q| engine.check(&q.principal, q.scope, &q.resource)).collect()
}

/// Formats a failure: the first mismatches and the snapshot(s).
fn report(title: &str, mismatches: &[String], snapshots: &[(&str, String)]) -> String {
    let mut out = format!("{title}: {} mismatch(es)\n", mismatches.len());
    for m in mismatches.iter().take(12) {
        let _ = writeln!(out, "  {m}");
    }
    for (name, text) in snapshots {
        let _ = writeln!(out, "--- {name} ---\n{text}");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn grant_level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::Read), Just(Level::Write), Just(Level::Admin)]
}

fn any_level() -> impl Strategy<Value = Level> {
    prop_oneof![Just(Level::None), Just(Level::Read), Just(Level::Write), Just(Level::Admin)]
}

type RawUser = (u8, Index);
type RawTeam = (Vec<(Index, bool)>, Vec<(Index, Level)>, Vec<Index>);
type RawStack = (bool, Vec<(Index, Index)>, Option<(u8, Index)>, Vec<(Index, Level)>);
type RawRule = (u8, Index, u8, Vec<Index>, Vec<(Index, Option<Index>)>);
type RawRole = (Vec<RawRule>, Option<(u8, Index)>);

fn org_strategy() -> impl Strategy<Value = Org> {
    let users = prop::collection::vec((0u8..10, any::<Index>()), 2..=8);
    let teams = prop::collection::vec(
        (
            prop::collection::vec((any::<Index>(), any::<bool>()), 0..=5),
            prop::collection::vec((any::<Index>(), grant_level()), 0..=4),
            prop::collection::vec(any::<Index>(), 0..=2),
        ),
        0..=4,
    );
    let stacks = prop::collection::vec(
        (
            any::<bool>(),
            prop::collection::vec((any::<Index>(), any::<Index>()), 0..=2),
            option::of((0u8..3, any::<Index>())),
            prop::collection::vec((any::<Index>(), grant_level()), 0..=2),
        ),
        1..=12,
    );
    let rule = (
        0u8..4,
        any::<Index>(),
        0u8..3,
        prop::collection::vec(any::<Index>(), 1..=3),
        prop::collection::vec((any::<Index>(), option::of(any::<Index>())), 1..=2),
    );
    let roles = prop::collection::vec(
        (prop::collection::vec(rule, 0..=3), option::of((0u8..4, any::<Index>()))),
        0..=3,
    );
    let stack_vocab: Vec<&'static str> = STACK_SCOPES.iter().map(|(s, _)| *s).collect();
    let stack_sets = prop::collection::vec(subsequence(stack_vocab, 1..=6), 0..=2);
    let org_sets = prop::collection::vec(subsequence(ORG_SET_VOCAB.to_vec(), 0..=4), 0..=1);
    let settings = (any_level(), prop::array::uniform6(any::<bool>()))
        .prop_map(|(default_stack, toggles)| Settings { default_stack, toggles });
    (users, teams, stacks, roles, stack_sets, org_sets, settings).prop_map(
        |(users, teams, stacks, roles, stack_sets, org_sets, settings)| {
            build(users, teams, stacks, roles, stack_sets, org_sets, settings)
        },
    )
}

/// Turns raw draws into a valid organization: references are taken modulo the list sizes, and
/// Billing Managers are kept out of teams, grants and creators.
fn build(
    users: Vec<RawUser>,
    teams: Vec<RawTeam>,
    stacks: Vec<RawStack>,
    roles: Vec<RawRole>,
    stack_sets: Vec<Vec<&'static str>>,
    org_sets: Vec<Vec<&'static str>>,
    settings: Settings,
) -> Org {
    let n_users = users.len();
    let n_stacks = stacks.len();
    let n_roles = roles.len();
    let n_teams = teams.len();
    let user_roles: Vec<Role> = users
        .iter()
        .map(|(kind, idx)| match kind {
            0 => Role::Admin,
            6 => Role::BillingManager,
            7..=9 if n_roles > 0 => Role::Custom(idx.index(n_roles)),
            _ => Role::Member,
        })
        .collect();
    let grantable = |u: usize| user_roles[u] != Role::BillingManager;
    let teams: Vec<Team> = teams
        .into_iter()
        .map(|(members, grants, team_roles)| {
            let mut team = Team::default();
            for (idx, admin) in members {
                let u = idx.index(n_users);
                if grantable(u) {
                    *team.members.entry(u).or_insert(false) |= admin;
                }
            }
            for (idx, level) in grants {
                let slot = team.grants.entry(idx.index(n_stacks)).or_insert(level);
                *slot = (*slot).max(level);
            }
            if n_roles > 0 {
                team.roles = team_roles.iter().map(|i| i.index(n_roles)).collect();
            }
            team
        })
        .collect();
    let stacks: Vec<Stack> = stacks
        .into_iter()
        .map(|(app, tags, creator, grants)| {
            let creator = match creator {
                Some((0, idx)) => Some(idx.index(n_users)).filter(|&u| grantable(u)).map(Who::User),
                Some((1, idx)) => Some(Who::OrgToken(match idx.index(2 + n_roles) {
                    0 => TokenRole::Member,
                    1 => TokenRole::Admin,
                    r => TokenRole::Custom(r - 2),
                })),
                Some((_, idx)) if n_teams > 0 => Some(Who::TeamToken(idx.index(n_teams))),
                _ => None,
            };
            let mut stack = Stack {
                project: if app { "app" } else { "infra" },
                tags: tags.iter().map(|(k, v)| (TAG_KEYS[k.index(3)], TAG_VALUES[v.index(3)])).collect(),
                creator,
                grants: BTreeMap::new(),
            };
            for (idx, level) in grants {
                let u = idx.index(n_users);
                if grantable(u) {
                    let slot = stack.grants.entry(u).or_insert(level);
                    *slot = (*slot).max(level);
                }
            }
            stack
        })
        .collect();
    let roles: Vec<RoleDef> = roles
        .into_iter()
        .map(|(rules, org)| RoleDef {
            rules: rules
                .into_iter()
                .map(|(set, set_idx, selector, entities, tags)| Rule {
                    set: match set {
                        0 => SetRef::Builtin(Level::Read),
                        1 => SetRef::Builtin(Level::Write),
                        3 if !stack_sets.is_empty() => SetRef::Custom(set_idx.index(stack_sets.len())),
                        _ => SetRef::Builtin(Level::Admin),
                    },
                    selector: match selector {
                        0 => Selector::All,
                        1 => Selector::Entities(entities.iter().map(|i| i.index(n_stacks)).collect()),
                        _ => Selector::Tags(
                            tags.iter()
                                .map(|(k, v)| (TAG_KEYS[k.index(3)], v.map(|v| TAG_VALUES[v.index(3)])))
                                .collect(),
                        ),
                    },
                })
                .collect(),
            org: org.map(|(kind, idx)| match kind {
                0 => OrgSet::ReadOnly,
                1 => OrgSet::SettingsBilling,
                3 if !org_sets.is_empty() => OrgSet::Custom(idx.index(org_sets.len())),
                _ => OrgSet::Standard,
            }),
        })
        .collect();
    Org { users: user_roles, teams, stacks, roles, stack_sets, org_sets, settings }
}

/// One added grant (property 1).
#[derive(Clone, Debug)]
enum Addition {
    TeamGrant(Index, Index, Level),
    ExplicitGrant(Index, Index, Level),
    JoinTeam(Index, Index, bool),
    TeamRole(Index, Index),
    RaiseDefault(Level),
    ToggleOn(usize),
}

fn grant_strategy() -> impl Strategy<Value = Addition> {
    prop_oneof![
        (any::<Index>(), any::<Index>(), grant_level()).prop_map(|(t, s, l)| Addition::TeamGrant(t, s, l)),
        (any::<Index>(), any::<Index>(), grant_level())
            .prop_map(|(s, u, l)| Addition::ExplicitGrant(s, u, l)),
        (any::<Index>(), any::<Index>(), any::<bool>()).prop_map(|(t, u, a)| Addition::JoinTeam(t, u, a)),
        (any::<Index>(), any::<Index>()).prop_map(|(t, r)| Addition::TeamRole(t, r)),
        any_level().prop_map(Addition::RaiseDefault),
        (0usize..6).prop_map(Addition::ToggleOn),
    ]
}

/// Applies one grant to a copy of the organization; returns it with a description.
fn apply(org: &Org, grant: &Addition) -> (Org, String) {
    let mut next = org.clone();
    let what = match *grant {
        Addition::TeamGrant(t, s, level) if !org.teams.is_empty() => {
            let (t, s) = (t.index(org.teams.len()), s.index(org.stacks.len()));
            let slot = next.teams[t].grants.entry(s).or_insert(level);
            *slot = (*slot).max(level);
            format!("team {} gets {} on {}", team_name(t), level.as_str(), stack_path(org, s))
        }
        Addition::ExplicitGrant(s, u, level) => {
            let (s, u) = (s.index(org.stacks.len()), u.index(org.users.len()));
            if org.can_hold_grants(u) {
                let slot = next.stacks[s].grants.entry(u).or_insert(level);
                *slot = (*slot).max(level);
                format!("{} gets explicit {} on {}", login(u), level.as_str(), stack_path(org, s))
            } else {
                "nothing (billing manager)".into()
            }
        }
        Addition::JoinTeam(t, u, admin) if !org.teams.is_empty() => {
            let (t, u) = (t.index(org.teams.len()), u.index(org.users.len()));
            if org.can_hold_grants(u) {
                *next.teams[t].members.entry(u).or_insert(false) |= admin;
                format!("{} joins team {} (team admin: {admin})", login(u), team_name(t))
            } else {
                "nothing (billing manager)".into()
            }
        }
        Addition::TeamRole(t, r) if !org.teams.is_empty() && !org.roles.is_empty() => {
            let (t, r) = (t.index(org.teams.len()), r.index(org.roles.len()));
            next.teams[t].roles.insert(r);
            format!("team {} gets role {}", team_name(t), role_name(r))
        }
        Addition::RaiseDefault(level) => {
            next.settings.default_stack = org.settings.default_stack.max(level);
            format!("default stack permission raised to {}", next.settings.default_stack.as_str())
        }
        Addition::ToggleOn(i) => {
            next.settings.toggles[i] = true;
            format!("{} turned on", TOGGLES[i])
        }
        _ => "nothing (no team or role)".into(),
    };
    (next, what)
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config(128))]

    /// Property 1: adding a grant (team grant, explicit grant, team membership, team role,
    /// higher default, a toggle turned on) never takes an allowed decision away.
    #[test]
    fn adding_a_grant_never_lowers_a_decision(
        org in org_strategy(),
        grants in prop::collection::vec(grant_strategy(), 1..=3),
    ) {
        let mut after = org.clone();
        let mut applied = Vec::new();
        for grant in &grants {
            let (next, what) = apply(&after, grant);
            after = next;
            applied.push(what);
        }
        let qs = questions(&org, false);
        let before_answers = answers(&org.load(), &qs);
        let after_answers = answers(&after.load(), &qs);
        let lost: Vec<String> = qs
            .iter()
            .zip(before_answers.iter().zip(&after_answers))
            .filter(|(_, (b, a))| **b && !**a)
            .map(|(q, _)| format!("{q}: allowed before, denied after"))
            .collect();
        prop_assert!(
            lost.is_empty(),
            "{}",
            report(
                &format!("after adding [{}]", applied.join("; ")),
                &lost,
                &[("before", org.snapshot_text()), ("after", after.snapshot_text())],
            )
        );
    }

    /// Property 2: promoting a Member to Admin loses no decision, and the Admin holds every
    /// stack scope on every stack (toggles notwithstanding) and every organization scope.
    #[test]
    fn an_admin_can_do_everything_a_member_can(org in org_strategy(), pick in any::<Index>()) {
        let u = pick.index(org.users.len());
        let mut member = org.clone();
        member.users[u] = Role::Member;
        let mut admin = member.clone();
        admin.users[u] = Role::Admin;
        let qs = questions(&member, false);
        let engine = admin.load();
        let before = answers(&member.load(), &qs);
        let after = answers(&engine, &qs);
        let mut bad: Vec<String> = qs
            .iter()
            .zip(before.iter().zip(&after))
            .filter(|(_, (b, a))| **b && !**a)
            .map(|(q, _)| format!("{q}: allowed as member, denied as admin"))
            .collect();
        let name = login(u);
        for s in 0..admin.stacks.len() {
            for (scope, _) in STACK_SCOPES {
                let resource = stack_resource(&admin, s);
                if !engine.check(&name, scope, &resource) {
                    bad.push(format!("{name} {scope} {resource}: admin denied"));
                }
            }
            let level = engine.effective_permission(&name, EntityKind::Stack, &stack_resource(&admin, s));
            if level != Permission::Admin {
                bad.push(format!("{name} on {}: effective {level}, expected admin", stack_path(&admin, s)));
            }
        }
        for scope in ORG_SCOPES.iter().chain(&MORE_ADMIN_SCOPES) {
            if !engine.check(&name, scope, ORG) {
                bad.push(format!("{name} {scope} {ORG}: admin denied"));
            }
        }
        prop_assert!(
            bad.is_empty(),
            "{}",
            report(
                &format!("promoting {name} to admin"),
                &bad,
                &[("as member", member.snapshot_text()), ("as admin", admin.snapshot_text())],
            )
        );
    }

    /// Property 3: a team token never exceeds its team. Without the member defaults it holds
    /// at most what the team's grants and roles give (compared with a team member whose own
    /// role is a custom role without rules, and with the reference's team-only grant); with
    /// them, at most what a built-in Member of the team holds.
    #[test]
    fn a_team_token_never_exceeds_its_team(
        org in org_strategy(),
        pick in any::<Index>(),
        defaults in any::<bool>(),
    ) {
        let mut org = org;
        if org.teams.is_empty() {
            org.teams.push(Team::default());
        }
        org.settings.toggles[TEAM_TOKENS_GET_MEMBER_DEFAULTS] = defaults;
        let t = pick.index(org.teams.len());
        // The probe: a new user in team `t` only.
        let probe = org.users.len();
        if defaults {
            org.users.push(Role::Member);
        } else {
            org.roles.push(RoleDef { rules: Vec::new(), org: None });
            org.users.push(Role::Custom(org.roles.len() - 1));
        }
        org.teams[t].members.insert(probe, false);
        let engine = org.load();
        let token = format!("token:{}", token_id(Who::TeamToken(t)));
        let probe_name = login(probe);
        let mut bad = Vec::new();
        for s in 0..org.stacks.len() {
            let resource = stack_resource(&org, s);
            let stack = &org.stacks[s];
            // A stack the token created is its own (creator grant), not the team's.
            let own = stack.creator == Some(Who::TeamToken(t));
            for (scope, needed) in STACK_SCOPES {
                let by_token = engine.check(&token, scope, &resource);
                if !by_token || own {
                    continue;
                }
                if !engine.check(&probe_name, scope, &resource) {
                    bad.push(format!("{token} {scope} {resource}: allowed, but team member {probe_name} is denied"));
                }
                if !defaults {
                    // The team-only grant: the team's stack grant and its roles' rules.
                    let team = &org.teams[t];
                    let mut held = team.grants.get(&s).copied().unwrap_or(Level::None).scopes();
                    for &r in &team.roles {
                        held.extend(role_grant(&org, r, s).0);
                    }
                    if !held.contains(scope) {
                        bad.push(format!(
                            "{token} {scope} {resource}: allowed, but the team grants no {scope} (needs {})",
                            needed.as_str()
                        ));
                    }
                }
            }
        }
        if defaults {
            for scope in ORG_SCOPES {
                if engine.check(&token, scope, ORG) && !engine.check(&probe_name, scope, ORG) {
                    bad.push(format!("{token} {scope} {ORG}: allowed, but built-in member {probe_name} is denied"));
                }
            }
        }
        prop_assert!(
            bad.is_empty(),
            "{}",
            report(
                &format!("team token of {} (teamTokensGetMemberDefaults: {defaults})", team_name(t)),
                &bad,
                &[("snapshot", org.snapshot_text())],
            )
        );
    }

    /// Property 4: unknown principals, deleted tokens, non-members, unknown stacks, unknown
    /// organizations and unknown scopes are always denied, for every principal.
    #[test]
    fn unknown_things_are_always_denied(
        org in org_strategy(),
        ghosts in prop::collection::vec(
            prop_oneof!["[a-z0-9:_.-]{0,14}", "token:[a-z0-9-]{1,12}", any::<String>()],
            1..=4,
        ),
        missing_stacks in prop::collection::vec(("[a-z0-9]{1,6}", "[a-z0-9]{1,6}"), 1..=3),
        bad_scopes in prop::collection::vec(
            prop_oneof!["no_such_[a-z_]{0,8}:[a-z_]{1,8}", "[a-z_]{1,12}", any::<String>()],
            1..=3,
        ),
    ) {
        let engine = org.load();
        let known = org.known_principals();
        let mut bad = Vec::new();
        let mut expect_deny = |principal: &str, scope: &str, resource: &str, codes: &[&str]| {
            let allowed = engine.check(principal, scope, resource);
            let decision = engine.explain(principal, scope, resource);
            let code = decision.deny().map(|d| d.code());
            if allowed || decision.is_allowed() || !code.is_some_and(|c| codes.contains(&c)) {
                bad.push(format!(
                    "{principal:?} {scope:?} {resource:?}: check {allowed}, explain allowed {} deny {code:?}, expected deny {codes:?}",
                    decision.is_allowed()
                ));
            }
        };
        let stack_resources: Vec<String> =
            (0..org.stacks.len()).map(|s| stack_resource(&org, s)).collect();
        // Unknown principals and deleted tokens.
        let mut unknown: Vec<String> = ghosts.into_iter().filter(|g| !known.contains(g)).collect();
        unknown.push("token:gone-admin".into());
        unknown.extend((0..org.teams.len()).map(|t| format!("token:gone-team-{t}")));
        unknown.extend((0..org.users.len()).map(|u| format!("token:pat-gone-u{u}")));
        for principal in &unknown {
            for resource in &stack_resources {
                for (scope, _) in STACK_SCOPES {
                    expect_deny(principal, scope, resource, &["unknown_principal"]);
                }
            }
            for scope in ORG_SCOPES.iter().chain(&MORE_ADMIN_SCOPES) {
                expect_deny(principal, scope, ORG, &["unknown_principal"]);
            }
        }
        // Principals of the other organization, in `acme`.
        for principal in ["outsider", "user:outsider", "token:else-admin"] {
            for resource in &stack_resources {
                expect_deny(principal, "stack:read", resource, &["not_a_member"]);
                expect_deny(principal, "stack:delete", resource, &["not_a_member"]);
            }
            expect_deny(principal, "org_member:read", ORG, &["not_a_member"]);
            expect_deny(principal, "stack:create", ORG, &["not_a_member"]);
        }
        let existing: BTreeSet<String> = (0..org.stacks.len()).map(|s| stack_path(&org, s)).collect();
        for (principal, _) in org.principals(true) {
            // `acme` principals in the other organization, where every stack exists.
            for s in 0..org.stacks.len() {
                let resource = format!("{OTHER_ORG}/{}", stack_path(&org, s));
                expect_deny(&principal, "stack:read", &resource, &["not_a_member"]);
                expect_deny(&principal, "stack:delete", &resource, &["not_a_member"]);
            }
            expect_deny(&principal, "org_member:read", OTHER_ORG, &["not_a_member"]);
            // Stacks that do not exist, in `acme` and in an organization that does not exist.
            for (project, name) in &missing_stacks {
                let path = format!("{project}/{name}");
                if !existing.contains(&path) {
                    for (scope, _) in STACK_SCOPES {
                        expect_deny(&principal, scope, &format!("{ORG}/{path}"), &["unknown_resource"]);
                    }
                }
                expect_deny(&principal, "stack:read", &format!("no-such-org/{path}"), &["unknown_resource"]);
            }
            expect_deny(&principal, "stack:create", "no-such-org", &["unknown_resource"]);
            // Scopes that are not in the catalog (no `:` or an unknown `no_such_` object).
            for scope in &bad_scopes {
                if scope.contains(':') && !scope.starts_with("no_such_") {
                    continue;
                }
                expect_deny(&principal, scope, ORG, &["unknown_scope"]);
                if let Some(resource) = stack_resources.first() {
                    expect_deny(&principal, scope, resource, &["unknown_scope"]);
                }
            }
        }
        prop_assert!(
            bad.is_empty(),
            "{}",
            report("unknown things", &bad, &[("snapshot", org.snapshot_text())])
        );
    }

    /// Property 5: the engine agrees with the naive reference resolver on every (principal,
    /// scope, resource) of the organization — the decision, the deny code, `explain` and the
    /// effective stack permission — for users (by login, `user:` and personal token),
    /// organization tokens and team tokens.
    #[test]
    fn the_engine_agrees_with_the_reference(org in org_strategy()) {
        let engine = org.load();
        let mut bad = Vec::new();
        for q in questions(&org, true) {
            let expected = match q.target {
                Target::Org => expect_org(&org, q.who, q.scope),
                Target::Stack(s) => expect_stack(&org, q.who, q.scope, s),
            };
            let allowed = engine.check(&q.principal, q.scope, &q.resource);
            let decision = engine.explain(&q.principal, q.scope, &q.resource);
            let got = match decision.deny() {
                None if decision.is_allowed() => Ok(()),
                None => Err("<no deny code>"),
                Some(deny) => Err(deny.code()),
            };
            let agrees = match (&expected, got) {
                (Ok(()), Ok(())) => true,
                (Err(codes), Err(code)) => codes.contains(&code),
                _ => false,
            };
            if allowed != expected.is_ok() || !agrees {
                bad.push(format!(
                    "{q}: expected {expected:?}, check says {allowed}, explain says {got:?}"
                ));
            }
        }
        for (principal, who) in org.principals(true) {
            for s in 0..org.stacks.len() {
                let expected = expect_level(&org, who, s).permission();
                let resource = stack_resource(&org, s);
                let got = engine.effective_permission(&principal, EntityKind::Stack, &resource);
                if got != expected {
                    bad.push(format!(
                        "{principal} effective permission on {resource}: expected {expected}, got {got}"
                    ));
                }
            }
        }
        prop_assert!(
            bad.is_empty(),
            "{}",
            report("engine vs reference", &bad, &[("snapshot", org.snapshot_text())])
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Questions over many: each equals `check` item by item
// ---------------------------------------------------------------------------------------------

/// Every page of a resource search, walked with the cursor.
fn all_pages(engine: &Engine, principal: &str, scope: &str, query: &ResourceQuery) -> Vec<String> {
    let mut ids = Vec::new();
    let mut query = query.clone();
    for _ in 0..1000 {
        let page = engine.search_resources(principal, scope, ORG, &query);
        ids.extend(page.ids);
        match page.next_cursor {
            Some(cursor) => query.cursor = Some(cursor),
            None => return ids,
        }
    }
    panic!("the cursor never ends");
}

proptest! {
    #![proptest_config(config(96))]

    /// Property 6: a resource search returns exactly the stacks (or the organization) on which
    /// `check` is true, in one call or page by page, with or without a tag filter.
    #[test]
    fn resource_search_equals_check(org in org_strategy(), limit in 1usize..4, tag in 0usize..TAG_KEYS.len()) {
        let engine = org.load();
        let mut bad = Vec::new();
        for (principal, _) in org.principals(true) {
            for (scope, _) in STACK_SCOPES {
                let expected: Vec<String> = (0..org.stacks.len())
                    .map(|s| stack_resource(&org, s))
                    .filter(|r| engine.check(&principal, scope, r))
                    .collect();
                let whole = engine.search_resources(&principal, scope, ORG, &ResourceQuery::default());
                if whole.ids != expected || whole.next_cursor.is_some() {
                    bad.push(format!("{principal} {scope}: search {:?}, check {expected:?}", whole.ids));
                }
                let paged = all_pages(&engine, &principal, scope, &ResourceQuery { limit: Some(limit), ..Default::default() });
                if paged != expected {
                    bad.push(format!("{principal} {scope} by {limit}: search {paged:?}, check {expected:?}"));
                }
                let (key, value) = (TAG_KEYS[tag], TAG_VALUES[tag]);
                let tagged: Vec<String> = (0..org.stacks.len())
                    .filter(|&s| org.stacks[s].tags.get(key) == Some(&value))
                    .map(|s| stack_resource(&org, s))
                    .filter(|r| engine.check(&principal, scope, r))
                    .collect();
                let query = ResourceQuery { tags: vec![(key.into(), value.into())], ..Default::default() };
                let got = engine.search_resources(&principal, scope, ORG, &query).ids;
                if got != tagged {
                    bad.push(format!("{principal} {scope} {key}={value}: search {got:?}, check {tagged:?}"));
                }
                let keyed: Vec<String> = (0..org.stacks.len())
                    .filter(|&s| org.stacks[s].tags.contains_key(key))
                    .map(|s| stack_resource(&org, s))
                    .filter(|r| engine.check(&principal, scope, r))
                    .collect();
                let query = ResourceQuery { has_tags: vec![key.into()], ..Default::default() };
                let got = engine.search_resources(&principal, scope, ORG, &query).ids;
                if got != keyed {
                    bad.push(format!("{principal} {scope} has {key}: search {got:?}, check {keyed:?}"));
                }
            }
            for scope in ORG_SCOPES {
                let expected: Vec<String> =
                    if engine.check(&principal, scope, ORG) { vec![ORG.to_string()] } else { Vec::new() };
                let got = engine.search_resources(&principal, scope, ORG, &ResourceQuery::default()).ids;
                if got != expected {
                    bad.push(format!("{principal} {scope} on the organization: search {got:?}, check {expected:?}"));
                }
            }
            let teams: Vec<String> = (0..org.teams.len())
                .map(|t| format!("{ORG}/{}", team_name(t)))
                .filter(|r| engine.check(&principal, "team:update", r))
                .collect();
            let got = engine.search_resources(&principal, "team:update", ORG, &ResourceQuery::default()).ids;
            if got != teams {
                bad.push(format!("{principal} team:update: search {got:?}, check {teams:?}"));
            }
        }
        prop_assert!(bad.is_empty(), "{}", report("search vs check", &bad, &[("snapshot", org.snapshot_text())]));
    }

    /// Property 7: a subject search returns exactly the members and tokens for which `check`
    /// is true, each with the reasons `explain` gives.
    #[test]
    fn subject_search_equals_check_and_explain(org in org_strategy()) {
        let engine = org.load();
        let mut bad = Vec::new();
        let mut resources: Vec<(String, &str)> = Vec::new();
        for s in 0..org.stacks.len() {
            for (scope, _) in STACK_SCOPES {
                resources.push((stack_resource(&org, s), scope));
            }
        }
        for scope in ORG_SCOPES {
            resources.push((ORG.to_string(), scope));
        }
        for (resource, scope) in &resources {
            let mut expected: Vec<(String, Vec<Reason>)> = Vec::new();
            for (principal, who) in org.principals(false) {
                let canonical = match who {
                    Who::User(_) => format!("user:{principal}"),
                    _ => principal.clone(),
                };
                if engine.check(&principal, scope, resource) {
                    expected.push((canonical, engine.explain(&principal, scope, resource).into_reasons()));
                }
            }
            expected.sort_by(|a, b| a.0.cmp(&b.0));
            let mut got: Vec<(String, Vec<Reason>)> = engine
                .search_subjects(scope, resource, true)
                .into_iter()
                .map(|s| (s.principal, s.reasons))
                .collect();
            got.sort_by(|a, b| a.0.cmp(&b.0));
            if got != expected {
                let names = |v: &[(String, Vec<Reason>)]| v.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
                bad.push(format!("{scope} on {resource}: search {:?}, check {:?}", names(&got), names(&expected)));
            }
            let users_only = engine.search_subjects(scope, resource, false);
            if users_only.iter().any(|s| s.token) {
                bad.push(format!("{scope} on {resource}: tokens listed without asking"));
            }
        }
        prop_assert!(bad.is_empty(), "{}", report("subjects vs check", &bad, &[("snapshot", org.snapshot_text())]));
    }

    /// Property 8: a batch equals item-by-item `check`, and stops where its semantics say.
    #[test]
    fn batch_evaluation_equals_check(org in org_strategy(), picks in prop::collection::vec(any::<Index>(), 0..24)) {
        let engine = org.load();
        let qs = questions(&org, true);
        prop_assume!(!qs.is_empty());
        let items: Vec<&Question> = picks.iter().map(|i| &qs[i.index(qs.len())]).collect();
        let expected: Vec<bool> = items.iter().map(|q| engine.check(&q.principal, q.scope, &q.resource)).collect();
        for semantics in [Semantics::ExecuteAll, Semantics::DenyOnFirstDeny, Semantics::PermitOnFirstPermit] {
            let got = engine.evaluate(items.iter().map(|q| (q.principal.as_str(), q.scope, q.resource.as_str())), semantics);
            let stop = expected.iter().position(|&a| semantics.stops_at(a)).map_or(expected.len(), |i| i + 1);
            prop_assert_eq!(&got[..], &expected[..stop], "{:?}", semantics);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Changes as data: management actions, signed deltas and reloads agree
// ---------------------------------------------------------------------------------------------

/// One management action, with its references drawn against the organization.
#[derive(Clone, Debug)]
enum Action {
    Toggle(usize, bool),
    DefaultStack(Level),
    AddMember(u8, u8),
    RemoveMember(Index),
    MemberRole(Index, u8),
    CreateTeam(u8),
    DeleteTeam(Index),
    TeamMember(Index, Index, bool),
    LeaveTeam(Index, Index),
    TeamGrant(Index, Index, Level),
    TeamRole(Index, Index, bool),
    CreateStack(u8),
    DeleteStack(Index),
    StackGrant(Index, Index, Level),
    RemoveCreator(Index),
    Transfer(Index),
    MintToken(u8),
    DeleteToken(Index),
}

fn action_strategy() -> impl Strategy<Value = Action> {
    let i = any::<Index>;
    prop_oneof![
        ((0usize..6), any::<bool>()).prop_map(|(t, on)| Action::Toggle(t, on)),
        any_level().prop_map(Action::DefaultStack),
        ((0u8..4), (0u8..3)).prop_map(|(n, r)| Action::AddMember(n, r)),
        i().prop_map(Action::RemoveMember),
        (i(), 0u8..4).prop_map(|(u, r)| Action::MemberRole(u, r)),
        (0u8..3).prop_map(Action::CreateTeam),
        i().prop_map(Action::DeleteTeam),
        (i(), i(), any::<bool>()).prop_map(|(t, u, a)| Action::TeamMember(t, u, a)),
        (i(), i()).prop_map(|(t, u)| Action::LeaveTeam(t, u)),
        (i(), i(), any_level()).prop_map(|(t, s, l)| Action::TeamGrant(t, s, l)),
        (i(), i(), any::<bool>()).prop_map(|(t, r, a)| Action::TeamRole(t, r, a)),
        (0u8..3).prop_map(Action::CreateStack),
        i().prop_map(Action::DeleteStack),
        (i(), i(), any_level()).prop_map(|(s, u, l)| Action::StackGrant(s, u, l)),
        i().prop_map(Action::RemoveCreator),
        i().prop_map(Action::Transfer),
        (0u8..3).prop_map(Action::MintToken),
        i().prop_map(Action::DeleteToken),
    ]
}

/// The acting principal: an admin of both organizations, or (to see refusals recorded as
/// nothing) one of the organization's own principals.
fn actor_strategy() -> impl Strategy<Value = Option<Index>> {
    prop_oneof![3 => Just(None), 1 => any::<Index>().prop_map(Some)]
}

/// The generated organization with `root`, an admin of both organizations.
fn live_snapshot(org: &Org) -> String {
    let mut doc = org.snapshot();
    for o in doc["organizations"].as_array_mut().unwrap() {
        o["members"].as_array_mut().unwrap().push(json!({ "login": "root", "role": "admin" }));
    }
    doc.to_string()
}

/// Runs one action as `actor`; refusals are part of the sequence (they change nothing).
fn run(engine: &mut Engine, org: &Org, actor: &str, action: &Action, step: usize) {
    let teams: Vec<String> =
        (0..org.teams.len()).map(team_name).chain((0..3).map(|n| format!("n-t{n}"))).collect();
    let users: Vec<String> = (0..org.users.len()).map(login).chain((0..4).map(|n| format!("n{n}"))).collect();
    let stacks: Vec<String> = (0..org.stacks.len())
        .map(|s| stack_path(org, s))
        .chain((0..3).map(|n| format!("app/n-s{n}")))
        .collect();
    let roles = |r: u8| match r {
        0 => "member".to_string(),
        1 => "admin".to_string(),
        2 => "billing-manager".to_string(),
        _ if org.roles.is_empty() => "member".to_string(),
        _ => role_name(0),
    };
    let pick = |list: &[String], i: &Index| list[i.index(list.len())].clone();
    let _ = match action {
        Action::Toggle(t, on) => {
            let patch = scopegate::SettingsPatch {
                members_can_create_stacks: (*t == 0).then_some(*on),
                stack_admins_can_delete_stacks: (*t == 1).then_some(*on),
                stack_admins_can_transfer_stacks: (*t == 2).then_some(*on),
                members_can_create_teams: (*t == 3).then_some(*on),
                team_tokens_get_member_defaults: (*t >= 4).then_some(*on),
                ..Default::default()
            };
            engine.update_settings(actor, ORG, &patch)
        }
        Action::DefaultStack(level) => {
            let patch = scopegate::SettingsPatch {
                default_stack_permission: Some(level.permission()),
                ..Default::default()
            };
            engine.update_settings(actor, ORG, &patch)
        }
        Action::AddMember(n, r) => engine.add_member(actor, ORG, &format!("n{n}"), &roles(*r)),
        Action::RemoveMember(u) => engine.remove_member(actor, ORG, &pick(&users, u)),
        Action::MemberRole(u, r) => engine.set_member_role(actor, ORG, &pick(&users, u), &roles(*r)),
        Action::CreateTeam(n) => engine.create_team(actor, ORG, &format!("n-t{n}")),
        Action::DeleteTeam(t) => engine.delete_team(actor, ORG, &pick(&teams, t)),
        Action::TeamMember(t, u, admin) => {
            engine.set_team_member(actor, ORG, &pick(&teams, t), &pick(&users, u), *admin)
        }
        Action::LeaveTeam(t, u) => engine.remove_team_member(actor, ORG, &pick(&teams, t), &pick(&users, u)),
        Action::TeamGrant(t, s, level) => engine.set_team_permission(
            actor,
            ORG,
            &pick(&teams, t),
            EntityKind::Stack,
            &pick(&stacks, s),
            level.permission(),
        ),
        Action::TeamRole(t, r, on) if !org.roles.is_empty() => {
            engine.set_team_role(actor, ORG, &pick(&teams, t), &role_name(r.index(org.roles.len())), *on)
        }
        Action::TeamRole(..) => Ok(()),
        Action::CreateStack(n) => {
            engine.create_stack(actor, ORG, "app", &format!("n-s{n}"), &[("env", "prod")])
        }
        Action::DeleteStack(s) => engine.delete_stack(actor, &format!("{ORG}/{}", pick(&stacks, s))),
        Action::StackGrant(s, u, level) => engine.set_stack_permission(
            actor,
            &format!("{ORG}/{}", pick(&stacks, s)),
            &pick(&users, u),
            level.permission(),
        ),
        Action::RemoveCreator(s) => {
            engine.remove_creator_grant(actor, &format!("{ORG}/{}", pick(&stacks, s)))
        }
        Action::Transfer(s) => {
            engine.transfer_stack(actor, &format!("{ORG}/{}", pick(&stacks, s)), OTHER_ORG)
        }
        Action::MintToken(r) => {
            let request = scopegate::MintRequest {
                kind: Some(scopegate::TokenKind::Organization),
                org: Some(ORG.into()),
                role: Some(roles(*r % 2)),
                name: Some(format!("minted-{step}")),
                ..Default::default()
            };
            let seed = u8::try_from(step).unwrap_or(0);
            engine.mint_opaque_from(actor, &request, 1_000, [seed; 20], [seed; 16]).map(|_| ())
        }
        Action::DeleteToken(t) => {
            let ids: Vec<String> = org
                .principals(false)
                .into_iter()
                .filter_map(|(p, _)| p.strip_prefix("token:").map(str::to_string))
                .collect();
            if ids.is_empty() { Ok(()) } else { engine.delete_token(actor, &pick(&ids, t)) }
        }
    };
}

/// Every question over the principals, stacks and teams the engines may hold after the actions.
fn live_questions(org: &Org, engine: &Engine) -> Vec<(String, &'static str, String)> {
    let doc = engine.to_value();
    let mut principals: Vec<String> = org.principals(true).into_iter().map(|(p, _)| p).collect();
    principals.extend((0..4).map(|n| format!("n{n}")));
    principals.extend(["root".to_string(), "outsider".to_string()]);
    for token in doc["organizations"][0]["tokens"].as_array().into_iter().flatten() {
        principals.push(format!("token:{}", token["id"].as_str().unwrap()));
    }
    let mut resources = Vec::new();
    for o in doc["organizations"].as_array().unwrap() {
        let name = o["name"].as_str().unwrap();
        for s in o["stacks"].as_array().into_iter().flatten() {
            resources.push(format!(
                "{name}/{}/{}",
                s["project"].as_str().unwrap(),
                s["name"].as_str().unwrap()
            ));
        }
    }
    resources.extend((0..org.stacks.len()).map(|s| stack_resource(org, s)));
    let mut out = Vec::new();
    for p in &principals {
        for r in &resources {
            for (scope, _) in STACK_SCOPES {
                out.push((p.clone(), scope, r.clone()));
            }
        }
        for scope in ORG_SCOPES.iter().chain(["team:update", "org_member:add"].iter()) {
            out.push((p.clone(), *scope, ORG.to_string()));
            out.push((p.clone(), *scope, OTHER_ORG.to_string()));
        }
        for t in (0..org.teams.len()).map(team_name).chain((0..3).map(|n| format!("n-t{n}"))) {
            out.push((p.clone(), "team:update", format!("{ORG}/{t}")));
        }
    }
    out
}

fn live_answers(engine: &Engine, questions: &[(String, &'static str, String)]) -> Vec<bool> {
    questions.iter().map(|(p, s, r)| engine.check(p, s, r)).collect()
}

fn origin_key() -> scopegate::SigningKey {
    scopegate::SigningKey::ed25519("origin", &[3; 32])
}

fn signed_delta(delta: &scopegate::Delta) -> (String, String) {
    let text = delta.to_json();
    let signature = scopegate::sign_snapshot(&text, &origin_key()).unwrap();
    (text, signature)
}

proptest! {
    #![proptest_config(config(24))]

    /// Property 7: the same random actions (a) run as management actions, (b) applied by a
    /// follower from the signed delta of `changes_since`, and (c) reloaded from the result's
    /// `to_json()` give engines that answer every question identically; a delta with one bad
    /// change leaves every answer unchanged; gaps, replays, expired and badly signed deltas are
    /// refused with their codes.
    #[test]
    fn actions_deltas_and_reloads_agree(
        org in org_strategy(),
        steps in prop::collection::vec((actor_strategy(), action_strategy()), 1..=10),
        bad_at in any::<Index>(),
    ) {
        let text = live_snapshot(&org);
        let public = origin_key().public_key().unwrap();
        let now = 1_000;
        let mut origin = Engine::from_json(&text).unwrap();
        let start = origin.revision();
        let principals: Vec<String> = org.principals(false).into_iter().map(|(p, _)| p).collect();
        for (i, (actor, action)) in steps.iter().enumerate() {
            let actor = actor.map_or("root".to_string(), |a| principals[a.index(principals.len())].clone());
            run(&mut origin, &org, &actor, action, i);
        }
        let delta = origin.changes_since(start).unwrap();
        prop_assert_eq!(delta.revision, origin.revision());
        prop_assert_eq!(origin.revision() - start, delta.changes.len() as u64);

        let questions = live_questions(&org, &origin);
        let expected = live_answers(&origin, &questions);
        let mut follower = Engine::from_json(&text).unwrap();
        let untouched = live_answers(&follower, &questions);
        let (delta_text, signature) = signed_delta(&delta);

        // Refused: badly signed, a gap, expired; nothing changes.
        let by_other = scopegate::sign_snapshot(&delta_text, &scopegate::SigningKey::ed25519("x", &[4; 32])).unwrap();
        prop_assert_eq!(follower.apply_delta(&delta_text, &by_other, &public, now).unwrap_err().code().as_str(), "delta_signature_invalid");
        let gap = scopegate::Delta { base_revision: start + 1, revision: delta.revision + 1, ..delta.clone() };
        let (gap_text, gap_signature) = signed_delta(&gap);
        prop_assert_eq!(follower.apply_delta(&gap_text, &gap_signature, &public, now).unwrap_err().code().as_str(), "delta_gap");
        let expired = scopegate::Delta { not_after: Some(now - 1), ..delta.clone() };
        let (expired_text, expired_signature) = signed_delta(&expired);
        prop_assert_eq!(follower.apply_delta(&expired_text, &expired_signature, &public, now).unwrap_err().code().as_str(), "delta_expired");

        // One bad change anywhere: refused, naming it, and every answer stays.
        let mut bad = delta.clone();
        let at = bad_at.index(bad.changes.len() + 1);
        bad.changes.insert(at, scopegate::Change::RemoveMember { org: ORG.into(), login: "ghost".into() });
        bad.revision += 1;
        let (bad_text, bad_signature) = signed_delta(&bad);
        let err = follower.apply_delta(&bad_text, &bad_signature, &public, now).unwrap_err();
        prop_assert_eq!(err.code().as_str(), "not_found");
        prop_assert!(err.to_string().starts_with(&format!("changes[{at}].login: ")), "{}", err);
        prop_assert_eq!(follower.revision(), start);
        prop_assert!(live_answers(&follower, &questions) == untouched, "a refused delta changed an answer");

        // (b) the delta, then a replay of it.
        prop_assert_eq!(follower.apply_delta(&delta_text, &signature, &public, now).unwrap(), origin.revision());
        if !delta.changes.is_empty() {
            prop_assert_eq!(follower.apply_delta(&delta_text, &signature, &public, now).unwrap_err().code().as_str(), "delta_replay");
        }
        // (c) the reload.
        let reloaded = Engine::from_json(&origin.to_json()).unwrap();
        prop_assert_eq!(reloaded.revision(), origin.revision());

        let mut mismatches = Vec::new();
        for (engine, name) in [(&follower, "delta"), (&reloaded, "reload")] {
            for (q, (want, got)) in questions.iter().zip(expected.iter().zip(live_answers(engine, &questions))) {
                if *want != got {
                    mismatches.push(format!("{name}: {} {} {}: actions {want}, {name} {got}", q.0, q.1, q.2));
                }
            }
        }
        prop_assert!(
            mismatches.is_empty(),
            "{}",
            report("actions vs delta vs reload", &mismatches, &[("snapshot", text.clone()), ("delta", delta_text.clone())])
        );
        prop_assert_eq!(follower.to_json(), origin.to_json());
    }
}
