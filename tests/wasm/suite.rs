//! The JavaScript class `Scopegate`, used the way JavaScript uses it: one instance is built in
//! Rust only to reach the generated class (`instance.constructor`); every other instance is made
//! with `new Scopegate(snapshot)` and every method is looked up on the object and called with
//! JavaScript values. Included by `web.rs` (headless Chrome) and `node.rs` (Node).
//!
//! Expected answers come from the access model (and, for the token vectors and the scenario
//! corpus, from the committed expectations the native tests also check).

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use js_sys::{Array, Function, JSON, Object, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

/// Seconds since the epoch used as the clock wherever a test passes `now`.
pub(crate) const NOW: u64 = 1_800_000_000;

/// A small organization pair. Model facts used below:
/// - acme: default stack permission READ, default environment permission WRITE (the default);
///   ada is Admin; max, tess and mia are built-in Members; bill is a Billing Manager; dev holds
///   the custom role Deployer (stack-write on stacks tagged env=prod).
/// - team platform: member max, admin tess (admins are members), WRITE on app/prod.
/// - app/dev was created by max (creator grant = ADMIN).
/// - globex: members may not create stacks; max is a Member there, ada an Admin.
/// - nora is a known user in no organization.
pub(crate) const DEMO: &str = r#"{
  "version": 1,
  "revision": 7,
  "users": [ { "login": "nora" } ],
  "organizations": [
    {
      "name": "acme",
      "settings": { "defaultStackPermission": "read" },
      "members": [
        { "login": "ada", "role": "admin" },
        { "login": "max" },
        { "login": "tess", "role": "member" },
        { "login": "mia" },
        { "login": "bill", "role": "billing-manager" },
        { "login": "dev", "role": "Deployer" }
      ],
      "roles": [
        { "name": "Deployer", "rules": [
          { "entity": "stack", "permissionSet": "stack-write", "tags": [ { "key": "env", "value": "prod" } ] } ] }
      ],
      "teams": [
        { "name": "platform", "members": ["max"], "admins": ["tess"], "stacks": { "app/prod": "write" } }
      ],
      "stacks": [
        { "project": "app", "name": "prod", "tags": { "env": "prod" } },
        { "project": "app", "name": "dev", "creator": { "user": "max" } }
      ],
      "environments": [ { "project": "shared", "name": "prod" } ]
    },
    {
      "name": "globex",
      "settings": { "membersCanCreateStacks": false },
      "members": [ { "login": "max" }, { "login": "ada", "role": "admin" } ]
    }
  ]
}"#;

// ---------------------------------------------------------------------------------------------
// JavaScript plumbing
// ---------------------------------------------------------------------------------------------

/// The generated `Scopegate` class, reached through the constructor of one instance.
pub(crate) fn class() -> Function {
    thread_local! {
        static CLASS: Function = {
            let instance = scopegate::Scopegate::new(JsValue::from_str(DEMO), JsValue::UNDEFINED)
                .unwrap_or_else(|e| panic!("the demo snapshot is rejected: {}", describe(&e)));
            let instance = JsValue::from(instance);
            let ctor = get(&instance, "constructor");
            let free: Function = get(&instance, "free").dyn_into().expect("free is a function");
            free.call0(&instance).expect("free");
            ctor.dyn_into().expect("constructor is a function")
        };
    }
    CLASS.with(Clone::clone)
}

pub(crate) fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap_or_else(|_| panic!("cannot read `{key}`"))
}

pub(crate) fn get_str(target: &JsValue, key: &str) -> String {
    let value = get(target, key);
    value.as_string().unwrap_or_else(|| panic!("`{key}` is not a string: {}", describe(&value)))
}

fn has(target: &JsValue, key: &str) -> bool {
    Reflect::has(target, &JsValue::from_str(key)).unwrap_or(false)
}

/// A JSON value as a plain JavaScript value.
pub(crate) fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).expect("JSON text parses in JavaScript")
}

/// A JavaScript value as JSON (via `JSON.stringify`); `undefined` becomes `null`.
pub(crate) fn json_of(value: &JsValue) -> Value {
    match JSON::stringify(value).ok().and_then(|s| s.as_string()) {
        Some(text) => serde_json::from_str(&text).expect("JSON.stringify output is JSON"),
        None => Value::Null,
    }
}

pub(crate) fn describe(value: &JsValue) -> String {
    if value.is_instance_of::<js_sys::Error>() {
        let code = get(value, "code").as_string().unwrap_or_default();
        let message = get(value, "message").as_string().unwrap_or_default();
        return format!("Error[{code}] {message}");
    }
    match JSON::stringify(value).ok().and_then(|s| s.as_string()) {
        Some(text) => text,
        None => format!("{value:?}"),
    }
}

