//! Decision records: one per decision with the documented fields, in both written forms, and
//! never a token string or secret (checked over every token vector).

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use scopegate::{Engine, Permission};
use scopegate::{MemorySink, RecordContext, RecordKind, Semantics, SettingsPatch};
use serde_json::{Value, json};

fn engine() -> Engine {
    common::single_org(json!({
        "name": "acme",
        "settings": { "defaultStackPermission": "read" },
        "members": [{ "login": "ada", "role": "admin" }, { "login": "max" }],
        "teams": [{ "name": "web", "members": ["max"], "stacks": { "app/prod": "write" } }],
        "stacks": [{ "project": "app", "name": "prod" }],
        "tokens": [{ "id": "ci-1", "kind": "organization", "name": "ci", "role": "member" }],
    }))
}

fn context() -> RecordContext {
    RecordContext {
        now: 1_700_000_000,
        request_id: Some("req-7".into()),
        source_ip: Some("203.0.113.9".into()),
    }
}

#[test]
fn every_question_gives_one_record_with_its_fields() {
    let engine = engine();
    let sink = MemorySink::default();
    let recording = engine.with_sink(&sink, context());
    assert!(recording.check("max", "stack:write", "acme/app/prod"));
    assert!(!recording.explain("token:ci-1", "organization:update", "acme").is_allowed());
    let items = [("max", "stack:read", "acme/app/prod"), ("nobody", "stack:read", "acme/app/prod")];
    assert_eq!(recording.evaluate(items, Semantics::ExecuteAll), [true, false]);
    let records = sink.take();
    assert_eq!(records.len(), 4);
    let first = &records[0];
    assert_eq!((first.kind, first.timestamp, first.allowed), (RecordKind::Check, 1_700_000_000, true));
    assert_eq!(first.user.as_deref(), Some("max"));
    assert_eq!((first.action.as_ref(), first.resource.as_ref()), ("stack:write", "acme/app/prod"));
    assert_eq!(first.reasons, ["team_grant"]);
    assert_eq!(first.request_id.as_deref(), Some("req-7"));
    assert_eq!(first.revision, engine.revision());
    let second = &records[1];
    assert_eq!((second.kind, second.allowed), (RecordKind::Explain, false));
    assert_eq!((second.token_id.as_deref(), second.token_name.as_deref()), (Some("ci-1"), Some("ci")));
    assert_eq!(second.user, None);
    assert_eq!(second.reasons, ["missing_scope"]);
    assert!(second.req_org_admin);
    assert_eq!(records[2].kind, RecordKind::Evaluate);
    // An unknown principal is not copied into the record.
    assert_eq!((records[3].user.as_ref(), records[3].token_id.as_ref()), (None, None));
    assert_eq!(records[3].reasons, ["unknown_principal"]);
    // The answers are the engine's.
    assert_eq!(engine.check("max", "stack:write", "acme/app/prod"), first.allowed);
}

#[test]
fn management_actions_are_recorded_applied_and_refused() {
    let mut engine = engine();
    let sink = MemorySink::default();
    let mut recording = engine.with_sink_mut(&sink, context());
    let patch = SettingsPatch { members_can_create_teams: Some(true), ..Default::default() };
    let refused = recording.update_settings("max", "acme", &patch);
    assert_eq!(common::forbidden_deny_code(&common::assert_forbidden(refused)), Some("missing_scope"));
    recording.update_settings("ada", "acme", &patch).unwrap();
    recording.set_stack_permission("ada", "acme/app/prod", "max", Permission::Admin).unwrap();
    let records = sink.take();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0].reasons, ["forbidden", "missing_scope"]);
    assert!(!records[0].allowed && records[0].req_org_admin);
    let event = records[0].to_audit_event();
    assert_eq!(event["event"], "auth-failure-update-settings");
    assert_eq!(event["authFailure"], true);
    assert!(event["description"].as_str().unwrap().starts_with("Auth Failure"));
    assert_eq!((records[1].allowed, records[1].reasons.clone()), (true, vec!["org_admin".into()]));
    assert_eq!(records[2].action, "set_stack_permission");
    assert!(records[2].req_stack_admin);
    assert!(engine.settings("acme").unwrap().members_can_create_teams);
}

