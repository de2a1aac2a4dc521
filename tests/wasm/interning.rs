//! The interning cache of `check`: it never changes an answer, whatever changes are made, and
//! its memory stays bounded for any sequence of checks.

use serde_json::{Value, json};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::suite::{Gate, NOW, describe, get_str, js, s};

#[wasm_bindgen_test]
fn interned_checks_follow_every_change() {
    let gate = Gate::demo();
    let ask = |p: &str, scope: &str, r: &str| (gate.check(p, scope, r), gate.check(p, scope, r));
    assert_eq!(ask("max", "stack:delete", "acme/app/dev"), (true, true), "max created app/dev");
    assert_eq!(ask("mia", "stack:read", "acme/app/dev"), (true, true));
    // A stack deleted and created again under the same name by someone else.
    gate.ok("updateSettings", &[s("ada"), s("acme"), js(&json!({ "stackAdminsCanDeleteStacks": true }))]);
    gate.ok("deleteStack", &[s("max"), s("acme/app/dev")]);
    assert_eq!(ask("max", "stack:delete", "acme/app/dev"), (false, false), "gone");
    gate.ok("createStack", &[s("mia"), s("acme"), s("app"), s("dev"), JsValue::UNDEFINED]);
    assert_eq!(ask("max", "stack:delete", "acme/app/dev"), (false, false), "no longer the creator");
    assert_eq!(ask("mia", "stack:delete", "acme/app/dev"), (true, true), "the new creator");
    // An unknown principal is never cached: added later, it is known at once.
    assert_eq!(ask("zed", "stack:read", "acme/app/prod"), (false, false));
    gate.ok("addMember", &[s("ada"), s("acme"), s("zed"), s("member")]);
    assert_eq!(ask("zed", "stack:read", "acme/app/prod"), (true, true));
    // A member removed after being cached.
    gate.ok("removeMember", &[s("ada"), s("acme"), s("zed")]);
    assert_eq!(ask("zed", "stack:read", "acme/app/prod"), (false, false));
    // A token deleted after being cached.
    let request = js(&json!({ "kind": "organization", "organization": "acme", "name": "ci" }));
    let minted = gate.ok("mintToken", &[s("ada"), request, js(&json!({ "now": NOW }))]);
    let principal = format!("token:{}", get_str(&minted, "id"));
    assert_eq!(ask(&principal, "stack:read", "acme/app/prod"), (true, true));
    gate.ok("deleteToken", &[s("ada"), s(&get_str(&minted, "id"))]);
    assert_eq!(ask(&principal, "stack:read", "acme/app/prod"), (false, false));
    // Every interned answer equals the explanation.
    for p in ["ada", "max", "tess", "mia", "bill", "dev", "nora", "ghost", "user:max"] {
        for (scope, resource) in [
            ("stack:read", "acme/app/prod"),
            ("stack:write", "acme/app/prod"),
            ("team:update", "acme/platform"),
        ] {
            let explained = crate::suite::allowed(&gate.explain(p, scope, resource));
            assert_eq!(ask(p, scope, resource), (explained, explained), "{p} {scope} {resource}");
        }
    }
}

fn memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as f64
}

#[wasm_bindgen_test]
fn the_cache_stays_bounded_for_any_sequence_of_checks() {
    // 2,000 stacks: 58,000 known (scope, stack) pairs, more than the cache holds at once.
    let stacks: Vec<Value> = (0..2000).map(|i| json!({ "project": "p", "name": format!("s{i}") })).collect();
    let snapshot = json!({
        "version": 1,
        "organizations": [{
            "name": "acme",
            "settings": { "defaultStackPermission": "read" },
            "members": [{ "login": "ada", "role": "admin" }, { "login": "mia" }],
            "stacks": stacks,
        }],
    });
    let gate = Gate::construct(&js(&snapshot)).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let scopes: Vec<String> = scopegate::testing::STACK_SCOPES.iter().map(|r| r.name.to_string()).collect();
    let before = memory_bytes();
    let mut allowed = 0u32;
    for round in 0..2 {
        for i in 0..2000 {
            let resource = format!("acme/p/s{i}");
            for scope in &scopes {
                allowed += u32::from(gate.check("ada", scope, &resource));
            }
        }
        assert_eq!(allowed, 2000 * scopes.len() as u32 * (round + 1), "ada is an admin");
    }
    // Unknown names are never cached: 300,000 distinct unknown scopes and principals.
    for i in 0..150_000 {
        assert!(!gate.check("mia", &format!("stack:nope{i}"), "acme/p/s1"));
        assert!(!gate.check(&format!("ghost{i}"), "stack:read", "acme/p/s1"));
    }
    let grown = memory_bytes() - before;
    assert!(grown < 16.0 * 1024.0 * 1024.0, "the module's memory grew by {grown} bytes");
    assert!(gate.check("mia", "stack:read", "acme/p/s1999"));
    assert!(!gate.check("mia", "stack:write", "acme/p/s1999"));
}