pub(crate) fn s(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// Asserts `thrown` is a real `Error` named `ScopegateError` with a message, and returns its code.
#[track_caller]
pub(crate) fn scopegate_error(thrown: &JsValue) -> String {
    assert!(
        thrown.is_instance_of::<js_sys::Error>(),
        "the thrown value is not an Error: {}",
        describe(thrown)
    );
    let error_prototype = get(&get(&js_sys::global(), "Error"), "prototype");
    assert!(
        Object::is(&Object::get_prototype_of(thrown), &error_prototype),
        "the thrown value is not a plain Error: {}",
        describe(thrown)
    );
    assert_eq!(get_str(thrown, "name"), "ScopegateError");
    assert!(!get_str(thrown, "message").is_empty(), "the error has no message");
    get_str(thrown, "code")
}

/// One `Scopegate` instance, as JavaScript holds it.
pub(crate) struct Gate(pub(crate) JsValue);

impl Gate {
    /// `new Scopegate(snapshot)`.
    pub(crate) fn construct(snapshot: &JsValue) -> Result<Gate, JsValue> {
        Reflect::construct(&class(), &Array::of1(snapshot)).map(Gate)
    }

    /// `new Scopegate(JSON.parse(text))`.
    pub(crate) fn from_text(text: &str) -> Gate {
        let snapshot = JSON::parse(text).expect("snapshot text is JSON");
        Self::construct(&snapshot).unwrap_or_else(|e| panic!("snapshot rejected: {}", describe(&e)))
    }

    pub(crate) fn demo() -> Gate {
        Self::from_text(DEMO)
    }

    pub(crate) fn call(&self, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let function: Function = get(&self.0, method)
            .dyn_into()
            .unwrap_or_else(|_| panic!("`{method}` is not a method of Scopegate"));
        function.apply(&self.0, &args.iter().collect::<Array>())
    }

    #[track_caller]
    pub(crate) fn ok(&self, method: &str, args: &[JsValue]) -> JsValue {
        match self.call(method, args) {
            Ok(value) => value,
            Err(e) => panic!("{method} threw {}", describe(&e)),
        }
    }

    /// Calls a method that must throw a `ScopegateError`; returns the error.
    #[track_caller]
    pub(crate) fn throws(&self, method: &str, args: &[JsValue]) -> JsValue {
        match self.call(method, args) {
            Ok(value) => panic!("{method} returned {} instead of throwing", describe(&value)),
            Err(e) => {
                scopegate_error(&e);
                e
            }
        }
    }

    #[track_caller]
    pub(crate) fn throws_code(&self, method: &str, args: &[JsValue]) -> String {
        get_str(&self.throws(method, args), "code")
    }

    pub(crate) fn check(&self, principal: &str, scope: &str, resource: &str) -> bool {
        let answer = self.ok("check", &[s(principal), s(scope), s(resource)]);
        answer.as_bool().unwrap_or_else(|| panic!("check returned {}", describe(&answer)))
    }

    pub(crate) fn explain(&self, principal: &str, scope: &str, resource: &str) -> JsValue {
        let answer = self.ok("explain", &[s(principal), s(scope), s(resource)]);
        assert_explanation_shape(&answer);
        answer
    }

    fn effective(&self, principal: &str, kind: &str, resource: &str) -> String {
        let answer = self.ok("effectivePermission", &[s(principal), s(kind), s(resource)]);
        answer.as_string().unwrap_or_else(|| panic!("effectivePermission returned {}", describe(&answer)))
    }

    fn authenticate(&self, credential: &str, options: &Value) -> Result<JsValue, JsValue> {
        self.call("authenticate", &[s(credential), js(options)])
    }

    pub(crate) fn settings(&self, org: &str) -> Value {
        json_of(&self.ok("settings", &[s(org)]))
    }
}

/// The shape every explanation has: a plain object; an allow names reasons and has no `deny`;
/// a deny has no reasons and a `deny` with a code and a message.
#[track_caller]
pub(crate) fn assert_explanation_shape(answer: &JsValue) {
    let plain = Object::get_prototype_of(&Object::new());
    assert!(
        Object::is(&Object::get_prototype_of(answer), &plain),
        "not a plain object: {}",
        describe(answer)
    );
    let allowed = get(answer, "allowed").as_bool().expect("allowed is a boolean");
    let reasons: Array = get(answer, "reasons").dyn_into().expect("reasons is an array");
    for reason in reasons.iter() {
        assert!(!get_str(&reason, "code").is_empty() && !get_str(&reason, "message").is_empty());
    }
    if allowed {
        assert!(reasons.length() > 0, "an allow without reasons: {}", describe(answer));
        assert!(!has(answer, "deny"), "an allow with a deny: {}", describe(answer));
    } else {
        assert_eq!(reasons.length(), 0, "a deny with reasons: {}", describe(answer));
        let deny = get(answer, "deny");
        assert!(deny.is_object(), "a deny without `deny`: {}", describe(answer));
        assert!(!get_str(&deny, "code").is_empty() && !get_str(&deny, "message").is_empty());
    }
}

pub(crate) fn allowed(answer: &JsValue) -> bool {
    get(answer, "allowed").as_bool().expect("allowed is a boolean")
}

/// The sorted reason codes of an explanation (a multiset).
fn reason_codes(answer: &JsValue) -> Vec<String> {
    let reasons: Array = get(answer, "reasons").dyn_into().expect("reasons is an array");
    let mut codes: Vec<String> = reasons.iter().map(|r| get_str(&r, "code")).collect();
    codes.sort();
    codes
}

pub(crate) fn deny_code(answer: &JsValue) -> Option<String> {
    let deny = get(answer, "deny");
    if deny.is_undefined() { None } else { Some(get_str(&deny, "code")) }
}

fn strings(value: &JsValue) -> Vec<String> {
    let array: Array =
        value.clone().dyn_into().unwrap_or_else(|_| panic!("not an array: {}", describe(value)));
    array.iter().map(|v| v.as_string().expect("a string")).collect()
}

fn sorted(items: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn number(value: &JsValue) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("not a number: {}", describe(value)))
}

// ---------------------------------------------------------------------------------------------
// The class itself
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn the_class_is_the_generated_scopegate_class() {
    let ctor = class();
    assert_eq!(get_str(&ctor, "name"), "Scopegate");
    let gate = Gate::demo();
    assert!(!gate.0.is_instance_of::<Function>() && gate.0.is_object());
    assert!(Object::is(&get(&gate.0, "constructor"), &ctor), "new Scopegate(..).constructor is the class");
    let prototype = get(&ctor, "prototype");
    for method in [
        "check",
        "explain",
        "explainTransfer",
        "effectivePermission",
        "allowedActions",
        "principalHandle",
        "targetHandle",
        "checkHandles",
        "checkAs",
        "explainAs",
        "authenticate",
        "mintToken",
        "deleteToken",
        "listTokens",
        "updateSettings",
        "settings",
        "createStack",
        "toJSON",
        "free",
    ] {
        assert!(get(&prototype, method).is_instance_of::<Function>(), "Scopegate.prototype.{method}");
    }
    // Statics live on the class, not on instances.
    assert!(get(&ctor, "generateSigningKey").is_instance_of::<Function>());
    assert!(get(&gate.0, "generateSigningKey").is_undefined());
    assert_eq!(crate::live::revision(&gate), "7", "the revision getter reads the snapshot");
}

#[wasm_bindgen_test]
fn error_codes_are_a_static_list_of_every_code() {
    let error_codes: Function =
        get(&class(), "errorCodes").dyn_into().expect("errorCodes is a static method");
    let codes = strings(&error_codes.call0(&JsValue::UNDEFINED).expect("errorCodes"));
    let expected: Vec<&str> = scopegate::ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(codes, expected);
    let unique: BTreeSet<&String> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "codes are unique");
    for code in ["invalid_json", "forbidden", "invalid_argument", "token_expired", "wrong_organization"] {
        assert!(codes.iter().any(|c| c == code), "errorCodes lacks {code}");
    }
}

