//! Live policy in JavaScript: `changesSince` on an origin instance, signed, then `applyDelta` on
//! a follower; revisions as `bigint` (exact above 2⁵³) and revision arguments of every kind;
//! `subscribe` (called after every change with the new revision, unsubscribed, dropped on
//! `free`, a throwing listener does not stop the others); expired signed snapshots; the
//! verified-token cache option.

use js_sys::{Array, BigInt, Function, Promise, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::suite::{DEMO, Gate, NOW, class, describe, generate_key, get, get_str, js, s};

/// The instance's revision, which must be a `bigint`, in decimal.
#[track_caller]
pub(crate) fn revision(gate: &Gate) -> String {
    let value = get(&gate.0, "revision");
    assert!(value.is_bigint(), "revision is not a bigint: {}", describe(&value));
    value.unchecked_into::<BigInt>().to_string(10).ok().and_then(|s| s.as_string()).unwrap_or_default()
}

fn bigint(text: &str) -> JsValue {
    BigInt::new(&s(text)).expect("a BigInt").into()
}

fn static_call(name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = get(&class(), name).dyn_into().expect("a static method");
    f.apply(&class(), &args.iter().collect::<Array>())
}

fn sign(text: &str, key: &JsValue) -> JsValue {
    static_call("signSnapshot", &[s(text), s(&get_str(key, "privateKey"))]).expect("signSnapshot")
}

/// The demo snapshot at `revision` (written as JSON text, so exact at any size).
fn demo_at(revision: &str) -> String {
    let mut snapshot: Value = serde_json::from_str(DEMO).expect("demo");
    snapshot["revision"] = json!(0);
    serde_json::to_string(&snapshot)
        .expect("json")
        .replace("\"revision\":0", &format!("\"revision\":{revision}"))
}

/// `new Scopegate(text)` with the text itself (a JavaScript `JSON.parse` would round the revision).
fn exact(text: &str) -> Gate {
    Gate::construct(&s(text)).unwrap_or_else(|e| panic!("snapshot rejected: {}", describe(&e)))
}

/// Lets queued microtasks (the notifications) run.
async fn settle() {
    for _ in 0..3 {
        JsFuture::from(Promise::resolve(&JsValue::UNDEFINED)).await.expect("a resolved promise");
    }
}

/// A listener that records every revision it is called with into `seen` (a JavaScript array).
fn recorder(seen: &Array) -> Function {
    let push: Function = get(seen, "push").dyn_into().expect("push");
    push.bind0(seen)
}

#[wasm_bindgen_test]
fn a_delta_from_changes_since_brings_a_follower_to_the_origin() {
    let key = generate_key("origin");
    let origin = Gate::from_text(DEMO);
    let edge = Gate::from_text(DEMO);
    assert_eq!(revision(&edge), "7");
    assert!(!edge.check("mia", "stack:write", "acme/app/dev"));
    let args = [s("ada"), s("acme"), s("platform"), s("stack"), s("app/dev"), s("write")];
    origin.ok("setTeamPermission", &args);
    origin.ok("setTeamMember", &[s("ada"), s("acme"), s("platform"), s("mia"), JsValue::FALSE]);
    assert_eq!(revision(&origin), "9", "each management action raises the revision");
    let since = get(&edge.0, "revision");
    let text =
        origin.ok("changesSince", &[since, js(&json!({ "notAfter": NOW + 60 }))]).as_string().expect("text");
    let delta: Value = serde_json::from_str(&text).expect("the delta is JSON");
    assert_eq!((delta["baseRevision"].clone(), delta["revision"].clone()), (json!(7), json!(9)));
    assert_eq!(delta["notAfter"], json!(NOW + 60));
    assert_eq!(delta["changes"].as_array().map(Vec::len), Some(2));
    let signature = sign(&text, &key);
    let public = s(&get_str(&key, "publicKey"));
    let now = js(&json!({ "now": NOW }));
    let answer = edge.ok("applyDelta", &[s(&text), signature.clone(), public.clone(), now.clone()]);
    assert!(answer.is_bigint() && answer.loose_eq(&bigint("9")), "applyDelta answered {}", describe(&answer));
    assert_eq!(revision(&edge), "9");
    assert!(edge.check("mia", "stack:write", "acme/app/dev"), "the delta's grant applies");
    // Replayed, expired, badly signed: refused with their codes, nothing changes.
    assert_eq!(
        edge.throws_code("applyDelta", &[s(&text), signature.clone(), public.clone(), now]),
        "delta_replay"
    );
    let late = js(&json!({ "now": NOW + 61 }));
    let fresh = Gate::from_text(DEMO);
    assert_eq!(
        fresh.throws_code("applyDelta", &[s(&text), signature.clone(), public.clone(), late]),
        "delta_expired"
    );
    let other = generate_key("other");
    let forged = sign(&text, &other);
    assert_eq!(
        fresh.throws_code("applyDelta", &[s(&text), forged, public.clone()]),
        "delta_signature_invalid"
    );
    assert_eq!(revision(&fresh), "7");
    // A delta ahead of the follower is a gap; a revision the origin does not hold is unavailable.
    origin.ok("removeTeamMember", &[s("ada"), s("acme"), s("platform"), s("mia")]);
    let ahead = origin.ok("changesSince", &[s("9")]).as_string().expect("text");
    let signed = sign(&ahead, &key);
    assert_eq!(fresh.throws_code("applyDelta", &[s(&ahead), signed, public]), "delta_gap");
    assert_eq!(origin.throws_code("changesSince", &[JsValue::from_f64(11.0)]), "changes_unavailable");
    assert_eq!(origin.throws_code("changesSince", &[JsValue::from_f64(3.0)]), "changes_unavailable");
}

#[wasm_bindgen_test]
fn a_delta_with_a_change_that_cannot_apply_leaves_the_follower_unchanged() {
    let key = generate_key("origin");
    let edge = Gate::from_text(DEMO);
    let text = json!({ "version": 1, "baseRevision": 7, "revision": 9, "changes": [
        { "op": "setTeamPermission", "org": "acme", "team": "platform", "kind": "stack", "entity": "app/dev", "permission": "write" },
        { "op": "addMember", "org": "acme", "login": "max", "role": "member" }
    ] })
    .to_string();
    let thrown = edge.throws("applyDelta", &[s(&text), sign(&text, &key), s(&get_str(&key, "publicKey"))]);
    let problems = get(&get(&thrown, "details"), "problems");
    let path = get_str(&Reflect::get_u32(&problems, 0).expect("a problem"), "path");
    assert!(path.starts_with("changes[1]"), "the problem names the change: {path}");
    assert!(get_str(&thrown, "message").ends_with('.'), "a sentence");
    assert_eq!(revision(&edge), "7");
    assert!(!edge.check("tess", "stack:write", "acme/app/dev"), "the first change was not applied");
}

#[wasm_bindgen_test]
fn revisions_above_two_to_the_53_are_exact() {
    let high = "9007199254740993"; // 2⁵³ + 1: no JavaScript number holds it
    let origin = exact(&demo_at(high));
    assert_eq!(revision(&origin), high);
    origin.ok("createTeam", &[s("ada"), s("acme"), s("web")]);
    assert_eq!(revision(&origin), "9007199254740994");
    for since in [bigint(high), s(high)] {
        let text = origin.ok("changesSince", &[since]).as_string().expect("text");
        assert!(text.contains("\"baseRevision\":9007199254740993"), "{text}");
        assert!(text.contains("\"revision\":9007199254740994"), "{text}");
    }
    let key = generate_key("origin");
    let edge = exact(&demo_at(high));
    let text = origin.ok("changesSince", &[get(&edge.0, "revision")]).as_string().expect("text");
    edge.ok("applyDelta", &[s(&text), sign(&text, &key), s(&get_str(&key, "publicKey"))]);
    assert_eq!(revision(&edge), "9007199254740994");
    let max = "18446744073709551615";
    assert_eq!(revision(&exact(&demo_at(max))), max);
}

#[wasm_bindgen_test]
fn a_revision_argument_is_a_bigint_a_safe_whole_number_or_digits() {
    let gate = Gate::demo();
    for valid in [bigint("7"), JsValue::from_f64(7.0), s("7")] {
        let text = gate.ok("changesSince", &[valid]).as_string().expect("text");
        assert!(text.contains("\"changes\":[]"), "{text}");
    }
    let invalid = [
        JsValue::from_f64(-1.0),
        JsValue::from_f64(1.5),
        JsValue::from_f64(f64::NAN),
        JsValue::from_f64(9_007_199_254_740_992.0),
        bigint("-1"),
        bigint("18446744073709551616"),
        s("-1"),
        s("1e3"),
        s(" 7"),
        s(""),
        s("18446744073709551616"),
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::TRUE,
    ];
    for value in invalid {
        let thrown = gate.throws("changesSince", std::slice::from_ref(&value));
        assert_eq!(get_str(&thrown, "code"), "invalid_argument", "{}", describe(&value));
        let message = get_str(&thrown, "message");
        assert!(message.contains("`revision`") && message.ends_with('.'), "{message}");
    }
}

#[wasm_bindgen_test]
async fn subscribers_hear_every_change_with_its_revision() {
    let key = generate_key("origin");
    let origin = Gate::from_text(DEMO);
    let edge = Gate::from_text(DEMO);
    let seen = Array::new();
    let twice = Array::new();
    let unsubscribe: Function =
        edge.ok("subscribe", &[recorder(&seen).into()]).dyn_into().expect("a function");
    let listener = recorder(&twice);
    let first: Function = edge.ok("subscribe", &[listener.clone().into()]).dyn_into().expect("a function");
    edge.ok("subscribe", &[listener.into()]);
    // A listener that throws does not stop those after it.
    let thrower = Function::new_no_args("throw new Error('listener failed')");
    edge.ok("subscribe", &[thrower.into()]);
    let after = Array::new();
    edge.ok("subscribe", &[recorder(&after).into()]);
    // The listener's errors are reported (`reportError`); record them instead.
    let errors = Array::new();
    let on_error = install_error_trap(&errors);

    edge.ok("createTeam", &[s("ada"), s("acme"), s("web")]);
    // A refused action changes nothing and notifies nobody.
    edge.throws("createTeam", &[s("mia"), s("acme"), s("other")]);
    origin.ok("createTeam", &[s("ada"), s("acme"), s("web")]);
    origin.ok("createTeam", &[s("ada"), s("acme"), s("ops")]);
    let text = origin.ok("changesSince", &[s("8")]).as_string().expect("text");
    edge.ok("applyDelta", &[s(&text), sign(&text, &key), s(&get_str(&key, "publicKey"))]);
    settle().await;
    let decimal = |a: &Array| -> Vec<String> {
        a.iter()
            .map(|v| {
                v.dyn_into::<BigInt>()
                    .ok()
                    .and_then(|b| b.to_string(10).ok())
                    .and_then(|t| t.as_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    assert_eq!(decimal(&seen), ["8", "9"], "one call per action and per delta, with the new revision");
    assert_eq!(decimal(&twice), ["8", "8", "9", "9"], "a function subscribed twice is called twice");
    assert_eq!(decimal(&after), ["8", "9"], "a throwing listener does not stop the others");
    assert!(seen.iter().all(|v| v.is_bigint()));
    assert_eq!(errors.length(), 2, "the listener's errors are reported: {}", describe(&errors));
    restore_error_trap(on_error);

    unsubscribe.call0(&JsValue::UNDEFINED).expect("unsubscribe");
    unsubscribe.call0(&JsValue::UNDEFINED).expect("unsubscribing twice does nothing");
    first.call0(&JsValue::UNDEFINED).expect("unsubscribe");
    let count = twice.length();
    edge.ok("deleteTeam", &[s("ada"), s("acme"), s("ops")]);
    settle().await;
    assert_eq!(seen.length(), 2, "an unsubscribed listener is not called");
    assert_eq!(twice.length(), count + 1, "only the other subscription of the same function remains");
    assert_eq!(revision(&edge), "10");
    assert_eq!(edge.throws_code("subscribe", &[s("not a function")]), "invalid_argument");
}

#[wasm_bindgen_test]
async fn freeing_an_instance_drops_its_listeners() {
    let gate = Gate::demo();
    let seen = Array::new();
    let unsubscribe: Function =
        gate.ok("subscribe", &[recorder(&seen).into()]).dyn_into().expect("a function");
    gate.ok("createTeam", &[s("ada"), s("acme"), s("web")]);
    gate.ok("free", &[]);
    settle().await;
    assert_eq!(seen.length(), 0, "a change queued before free() reaches no listener after it");
    unsubscribe.call0(&JsValue::UNDEFINED).expect("unsubscribing after free does nothing");
}

#[wasm_bindgen_test]
async fn a_listener_may_ask_and_change_the_instance() {
    let gate = Gate::demo();
    let asked = Array::new();
    let listener = Function::new_with_args(
        "gate, asked",
        "return (revision) => { asked.push(gate.check('max', 'team:update', 'acme/web')); if (revision === 8n) gate.deleteTeam('ada', 'acme', 'web'); }",
    );
    let listener = listener.call2(&JsValue::UNDEFINED, &gate.0, &asked).expect("a listener");
    gate.ok("subscribe", &[listener]);
    gate.ok("createTeam", &[s("ada"), s("acme"), s("web")]);
    gate.ok("setTeamMember", &[s("ada"), s("acme"), s("web"), s("max"), JsValue::TRUE]);
    settle().await;
    assert_eq!(revision(&gate), "10");
    assert_eq!(
        asked.length(),
        3,
        "called for both actions and for the listener's own change: {}",
        describe(&asked)
    );
}

#[wasm_bindgen_test]
fn an_expired_signed_snapshot_is_refused() {
    let key = generate_key("origin");
    let mut snapshot: Value = serde_json::from_str(DEMO).expect("demo");
    snapshot["notAfter"] = json!(NOW);
    let text = snapshot.to_string();
    let signature = sign(&text, &key);
    let public = s(&get_str(&key, "publicKey"));
    let load = |now: u64| {
        static_call(
            "fromSignedSnapshot",
            &[s(&text), signature.clone(), public.clone(), js(&json!({ "now": now }))],
        )
    };
    assert!(load(NOW).is_ok(), "valid until its notAfter");
    let thrown = load(NOW + 1).expect_err("refused");
    assert_eq!(get_str(&thrown, "code"), "snapshot_expired");
    // Without `now`, the clock decides: NOW (2027) has not passed yet when the tests run.
    assert!(static_call("fromSignedSnapshot", &[s(&text), signature.clone(), public.clone()]).is_ok());
    let options = js(&json!({ "when": 5 }));
    let thrown =
        static_call("fromSignedSnapshot", &[s(&text), signature, public, options]).expect_err("refused");
    assert_eq!(get_str(&thrown, "code"), "invalid_argument");
}

#[wasm_bindgen_test]
fn the_token_cache_option_is_checked() {
    let on = Reflect::construct(&class(), &Array::of2(&s(DEMO), &js(&json!({ "tokenCache": true }))));
    let off = Reflect::construct(&class(), &Array::of2(&s(DEMO), &js(&json!({ "tokenCache": false }))));
    assert!(on.is_ok() && off.is_ok());
    for bad in [json!({ "tokenCache": "no" }), json!({ "cache": false })] {
        let thrown = Reflect::construct(&class(), &Array::of2(&s(DEMO), &js(&bad))).expect_err("refused");
        assert_eq!(get_str(&thrown, "code"), "invalid_argument", "{bad}");
    }
}

/// Routes the reported listener errors into `errors` while a test runs: a `reportError` of the
/// test's own (Node has none; browsers have one), restored afterwards.
fn install_error_trap(errors: &Array) -> JsValue {
    let install = Function::new_with_args(
        "errors",
        "const saved = globalThis.reportError; globalThis.reportError = (e) => { errors.push(e); }; return saved;",
    );
    install.call1(&JsValue::UNDEFINED, errors).expect("trap")
}

fn restore_error_trap(saved: JsValue) {
    let restore = Function::new_with_args(
        "saved",
        "if (saved === undefined) delete globalThis.reportError; else globalThis.reportError = saved;",
    );
    restore.call1(&JsValue::UNDEFINED, &saved).expect("restore");
}
