//! Changes as data, signed deltas and revisions: management actions raise the revision and
//! record their change; `changes_since` publishes them; `apply_delta` verifies, checks the base
//! revision and expiry, and applies all or nothing.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use scopegate::{Change, Delta};
use scopegate::{Engine, EntityKind, Permission};
use scopegate::{SigningKey, sign_snapshot};
use serde_json::json;

const DEMO: &str = include_str!("fixtures/demo.json");
const NOW: u64 = 1_800_000_000;

fn key(seed: u8) -> SigningKey {
    SigningKey::ed25519("origin", &[seed; 32])
}

fn public(seed: u8) -> [u8; 32] {
    key(seed).public_key().unwrap()
}

fn demo() -> Engine {
    Engine::from_json(DEMO).unwrap()
}

/// Signs a delta document as an origin publishes it.
fn signed(delta: &Delta) -> (String, String) {
    let text = delta.to_json();
    let signature = sign_snapshot(&text, &key(1)).unwrap();
    (text, signature)
}

fn apply(engine: &mut Engine, delta: &Delta) -> Result<u64, scopegate::DeltaError> {
    let (text, signature) = signed(delta);
    engine.apply_delta(&text, &signature, &public(1), NOW)
}

/// Every answer of a set of principals on every stack of `acme`, for comparisons.
fn answers(engine: &Engine) -> Vec<bool> {
    let principals =
        ["ada", "max", "tess", "dev", "bill", "nora", "token:org-ci", "token:team-web-deploy", "zoe"];
    let stacks = ["network/prod", "website/prod", "website/staging", "billing-api/prod", "app/new"];
    let scopes = ["stack:read", "stack:write", "stack:delete", "stack_access:update"];
    let mut out = Vec::new();
    for p in principals {
        for s in stacks {
            for scope in scopes {
                out.push(engine.check(p, scope, &format!("acme/{s}")));
            }
        }
        out.push(engine.check(p, "org_member:add", "acme"));
        out.push(engine.check(p, "team:update", "acme/web"));
    }
    out
}

#[test]
fn every_action_raises_the_revision_and_records_its_change() {
    let mut origin = demo();
    let start = origin.revision();
    origin.add_member("ada", "acme", "zoe", "member").unwrap();
    origin.set_team_member("ada", "acme", "web", "zoe", false).unwrap();
    origin
        .set_team_permission("ada", "acme", "web", EntityKind::Stack, "network/prod", Permission::Write)
        .unwrap();
    // A refused action changes nothing and records nothing.
    assert!(origin.add_member("max", "acme", "eve", "member").is_err());
    assert_eq!(origin.revision(), start + 3);
    let delta = origin.changes_since(start).unwrap();
    assert_eq!((delta.base_revision, delta.revision, delta.changes.len()), (start, start + 3, 3));
    assert_eq!(
        delta.changes[0],
        Change::AddMember { org: "acme".into(), login: "zoe".into(), role: "member".into() }
    );
    let wire: serde_json::Value = serde_json::from_str(&delta.to_json()).unwrap();
    assert_eq!(
        wire["changes"][1],
        json!({ "op": "setTeamMember", "org": "acme", "team": "web", "login": "zoe", "admin": false })
    );
    assert_eq!(origin.changes_since(start + 3).unwrap().changes, []);
    assert_eq!(origin.changes_since(start + 4).unwrap_err().code().as_str(), "changes_unavailable");
}

#[test]
fn a_follower_applying_the_delta_answers_like_the_origin() {
    let mut origin = demo();
    let mut follower = demo();
    let start = origin.revision();
    origin.add_member("ada", "acme", "zoe", "admin").unwrap();
    origin.create_team("ada", "acme", "ops").unwrap();
    origin.set_team_member("ada", "acme", "ops", "nora", true).unwrap();
    origin.create_stack("ada", "acme", "app", "new", &[("env", "prod")]).unwrap();
    origin.set_stack_permission("ada", "acme/app/new", "max", Permission::Admin).unwrap();
    origin.remove_creator_grant("ada", "acme/network/prod").unwrap();
    origin.transfer_stack("max", "acme/website/staging", "globex").unwrap();
    origin.delete_token("ada", "team-web-deploy").unwrap();
    origin.remove_member("ada", "acme", "tess").unwrap();
    let before = answers(&follower);
    let revision = apply(&mut follower, &origin.changes_since(start).unwrap()).unwrap();
    assert_eq!(revision, origin.revision());
    assert_eq!(follower.revision(), origin.revision());
    assert_eq!(answers(&follower), answers(&origin));
    assert_ne!(answers(&follower), before, "the changes changed some answers");
    assert_eq!(follower.to_json(), origin.to_json());
    // The follower can publish the same changes onward.
    assert_eq!(follower.changes_since(start).unwrap(), origin.changes_since(start).unwrap());
}