// ---------------------------------------------------------------------------------------------
// Construction and snapshot errors
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn constructs_from_an_object_and_from_json_text_alike() {
    let from_object = Gate::from_text(DEMO);
    let from_text = Gate::construct(&s(DEMO)).unwrap_or_else(|e| panic!("{}", describe(&e)));
    for gate in [&from_object, &from_text] {
        assert_eq!(crate::live::revision(gate), "7");
        assert!(gate.check("max", "stack:write", "acme/app/prod"));
        assert!(!gate.check("mia", "stack:write", "acme/app/prod"));
    }
    let questions = [
        ("max", "stack:read", "acme/app/prod"),
        ("max", "stack:delete", "acme/app/dev"),
        ("bill", "stack:read", "acme/app/prod"),
        ("dev", "stack:write", "acme/app/prod"),
        ("tess", "team:update", "acme/platform"),
        ("nora", "stack:read", "acme/app/prod"),
    ];
    for (p, scope, resource) in questions {
        assert_eq!(
            json_of(&from_object.explain(p, scope, resource)),
            json_of(&from_text.explain(p, scope, resource)),
            "{p} {scope} {resource}"
        );
    }
    // A snapshot with no organizations at all is valid, and knows nobody.
    let empty = Gate::from_text(r#"{ "version": 1 }"#);
    assert!(!empty.check("max", "stack:read", "acme/app/prod"));
}

#[wasm_bindgen_test]
fn a_bad_snapshot_throws_a_real_error_listing_every_problem() {
    let bad = json!({
        "version": 1,
        "organizations": [ {
            "name": "acme",
            "owner": "alice",
            "members": [ { "login": "bob", "role": "Deployer" } ]
        } ]
    });
    for input in [js(&bad), s(&bad.to_string())] {
        let thrown = match Gate::construct(&input) {
            Ok(_) => panic!("a bad snapshot was accepted"),
            Err(e) => e,
        };
        assert!(thrown.is_instance_of::<js_sys::Error>(), "instanceof Error");
        let code = scopegate_error(&thrown);
        let problems: Array = get(&get(&thrown, "details"), "problems").dyn_into().expect("details.problems");
        assert_eq!(problems.length(), 2, "every problem is listed: {}", describe(&problems));
        let first = problems.get(0);
        assert_eq!(get_str(&first, "path"), "organizations[0].owner");
        assert_eq!(get_str(&first, "code"), "unknown_field");
        assert_eq!(code, "unknown_field", "the error's code is its first problem's");
        assert!(!get_str(&first, "message").is_empty());
        let second = problems.get(1);
        assert_eq!(get_str(&second, "path"), "organizations[0].members[0].role");
        assert_eq!(get_str(&second, "code"), "dangling_reference");
    }
    // Not JSON, and an unsupported version.
    let cases: [(JsValue, &str, &str); 3] = [
        (s("{ not json"), "invalid_json", ""),
        (s("42"), "invalid_json", ""),
        (js(&json!({ "version": 2 })), "unsupported_version", "version"),
    ];
    for (input, code, path) in cases {
        let thrown = Gate::construct(&input).err().expect("rejected");
        assert_eq!(scopegate_error(&thrown), code);
        let first = Array::from(&get(&get(&thrown, "details"), "problems")).get(0);
        assert_eq!(get_str(&first, "path"), path);
    }
    // A value that is neither an object nor text is an invalid argument, not a snapshot problem.
    for input in [JsValue::UNDEFINED, JsValue::NULL, JsValue::from_f64(42.0), Array::new().into()] {
        let thrown = Gate::construct(&input).err().expect("rejected");
        assert_eq!(scopegate_error(&thrown), "invalid_argument", "{}", describe(&input));
    }
}

// ---------------------------------------------------------------------------------------------
// Questions
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn check_and_explain_answer_with_the_model_sources() {
    let gate = Gate::demo();
    // max: default READ and the team's WRITE both grant read; only the team grants write.
    let read = gate.explain("max", "stack:read", "acme/app/prod");
    assert!(allowed(&read));
    assert_eq!(reason_codes(&read), sorted(&["default_permission", "team_grant"]));
    let team_reason = Array::from(&get(&read, "reasons"))
        .iter()
        .find(|r| get_str(r, "code") == "team_grant")
        .expect("team reason");
    assert_eq!(get_str(&team_reason, "team"), "platform");
    assert_eq!(get_str(&team_reason, "permission"), "write");
    let write = gate.explain("max", "stack:write", "acme/app/prod");
    assert_eq!(reason_codes(&write), sorted(&["team_grant"]));
    assert!(gate.check("max", "stack:write", "acme/app/prod"));
    // The creator of app/dev holds ADMIN there.
    let delete = gate.explain("max", "stack:delete", "acme/app/dev");
    assert!(allowed(&delete));
    assert!(reason_codes(&delete).contains(&"creator_grant".to_string()));
    // Org admin.
    let admin = gate.explain("ada", "organization:update", "acme");
    assert_eq!(reason_codes(&admin), sorted(&["org_admin"]));
    // Custom role rule on env=prod; custom-role members get no default permission.
    let deployer = gate.explain("dev", "stack:write", "acme/app/prod");
    assert_eq!(reason_codes(&deployer), sorted(&["role_rule"]));
    assert!(!gate.check("dev", "stack:read", "acme/app/dev"));
    // Team admins manage their team, but cannot delete it.
    let team_admin = gate.explain("tess", "team:update", "acme/platform");
    assert_eq!(reason_codes(&team_admin), sorted(&["team_admin"]));
    assert!(!gate.check("tess", "team:delete", "acme/platform"));
    // Billing Managers get no stack access.
    assert!(!gate.check("bill", "stack:read", "acme/app/prod"));
}

#[wasm_bindgen_test]
fn explain_deny_shape() {
    let gate = Gate::demo();
    // Missing scope: names the scope and the principal's effective level.
    let answer = gate.explain("max", "stack:delete", "acme/app/prod");
    assert!(!allowed(&answer));
    assert_eq!(Array::from(&get(&answer, "reasons")).length(), 0);
    let deny = get(&answer, "deny");
    assert_eq!(get_str(&deny, "code"), "missing_scope");
    assert_eq!(get_str(&deny, "scope"), "stack:delete");
    assert_eq!(get_str(&deny, "permission"), "write");
    assert!(!get_str(&deny, "message").is_empty());
    // Every other kind of deny is data too, never a throw.
    let cases = [
        ("ghost", "stack:read", "acme/app/prod", "unknown_principal"),
        ("max", "stack:fly", "acme/app/prod", "unknown_scope"),
        ("max", "stack:read", "acme/app/nope", "unknown_resource"),
        ("nora", "stack:read", "acme/app/prod", "not_a_member"),
        ("mia", "stack:write", "acme/app/prod", "missing_scope"),
        ("bill", "stack:read", "acme/app/prod", "missing_scope"),
    ];
    for (p, scope, resource, code) in cases {
        let answer = gate.explain(p, scope, resource);
        assert_eq!(
            deny_code(&answer).as_deref(),
            Some(code),
            "{p} {scope} {resource}: {}",
            describe(&answer)
        );
        assert!(!gate.check(p, scope, resource));
    }
    // A toggle that is off: globex members may not create stacks.
    let answer = gate.explain("max", "stack:create", "globex");
    assert_eq!(deny_code(&answer).as_deref(), Some("setting_disabled"));
    assert_eq!(get_str(&get(&answer, "deny"), "setting"), "membersCanCreateStacks");
    // An allow has no `deny` key at all.
    let answer = gate.explain("max", "stack:create", "acme");
    assert!(allowed(&answer) && !has(&answer, "deny"));
    assert_eq!(reason_codes(&answer), sorted(&["setting"]));
}

#[wasm_bindgen_test]
fn explain_transfer_needs_admin_and_the_destination() {
    let gate = Gate::demo();
    let transfer = |p: &str, stack: &str, dest: &str| {
        let answer = gate.ok("explainTransfer", &[s(p), s(stack), s(dest)]);
        assert_explanation_shape(&answer);
        answer
    };
    // max administers app/dev (creator) but may not create stacks in globex.
    let answer = transfer("max", "acme/app/dev", "globex");
    assert_eq!(deny_code(&answer).as_deref(), Some("destination_denied"));
    assert_eq!(get_str(&get(&answer, "deny"), "organization"), "globex");
    // Write on app/prod is not enough to move it.
    let answer = transfer("max", "acme/app/prod", "globex");
    assert_eq!(deny_code(&answer).as_deref(), Some("missing_scope"));
    // An admin of both organizations may.
    let answer = transfer("ada", "acme/app/prod", "globex");
    assert!(allowed(&answer), "{}", describe(&answer));
    assert!(reason_codes(&answer).contains(&"org_admin".to_string()));
    // A destination that is not an organization.
    assert!(!allowed(&transfer("ada", "acme/app/prod", "nowhere")));
}

#[wasm_bindgen_test]
fn effective_permission_follows_the_max_rule() {
    let gate = Gate::demo();
    let cases = [
        ("max", "stack", "acme/app/prod", "write"), // default read, team write
        ("max", "stack", "acme/app/dev", "admin"),  // creator grant
        ("mia", "stack", "acme/app/prod", "read"),  // default only
        ("ada", "stack", "acme/app/prod", "admin"), // org admin
        ("bill", "stack", "acme/app/prod", "none"), // billing manager: no default
        ("dev", "stack", "acme/app/prod", "write"), // role rule on env=prod
        ("dev", "stack", "acme/app/dev", "none"),   // custom role: no default
        ("mia", "environment", "acme/shared/prod", "write"), // default environment permission
        ("ghost", "stack", "acme/app/prod", "none"),
    ];
    for (p, kind, resource, level) in cases {
        assert_eq!(gate.effective(p, kind, resource), level, "{p} on {kind} {resource}");
    }
}

#[wasm_bindgen_test]
fn allowed_actions_lists_exactly_the_allowed_scopes() {
    let gate = Gate::demo();
    let call = |p: &str, resource: &str, kind: Option<&str>| {
        strings(&gate.ok("allowedActions", &[s(p), s(resource), kind.map_or(JsValue::UNDEFINED, s)]))
    };
    // Stack Write holds every stack scope of the Read and Write levels (B.3), nothing of Admin.
    let max_stack: BTreeSet<String> = call("max", "acme/app/prod", Some("stack")).into_iter().collect();
    let write_level: BTreeSet<String> = scopegate::testing::STACK_SCOPES
        .iter()
        .filter(|row| row.level <= scopegate::Permission::Write)
        .map(|row| row.name.to_string())
        .collect();
    assert_eq!(max_stack, write_level);
    assert_eq!(max_stack.len(), 25);
    // ADMIN on the creator's stack: all 29.
    assert_eq!(call("max", "acme/app/dev", Some("stack")).len(), 29);
    // Organization scopes agree with `check`, one by one.
    let member_org = call("max", "acme", None);
    assert!(member_org.iter().any(|s| s == "stack:create"));
    assert!(!member_org.iter().any(|s| s == "organization:update"));
    for row in scopegate::testing::ORG_SCOPES.iter() {
        let listed = member_org.iter().any(|s| s == row.name);
        assert_eq!(listed, gate.check("max", row.name, "acme"), "{}", row.name);
    }
    // Team scopes on `org/team`: the team admin's five.
    let tess_team: BTreeSet<String> = call("tess", "acme/platform", None).into_iter().collect();
    for scope in ["team:read", "team:update", "team:create_token", "team:delete_token", "team:list_tokens"] {
        assert!(tess_team.contains(scope), "team admin lacks {scope}: {tess_team:?}");
    }
    assert!(!tess_team.contains("team:delete"));
    // Unknown principal or resource: nothing.
    assert!(call("ghost", "acme", None).is_empty());
    assert!(call("max", "acme/app/nope", Some("stack")).is_empty());
}

#[wasm_bindgen_test]
fn handles_answer_like_names() {
    let gate = Gate::demo();
    let max = gate.ok("principalHandle", &[s("max")]);
    let mia = gate.ok("principalHandle", &[s("mia")]);
    assert!(number(&max) >= 0.0 && number(&mia) >= 0.0);
    assert!(gate.ok("principalHandle", &[s("ghost")]).is_undefined(), "an unknown principal has no handle");
    let write = gate.ok("targetHandle", &[s("stack:write"), s("acme/app/prod")]);
    assert!(number(&write) >= 0.0);
    assert!(gate.ok("targetHandle", &[s("stack:write"), s("acme/app/nope")]).is_undefined());
    assert!(gate.ok("targetHandle", &[s("stack:fly"), s("acme/app/prod")]).is_undefined());
    let check_handles =
        |p: &JsValue, t: &JsValue| gate.ok("checkHandles", &[p.clone(), t.clone()]).as_bool().expect("bool");
    assert!(check_handles(&max, &write));
    assert!(!check_handles(&mia, &write));
    assert!(!check_handles(&JsValue::from_f64(999_999.0), &write), "an unknown handle denies");
    assert!(!check_handles(&max, &JsValue::from_f64(999_999.0)), "an unknown handle denies");
    let check_as = |p: &JsValue, scope: &str, resource: &str| {
        gate.ok("checkAs", &[p.clone(), s(scope), s(resource)]).as_bool().expect("bool")
    };
    assert!(check_as(&max, "stack:write", "acme/app/prod"));
    assert!(!check_as(&max, "stack:delete", "acme/app/prod"));
    assert!(check_as(&mia, "stack:read", "acme/app/prod"));
    assert!(!check_as(&JsValue::from_f64(999_999.0), "stack:read", "acme/app/prod"));
    let by_handle = gate.ok("explainAs", &[max.clone(), s("stack:read"), s("acme/app/prod")]);
    assert_explanation_shape(&by_handle);
    assert_eq!(json_of(&by_handle), json_of(&gate.explain("max", "stack:read", "acme/app/prod")));
    let unknown = gate.ok("explainAs", &[JsValue::from_f64(999_999.0), s("stack:read"), s("acme/app/prod")]);
    assert_explanation_shape(&unknown);
    assert_eq!(deny_code(&unknown).as_deref(), Some("foreign_handle"));
}

// ---------------------------------------------------------------------------------------------
// Management and argument errors
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn a_refused_management_action_throws_forbidden_with_the_deny() {
    let gate = Gate::demo();
    let patch = js(&json!({ "defaultStackPermission": "none" }));
    let thrown = gate.throws("updateSettings", &[s("max"), s("acme"), patch.clone()]);
    assert_eq!(get_str(&thrown, "code"), "forbidden");
    let details = get(&thrown, "details");
    assert_eq!(get_str(&details, "action"), "organization:update");
    let deny = get(&details, "deny");
    assert_eq!(get_str(&deny, "code"), "missing_scope");
    assert_eq!(get_str(&deny, "scope"), "organization:update");
    // Nothing changed.
    assert_eq!(gate.settings("acme")["defaultStackPermission"], "read");
    assert!(gate.check("mia", "stack:read", "acme/app/prod"));
    // An unknown actor is refused too.
    let thrown = gate.throws("updateSettings", &[s("ghost"), s("acme"), patch.clone()]);
    assert_eq!(get_str(&thrown, "code"), "forbidden");
    assert_eq!(get_str(&get(&get(&thrown, "details"), "deny"), "code"), "unknown_principal");
    // The admin may; the change applies at once.
    let answer = gate.ok("updateSettings", &[s("ada"), s("acme"), patch]);
    assert!(answer.is_undefined());
    assert_eq!(gate.settings("acme")["defaultStackPermission"], "none");
    assert!(!gate.check("mia", "stack:read", "acme/app/prod"));
    assert_eq!(reason_codes(&gate.explain("max", "stack:read", "acme/app/prod")), sorted(&["team_grant"]));
    // An organization that does not exist is refused as one the actor is not a member of, so
    // that the answer does not tell which organizations exist; settings() of it is undefined.
    let nowhere = gate.throws("updateSettings", &[s("ada"), s("nowhere"), js(&json!({}))]);
    assert_eq!(get_str(&nowhere, "code"), "forbidden");
    assert_eq!(get_str(&get(&get(&nowhere, "details"), "deny"), "code"), "not_a_member");
    assert!(gate.ok("settings", &[s("nowhere")]).is_undefined());
    // Other management refusals through the class.
    assert_eq!(gate.throws_code("createTeam", &[s("mia"), s("acme"), s("new-team")]), "forbidden");
    assert_eq!(gate.throws_code("deleteStack", &[s("mia"), s("acme/app/prod")]), "forbidden");
    assert_eq!(gate.throws_code("addMember", &[s("max"), s("acme"), s("zed"), s("member")]), "forbidden");
    gate.ok("addMember", &[s("ada"), s("acme"), s("zed"), s("member")]);
    assert!(gate.check("zed", "stack:create", "acme"));
    assert_eq!(gate.throws_code("addMember", &[s("ada"), s("acme"), s("zed"), s("member")]), "conflict");
}

#[wasm_bindgen_test]
fn invalid_arguments_throw_invalid_argument() {
    let gate = Gate::demo();
    let key = json!({ "kid": "k", "privateKey": "not base64url!" });
    let cases: Vec<(&str, Vec<JsValue>)> = vec![
        ("effectivePermission", vec![s("max"), s("stacks"), s("acme/app/prod")]),
        ("allowedActions", vec![s("max"), s("acme/app/prod"), s("cluster")]),
        ("updateSettings", vec![s("ada"), s("acme"), js(&json!({ "defaultStackPermision": "read" }))]),
        ("updateSettings", vec![s("ada"), s("acme"), js(&json!({ "membersCanCreateStacks": "yes" }))]),
        ("updateSettings", vec![s("ada"), s("acme"), s("read")]),
        ("updateSettings", vec![s("ada"), s("acme"), js(&json!({ "tokenExpiryPolicyDays": 5000 }))]),
        ("authenticate", vec![s("pul-0000"), js(&json!({ "now": "soon" }))]),
        ("authenticate", vec![s("pul-0000"), js(&json!({ "organization": 5 }))]),
        ("authenticate", vec![s("pul-0000"), JsValue::from_f64(5.0)]),
        ("mintToken", vec![s("max"), js(&json!({ "kind": "robot" })), js(&json!({ "now": NOW }))]),
        ("mintToken", vec![s("max"), js(&json!({ "colour": "red" })), js(&json!({ "now": NOW }))]),
        (
            "mintToken",
            vec![
                s("max"),
                js(&json!({ "expires": NOW + 60 })),
                js(&json!({ "now": NOW, "signingKey": key })),
            ],
        ),
        (
            "setTeamPermission",
            vec![s("ada"), s("acme"), s("platform"), s("stack"), s("app/prod"), s("owner")],
        ),
        (
            "setTeamPermission",
            vec![s("ada"), s("acme"), s("platform"), s("cluster"), s("app/prod"), s("read")],
        ),
        ("setStackPermission", vec![s("ada"), s("acme/app/prod"), s("mia"), s("superuser")]),
        ("createStack", vec![s("ada"), s("acme"), s("app"), s("qa"), js(&json!({ "env": 5 }))]),
        ("listTokens", vec![s("ada"), s("acme"), js(&json!({ "now": -1 }))]),
    ];
    for (method, args) in cases {
        let thrown = gate.throws(method, &args);
        assert_eq!(get_str(&thrown, "code"), "invalid_argument", "{method}: {}", describe(&thrown));
    }
    // A signed token must expire.
    let key = generate_key("k1");
    let request = js(&json!({}));
    let options = js(&json!({ "now": NOW, "signingKey": json_of(&key) }));
    assert_eq!(gate.throws_code("mintToken", &[s("max"), request, options]), "invalid_argument");
    // Nothing above changed the state.
    assert_eq!(gate.settings("acme")["defaultStackPermission"], "read");
    assert_eq!(gate.effective("mia", "stack", "acme/app/prod"), "read");
}

// ---------------------------------------------------------------------------------------------
// Token vectors
// ---------------------------------------------------------------------------------------------

const VECTORS: &str = include_str!("../fixtures/tokens/vectors.json");

/// Whether `text` holds a run of at least 40 hex digits (an opaque secret's shape).
fn has_hex_run(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= 40 {
            return true;
        }
    }
    false
}

