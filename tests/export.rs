//! Exporting the indexed state and loading it again gives an engine that answers alike,
//! including after changes applied in place; HS256 secrets are exported only when asked for.

use scopegate::ExportOptions;
use scopegate::SettingsPatch;
use scopegate::testing::Catalog;
use scopegate::{Engine, EntityKind, Permission};

const DEMO: &str = include_str!("fixtures/demo.json");

fn principals() -> Vec<String> {
    let mut out: Vec<String> =
        ["ada", "max", "tess", "dev", "bill", "nora", "ghost"].iter().map(|s| s.to_string()).collect();
    for id in [
        "pat-max-1",
        "org-ci",
        "org-admin-bot",
        "org-deployer",
        "team-platform-ci",
        "team-web-deploy",
        "org-old",
    ] {
        out.push(format!("token:{id}"));
    }
    out
}

/// Every answer of the engine over the demo's principals, all scopes and all resources.
fn answers(engine: &Engine) -> Vec<(String, &'static str, String, bool)> {
    let catalog = Catalog::new();
    let snapshot = engine.to_value();
    let mut resources = Vec::new();
    for org in snapshot["organizations"].as_array().unwrap() {
        let name = org["name"].as_str().unwrap();
        resources.push((None, name.to_string()));
        for team in org["teams"].as_array().unwrap() {
            resources.push((None, format!("{name}/{}", team["name"].as_str().unwrap())));
        }
        for (field, kind) in [("stacks", EntityKind::Stack), ("environments", EntityKind::Environment)] {
            for e in org[field].as_array().unwrap() {
                let full =
                    format!("{name}/{}/{}", e["project"].as_str().unwrap(), e["name"].as_str().unwrap());
                resources.push((Some(kind), full));
            }
        }
    }
    let mut out = Vec::new();
    for p in principals() {
        for (kind, resource) in &resources {
            let scopes: Vec<&'static str> = match kind {
                Some(k) => catalog.entity_scopes(*k).map(|s| catalog.entity_scope_name(s)).collect(),
                None => catalog.org_scopes().map(|s| catalog.org_scope_name(s)).collect(),
            };
            for scope in scopes {
                out.push((p.clone(), scope, resource.clone(), engine.check(&p, scope, resource)));
            }
        }
    }
    out
}

#[track_caller]
fn assert_round_trip(engine: &Engine) {
    let reloaded =
        Engine::from_json(&engine.to_json()).unwrap_or_else(|e| panic!("export does not reload: {e}"));
    let before = answers(engine);
    let after = answers(&reloaded);
    assert_eq!(before.len(), after.len());
    let allowed = before.iter().filter(|a| a.3).count();
    assert!(allowed > 100 && allowed < before.len(), "the demo should mix allows and denies");
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a, b, "answer changed by export and reload");
    }
    assert_eq!(reloaded.to_value(), engine.to_value(), "export is stable");
}

#[test]
fn demo_snapshot_round_trips() {
    let engine = Engine::from_json(DEMO).unwrap();
    assert_round_trip(&engine);
}

#[test]
fn changes_applied_in_place_round_trip() {
    let mut engine = Engine::from_json(DEMO).unwrap();
    let patch = SettingsPatch { default_stack_permission: Some(Permission::None), ..Default::default() };
    engine.update_settings("ada", "acme", &patch).unwrap();
    engine.create_team("ada", "acme", "ops").unwrap();
    engine.set_team_member("ada", "acme", "ops", "nora", true).unwrap();
    engine
        .set_team_permission("nora", "acme", "ops", EntityKind::Stack, "identity/prod", Permission::Write)
        .unwrap();
    engine.create_stack("token:org-ci", "acme", "jobs", "nightly", &[("env", "dev")]).unwrap();
    engine.set_stack_permission("ada", "acme/jobs/nightly", "max", Permission::Read).unwrap();
    engine.delete_stack("ada", "acme/identity/staging").unwrap();
    engine.remove_member("ada", "acme", "dev").unwrap();
    engine.delete_team("ada", "acme", "web").unwrap();
    engine.transfer_stack("max", "acme/website/prod", "globex").unwrap();
    assert!(engine.check("nora", "stack:write", "acme/identity/prod"));
    assert!(!engine.check("token:org-ci", "stack:delete", "acme/jobs/nightly"), "delete toggle is off");
    assert!(engine.check("token:org-ci", "stack_access:update", "acme/jobs/nightly"), "creator grant");
    assert!(!engine.check("token:team-web-deploy", "stack:read", "acme/docs-site/prod"), "team deleted");
    assert!(engine.check("max", "stack:read", "globex/website/prod"));
    assert_round_trip(&engine);
}

