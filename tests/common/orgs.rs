//! Random organizations and random management actions on them, for the preview and diff
//! properties. An organization is drawn as plain numbers and written as a snapshot; a change is
//! one management action by one of its members.
#![allow(dead_code)]

use proptest::prelude::*;
use scopegate::{Engine, EntityKind, ManageError, Permission};
use serde_json::{Value, json};

pub const ORG: &str = "acme";
pub const LEVELS: [&str; 4] = ["none", "read", "write", "admin"];
pub const ROLES: [&str; 4] = ["admin", "member", "billing-manager", "deployer"];
pub const TOGGLES: [&str; 6] = [
    "membersCanCreateStacks",
    "stackAdminsCanDeleteStacks",
    "stackAdminsCanTransferStacks",
    "membersCanCreateTeams",
    "membersCanCreateAccounts",
    "teamTokensGetMemberDefaults",
];

/// A team as drawn: members (user, team admin), stack grants (stack, level), role assigned.
pub type RandomTeam = (Vec<(usize, bool)>, Vec<(usize, usize)>, bool);
/// A stack as drawn: tagged, creator (kind, index), explicit grants (user, level).
pub type RandomStack = (bool, (u8, usize), Vec<(usize, usize)>);

/// An organization as drawn.
#[derive(Debug, Clone)]
pub struct RandomOrg {
    /// Role index (into [`ROLES`]) of each user; user 0 is always an admin.
    pub roles: Vec<usize>,
    /// Per team: members (user, team admin), stack grants (stack, level), custom role assigned.
    pub teams: Vec<RandomTeam>,
    /// Per stack: tag `env=prod`, creator (0: none, 1: a user, 2: the org token, 3: a team token),
    /// explicit grants (user, level).
    pub stacks: Vec<RandomStack>,
    /// The custom role's rule: 0 all stacks read, 1 tagged stacks write, 2 stack 0 admin.
    pub rule: u8,
    pub default_level: usize,
    pub toggles: [bool; 6],
}

pub fn login(u: usize) -> String {
    format!("u{u}")
}

pub fn stack(s: usize) -> String {
    format!("p/s{s}")
}

pub fn team(t: usize) -> String {
    format!("t{t}")
}

impl RandomOrg {
    pub fn users(&self) -> usize {
        self.roles.len()
    }

    /// The snapshot document.
    pub fn snapshot(&self) -> Value {
        let n_users = self.users();
        let n_stacks = self.stacks.len();
        let grantable = |u: usize| self.roles.get(u) != Some(&2);
        let members: Vec<Value> =
            (0..n_users).map(|u| json!({ "login": login(u), "role": ROLES[self.roles[u]] })).collect();
        let teams: Vec<Value> = self
            .teams
            .iter()
            .enumerate()
            .map(|(t, (members, grants, role))| {
                let mut logins = Vec::new();
                let mut admins = Vec::new();
                for &(u, admin) in members {
                    let u = u % n_users;
                    if grantable(u) && !logins.contains(&login(u)) {
                        logins.push(login(u));
                        if admin {
                            admins.push(login(u));
                        }
                    }
                }
                let stacks: serde_json::Map<String, Value> = grants
                    .iter()
                    .filter(|(_, l)| *l > 0)
                    .map(|&(s, l)| (stack(s % n_stacks), json!(LEVELS[l])))
                    .collect();
                let roles: Vec<&str> = if *role { vec!["deployer"] } else { vec![] };
                json!({ "name": team(t), "members": logins, "admins": admins, "stacks": stacks, "roles": roles })
            })
            .collect();
        let stacks: Vec<Value> = self
            .stacks
            .iter()
            .enumerate()
            .map(|(s, (tagged, (creator, who), grants))| {
                let grants: serde_json::Map<String, Value> = grants
                    .iter()
                    .filter(|&&(u, l)| l > 0 && grantable(u % n_users))
                    .map(|&(u, l)| (login(u % n_users), json!(LEVELS[l])))
                    .collect();
                let tags = if *tagged { json!({ "env": "prod" }) } else { json!({}) };
                let mut v =
                    json!({ "project": "p", "name": format!("s{s}"), "tags": tags, "grants": grants });
                match creator {
                    1 if grantable(who % n_users) => v["creator"] = json!({ "user": login(who % n_users) }),
                    2 => v["creator"] = json!({ "token": "org-token" }),
                    3 if !self.teams.is_empty() => {
                        v["creator"] = json!({ "token": format!("team-token-{}", who % self.teams.len()) })
                    }
                    _ => {}
                }
                v
            })
            .collect();
        let rule = match self.rule {
            0 => json!({ "entity": "stack", "permissionSet": "stack-read", "all": true }),
            1 => {
                json!({ "entity": "stack", "permissionSet": "stack-write", "tags": [{ "key": "env", "value": "prod" }] })
            }
            _ => json!({ "entity": "stack", "permissionSet": "stack-admin", "entities": [stack(0)] }),
        };
        let mut tokens =
            vec![json!({ "id": "org-token", "kind": "organization", "name": "ci", "role": "member" })];
        for t in 0..self.teams.len() {
            tokens.push(json!({ "id": format!("team-token-{t}"), "kind": "team", "name": format!("tt{t}"), "team": team(t) }));
        }
        let mut settings = json!({ "defaultStackPermission": LEVELS[self.default_level] });
        for (name, on) in TOGGLES.iter().zip(self.toggles) {
            settings[*name] = json!(on);
        }
        json!({
            "version": 1,
            "organizations": [{
                "name": ORG,
                "settings": settings,
                "members": members,
                "roles": [{ "name": "deployer", "organization": "read-only", "rules": [rule] }],
                "teams": teams,
                "stacks": stacks,
                "tokens": tokens,
            }],
        })
    }