/// Compares an accepted credential's JavaScript answer with a success expectation.
fn vector_success_problems(expect: &Value, found: &JsValue) -> Vec<String> {
    let mut wrong = Vec::new();
    let got = json_of(found);
    match &expect["principal"] {
        Value::String(name) => {
            if got["principal"] != *name {
                wrong.push(format!("principal {}, expected {name}", got["principal"]));
            }
        }
        Value::Object(claims) => {
            if !got["principal"].is_null() {
                wrong.push(format!("principal {}, expected null (claims only)", got["principal"]));
            }
            if got["organization"] != claims["org"] {
                wrong.push(format!("claims org {}, expected {}", got["organization"], claims["org"]));
            }
            let (kind, acts_as) = match (claims.get("team"), claims.get("role")) {
                (Some(team), None) => ("team", team),
                (None, Some(role)) => ("organization", role),
                _ => panic!("a claims principal names exactly one of team and role: {claims:?}"),
            };
            if got["kind"] != kind || got["subject"] != *acts_as {
                wrong.push(format!("acts as {} {}, expected {kind} {acts_as}", got["kind"], got["subject"]));
            }
        }
        other => panic!("unexpected principal {other}"),
    }
    for field in ["kind", "subject", "organization", "tokenId", "signed"] {
        if got[field] != expect[field] {
            wrong.push(format!("{field} {}, expected {}", got[field], expect[field]));
        }
    }
    if !got["handle"].is_u64() {
        wrong.push(format!("handle {} is not a number", got["handle"]));
    }
    if !got["expires"].is_u64() {
        wrong.push(format!("expires {} is not a number", got["expires"]));
    }
    wrong
}

