//! Handles name the instance that made them: a handle from another instance, from one that was
//! freed, or from before a reload is a deny (`false` from `checkAs` and `checkHandles`, an
//! `foreign_handle` deny from `explainAs`, no ids from `searchResources`), never another
//! principal; a handle whose principal was removed denies. Included by `web.rs` and `node.rs`.

use js_sys::{Function, JSON};
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use super::suite::{DEMO, Gate, NOW, deny_code, describe, get, get_str, js, json_of, s};

fn check_as(gate: &Gate, handle: &JsValue, scope: &str, resource: &str) -> bool {
    let answer = gate.ok("checkAs", &[handle.clone(), s(scope), s(resource)]);
    answer.as_bool().unwrap_or_else(|| panic!("checkAs returned {}", describe(&answer)))
}

fn check_handles(gate: &Gate, principal: &JsValue, target: &JsValue) -> bool {
    let answer = gate.ok("checkHandles", &[principal.clone(), target.clone()]);
    answer.as_bool().unwrap_or_else(|| panic!("checkHandles returned {}", describe(&answer)))
}

fn explain_as_deny(gate: &Gate, handle: &JsValue, scope: &str, resource: &str) -> Option<String> {
    deny_code(&gate.ok("explainAs", &[handle.clone(), s(scope), s(resource)]))
}

fn free(gate: &Gate) {
    let free: Function = get(&gate.0, "free").dyn_into().expect("free is a function");
    free.call0(&gate.0).expect("free");
}

/// A handle is a whole JavaScript number (safe integer), not a small counter.
#[track_caller]
fn assert_handle(value: &JsValue) -> f64 {
    let n = value.as_f64().unwrap_or_else(|| panic!("not a handle: {}", describe(value)));
    assert!(n.fract() == 0.0 && n <= 9_007_199_254_740_991.0, "not a safe integer: {n}");
    assert!(n >= 4_294_967_296.0, "a handle carries its instance's tag in its high bits: {n}");
    n
}

#[wasm_bindgen_test]
fn a_handle_of_one_instance_is_a_deny_on_another() {
    // `a` resolves the member max first; `c`, from the same snapshot, resolves the admin ada
    // first: with bare counters both would be handle 0 and max's would act as ada on `c`.
    let a = Gate::demo();
    let c = Gate::demo();
    let max = a.ok("principalHandle", &[s("max")]);
    let ada = c.ok("principalHandle", &[s("ada")]);
    assert_ne!(assert_handle(&max), assert_handle(&ada));
    assert!(check_as(&c, &ada, "organization:update", "acme"), "ada's own handle works on c");
    assert!(!check_as(&a, &max, "organization:update", "acme"), "max is no admin");
    assert!(!check_as(&c, &max, "organization:update", "acme"), "a's handle acted on c");
    assert!(!check_as(&c, &max, "stack:read", "acme/app/prod"), "a's handle acted on c");
    assert_eq!(explain_as_deny(&c, &max, "organization:update", "acme").as_deref(), Some("foreign_handle"));
    // Target handles too, in both positions of checkHandles.
    let a_target = a.ok("targetHandle", &[s("organization:update"), s("acme")]);
    let c_target = c.ok("targetHandle", &[s("organization:update"), s("acme")]);
    assert!(check_handles(&c, &ada, &c_target));
    assert!(!check_handles(&c, &ada, &a_target), "a's target handle acted on c");
    assert!(!check_handles(&c, &max, &c_target), "a's principal handle acted on c");
    // Searches by handle find nothing for a foreign handle.
    let page = c.ok("searchResources", &[max.clone(), s("stack:read"), s("acme")]);
    assert_eq!(json_of(&get(&page, "ids")), json!([]));
    let own = c.ok("searchResources", &[ada, s("stack:read"), s("acme")]);
    assert_ne!(json_of(&get(&own, "ids")), json!([]));
    // Numbers no instance gave (the old bare indexes among them) are no handles.
    for n in [0.0, 1.0, 2.0, 4_294_967_295.0] {
        assert!(!check_as(&c, &JsValue::from_f64(n), "stack:read", "acme/app/prod"), "{n} acted");
        assert!(!check_handles(&c, &JsValue::from_f64(n), &c_target), "{n} acted");
    }
}

