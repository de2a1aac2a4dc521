//! Deny and refusal messages are whole sentences that name what was wrong in the question: the
//! principal, the scope, the resource, the setting. They reach the sample site and the edge
//! worker's 403 bodies as they are.

mod common;

use scopegate::testing::{ApiError, Explanation};
use scopegate::{Engine, ManageError};
use serde_json::json;

fn engine() -> Engine {
    common::load(&json!({
        "version": 1,
        "users": [{ "login": "nora" }],
        "organizations": [
            {
                "name": "acme",
                "settings": { "defaultStackPermission": "read", "membersCanCreateTeams": false },
                "members": [{ "login": "ada", "role": "admin" }, { "login": "max" }],
                "teams": [{ "name": "platform", "members": ["max"], "stacks": { "app/prod": "write" } }],
                "stacks": [{ "project": "app", "name": "prod" }],
                "tokens": [{ "id": "ci", "kind": "organization", "name": "ci", "role": "member",
                             "digest": "0000000000000000000000000000000000000000000000000000000000000000" }]
            },
            { "name": "globex", "settings": { "membersCanCreateStacks": false }, "members": [{ "login": "max" }] }
        ]
    }))
}

/// A capital (or a quoted name) first, a full stop last, and none of the old broken phrasings.
#[track_caller]
fn assert_sentence(message: &str) {
    let first = message.chars().next().unwrap_or(' ');
    assert!(first.is_ascii_uppercase() || first == '`', "does not start a sentence: {message}");
    assert!(message.ends_with('.'), "does not end a sentence: {message}");
    for broken in ["needs the principal", "needs the scope", "needs the resource", "forbidden:"] {
        assert!(!message.contains(broken), "broken phrasing `{broken}`: {message}");
    }
}