#[wasm_bindgen_test]
fn every_token_vector_authenticates_as_committed() {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors.json is JSON");
    let gate = Gate::construct(&js(&vectors["snapshot"]))
        .unwrap_or_else(|e| panic!("the committed snapshot is rejected: {}", describe(&e)));
    let cases = vectors["cases"].as_array().expect("cases");
    assert!(cases.len() >= 100, "only {} vectors", cases.len());
    let mut failures = Vec::new();
    let mut successes = 0;
    let mut refusals = 0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let credential = case["credential"].as_str().expect("credential");
        let mut options = json!({ "now": case.get("now").unwrap_or(&vectors["now"]) });
        if let Some(org) = case.get("org") {
            options["organization"] = org.clone();
        }
        let expect = &case["expect"];
        let result = gate.authenticate(credential, &options);
        let problems = match (result, expect.get("error").and_then(Value::as_str)) {
            (Err(thrown), Some(code)) => {
                refusals += 1;
                let got = scopegate_error(&thrown);
                let message = get_str(&thrown, "message");
                let token = credential.split_whitespace().last().unwrap_or_default();
                let mut problems = Vec::new();
                if got != code {
                    problems.push(format!("expected error {code}, got {got} ({message})"));
                }
                if has_hex_run(&message) || (token.len() >= 16 && message.contains(token)) {
                    problems.push(format!("the refusal repeats the credential: {message}"));
                }
                problems
            }
            (Ok(found), Some(code)) => vec![format!("expected error {code}, got {}", describe(&found))],
            (Err(thrown), None) => vec![format!("expected success, got {}", describe(&thrown))],
            (Ok(found), None) => {
                successes += 1;
                let mut problems = vector_success_problems(expect, &found);
                // A named principal answers the same through its name and its handle.
                if let (Some(principal), true) = (expect["principal"].as_str(), problems.is_empty()) {
                    let handle = get(&found, "handle");
                    for (scope, resource) in
                        [("organization:update", "acme"), ("stack:write", "acme/app/prod")]
                    {
                        let by_handle = gate.ok("checkAs", &[handle.clone(), s(scope), s(resource)]);
                        if by_handle.as_bool() != Some(gate.check(principal, scope, resource)) {
                            problems.push(format!("checkAs and check disagree on {scope} {resource}"));
                        }
                    }
                }
                problems
            }
        };
        failures.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(failures.is_empty(), "{} vector(s) failed:\n{}", failures.len(), failures.join("\n"));
    assert!(successes >= 20 && refusals >= 50, "{successes} successes, {refusals} refusals");
}

