//! Previews and differences against the brute force: over random organizations and random
//! management actions, the preview of an action lists exactly the (principal, scope, resource)
//! answers that applying it turns, computed here by asking `check` every question before and
//! after.
#![cfg(not(target_arch = "wasm32"))]

mod common;
#[path = "common/orgs.rs"]
mod orgs;

use std::collections::BTreeSet;

use orgs::{RandomOrg, action_strategy, org_strategy};
use proptest::prelude::*;
use scopegate::Engine;

type Answer = (String, &'static str, String, bool);

/// Every scope name of the catalog, each once.
fn scopes(_engine: &Engine) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = scopegate::scopes().collect();
    out.sort_unstable();
    out
}

/// Every question whose answer differs, asked one by one, with the answer after.
fn brute_force(org: &RandomOrg, before: &Engine, after: &Engine) -> BTreeSet<Answer> {
    let mut out = BTreeSet::new();
    for principal in org.principals() {
        for scope in scopes(before) {
            for resource in org.resources() {
                let now = after.check(&principal, scope, &resource);
                if before.check(&principal, scope, &resource) != now {
                    out.insert((principal.clone(), scope, resource, now));
                }
            }
        }
    }
    out
}

fn listed(diff: &scopegate::AccessDiff) -> BTreeSet<Answer> {
    diff.entries().map(|e| (e.principal.to_string(), e.scope, e.resource.to_string(), e.allowed)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn a_preview_lists_exactly_the_answers_its_change_turns(
        org in org_strategy(),
        (actor, action) in action_strategy(),
    ) {
        let before = org.load();
        let actor = orgs::login(actor % org.users());
        let preview = before.preview(&actor, 0, |e, actor| action.apply(&org, e, actor));
        let mut after = before.clone();
        let outcome = action.apply(&org, &mut after, &actor);
        prop_assert_eq!(outcome.is_ok(), preview.is_allowed(), "{:?}", preview.outcome);
        let expected = brute_force(&org, &before, &after);
        let got = listed(&preview.diff);
        prop_assert_eq!(got.len(), preview.diff.len(), "a block lists an answer twice");
        prop_assert_eq!(&got, &expected, "{:?} as {}", action, actor);
        if preview.diff.is_empty() {
            prop_assert!(expected.is_empty());
        }
        // Each block's decisions are those of its first question.
        for scope in preview.diff.changes.iter().flat_map(|c| &c.scopes) {
            prop_assert_eq!(scope.before.is_allowed(), !scope.allowed);
            prop_assert_eq!(scope.after.is_allowed(), scope.allowed);
        }
        // The preview left the state alone.
        prop_assert_eq!(before.to_json(), org.load().to_json());
    }

    #[test]
    fn the_diff_of_two_organizations_is_the_brute_force(a in org_strategy(), b in org_strategy()) {
        // The same names on both sides: principals and resources of the larger drawing.
        let (ea, eb) = (a.load(), b.load());
        let wide = if a.principals().len() + a.resources().len() >= b.principals().len() + b.resources().len() {
            &a
        } else {
            &b
        };
        let mut expected = brute_force(wide, &ea, &eb);
        let other = if std::ptr::eq(wide, &a) { &b } else { &a };
        expected.extend(brute_force(other, &ea, &eb));
        prop_assert_eq!(listed(&ea.diff(&eb)), expected);
        prop_assert!(ea.diff(&ea).is_empty());
    }

    #[test]
    fn a_refused_change_previews_nothing(org in org_strategy(), action in action_strategy()) {
        let engine = org.load();
        let preview = engine.preview("nobody", 0, |e, actor| action.1.apply(&org, e, actor));
        prop_assert!(!preview.is_allowed());
        prop_assert!(preview.diff.is_empty());
    }
}

#[test]
fn an_expiry_policy_preview_lists_the_tokens_it_would_stop() {
    let engine = common::single_org(serde_json::json!({
        "name": "acme",
        "members": [{ "login": "ada", "role": "admin" }],
        "tokens": [
            { "id": "forever", "kind": "organization", "name": "ci", "role": "member" },
            { "id": "soon", "kind": "organization", "name": "cd", "role": "member", "expires": 1_000_000 + 86_400 },
            { "id": "later", "kind": "organization", "name": "nightly", "role": "member", "expires": 1_000_000 + 40 * 86_400 },
        ],
    }));
    let patch = scopegate::SettingsPatch { token_expiry_policy_days: Some(Some(30)), ..Default::default() };
    let preview = engine.preview("ada", 1_000_000, |e, actor| e.update_settings(actor, "acme", &patch));
    let stopped: Vec<&str> = preview.stopped_tokens.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(stopped, ["forever", "later"]);
    assert_eq!(preview.stopped_tokens[0].name.as_deref(), Some("ci"));
    // The setting changes no check answer.
    assert!(preview.diff.is_empty());
}

#[test]
fn a_default_permission_preview_groups_members_and_stacks() {
    let stacks: Vec<_> =
        (0..20).map(|s| serde_json::json!({ "project": "p", "name": format!("s{s}") })).collect();
    let mut members = vec![serde_json::json!({ "login": "ada", "role": "admin" })];
    members.extend((0..10).map(|m| serde_json::json!({ "login": format!("m{m}") })));
    let engine = common::single_org(serde_json::json!({
        "name": "acme",
        "settings": { "defaultStackPermission": "none" },
        "members": members,
        "stacks": stacks,
    }));
    let patch = scopegate::SettingsPatch {
        default_stack_permission: Some(scopegate::Permission::Write),
        ..Default::default()
    };
    let preview = engine.preview("ada", 0, |e, actor| e.update_settings(actor, "acme", &patch));
    // One block: the ten members on the twenty stacks, with every scope of `write`.
    assert_eq!(preview.diff.changes.len(), 1);
    let block = &preview.diff.changes[0];
    assert_eq!((block.principals.len(), block.resources.len()), (10, 20));
    let read = block.scopes.iter().find(|s| s.scope == "stack:read").expect("stack:read is gained");
    assert!(read.allowed && block.scopes.iter().all(|s| s.allowed));
    assert_eq!(common::reason_codes(&read.after), ["default_permission"]);
    assert_eq!(common::deny_code(&read.before), Some("missing_scope"));
    assert_eq!(preview.diff.by_principal().len(), 10);
    assert_eq!(preview.diff.by_resource().len(), 20);
}
