//! Decision records and previews from JavaScript: one record per decision with the documented
//! fields, nothing after the listener is removed, a refused action recorded with its reasons,
//! and, in the admin build (the `admin` feature), both written forms of a record and a preview
//! equal to the difference the change makes once applied.

use js_sys::{Array, Function};
#[cfg(feature = "admin")]
use serde_json::Value;
use serde_json::json;
use wasm_bindgen::JsValue;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::suite::{Gate, js, json_of, s};

/// A listener that appends each record to `list`.
fn collector(list: &Array) -> JsValue {
    let list = list.clone();
    Closure::<dyn Fn(JsValue)>::new(move |r: JsValue| {
        list.push(&r);
    })
    .into_js_value()
}

#[wasm_bindgen_test]
fn a_check_is_recorded_once_with_its_fields_until_the_listener_is_removed() {
    let gate = Gate::demo();
    let list = Array::new();
    let off: Function = gate.ok("onDecision", &[collector(&list)]).into();
    gate.ok("setRequestId", &[s("req-7")]);
    assert!(gate.check("max", "stack:read", "acme/app/prod"));
    assert_eq!(list.length(), 1);
    let record = json_of(&list.get(0));
    assert_eq!(record["kind"], "check");
    assert_eq!(record["user"], "max");
    assert_eq!(record["action"], "stack:read");
    assert_eq!(record["resource"], "acme/app/prod");
    assert_eq!(record["allowed"], true);
    assert_eq!(record["revision"], 7);
    assert_eq!(record["requestID"], "req-7");
    assert!(record["timestamp"].as_u64().is_some_and(|t| t > 1_600_000_000));
    assert!(record["reasons"].as_array().is_some_and(|r| !r.is_empty()));
    off.call0(&JsValue::UNDEFINED).expect("unsubscribe");
    assert!(gate.check("max", "stack:read", "acme/app/prod"));
    assert_eq!(list.length(), 1, "no record after the listener is removed");
}

#[wasm_bindgen_test]
fn a_refused_settings_change_is_recorded_with_its_reason() {
    let gate = Gate::demo();
    let list = Array::new();
    gate.ok("onDecision", &[collector(&list)]);
    let patch = js(&json!({ "membersCanCreateTeams": true }));
    assert_eq!(gate.throws_code("updateSettings", &[s("max"), s("acme"), patch]), "forbidden");
    let record = json_of(&list.get(0));
    assert_eq!(record["kind"], "manage");
    assert_eq!(record["action"], "update_settings");
    assert_eq!(record["allowed"], false);
    assert_eq!(record["reasons"], json!(["forbidden", "missing_scope"]));
    assert_eq!(record["reqOrgAdmin"], true);
}

/// The written forms of records (the admin build's writers).
#[cfg(feature = "admin")]
#[wasm_bindgen_test]
fn a_refused_settings_change_is_written_as_a_json_line_and_a_cef_line() {
    let gate = Gate::demo();
    let list = Array::new();
    gate.ok("onDecision", &[collector(&list)]);
    let patch = js(&json!({ "membersCanCreateTeams": true }));
    assert_eq!(gate.throws_code("updateSettings", &[s("max"), s("acme"), patch]), "forbidden");
    let class = crate::suite::class();
    let lines: Function = crate::suite::get(&class, "decisionRecordsToJsonLines").into();
    let text = lines.call1(&class, &list).expect("json lines").as_string().unwrap_or_default();
    let event: Value = serde_json::from_str(text.trim_end()).expect("one JSON line");
    assert_eq!(event["event"], "auth-failure-update-settings");
    assert_eq!(event["authFailure"], true);
    let cef: Function = crate::suite::get(&class, "decisionRecordsToCef").into();
    let text = cef.call1(&class, &list).expect("cef").as_string().unwrap_or_default();
    assert!(text.starts_with("CEF:0|Pulumi|scopegate|"), "{text}");
    assert!(text.contains("outcome=denied reason=forbidden,missing_scope"), "{text}");
}

/// Previews and differences (the admin build's).
#[cfg(feature = "admin")]
#[wasm_bindgen_test]
fn a_preview_turns_exactly_what_applying_the_change_turns() {
    let gate = Gate::demo();
    let change =
        json!({ "op": "updateSettings", "org": "acme", "settings": { "defaultStackPermission": "write" } });
    let preview = json_of(&gate.ok("preview", &[s("ada"), js(&change)]));
    assert_eq!(preview["allowed"], true);
    assert!(preview["count"].as_u64().is_some_and(|c| c > 0));
    let before = gate.ok("toJSON", &[]);
    gate.ok("updateSettings", &[s("ada"), s("acme"), js(&change["settings"])]);
    let applied = Gate::construct(&before).expect("the old state loads");
    let diff = json_of(&applied.ok("diff", &[gate.ok("toJSON", &[])]));
    assert_eq!(diff["count"], preview["count"]);
    assert_eq!(diff["changes"], preview["changes"]);
    let refused = json_of(&gate.ok("preview", &[s("max"), js(&change)]));
    assert_eq!(refused["allowed"], false);
    assert_eq!(refused["refusal"]["code"], "forbidden");
    assert_eq!(refused["count"], 0);
}