    pub fn load(&self) -> Engine {
        match Engine::from_value(&self.snapshot()) {
            Ok(engine) => engine,
            Err(errors) => panic!("generated snapshot does not load: {errors:?}\n{}", self.snapshot()),
        }
    }

    /// Every principal string the organization may hold (members and tokens).
    pub fn principals(&self) -> Vec<String> {
        let mut out: Vec<String> = (0..self.users()).map(|u| format!("user:{}", login(u))).collect();
        out.push("token:org-token".to_string());
        out.extend((0..self.teams.len()).map(|t| format!("token:team-token-{t}")));
        out
    }

    /// Every resource string: the organization, its teams, its stacks.
    pub fn resources(&self) -> Vec<String> {
        let mut out = vec![ORG.to_string()];
        out.extend((0..self.teams.len()).map(|t| format!("{ORG}/{}", team(t))));
        out.extend((0..self.stacks.len()).map(|s| format!("{ORG}/{}", stack(s))));
        out
    }
}

pub fn org_strategy() -> impl Strategy<Value = RandomOrg> {
    let roles = prop::collection::vec(0usize..4, 1..=6).prop_map(|mut r| {
        r.insert(0, 0);
        r
    });
    let teams = prop::collection::vec(
        (
            prop::collection::vec((0usize..7, any::<bool>()), 0..=4),
            prop::collection::vec((0usize..8, 0usize..4), 0..=3),
            any::<bool>(),
        ),
        0..=3,
    );
    let stacks = prop::collection::vec(
        (any::<bool>(), (0u8..4, 0usize..7), prop::collection::vec((0usize..7, 0usize..4), 0..=2)),
        1..=6,
    );
    (roles, teams, stacks, 0u8..3, 0usize..4, prop::array::uniform6(any::<bool>())).prop_map(
        |(roles, teams, stacks, rule, default_level, toggles)| RandomOrg {
            roles,
            teams,
            stacks,
            rule,
            default_level,
            toggles,
        },
    )
}

/// One management action, by a member.
#[derive(Debug, Clone)]
pub enum Action {
    DefaultPermission(usize),
    Toggle(usize, bool),
    ExpiryPolicy(Option<u32>),
    MemberRole(usize, usize),
    RemoveMember(usize),
    TeamPermission(usize, usize, usize),
    TeamMember(usize, usize, bool),
    RemoveTeamMember(usize, usize),
    TeamRole(usize, bool),
    DeleteTeam(usize),
    StackPermission(usize, usize, usize),
    RemoveCreatorGrant(usize),
    DeleteToken(usize),
}