#[test]
fn minted_tokens_travel_as_records_and_validate_on_the_follower() {
    let mut origin = demo();
    let mut follower = demo();
    let start = origin.revision();
    let request = scopegate::MintRequest {
        kind: Some(scopegate::TokenKind::Organization),
        org: Some("acme".into()),
        name: Some("delta-bot".into()),
        expires: Some(NOW + 3600),
        ..Default::default()
    };
    let minted = origin.mint_opaque_from("ada", &request, NOW, [7; 20], [9; 16]).unwrap();
    apply(&mut follower, &origin.changes_since(start).unwrap()).unwrap();
    let found = follower.authenticate(&minted.token, NOW, Some("acme")).unwrap();
    assert_eq!(found.token_id, minted.id);
    assert_eq!(follower.to_json(), origin.to_json());
}

#[test]
fn a_delta_with_one_bad_change_changes_nothing() {
    let mut follower = demo();
    let before = (follower.to_json(), answers(&follower), follower.revision());
    let base = follower.revision();
    let changes = vec![
        Change::AddMember { org: "acme".into(), login: "zoe".into(), role: "admin".into() },
        Change::SetStackPermission {
            stack: "acme/website/prod".into(),
            login: "zoe".into(),
            permission: "admin".into(),
        },
        Change::RemoveMember { org: "acme".into(), login: "ghost".into() },
    ];
    let delta = Delta { version: 1, base_revision: base, revision: base + 3, changes, not_after: None };
    let err = apply(&mut follower, &delta).unwrap_err();
    assert_eq!(err.code().as_str(), "not_found");
    assert!(err.to_string().starts_with("changes[2].login: "), "{err}");
    assert_eq!((follower.to_json(), answers(&follower), follower.revision()), before);
}

#[test]
fn a_change_is_checked_as_the_loader_checks_it() {
    let mut engine = demo();
    let base = engine.revision();
    let cases = [
        (
            json!({ "op": "addMember", "org": "acme", "login": "bad login!", "role": "member" }),
            "invalid_argument",
            "changes[0].login",
        ),
        (json!({ "op": "addMember", "org": "acme", "login": "zoe" }), "missing_field", "changes[0]"),
        (
            json!({ "op": "addMember", "org": "acme", "login": "zoe", "role": "member", "extra": 1 }),
            "unknown_field",
            "changes[0].extra",
        ),
        (json!({ "op": "makeCoffee" }), "invalid_value", "changes[0].op"),
        (
            json!({ "op": "setTeamPermission", "org": "acme", "team": "web", "kind": "stack", "entity": "website/prod", "permission": "open" }),
            "invalid_argument",
            "changes[0].permission",
        ),
        (
            json!({ "op": "addToken", "org": "acme", "token": { "id": "t-new", "kind": "team", "name": "x", "team": "nope" } }),
            "dangling_reference",
            "changes[0].token.team",
        ),
        (
            json!({ "op": "addKey", "key": { "kid": "k1", "alg": "RS256", "publicKey": "AAAA" } }),
            "invalid_value",
            "changes[0].key.alg",
        ),
        (json!({ "op": "removeKey", "kid": "none-such" }), "not_found", "changes[0].kid"),
    ];
    for (change, code, path) in cases {
        let text = json!({ "version": 1, "baseRevision": base, "revision": base + 1, "changes": [change] })
            .to_string();
        let signature = sign_snapshot(&text, &key(1)).unwrap();
        let err = engine.apply_delta(&text, &signature, &public(1), NOW).unwrap_err();
        assert_eq!(err.code().as_str(), code, "{text}: {err}");
        assert!(err.to_string().contains(&format!("{path}:")), "{text}: {err}");
        assert_eq!(engine.revision(), base);
    }
}

