//! Snapshot loading: any text must either load or come back as typed errors, never panic.
//! What loads must export, reload, export the same again, and answer alike after the reload.

#![no_main]

use libfuzzer_sys::fuzz_target;
use scopegate::Engine;
use serde_json::Value;

/// Scopes asked about, one of each resource shape.
const QUESTIONS: &[(&str, Shape)] = &[
    ("org_member:read", Shape::Org),
    ("org_token:create", Shape::Org),
    ("team:read", Shape::Team),
    ("stack:read", Shape::Stack),
    ("stack:delete", Shape::Stack),
    ("environment:open", Shape::Environment),
];

#[derive(Clone, Copy)]
enum Shape {
    Org,
    Team,
    Stack,
    Environment,
}

/// Up to `n` string values of `field` in the objects of array `key` of `obj`.
fn names<'a>(obj: &'a Value, key: &str, field: &str, n: usize) -> Vec<&'a str> {
    obj.get(key)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(|i| i.get(field)?.as_str()).take(n).collect())
        .unwrap_or_default()
}

/// A few (principal, scope, resource) questions built from the names in an exported snapshot.
fn questions(doc: &Value) -> Vec<(String, &'static str, String)> {
    let mut principals: Vec<String> = vec!["nobody".into()];
    principals.extend(names(doc, "users", "login", 2).into_iter().map(|l| format!("user:{l}")));
    let mut out = Vec::new();
    for org in doc.get("organizations").and_then(Value::as_array).into_iter().flatten().take(2) {
        let Some(org_name) = org.get("name").and_then(Value::as_str) else { continue };
        let mut who = principals.clone();
        who.extend(names(org, "members", "login", 2).into_iter().map(str::to_string));
        who.extend(names(org, "tokens", "id", 2).into_iter().map(|id| format!("token:{id}")));
        let teams = names(org, "teams", "name", 1);
        let stack = |key: &str| -> Option<String> {
            let first = org.get(key)?.as_array()?.first()?;
            Some(format!("{org_name}/{}/{}", first.get("project")?.as_str()?, first.get("name")?.as_str()?))
        };
        for &(scope, shape) in QUESTIONS {
            let resource = match shape {
                Shape::Org => Some(org_name.to_string()),
                Shape::Team => teams.first().map(|t| format!("{org_name}/{t}")),
                Shape::Stack => stack("stacks"),
                Shape::Environment => stack("environments"),
            };
            let Some(resource) = resource else { continue };
            for principal in &who {
                out.push((principal.clone(), scope, resource.clone()));
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let engine = match Engine::from_json(&text) {
        Ok(engine) => engine,
        Err(errors) => {
            assert!(!errors.0.is_empty(), "a refused snapshot must name at least one problem");
            for error in &errors.0 {
                let _ = error.code().as_str();
                let _ = error.to_string();
            }
            return;
        }
    };
    let exported = engine.to_json();
    let reloaded = match Engine::from_json(&exported) {
        Ok(reloaded) => reloaded,
        Err(errors) => panic!("an exported snapshot does not load: {errors:?}\n{exported}"),
    };
    assert_eq!(reloaded.to_json(), exported, "export is not stable across a reload");
    let doc: Value = serde_json::from_str(&exported).expect("export is JSON");
    for (principal, scope, resource) in questions(&doc) {
        let before = engine.explain(&principal, scope, &resource);
        let after = reloaded.explain(&principal, scope, &resource);
        assert_eq!(before, after, "{principal} {scope} {resource} changed by export and reload");
        assert_eq!(engine.check(&principal, scope, &resource), before.is_allowed(), "check and explain disagree");
    }
});
