//! Property: a list of changes applied at once (`apply_changes`) gives what the same changes
//! applied one by one give when every one applies, and leaves the state exactly as it was, with
//! the refusal of the first change refused one by one, when one does not. The changes are drawn
//! over a few names of the demo organization, so that they often depend on each other (a team
//! created then granted, a member added twice) and often fail.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use scopegate::{Change, Engine};
use serde_json::{Value, json};

const DEMO: &str = include_str!("fixtures/demo.json");

const LOGINS: [&str; 8] = ["max", "nora", "tess", "max", "bill", "dev", "zoe", "ghost"];
const TEAMS: [&str; 4] = ["web", "platform", "ops", "data"];
const STACKS: [&str; 4] = ["website/prod", "network/prod", "app/new", "identity/prod"];
const ROLES: [&str; 6] = ["member", "admin", "billing-manager", "Deployer", "member", "nope"];
const LEVELS: [&str; 6] = ["none", "read", "write", "admin", "write", "open"];
const ORGS: [&str; 2] = ["acme", "globex"];
const TOKENS: [&str; 3] = ["org-ci", "team-web-deploy", "nope"];

fn pick<'a>(list: &[&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

/// One change, from its wire JSON made of six numbers and a flag.
fn change((op, a, b, c, d, flag): (usize, usize, usize, usize, usize, bool)) -> Change {
    let org = pick(&ORGS, usize::from(a % 5 == 4));
    let login = pick(&LOGINS, a);
    let team = pick(&TEAMS, b);
    let stack = pick(&STACKS, c);
    let level = pick(&LEVELS, d);
    let role = pick(&ROLES, d);
    let value = match op % 16 {
        0 => json!({ "op": "addMember", "org": org, "login": login, "role": role }),
        1 => json!({ "op": "removeMember", "org": org, "login": login }),
        2 => json!({ "op": "setMemberRole", "org": org, "login": login, "role": role }),
        3 if flag => json!({ "op": "createTeam", "org": org, "team": team, "admin": login }),
        3 => json!({ "op": "createTeam", "org": org, "team": team }),
        4 => json!({ "op": "deleteTeam", "org": org, "team": team }),
        5 => json!({ "op": "setTeamMember", "org": org, "team": team, "login": login, "admin": flag }),
        6 => json!({ "op": "removeTeamMember", "org": org, "team": team, "login": login }),
        7 => json!({ "op": "setTeamPermission", "org": org, "team": team, "kind": "stack",
                     "entity": stack, "permission": level }),
        8 => {
            let (project, name) = stack.split_once('/').unwrap();
            let mut value = json!({ "op": "createStack", "org": org, "project": project, "stack": name });
            if flag {
                value["creator"] = json!({ "user": login });
            }
            value
        }
        9 => json!({ "op": "deleteStack", "stack": format!("{org}/{stack}") }),
        10 => json!({ "op": "transferStack", "stack": format!("acme/{stack}"), "destination": org }),
        11 => json!({ "op": "setStackPermission", "stack": format!("{org}/{stack}"), "login": login,
                      "permission": level }),
        12 => json!({ "op": "removeCreatorGrant", "stack": format!("{org}/{stack}") }),
        13 => json!({ "op": "deleteToken", "id": pick(&TOKENS, b) }),
        14 => json!({ "op": "setTeamRole", "org": org, "team": team, "role": role, "assigned": flag }),
        _ => json!({ "op": "updateSettings", "org": org,
                     "settings": { "defaultStackPermission": pick(&LEVELS[..4], d) } }),
    };
    Change::from_json(&value.to_string()).unwrap()
}

fn state(engine: &Engine) -> (Value, u64) {
    (engine.to_value(), engine.revision())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn changes_at_once_equal_changes_one_by_one(
        numbers in prop::collection::vec((0..16usize, 0..30usize, 0..8usize, 0..8usize, 0..10usize, any::<bool>()), 1..=8),
    ) {
        let changes: Vec<Change> = numbers.into_iter().map(change).collect();
        let start = Engine::from_json(DEMO).unwrap();

        // One by one: each change alone applies or changes nothing.
        let mut one_by_one = Engine::from_json(DEMO).unwrap();
        let mut refused = None;
        for (i, change) in changes.iter().enumerate() {
            let before = state(&one_by_one);
            if let Err(err) = one_by_one.apply_changes(vec![change.clone()]) {
                prop_assert_eq!(state(&one_by_one), before, "a refused change changed the state");
                let message = err.to_string().replacen("changes[0]", &format!("changes[{i}]"), 1);
                refused = Some((err.code(), message));
                break;
            }
        }

        let mut at_once = Engine::from_json(DEMO).unwrap();
        match (at_once.apply_changes(changes.clone()), refused) {
            (Ok(revision), None) => {
                prop_assert_eq!(revision, one_by_one.revision());
                prop_assert_eq!(state(&at_once), state(&one_by_one));
            }
            (Err(err), Some((code, message))) => {
                prop_assert_eq!(err.code(), code);
                prop_assert_eq!(err.to_string(), message);
                prop_assert_eq!(state(&at_once), state(&start), "a refused delta changed the state");
            }
            (got, want) => prop_assert!(false, "{changes:?}: at once {got:?}, one by one {want:?}"),
        }
    }
}