/// The deny message of `explain`, as the boundary words it.
fn deny_message(engine: &Engine, principal: &str, scope: &str, resource: &str) -> (String, String) {
    let decision = engine.explain(principal, scope, resource);
    let question = engine.question(Some(principal), scope, resource);
    let answer = serde_json::to_value(Explanation::new(&decision, &question)).unwrap();
    assert_eq!(answer["allowed"], false, "{principal} {scope} {resource}: {answer}");
    (
        answer["deny"]["code"].as_str().unwrap().to_string(),
        answer["deny"]["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn every_deny_names_what_was_wrong_in_a_sentence() {
    let e = engine();
    let cases = [
        ("nobody", "stack:read", "acme/app/prod", "unknown_principal", "There is no user or token `nobody`."),
        ("max", "stack:fly", "acme/app/prod", "unknown_scope", "There is no scope `stack:fly`."),
        ("max", "stack:read", "acme/x/y", "unknown_resource", "There is no stack `acme/x/y`."),
        ("max", "team:update", "acme/nope", "unknown_resource", "There is no team `acme/nope`."),
        ("max", "stack:read", "nowhere/x/y", "unknown_resource", "There is no stack `nowhere/x/y`."),
        (
            "max",
            "stack:read",
            "acme/app",
            "invalid_resource",
            "`stack:read` does not apply to `acme/app`, which is not a stack `org/project/stack`.",
        ),
        ("nora", "stack:read", "acme/app/prod", "not_a_member", "`nora` is not a member of `acme`."),
        (
            "max",
            "stack:delete",
            "acme/app/prod",
            "missing_scope",
            "`max` needs `stack:delete` on stack `acme/app/prod`, and no role or grant gives it (effective permission `write`).",
        ),
        (
            "max",
            "organization:update",
            "acme",
            "missing_scope",
            "`max` needs `organization:update` on organization `acme`, and no role or grant gives it.",
        ),
        (
            "max",
            "team:create",
            "acme",
            "setting_disabled",
            "`team:create` needs the setting `membersCanCreateTeams`, which is off in `acme`.",
        ),
        (
            "token:ci",
            "org_token:create",
            "acme",
            "machine_token",
            "`org_token:create` is closed to machine tokens.",
        ),
    ];
    for (principal, scope, resource, code, message) in cases {
        let (got_code, got_message) = deny_message(&e, principal, scope, resource);
        assert_eq!(
            (got_code.as_str(), got_message.as_str()),
            (code, message),
            "{principal} {scope} {resource}"
        );
        assert_sentence(&got_message);
    }
    // The destination of a transfer.
    let decision = e.explain_transfer("ada", "acme/app/prod", "globex");
    let question = e.question(Some("ada"), "stack:transfer", "acme/app/prod");
    let answer = serde_json::to_value(Explanation::new(&decision, &question)).unwrap();
    assert_eq!(answer["deny"]["code"], "destination_denied");
    assert_eq!(
        answer["deny"]["message"],
        "`ada` may not create stacks in the destination organization `globex`."
    );
    // A question asked by a handle with no name.
    let question = e.question(None, "stack:read", "acme/app/prod");
    let decision = scopegate::Decision::Denied { deny: scopegate::Deny::NotAMember };
    let answer = serde_json::to_value(Explanation::new(&decision, &question)).unwrap();
    assert_eq!(answer["deny"]["message"], "The principal is not a member of `acme`.");
}

#[test]
fn refused_actions_say_who_may_not_do_what_and_why() {
    let mut e = engine();
    let cases: [(Result<(), ManageError>, &str); 5] = [
        (
            e.create_team("nobody", "acme", "t"),
            "`nobody` may not use `team:create` on organization `acme`: there is no user or token `nobody`.",
        ),
        (
            e.create_team("max", "acme", "t"),
            "`max` may not use `team:create` on organization `acme`: `team:create` needs the setting `membersCanCreateTeams`, which is off in `acme`.",
        ),
        (
            e.create_team("nora", "acme", "t"),
            "`nora` may not use `team:create` on organization `acme`: `nora` is not a member of `acme`.",
        ),
        (
            e.add_member("max", "acme", "zed", "member"),
            "`max` may not use `org_member:add` on organization `acme`: no role or grant gives it.",
        ),
        (
            e.transfer_stack("ada", "acme/app/prod", "globex"),
            "`ada` may not use `stack:transfer` on stack `acme/app/prod`: `ada` may not create stacks in the destination organization `globex`.",
        ),
    ];
    for (result, message) in cases {
        let err = common::assert_forbidden(result);
        assert_eq!(err.to_string(), message);
        assert_sentence(&err.to_string());
        // The deny in the details is a sentence too, and names the question.
        let api: ApiError = err.into();
        let details = serde_json::to_value(api.details.as_ref().unwrap()).unwrap();
        let deny = &details["deny"];
        assert_sentence(deny["message"].as_str().unwrap());
    }
    // Personal tokens: minted by a machine token; another user's is answered as no token at all.
    let err = e.mint_opaque("token:ci", &Default::default(), 0).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`token:ci` may not mint a personal token: machine tokens mint no personal tokens."
    );
    let minted = e.mint_opaque("max", &Default::default(), 0).unwrap();
    let err = e.delete_token("ada", &minted.id).unwrap_err();
    assert_eq!(err.code().as_str(), "not_found");
    assert_eq!(err.to_string(), format!("unknown token `{}`", minted.id));
}

/// A wrongly typed or unknown value in a snapshot is quoted in its problem's message as JSON:
/// a string in double quotes with its quotes and control characters escaped, cut to 64
/// characters.
#[test]
fn snapshot_values_are_quoted_as_json_in_messages() {
    let messages = |doc: serde_json::Value| -> Vec<String> {
        let errors = Engine::from_json(&doc.to_string()).unwrap_err();
        errors.iter().map(|p| p.kind.to_string()).collect()
    };
    let settings = |value: serde_json::Value| {
        messages(json!({
            "version": 1,
            "organizations": [{ "name": "acme", "settings": { "defaultStackPermission": value } }]
        }))
    };
    let quoted = settings(json!("r\"w\n\u{1}\\"));
    assert_eq!(quoted.len(), 1, "{quoted:?}");
    assert!(quoted[0].contains(r#""r\"w\n\u0001\\""#), "{quoted:?}");
    let long = settings(json!("x".repeat(100)));
    assert!(long[0].contains(&format!("\"{}\"", "x".repeat(64))), "{long:?}");
    assert!(!long[0].contains(&"x".repeat(65)), "{long:?}");
    let version = messages(json!({ "version": "1" }));
    assert_eq!(version, ["snapshot version `\"1\"` is not supported (expected 1)"]);
    let version = messages(json!({ "version": 2.5 }));
    assert_eq!(version, ["snapshot version `2.5` is not supported (expected 1)"]);
}