#[wasm_bindgen_test]
fn vector_principals_act_as_the_model_says() {
    let vectors: Value = serde_json::from_str(VECTORS).expect("vectors.json is JSON");
    let gate = Gate::construct(&js(&vectors["snapshot"])).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let handle = |name: &str| {
        let case =
            vectors["cases"].as_array().expect("cases").iter().find(|c| c["name"] == name).expect(name);
        let options = json!({ "now": vectors["now"] });
        let found = gate
            .authenticate(case["credential"].as_str().expect("credential"), &options)
            .unwrap_or_else(|e| panic!("{name}: {}", describe(&e)));
        get(&found, "handle")
    };
    let ask = |h: &JsValue, scope: &str, resource: &str| {
        gate.ok("checkAs", &[h.clone(), s(scope), s(resource)]).as_bool().expect("bool")
    };
    // Admin organization tokens act as admins, member ones do not, signed or not.
    assert!(ask(&handle("opaque-org-admin"), "organization:update", "acme"));
    assert!(ask(&handle("claims-org-admin"), "organization:update", "acme"));
    assert!(!ask(&handle("opaque-org-member"), "organization:update", "acme"));
    assert!(!ask(&handle("claims-org-default-role"), "organization:update", "acme"));
    // Team platform holds WRITE on app/prod: its tokens may write, not delete.
    for name in ["opaque-team", "claims-team"] {
        let team = handle(name);
        assert!(ask(&team, "stack:write", "acme/app/prod"), "{name}");
        assert!(!ask(&team, "stack:delete", "acme/app/prod"), "{name}");
        let answer = gate.ok("explainAs", &[team.clone(), s("stack:delete"), s("acme/app/prod")]);
        assert_eq!(deny_code(&answer).as_deref(), Some("missing_scope"), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Minting
// ---------------------------------------------------------------------------------------------

pub(crate) fn generate_key(kid: &str) -> JsValue {
    let generate: Function =
        get(&class(), "generateSigningKey").dyn_into().expect("static generateSigningKey");
    generate
        .call1(&JsValue::UNDEFINED, &s(kid))
        .unwrap_or_else(|e| panic!("generateSigningKey: {}", describe(&e)))
}

/// The demo snapshot with `signing.keys` set.
pub(crate) fn demo_with_keys(keys: Value) -> Gate {
    let mut snapshot: Value = serde_json::from_str(DEMO).expect("demo");
    snapshot["signing"] = json!({ "keys": keys });
    Gate::construct(&js(&snapshot)).unwrap_or_else(|e| panic!("{}", describe(&e)))
}

pub(crate) fn public_part(key: &JsValue) -> Value {
    json!({ "kid": get_str(key, "kid"), "alg": get_str(key, "alg"), "publicKey": get_str(key, "publicKey") })
}

fn is_opaque(token: &str) -> bool {
    token.strip_prefix("pul-").is_some_and(|hex| {
        hex.len() == 40 && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

#[wasm_bindgen_test]
fn minted_opaque_tokens_authenticate() {
    let gate = Gate::demo();
    let at = |now: u64| json!({ "now": now });
    // An admin organization token, minted by the org admin.
    let request =
        js(&json!({ "kind": "organization", "organization": "acme", "name": "ci-admin", "role": "admin" }));
    let minted = gate.ok("mintToken", &[s("ada"), request.clone(), js(&at(NOW))]);
    let token = get_str(&minted, "token");
    let id = get_str(&minted, "id");
    assert!(is_opaque(&token), "opaque token shape: {token}");
    assert_eq!(get_str(&minted, "organization"), "acme");
    assert!(get(&minted, "user").is_null());
    let record = json_of(&get(&minted, "record"));
    assert_eq!(record["id"], id.as_str());
    assert!(!record.to_string().contains(&token[4..]), "the record holds no secret");
    let digest = record["digest"].as_str().expect("digest");
    assert!(digest.len() == 64 && digest.chars().all(|c| c.is_ascii_hexdigit()));
    for credential in [token.clone(), format!("Bearer {token}"), format!("Authorization: token {token}")] {
        let found = gate.authenticate(&credential, &at(NOW)).unwrap_or_else(|e| panic!("{}", describe(&e)));
        let got = json_of(&found);
        assert_eq!(got["principal"], format!("token:{id}"));
        assert_eq!(got["tokenId"], id.as_str());
        assert_eq!(got["kind"], "organization");
        assert_eq!(got["organization"], "acme");
        assert_eq!(got["subject"], "admin");
        assert_eq!(got["signed"], false);
        assert_eq!(got["expires"], 0);
        let handle = get(&found, "handle");
        assert_eq!(gate.ok("checkAs", &[handle, s("organization:update"), s("acme")]).as_bool(), Some(true));
    }
    // Names are unique; members cannot mint organization tokens.
    assert_eq!(gate.throws_code("mintToken", &[s("ada"), request, js(&at(NOW))]), "conflict");
    let request = js(&json!({ "kind": "organization", "organization": "acme", "name": "mine" }));
    let thrown = gate.throws("mintToken", &[s("max"), request, js(&at(NOW))]);
    assert_eq!(get_str(&thrown, "code"), "forbidden");
    assert!(!get_str(&get(&get(&thrown, "details"), "deny"), "code").is_empty());
    // A personal token acts as its user, until it expires.
    let minted = gate.ok("mintToken", &[s("max"), js(&json!({ "expires": NOW + 10 })), js(&at(NOW))]);
    let token = get_str(&minted, "token");
    let id = get_str(&minted, "id");
    assert_eq!(get_str(&minted, "user"), "max");
    let found =
        json_of(&gate.authenticate(&token, &at(NOW + 9)).unwrap_or_else(|e| panic!("{}", describe(&e))));
    assert_eq!(found["principal"], format!("token:{id}"));
    assert_eq!(found["kind"], "personal");
    assert_eq!(found["subject"], "max");
    assert!(found["organization"].is_null());
    assert_eq!(found["expires"], NOW + 10);
    let principal = format!("token:{id}");
    assert!(gate.check(&principal, "stack:write", "acme/app/prod"), "a personal token acts as its user");
    assert!(!gate.check(&principal, "organization:update", "acme"));
    let thrown = gate.authenticate(&token, &at(NOW + 10)).expect_err("expired");
    assert_eq!(scopegate_error(&thrown), "token_expired");
    // Listing shows it; deleting revokes it at once.
    let listed = json_of(&gate.ok("listTokens", &[s("max"), JsValue::UNDEFINED, js(&at(NOW))]));
    assert!(listed.as_array().expect("array").iter().any(|t| t["id"] == id.as_str()), "{listed}");
    assert!(gate.ok("deleteToken", &[s("max"), s(&id)]).is_undefined());
    let thrown = gate.authenticate(&token, &at(NOW)).expect_err("deleted");
    assert_eq!(scopegate_error(&thrown), "token_revoked");
    // A string that is no token at all.
    let thrown = gate.authenticate("hello", &at(NOW)).expect_err("malformed");
    assert_eq!(scopegate_error(&thrown), "malformed_token");
}

#[wasm_bindgen_test]
fn minted_signed_tokens_authenticate_with_the_public_key_in_the_snapshot() {
    let key = generate_key("k1");
    assert_eq!(get_str(&key, "kid"), "k1");
    assert_eq!(get_str(&key, "alg"), "EdDSA");
    for part in ["privateKey", "publicKey"] {
        let bytes = URL_SAFE_NO_PAD.decode(get_str(&key, part)).expect("base64url");
        assert_eq!(bytes.len(), 32, "{part} is 32 bytes");
    }
    let other = generate_key("k1");
    assert_ne!(get_str(&key, "privateKey"), get_str(&other, "privateKey"), "keys are random");
    let hs_secret = URL_SAFE_NO_PAD.encode([7u8; 32]);
    let gate = demo_with_keys(json!([
        public_part(&key),
        { "kid": "h1", "alg": "HS256", "secret": hs_secret },
    ]));
    let options = js(&json!({ "now": NOW, "signingKey": json_of(&key) }));
    // A team token, minted by the team admin.
    let request = json!({ "kind": "team", "organization": "acme", "team": "platform", "name": "deploy", "expires": NOW + 3600 });
    let minted = gate.ok("mintToken", &[s("tess"), js(&request), options.clone()]);
    let token = get_str(&minted, "token");
    let id = get_str(&minted, "id");
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).expect("header")).expect("JSON");
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["kid"], "k1");
    assert!(
        !json_of(&get(&minted, "record")).to_string().contains(parts[2]),
        "the record holds no signature"
    );
    let found =
        gate.authenticate(&token, &json!({ "now": NOW })).unwrap_or_else(|e| panic!("{}", describe(&e)));
    let got = json_of(&found);
    assert_eq!(got["principal"], format!("token:{id}"));
    assert_eq!(got["kind"], "team");
    assert_eq!(got["organization"], "acme");
    assert_eq!(got["subject"], "platform");
    assert_eq!(got["signed"], true);
    assert_eq!(got["expires"], NOW + 3600);
    let handle = get(&found, "handle");
    assert_eq!(
        gate.ok("checkAs", &[handle.clone(), s("stack:write"), s("acme/app/prod")]).as_bool(),
        Some(true)
    );
    assert_eq!(gate.ok("checkAs", &[handle, s("stack:delete"), s("acme/app/prod")]).as_bool(), Some(false));
    // A personal signed token.
    let minted = gate.ok("mintToken", &[s("max"), js(&json!({ "expires": NOW + 60 })), options.clone()]);
    let got = json_of(&gate.authenticate(&get_str(&minted, "token"), &json!({ "now": NOW })).expect("valid"));
    assert_eq!(got["kind"], "personal");
    assert_eq!(got["subject"], "max");
    assert_eq!(got["signed"], true);
    // HS256 with the snapshot's secret.
    let hs_key = json!({ "kid": "h1", "alg": "HS256", "secret": hs_secret });
    let minted = gate.ok(
        "mintToken",
        &[s("max"), js(&json!({ "expires": NOW + 60 })), js(&json!({ "now": NOW, "signingKey": hs_key }))],
    );
    let got = json_of(&gate.authenticate(&get_str(&minted, "token"), &json!({ "now": NOW })).expect("valid"));
    assert_eq!((got["subject"].as_str(), got["signed"].as_bool()), (Some("max"), Some(true)));
    // Another key under the same kid: the signature does not verify.
    let forged = js(&json!({ "now": NOW, "signingKey": json_of(&other) }));
    let minted = gate.ok("mintToken", &[s("max"), js(&json!({ "expires": NOW + 60 })), forged]);
    let thrown = gate.authenticate(&get_str(&minted, "token"), &json!({ "now": NOW })).expect_err("refused");
    assert_eq!(scopegate_error(&thrown), "bad_signature");
    // A kid the snapshot does not hold.
    let unknown = js(&json!({ "now": NOW, "signingKey": json_of(&generate_key("k2")) }));
    let minted = gate.ok("mintToken", &[s("max"), js(&json!({ "expires": NOW + 60 })), unknown]);
    let thrown = gate.authenticate(&get_str(&minted, "token"), &json!({ "now": NOW })).expect_err("refused");
    assert_eq!(scopegate_error(&thrown), "unknown_key");
    // Past its expiry (beyond the default 60 s leeway).
    let thrown = gate.authenticate(&token, &json!({ "now": NOW + 3600 + 60 })).expect_err("expired");
    assert_eq!(scopegate_error(&thrown), "token_expired");
}

// ---------------------------------------------------------------------------------------------
// toJSON and free
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn to_json_round_trips_through_a_new_instance() {
    let key = generate_key("k1");
    let gate = demo_with_keys(json!([public_part(&key)]));
    // Change the state through the class first.
    gate.ok("updateSettings", &[s("ada"), s("acme"), js(&json!({ "defaultStackPermission": "none" }))]);
    gate.ok("createStack", &[s("mia"), s("acme"), s("svc"), s("api"), js(&json!({ "env": "prod" }))]);
    gate.ok("setStackPermission", &[s("ada"), s("acme/app/dev"), s("dev"), s("read")]);
    gate.ok("setTeamMember", &[s("tess"), s("acme"), s("platform"), s("mia"), JsValue::FALSE]);
    let opaque = gate.ok(
        "mintToken",
        &[
            s("ada"),
            js(&json!({ "kind": "organization", "organization": "acme", "name": "ci" })),
            js(&json!({ "now": NOW })),
        ],
    );
    let signed = gate.ok(
        "mintToken",
        &[
            s("max"),
            js(&json!({ "expires": NOW + 600 })),
            js(&json!({ "now": NOW, "signingKey": json_of(&key) })),
        ],
    );
    let snapshot = gate.ok("toJSON", &[]);
    assert!(snapshot.is_object() && !snapshot.is_instance_of::<Array>());
    let text = JSON::stringify(&snapshot).expect("stringify").as_string().expect("text");
    for minted in [&opaque, &signed] {
        let token = get_str(minted, "token");
        let secret =
            token.strip_prefix("pul-").unwrap_or_else(|| token.rsplit('.').next().expect("signature"));
        assert!(!text.contains(secret), "the snapshot holds no token secret");
    }
    // JSON.stringify(gate) uses toJSON too.
    assert_eq!(JSON::stringify(&gate.0).expect("stringify").as_string().expect("text"), text);
    for copy in [Gate::construct(&snapshot), Gate::construct(&s(&text))] {
        let copy = copy.unwrap_or_else(|e| panic!("toJSON output rejected: {}", describe(&e)));
        assert_eq!(copy.settings("acme"), gate.settings("acme"));
        assert_eq!(copy.settings("acme")["defaultStackPermission"], "none");
        // The changes made before the export hold in the copy.
        assert!(copy.check("mia", "stack:delete", "acme/svc/api"), "mia created svc/api");
        assert!(copy.check("mia", "stack:write", "acme/app/prod"), "mia joined platform");
        assert!(!copy.check("tess", "stack:read", "acme/app/dev"));
        assert!(copy.check("dev", "stack:read", "acme/app/dev"), "dev was granted read");
        assert!(!copy.check("dev", "stack:write", "acme/app/dev"));
        for principal in ["ada", "max", "tess", "mia", "bill", "dev", "nora", "ghost"] {
            for (scope, resource) in [
                ("stack:read", "acme/app/prod"),
                ("stack:write", "acme/app/prod"),
                ("stack:delete", "acme/app/dev"),
                ("stack:delete", "acme/svc/api"),
                ("environment:read", "acme/shared/prod"),
                ("organization:update", "acme"),
                ("stack:create", "globex"),
                ("team:update", "acme/platform"),
            ] {
                assert_eq!(
                    json_of(&copy.explain(principal, scope, resource)),
                    json_of(&gate.explain(principal, scope, resource)),
                    "{principal} {scope} {resource}"
                );
            }
            assert_eq!(
                json_of(&copy.ok("allowedActions", &[s(principal), s("acme")])),
                json_of(&gate.ok("allowedActions", &[s(principal), s("acme")]))
            );
        }
        // Minted tokens still authenticate in the copy, with the same answer.
        for minted in [&opaque, &signed] {
            let token = get_str(minted, "token");
            let mut before = json_of(&gate.authenticate(&token, &json!({ "now": NOW })).expect("valid"));
            let mut after = json_of(&copy.authenticate(&token, &json!({ "now": NOW })).expect("valid"));
            before["handle"] = Value::Null;
            after["handle"] = Value::Null;
            assert_eq!(before, after);
        }
        // Exporting again gives the same document.
        assert_eq!(json_of(&copy.ok("toJSON", &[])), json_of(&snapshot));
    }
}

#[wasm_bindgen_test]
fn free_releases_one_instance_only() {
    let kept = Gate::demo();
    let freed = Gate::demo();
    assert!(freed.check("max", "stack:write", "acme/app/prod"));
    assert!(freed.ok("free", &[]).is_undefined());
    let thrown = freed.call("check", &[s("max"), s("stack:write"), s("acme/app/prod")]);
    assert!(thrown.is_err(), "a freed instance cannot answer");
    assert!(thrown.expect_err("thrown").is_instance_of::<js_sys::Error>());
    assert!(kept.check("max", "stack:write", "acme/app/prod"), "other instances are unaffected");
    let fresh = Gate::demo();
    assert!(fresh.check("max", "stack:write", "acme/app/prod"));
}

// ---------------------------------------------------------------------------------------------
// Scenario corpus
// ---------------------------------------------------------------------------------------------

/// Applies one scenario step through the class's methods.
fn apply_step(gate: &Gate, step: &Value) -> Result<JsValue, JsValue> {
    let field = |key: &str| s(step[key].as_str().unwrap_or_else(|| panic!("step `{key}`: {step}")));
    let flag = |key: &str| JsValue::from_bool(step[key].as_bool().unwrap_or_else(|| panic!("step `{key}`")));
    let actor = field("actor");
    let action = step["action"].as_str().expect("action");
    let (method, args) = match action {
        "update_settings" => ("updateSettings", vec![actor, field("org"), js(&step["patch"])]),
        "create_stack" => {
            let tags = step.get("tags").map_or(JsValue::UNDEFINED, js);
            ("createStack", vec![actor, field("org"), field("project"), field("stack"), tags])
        }
        "delete_stack" => ("deleteStack", vec![actor, field("stack")]),
        "remove_creator_grant" => ("removeCreatorGrant", vec![actor, field("stack")]),
        "set_stack_permission" => {
            ("setStackPermission", vec![actor, field("stack"), field("login"), field("level")])
        }
        "create_team" => ("createTeam", vec![actor, field("org"), field("team")]),
        "delete_team" => ("deleteTeam", vec![actor, field("org"), field("team")]),
        "set_team_member" => {
            ("setTeamMember", vec![actor, field("org"), field("team"), field("login"), flag("teamAdmin")])
        }
        "set_team_permission" => (
            "setTeamPermission",
            vec![actor, field("org"), field("team"), field("entity"), field("target"), field("level")],
        ),
        "set_team_role" => {
            ("setTeamRole", vec![actor, field("org"), field("team"), field("role"), flag("assigned")])
        }
        other => panic!("unknown step action `{other}`"),
    };
    gate.call(method, &args)
}

/// Runs one scenario file through the class; returns its case count.
fn run_scenario(file: &str, text: &str) -> usize {
    let root: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}: not JSON: {e}"));
    let gate = Gate::construct(&js(&root["snapshot"]))
        .unwrap_or_else(|e| panic!("{file}: snapshot rejected: {}", describe(&e)));
    let mut failures = Vec::new();
    for (i, step) in root.get("steps").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let expect = step["expect"].as_str().expect("expect");
        let got = match apply_step(&gate, step) {
            Ok(value) => {
                assert!(value.is_undefined(), "a management method returns undefined");
                "ok".to_string()
            }
            Err(thrown) => {
                let code = scopegate_error(&thrown);
                if code == "forbidden" {
                    let details = get(&thrown, "details");
                    assert!(!get_str(&details, "action").is_empty());
                    assert!(!get_str(&get(&details, "deny"), "code").is_empty());
                }
                code
            }
        };
        if got != expect {
            failures.push(format!("step {i} ({}): expected `{expect}`, got `{got}`", step["action"]));
        }
    }
    let cases = root["cases"].as_array().expect("cases");
    for case in cases {
        let field = |key: &str| case[key].as_str().unwrap_or_default().to_string();
        let (principal, scope, resource) = (field("principal"), field("scope"), field("resource"));
        let (answer, checked) = match case.get("transferTo").and_then(Value::as_str) {
            Some(dest) => {
                let answer = gate.ok("explainTransfer", &[s(&principal), s(&resource), s(dest)]);
                assert_explanation_shape(&answer);
                let checked = gate.check(&principal, "stack:transfer", &resource)
                    && gate.check(&principal, "stack:create", dest);
                (answer, checked)
            }
            None => (gate.explain(&principal, &scope, &resource), gate.check(&principal, &scope, &resource)),
        };
        let question = format!("`{}` [{principal} {scope} {resource}]", field("description"));
        let expected = case["allowed"].as_bool().expect("allowed");
        if allowed(&answer) != expected {
            failures.push(format!("{question}: expected allowed={expected}, got {}", describe(&answer)));
            continue;
        }
        if checked != expected {
            failures.push(format!("{question}: check() says {checked}"));
        }
        if let Some(reasons) = case.get("reasons").and_then(Value::as_array) {
            let mut want: Vec<String> =
                reasons.iter().map(|r| r.as_str().expect("code").to_string()).collect();
            want.sort();
            let have = reason_codes(&answer);
            if want != have {
                failures.push(format!("{question}: expected reasons {want:?}, got {have:?}"));
            }
        }
        if let Some(deny) = case.get("deny").and_then(Value::as_str) {
            let have = deny_code(&answer);
            if have.as_deref() != Some(deny) {
                failures.push(format!("{question}: expected deny `{deny}`, got {have:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{file}: {} failure(s):\n{}", failures.len(), failures.join("\n"));
    cases.len()
}

macro_rules! scenarios {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[wasm_bindgen_test]
            fn $test() {
                run_scenario($file, include_str!(concat!("../scenarios/", $file)));
            }
        )*

        /// Every scenario file, for the corpus-size check.
        const SCENARIOS: &[(&str, &str)] = &[$(($file, include_str!(concat!("../scenarios/", $file)))),*];
    };
}

scenarios! {
    scenario_accounts => "accounts.json",
    scenario_creators => "creators.json",
    scenario_custom_roles => "custom-roles.json",
    scenario_defaults => "defaults.json",
    scenario_environments => "environments.json",
    scenario_explicit_grants => "explicit-grants.json",
    scenario_gates => "gates.json",
    scenario_multi_org => "multi-org.json",
    scenario_org_tokens => "org-tokens.json",
    scenario_personal_tokens => "personal-tokens.json",
    scenario_team_admins => "team-admins.json",
    scenario_team_tokens => "team-tokens.json",
    scenario_teams => "teams.json",
}

#[wasm_bindgen_test]
fn the_scenario_corpus_holds_enough_cases() {
    // The native corpus test requires at least 60 cases; the same files run here.
    let total: usize = SCENARIOS
        .iter()
        .map(|(_, text)| {
            let root: Value = serde_json::from_str(text).expect("JSON");
            root["cases"].as_array().map_or(0, Vec::len)
        })
        .sum();
    assert!(total >= 60, "the scenario files hold {total} cases");
}

/// `toJSON()` leaves HS256 secrets out; `exportSnapshot({ includeSecrets: true })` keeps them,
/// and loads back into an engine that validates the same HS256 tokens.
#[wasm_bindgen_test]
fn exports_leave_hs256_secrets_out_unless_asked() {
    let secret = URL_SAFE_NO_PAD.encode([9u8; 32]);
    let snapshot = json!({
        "version": 1,
        "organizations": [{ "name": "acme", "members": [{ "login": "ada", "role": "admin" }] }],
        "signing": { "keys": [{ "kid": "h1", "alg": "HS256", "secret": secret }] }
    });
    let gate = Gate::construct(&js(&snapshot)).expect("the snapshot loads");
    let plain = json_of(&gate.call("toJSON", &[]).expect("toJSON answers"));
    assert_eq!(plain["signing"]["keys"], json!([]), "toJSON holds no secret: {plain}");
    let options = js(&json!({ "includeSecrets": true }));
    let full = json_of(&gate.call("exportSnapshot", &[options]).expect("exportSnapshot answers"));
    assert_eq!(full["signing"]["keys"][0]["secret"], json!(secret));
    let default = json_of(&gate.call("exportSnapshot", &[]).expect("exportSnapshot answers"));
    assert_eq!(default["signing"]["keys"], json!([]));
    assert!(Gate::construct(&js(&full)).is_ok(), "the export with secrets loads again");
}
