//! Exporting the indexed state and loading it again gives an engine that answers alike,
//! including after changes applied in place.

use scopegate::catalog::Catalog;
use scopegate::engine::SettingsPatch;
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