#[test]
fn the_audit_event_carries_pulumis_fields() {
    let engine = engine();
    let sink = MemorySink::default();
    engine.with_sink(&sink, context()).check("token:ci-1", "stack:read", "acme/app/prod");
    let record = &sink.take()[0];
    let line = record.to_json_line();
    assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
    let event: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(event["timestamp"], 1_700_000_000);
    assert_eq!(event["sourceIP"], "203.0.113.9");
    assert_eq!(event["event"], "authorization");
    assert_eq!(event["tokenID"], "ci-1");
    assert_eq!(event["tokenName"], "ci");
    assert_eq!(event["actorName"], "ci");
    assert_eq!(event["reqOrgAdmin"], false);
    assert_eq!(event["reqStackAdmin"], false);
    assert_eq!(event["requestID"], "req-7");
    assert_eq!(event["reasons"], json!(["default_permission"]));
    assert!(event.get("authFailure").is_none());
    // The record itself round-trips through serde.
    let text = serde_json::to_string(record).unwrap();
    let back: scopegate::DecisionRecord<'static> = serde_json::from_str(&text).unwrap();
    assert_eq!(&back, record);
}

#[test]
fn cef_lines_escape_what_the_format_reserves() {
    let engine = common::single_org(json!({
        "name": "acme",
        "settings": { "defaultStackPermission": "none" },
        "members": [{ "login": "max" }],
        "stacks": [{ "project": "app", "name": "prod" }],
    }));
    let sink = MemorySink::default();
    let context = RecordContext { now: 5, request_id: Some("a=b|c\\d\ne".into()), source_ip: None };
    engine.with_sink(&sink, context).check("max", "stack:write", "acme/app/prod");
    let cef = sink.take()[0].to_cef();
    assert!(cef.starts_with(&format!(
        "CEF:0|Pulumi|scopegate|{}|auth-failure-authorization|",
        env!("CARGO_PKG_VERSION")
    )));
    // Seven header fields before the severity; `|` needs no escape in the extension.
    let (head, _) = cef.split_once("|7|rt=").unwrap();
    assert_eq!(head.split('|').count(), 6, "{cef}");
    assert!(cef.contains("|7|rt=5000 suser=max "), "{cef}");
    assert!(cef.contains("externalId=a\\=b|c\\\\d\\ne"), "{cef}");
    assert!(!cef.contains('\n'));
}

/// Every 16-character piece of every credential and HS256 secret of the token vectors.
fn secret_pieces(vectors: &Value) -> BTreeSet<String> {
    let mut secrets: Vec<String> = vectors["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["credential"].as_str().unwrap().split_whitespace().last().unwrap_or_default().to_string())
        .filter(|t| t.chars().count() >= 16)
        .collect();
    for key in vectors["snapshot"]["signing"]["keys"].as_array().unwrap() {
        if let Some(secret) = key["secret"].as_str() {
            secrets.push(secret.to_string());
        }
    }
    secrets
        .iter()
        .flat_map(|s| {
            let chars: Vec<char> = s.chars().collect();
            chars.windows(16).map(|w| w.iter().collect::<String>()).collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn no_record_holds_a_token_string_or_secret() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tokens/vectors.json");
    let vectors: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let engine = Engine::from_value(&vectors["snapshot"]).unwrap();
    let pieces = secret_pieces(&vectors);
    let sink = MemorySink::default();
    let cases = vectors["cases"].as_array().unwrap();
    let (mut accepted, mut refused) = (0, 0);
    for case in cases {
        let now = case.get("now").unwrap_or(&vectors["now"]).as_u64().unwrap();
        let credential = case["credential"].as_str().unwrap();
        let recording = engine.with_sink(&sink, RecordContext { now, ..RecordContext::default() });
        let org = case.get("org").and_then(Value::as_str);
        match recording.authenticate(credential, now, org) {
            Ok(found) => {
                accepted += 1;
                // A question asked with the credential by mistake, and one as the principal.
                recording.check(credential, "stack:read", "acme/app/prod");
                if let Some(principal) = &found.principal_name {
                    recording.check(principal, "stack:read", "acme/app/prod");
                }
            }
            Err(_) => refused += 1,
        }
    }
    assert!(accepted >= 5 && refused >= 50, "{accepted} accepted, {refused} refused");
    let records = sink.take();
    assert!(records.len() >= cases.len());
    let auth_failures = records.iter().filter(|r| r.kind == RecordKind::Authenticate && !r.allowed).count();
    assert_eq!(auth_failures, refused);
    for record in &records {
        for text in [
            serde_json::to_string(record).unwrap(),
            record.to_json_line(),
            record.to_cef(),
            format!("{record:?}"),
        ] {
            let chars: Vec<char> = text.chars().collect();
            for window in chars.windows(16) {
                let window: String = window.iter().collect();
                assert!(!pieces.contains(&window), "a record repeats a secret: {text}");
            }
        }
    }
    // Accepted tokens are named by id.
    assert!(records.iter().any(|r| r.kind == RecordKind::Authenticate && r.allowed && r.token_id.is_some()));
}