#[wasm_bindgen_test]
fn a_handle_of_a_freed_instance_is_a_deny_on_a_new_one() {
    let a = Gate::demo();
    let max = a.ok("principalHandle", &[s("max")]);
    let target = a.ok("targetHandle", &[s("stack:read"), s("acme/app/prod")]);
    assert!(check_handles(&a, &max, &target));
    free(&a);
    let d = Gate::demo();
    let ada = d.ok("principalHandle", &[s("ada")]);
    let d_target = d.ok("targetHandle", &[s("stack:read"), s("acme/app/prod")]);
    assert!(check_handles(&d, &ada, &d_target));
    assert!(!check_as(&d, &max, "stack:read", "acme/app/prod"), "the freed instance's handle acted");
    assert!(!check_handles(&d, &max, &d_target), "the freed instance's handle acted");
    assert!(!check_handles(&d, &ada, &target), "the freed instance's target handle acted");
    assert_eq!(explain_as_deny(&d, &max, "stack:read", "acme/app/prod").as_deref(), Some("foreign_handle"));
}

#[wasm_bindgen_test]
fn an_authenticated_handle_does_not_survive_a_reload() {
    // A worker that keeps `authenticate`'s handle across a snapshot refresh.
    let a = Gate::demo();
    let request =
        js(&json!({ "kind": "organization", "organization": "acme", "name": "ci", "role": "admin" }));
    let minted = a.ok("mintToken", &[s("ada"), request, js(&json!({ "now": NOW }))]);
    let token = get_str(&minted, "token");
    let options = js(&json!({ "now": NOW }));
    let old = get(&a.ok("authenticate", &[s(&token), options.clone()]), "handle");
    assert_handle(&old);
    assert!(check_as(&a, &old, "organization:update", "acme"));
    let exported = JSON::stringify(&a.ok("exportSnapshot", &[])).expect("stringify");
    let b = Gate::from_text(&exported.as_string().expect("text"));
    let new = get(&b.ok("authenticate", &[s(&token), options]), "handle");
    assert!(check_as(&b, &new, "organization:update", "acme"), "the token works on the reloaded state");
    assert_ne!(json_of(&old), json_of(&new));
    assert!(!check_as(&b, &old, "organization:update", "acme"), "the old handle acted after the reload");
}

#[wasm_bindgen_test]
fn a_handle_whose_principal_was_removed_denies() {
    let gate = Gate::demo();
    let max = gate.ok("principalHandle", &[s("max")]);
    let target = gate.ok("targetHandle", &[s("stack:write"), s("acme/app/prod")]);
    assert!(check_as(&gate, &max, "stack:write", "acme/app/prod"));
    assert!(check_handles(&gate, &max, &target));
    gate.ok("removeMember", &[s("ada"), s("acme"), s("max")]);
    assert!(!check_as(&gate, &max, "stack:write", "acme/app/prod"), "a removed member's handle acted");
    assert!(!check_handles(&gate, &max, &target), "a removed member's handle acted");
    assert_eq!(explain_as_deny(&gate, &max, "stack:read", "acme/app/prod").as_deref(), Some("not_a_member"));

    // A token's handle, after the token is deleted.
    let request =
        js(&json!({ "kind": "organization", "organization": "acme", "name": "ci", "role": "admin" }));
    let minted = gate.ok("mintToken", &[s("ada"), request, js(&json!({ "now": NOW }))]);
    let found = gate.ok("authenticate", &[get(&minted, "token"), js(&json!({ "now": NOW }))]);
    let handle = get(&found, "handle");
    assert!(check_as(&gate, &handle, "organization:update", "acme"));
    gate.ok("deleteToken", &[s("ada"), get(&minted, "id")]);
    assert!(!check_as(&gate, &handle, "organization:update", "acme"), "a deleted token's handle acted");
    assert_eq!(
        explain_as_deny(&gate, &handle, "organization:update", "acme").as_deref(),
        Some("unknown_principal")
    );
}

#[wasm_bindgen_test]
fn a_freed_instance_throws_an_error_instead_of_answering() {
    let gate = Gate::from_text(DEMO);
    free(&gate);
    // The generated glue refuses a freed instance with a plain `Error` (not a `ScopegateError`).
    let thrown = gate.call("check", &[s("max"), s("stack:read"), s("acme/app/prod")]).expect_err("answered");
    assert!(thrown.is_instance_of::<js_sys::Error>(), "{}", describe(&thrown));
    assert!(get(&thrown, "code").is_undefined(), "{}", describe(&thrown));
}