pub fn action_strategy() -> impl Strategy<Value = (usize, Action)> {
    let action = prop_oneof![
        (0usize..4).prop_map(Action::DefaultPermission),
        (0usize..6, any::<bool>()).prop_map(|(t, on)| Action::Toggle(t, on)),
        proptest::option::of(1u32..400).prop_map(Action::ExpiryPolicy),
        (0usize..7, 0usize..4).prop_map(|(u, r)| Action::MemberRole(u, r)),
        (0usize..7).prop_map(Action::RemoveMember),
        (0usize..3, 0usize..6, 0usize..4).prop_map(|(t, s, l)| Action::TeamPermission(t, s, l)),
        (0usize..3, 0usize..7, any::<bool>()).prop_map(|(t, u, a)| Action::TeamMember(t, u, a)),
        (0usize..3, 0usize..7).prop_map(|(t, u)| Action::RemoveTeamMember(t, u)),
        (0usize..3, any::<bool>()).prop_map(|(t, a)| Action::TeamRole(t, a)),
        (0usize..3).prop_map(Action::DeleteTeam),
        (0usize..6, 0usize..7, 0usize..4).prop_map(|(s, u, l)| Action::StackPermission(s, u, l)),
        (0usize..6).prop_map(Action::RemoveCreatorGrant),
        (0usize..4).prop_map(Action::DeleteToken),
    ];
    // The actor: user 0 (an admin) half of the time, else any user.
    (prop_oneof![Just(0usize), 0usize..7], action)
}

fn level(l: usize) -> Permission {
    [Permission::None, Permission::Read, Permission::Write, Permission::Admin][l % 4]
}

impl Action {
    /// Applies the action as `actor` on `engine` (references wrap around the organization's sizes).
    pub fn apply(&self, org: &RandomOrg, engine: &mut Engine, actor: &str) -> Result<(), ManageError> {
        let (users, stacks, teams) = (org.users(), org.stacks.len(), org.teams.len().max(1));
        let user = |u: usize| login(u % users);
        let stack_path = |s: usize| format!("{ORG}/{}", stack(s % stacks));
        let team_name = |t: usize| team(t % teams);
        match self {
            Self::DefaultPermission(l) => {
                let patch = scopegate::SettingsPatch {
                    default_stack_permission: Some(level(*l)),
                    ..Default::default()
                };
                engine.update_settings(actor, ORG, &patch)
            }
            Self::Toggle(t, on) => {
                let mut patch = scopegate::SettingsPatch::default();
                match t {
                    0 => patch.members_can_create_stacks = Some(*on),
                    1 => patch.stack_admins_can_delete_stacks = Some(*on),
                    2 => patch.stack_admins_can_transfer_stacks = Some(*on),
                    3 => patch.members_can_create_teams = Some(*on),
                    4 => patch.members_can_create_accounts = Some(*on),
                    _ => patch.team_tokens_get_member_defaults = Some(*on),
                }
                engine.update_settings(actor, ORG, &patch)
            }
            Self::ExpiryPolicy(days) => {
                let patch =
                    scopegate::SettingsPatch { token_expiry_policy_days: Some(*days), ..Default::default() };
                engine.update_settings(actor, ORG, &patch)
            }
            Self::MemberRole(u, r) => engine.set_member_role(actor, ORG, &user(*u), ROLES[*r]),
            Self::RemoveMember(u) => engine.remove_member(actor, ORG, &user(*u)),
            Self::TeamPermission(t, s, l) => engine.set_team_permission(
                actor,
                ORG,
                &team_name(*t),
                EntityKind::Stack,
                &stack(*s % stacks),
                level(*l),
            ),
            Self::TeamMember(t, u, a) => engine.set_team_member(actor, ORG, &team_name(*t), &user(*u), *a),
            Self::RemoveTeamMember(t, u) => engine.remove_team_member(actor, ORG, &team_name(*t), &user(*u)),
            Self::TeamRole(t, a) => engine.set_team_role(actor, ORG, &team_name(*t), "deployer", *a),
            Self::DeleteTeam(t) => engine.delete_team(actor, ORG, &team_name(*t)),
            Self::StackPermission(s, u, l) => {
                engine.set_stack_permission(actor, &stack_path(*s), &user(*u), level(*l))
            }
            Self::RemoveCreatorGrant(s) => engine.remove_creator_grant(actor, &stack_path(*s)),
            Self::DeleteToken(t) => {
                let id =
                    if *t == 0 { "org-token".to_string() } else { format!("team-token-{}", (t - 1) % teams) };
                engine.delete_token(actor, &id)
            }
        }
    }
}