#[test]
fn a_change_takes_only_its_operation_s_fields_each_once_and_of_their_type() {
    let mut engine = demo();
    let base = engine.revision();
    let cases = [
        (
            r#"{"op":"addMember","org":"acme","login":"zoe","login":"yan","role":"member"}"#,
            "duplicate",
            "changes[1].login",
        ),
        (
            r#"{"op":"addMember","org":"acme","login":"zoe","role":"member","stack":"a/b/c"}"#,
            "unknown_field",
            "changes[1].stack",
        ),
        (r#"{"org":"acme","login":"zoe"}"#, "missing_field", "changes[1]"),
        (r#"{"op":"createTeam","org":"acme","team":"new","admin":true}"#, "wrong_type", "changes[1].admin"),
        (
            r#"{"op":"setTeamMember","org":"acme","team":"web","login":"ada","admin":"ada"}"#,
            "wrong_type",
            "changes[1].admin",
        ),
        (r#"{"op":"addMember","org":"acme","login":5,"role":"member"}"#, "wrong_type", "changes[1].login"),
    ];
    let first = r#"{"op":"revokeToken","id":"org-ci"}"#;
    for (change, code, path) in cases {
        let revision = base + 2;
        let text = format!(
            r#"{{"version":1,"baseRevision":{base},"revision":{revision},"changes":[{first},{change}]}}"#
        );
        let signature = sign_snapshot(&text, &key(1)).unwrap();
        let err = engine.apply_delta(&text, &signature, &public(1), NOW).unwrap_err();
        assert_eq!(err.code().as_str(), code, "{text}: {err}");
        assert!(err.to_string().contains(&format!("{path}:")), "{text}: {err}");
        assert_eq!(engine.revision(), base);
    }
    let text = format!(r#"{{"version":1,"version":1,"baseRevision":{base},"revision":{base},"changes":[]}}"#);
    let signature = sign_snapshot(&text, &key(1)).unwrap();
    let err = engine.apply_delta(&text, &signature, &public(1), NOW).unwrap_err();
    assert_eq!(err.code().as_str(), "duplicate", "{err}");

    // A change read alone: its problems are named from the change itself.
    let err =
        Change::from_json(r#"{"op":"addKey","key":{"kid":"k9","alg":"EdDSA"},"kid":"k9"}"#).unwrap_err();
    assert_eq!((err.path.as_str(), err.code().as_str()), ("kid", "unknown_field"));
    let err = Change::from_json(r#"{"op":"setTeamRole","org":"acme","team":"web","role":"r"}"#).unwrap_err();
    assert_eq!((err.path.as_str(), err.code().as_str()), ("", "missing_field"));
    assert!(err.to_string().contains("`assigned`"), "{err}");
    let change =
        Change::from_json(r#"{"admin":true,"login":"ada","team":"web","org":"acme","op":"setTeamMember"}"#);
    let expected =
        Change::SetTeamMember { org: "acme".into(), team: "web".into(), login: "ada".into(), admin: true };
    assert_eq!(change.unwrap(), expected);
}

#[test]
fn gaps_replays_expired_and_badly_signed_deltas_are_refused() {
    let mut origin = demo();
    let start = origin.revision();
    origin.add_member("ada", "acme", "zoe", "member").unwrap();
    let first = origin.changes_since(start).unwrap();
    origin.add_member("ada", "acme", "yan", "member").unwrap();
    let second = origin.changes_since(start + 1).unwrap();

    let mut follower = demo();
    assert_eq!(apply(&mut follower, &second).unwrap_err().code().as_str(), "delta_gap");
    let expired = Delta { not_after: Some(NOW - 1), ..first.clone() };
    assert_eq!(apply(&mut follower, &expired).unwrap_err().code().as_str(), "delta_expired");
    let (text, _) = signed(&first);
    let by_other = sign_snapshot(&text, &key(2)).unwrap();
    for signature in [by_other.as_str(), "", "AAAA"] {
        let err = follower.apply_delta(&text, signature, &public(1), NOW).unwrap_err();
        assert_eq!(err.code().as_str(), "delta_signature_invalid");
    }
    let tampered = text.replace("zoe", "eve");
    let (_, signature) = signed(&first);
    let err = follower.apply_delta(&tampered, &signature, &public(1), NOW).unwrap_err();
    assert_eq!(err.code().as_str(), "delta_signature_invalid");
    assert_eq!(follower.revision(), start, "nothing refused was applied");

    let still_valid = Delta { not_after: Some(NOW), ..first.clone() };
    assert_eq!(apply(&mut follower, &still_valid).unwrap(), start + 1);
    assert_eq!(follower.not_after(), Some(NOW));
    assert_eq!(apply(&mut follower, &first).unwrap_err().code().as_str(), "delta_replay");
    assert_eq!(apply(&mut follower, &second).unwrap(), start + 2);
    assert!(follower.check("yan", "org_member:read", "acme"));
}

#[test]
fn a_delta_revision_counts_its_changes() {
    let mut engine = demo();
    let base = engine.revision();
    let text = json!({ "version": 1, "baseRevision": base, "revision": base + 2, "changes": [
        { "op": "revokeToken", "id": "org-ci" }
    ] })
    .to_string();
    let signature = sign_snapshot(&text, &key(1)).unwrap();
    let err = engine.apply_delta(&text, &signature, &public(1), NOW).unwrap_err();
    assert_eq!((err.code().as_str(), err.to_string().contains("revision")), ("invalid_value", true));
    let text = json!({ "version": 2, "baseRevision": base, "revision": base, "changes": [] }).to_string();
    let signature = sign_snapshot(&text, &key(1)).unwrap();
    let err = engine.apply_delta(&text, &signature, &public(1), NOW).unwrap_err();
    assert_eq!(err.code().as_str(), "unsupported_version");
}

#[test]
fn revisions_above_two_to_the_53_stay_exact() {
    let big = (1u64 << 53) + 1;
    let text = DEMO.replacen("\"revision\": 1", &format!("\"revision\": {big}"), 1);
    let mut origin = Engine::from_json(&text).unwrap();
    let mut follower = origin.clone();
    assert_eq!(origin.revision(), big);
    origin.add_member("ada", "acme", "zoe", "member").unwrap();
    let delta = origin.changes_since(big).unwrap();
    assert!(delta.to_json().contains(&format!("\"revision\":{}", big + 1)));
    assert_eq!(apply(&mut follower, &delta).unwrap(), big + 1);
}

#[test]
fn trusted_changes_apply_all_or_nothing() {
    let revoked =
        |engine: &Engine| engine.to_value()["revokedTokenIds"].as_array().cloned().unwrap_or_default();
    let mut engine = demo();
    let base = engine.revision();
    let good = Change::RevokeToken { id: "org-ci".into() };
    let bad = Change::DeleteStack { stack: "acme/none/such".into() };
    let err = engine.apply_changes(vec![good.clone(), bad]).unwrap_err();
    assert_eq!(err.code().as_str(), "not_found");
    assert!(err.to_string().starts_with("changes[1].stack: "), "{err}");
    assert_eq!((engine.revision(), revoked(&engine)), (base, vec![]));
    assert_eq!(engine.apply_changes(vec![good]).unwrap(), base + 1);
    assert_eq!(revoked(&engine), vec![json!("org-ci")]);
}

#[test]
fn signing_keys_change_by_delta() {
    let mut engine = demo();
    let token_key = SigningKey::ed25519("k-new", &[5; 32]);
    let public_key = URL_SAFE_NO_PAD.encode(token_key.public_key().unwrap());
    let add = json!({ "op": "addKey", "key": { "kid": "k-new", "alg": "EdDSA", "publicKey": public_key } });
    let add = Change::from_json(&add.to_string()).unwrap();
    engine.apply_changes(vec![add.clone()]).unwrap();
    assert_eq!(engine.to_value()["signing"]["keys"][0]["kid"], "k-new");
    assert_eq!(engine.apply_changes(vec![add]).unwrap_err().code().as_str(), "conflict");
    engine.apply_changes(vec![Change::RemoveKey { kid: "k-new".into() }]).unwrap();
    assert!(engine.to_value()["signing"]["keys"].as_array().is_none_or(Vec::is_empty));
}

#[test]
fn an_expired_signed_snapshot_is_refused_after_its_not_after() {
    let text = DEMO.replacen("\"revision\": 1", &format!("\"revision\": 1, \"notAfter\": {NOW}"), 1);
    let signature = sign_snapshot(&text, &key(1)).unwrap();
    let engine = Engine::from_signed_json_at(&text, &signature, &public(1), NOW).unwrap();
    assert_eq!(engine.not_after(), Some(NOW));
    assert!(engine.to_json().contains(&format!("\"notAfter\":{NOW}")));
    let err = Engine::from_signed_json_at(&text, &signature, &public(1), NOW + 1).unwrap_err();
    assert_eq!(err.code().as_str(), "snapshot_expired");
    assert_eq!(err.first().unwrap().path, "notAfter");
}

#[test]
fn a_later_change_sees_what_an_earlier_one_of_the_delta_made() {
    let mut follower = demo();
    let base = follower.revision();
    let changes = vec![
        Change::CreateTeam { org: "acme".into(), team: "ops".into(), admin: None },
        Change::SetTeamMember { org: "acme".into(), team: "ops".into(), login: "tess".into(), admin: false },
        Change::SetTeamPermission {
            org: "acme".into(),
            team: "ops".into(),
            kind: "stack".into(),
            entity: "identity/prod".into(),
            permission: "write".into(),
        },
    ];
    assert!(!follower.check("tess", "stack:write", "acme/identity/prod"));
    let delta = Delta { version: 1, base_revision: base, revision: base + 3, changes, not_after: None };
    assert_eq!(apply(&mut follower, &delta).unwrap(), base + 3);
    assert!(follower.check("tess", "stack:write", "acme/identity/prod"));
    assert!(!follower.check("nora", "stack:write", "acme/identity/prod"));
    // The same changes made as actions give the same state.
    let mut origin = demo();
    origin.create_team("ada", "acme", "ops").unwrap();
    origin.remove_team_member("ada", "acme", "ops", "ada").unwrap();
    origin.set_team_member("ada", "acme", "ops", "tess", false).unwrap();
    origin
        .set_team_permission("ada", "acme", "ops", EntityKind::Stack, "identity/prod", Permission::Write)
        .unwrap();
    assert_eq!(answers(&follower), answers(&origin));
}

#[test]
fn a_last_change_refused_after_the_others_applied_changes_nothing() {
    let mut follower = demo();
    let before = (follower.to_json(), answers(&follower), follower.revision());
    let base = follower.revision();
    // Each change passes against the state the delta starts from; the last one is refused
    // only once the first has made `zoe` a member.
    let changes = vec![
        Change::AddMember { org: "acme".into(), login: "zoe".into(), role: "member".into() },
        Change::SetStackPermission {
            stack: "acme/website/prod".into(),
            login: "max".into(),
            permission: "admin".into(),
        },
        Change::AddMember { org: "acme".into(), login: "zoe".into(), role: "admin".into() },
    ];
    let delta = Delta { version: 1, base_revision: base, revision: base + 3, changes, not_after: None };
    let err = apply(&mut follower, &delta).unwrap_err();
    assert_eq!(err.code().as_str(), "conflict");
    assert!(err.to_string().starts_with("changes[2].login: "), "{err}");
    assert_eq!((follower.to_json(), answers(&follower), follower.revision()), before);
    // A refused last change of independent changes: nothing applied either.
    let changes = vec![
        Change::SetStackPermission {
            stack: "acme/website/prod".into(),
            login: "max".into(),
            permission: "admin".into(),
        },
        Change::RevokeToken { id: "org-ci".into() },
        Change::SetStackPermission {
            stack: "acme/website/prod".into(),
            login: "bill".into(),
            permission: "read".into(),
        },
    ];
    let err = follower.apply_changes(changes).unwrap_err();
    assert_eq!(err.code().as_str(), "conflict");
    assert!(err.to_string().starts_with("changes[2].login: "), "{err}");
    assert_eq!((follower.to_json(), answers(&follower), follower.revision()), before);
}

#[test]
fn a_refused_single_change_leaves_the_whole_state_as_it_was() {
    // A delta of one change is applied in place (no copy of the state): each refusal must come
    // before any mutation, so the exported state is byte for byte the same afterwards.
    let mut engine = demo();
    let before = engine.to_json();
    let base = engine.revision();
    let changes = [
        json!({ "op": "addMember", "org": "acme", "login": "max", "role": "member" }),
        json!({ "op": "addMember", "org": "acme", "login": "zoe", "role": "no-such-role" }),
        json!({ "op": "addMember", "org": "nowhere", "login": "zoe", "role": "member" }),
        json!({ "op": "setTeamPermission", "org": "acme", "team": "nope", "kind": "stack", "entity": "website/prod", "permission": "write" }),
        json!({ "op": "setStackPermission", "stack": "acme/website/prod", "login": "ghost", "permission": "read" }),
        json!({ "op": "createTeam", "org": "acme", "team": "web" }),
        json!({ "op": "deleteStack", "stack": "acme/nope/nope" }),
        json!({ "op": "transferStack", "stack": "acme/website/prod", "destination": "nowhere" }),
        json!({ "op": "removeKey", "kid": "none-such" }),
        json!({ "op": "deleteToken", "id": "none-such" }),
    ];
    for change in changes {
        let text = json!({ "version": 1, "baseRevision": base, "revision": base + 1, "changes": [change] })
            .to_string();
        let signature = sign_snapshot(&text, &key(1)).unwrap();
        assert!(engine.apply_delta(&text, &signature, &public(1), NOW).is_err(), "{text} applied");
        assert_eq!(engine.to_json(), before, "{text} left a trace");
    }
}