/// The demo with an Ed25519 and an HS256 verification key.
fn demo_with_keys(secret: &[u8; 32]) -> (Engine, scopegate::SigningKey) {
    use base64::Engine as _;
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let ed = scopegate::SigningKey::ed25519("ed-1", &[3; 32]);
    let mut doc: serde_json::Value = serde_json::from_str(DEMO).unwrap();
    doc["signing"] = serde_json::json!({ "keys": [
        { "kid": "ed-1", "alg": "EdDSA", "publicKey": b64(&ed.public_key().unwrap()) },
        { "kid": "hs-1", "alg": "HS256", "secret": b64(secret) },
    ] });
    (Engine::from_value(&doc).unwrap(), scopegate::SigningKey::hs256("hs-1", secret))
}

#[test]
fn the_default_export_holds_no_secret() {
    let secret = [7u8; 32];
    let (engine, _) = demo_with_keys(&secret);
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(secret);
    let export = engine.to_json();
    assert!(!export.contains(&encoded), "the default export carries the HS256 secret");
    assert!(!export.contains("HS256"), "the default export leaves HS256 keys out");
    assert!(export.contains("ed-1"), "Ed25519 public keys stay");
    assert_eq!(engine.to_value(), serde_json::from_str::<serde_json::Value>(&export).unwrap());
    let asked = engine.to_json_with(ExportOptions { include_secrets: true });
    assert!(asked.contains(&encoded), "asked for, the export carries the secret");
}

#[test]
fn an_export_with_secrets_round_trips_signed_tokens() {
    let (mut engine, hs) = demo_with_keys(&[9u8; 32]);
    let request = scopegate::MintRequest { expires: Some(NOW + 600), ..Default::default() };
    let minted = engine.mint_signed("max", &request, NOW, &hs).unwrap();
    let before = engine.authenticate(&minted.token, NOW, None).unwrap();
    let with_secrets = engine.to_json_with(ExportOptions { include_secrets: true });
    let reloaded = Engine::from_json(&with_secrets).unwrap();
    // The same answer, but for the principal, which belongs to the engine that resolved it.
    let after = reloaded.authenticate(&minted.token, NOW, None).unwrap();
    let described = |a: &scopegate::Authenticated| {
        (
            a.principal_name.clone(),
            a.token_id.clone(),
            a.kind,
            a.organization.clone(),
            a.subject.clone(),
            a.expires,
            a.signed,
        )
    };
    assert_eq!(described(&after), described(&before));
    assert_ne!(after.principal, before.principal);
    assert_eq!(Some(after.principal), reloaded.resolve_principal("max"));
    assert_eq!(answers(&reloaded), answers(&engine));
    // Without secrets the HS256 key is gone: its tokens are refused, everything else answers alike.
    let without = Engine::from_json(&engine.to_json()).unwrap();
    let refused = without.authenticate(&minted.token, NOW, None).unwrap_err();
    assert_eq!(refused.code().as_str(), "algorithm_not_allowed");
    assert_eq!(answers(&without), answers(&engine));
}

const NOW: u64 = 1_800_000_000;
