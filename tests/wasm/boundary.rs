//! The boundary never traps: every exported member of `Scopegate` (the constructor, the
//! statics, the methods and the getters, as the class itself lists them) is called with every
//! kind of hostile JavaScript value in every argument position. Each call gives an answer or
//! a `ScopegateError` (never a `RuntimeError` from inside the module, never a `TypeError` from
//! the glue), and the instance still answers correctly afterwards.

use js_sys::{Array, BigInt, Function, Object, Reflect};
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::suite::{DEMO, Gate, NOW, class, describe, get, get_str, js, s, scopegate_error};

/// What an argument position takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    /// A name in a question: an oversized one is the documented deny.
    Name,
    /// A string argument of an action: an oversized one is `invalid_argument`.
    Str,
    /// An optional string (`undefined` and `null` accepted).
    OptStr,
    /// Text of any length (snapshot text).
    Text,
    /// A credential: an oversized one is `malformed_token`.
    Credential,
    /// A handle (a number).
    Handle,
    /// A boolean.
    Bool,
    /// A required object.
    Object,
    /// An optional object.
    OptObject,
    /// A snapshot: an object or JSON text.
    Snapshot,
    /// A required array.
    Items,
    /// A name in a question, or a principal handle (a number).
    NameOrHandle,
    /// A revision: a bigint, a safe whole number or a string of digits.
    Revision,
    /// A function (a listener).
    Listener,
}

/// One member of the class: its name, whether it is static, and each argument with its name
/// and a valid value (JSON; a string for string kinds).
struct Member {
    name: &'static str,
    kind: Kind,
    args: &'static [(Arg, &'static str, &'static str)],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Constructor,
    Static,
    Method,
    Getter,
}

const A: Arg = Arg::Str;
const N: Arg = Arg::Name;

/// Every member of the class in both builds (the admin build's own are `ADMIN_MEMBERS`). A
/// member the class has and the tables lack fails the coverage test, so that a new method
/// cannot be left out.
const MEMBERS: &[Member] = &[
    Member {
        name: "Scopegate",
        kind: Kind::Constructor,
        args: &[(Arg::Snapshot, "snapshot", ""), (Arg::OptObject, "options", "{\"tokenCache\":false}")],
    },
    Member {
        name: "fromSignedSnapshot",
        kind: Kind::Static,
        args: &[
            (Arg::Text, "json", "{\"version\":1}"),
            (A, "signature", "AAAA"),
            (A, "publicKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            (Arg::OptObject, "options", "{\"now\":1800000000}"),
        ],
    },
    Member {
        name: "signSnapshot",
        kind: Kind::Static,
        args: &[
            (Arg::Text, "json", "{\"version\":1}"),
            (A, "privateKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ],
    },
    Member { name: "generateSigningKey", kind: Kind::Static, args: &[(A, "kid", "k1")] },
    Member { name: "errorCodes", kind: Kind::Static, args: &[] },
    Member { name: "revision", kind: Kind::Getter, args: &[] },
    Member { name: "organizations", kind: Kind::Getter, args: &[] },
    Member {
        name: "check",
        kind: Kind::Method,
        args: &[(N, "principal", "max"), (N, "scope", "stack:write"), (N, "resource", "acme/app/prod")],
    },
    Member {
        name: "explain",
        kind: Kind::Method,
        args: &[(N, "principal", "max"), (N, "scope", "stack:write"), (N, "resource", "acme/app/prod")],
    },
    Member {
        name: "explainTransfer",
        kind: Kind::Method,
        args: &[(N, "principal", "max"), (N, "stack", "acme/app/dev"), (N, "destination", "globex")],
    },
    Member {
        name: "effectivePermission",
        kind: Kind::Method,
        args: &[(N, "principal", "max"), (A, "kind", "stack"), (N, "resource", "acme/app/prod")],
    },
    Member {
        name: "allowedActions",
        kind: Kind::Method,
        args: &[(N, "principal", "max"), (N, "resource", "acme/app/prod"), (Arg::OptStr, "kind", "stack")],
    },
    Member {
        name: "searchResources",
        kind: Kind::Method,
        args: &[
            (Arg::NameOrHandle, "principal", "max"),
            (N, "scope", "stack:read"),
            (N, "organization", "acme"),
            (Arg::OptObject, "options", "{\"limit\":5}"),
        ],
    },
    Member {
        name: "searchSubjects",
        kind: Kind::Method,
        args: &[
            (N, "scope", "stack:read"),
            (N, "resource", "acme/app/prod"),
            (Arg::OptObject, "options", "{}"),
        ],
    },
    Member {
        name: "evaluate",
        kind: Kind::Method,
        args: &[
            (
                Arg::Items,
                "items",
                "[{\"principal\":\"max\",\"scope\":\"stack:read\",\"resource\":\"acme/app/prod\"}]",
            ),
            (Arg::OptObject, "options", "{}"),
        ],
    },
    Member {
        name: "exportSnapshot",
        kind: Kind::Method,
        args: &[(Arg::OptObject, "options", "{\"includeSecrets\":false}")],
    },
    Member { name: "principalHandle", kind: Kind::Method, args: &[(N, "principal", "max")] },
    Member {
        name: "targetHandle",
        kind: Kind::Method,
        args: &[(N, "scope", "stack:write"), (N, "resource", "acme/app/prod")],
    },
    Member {
        name: "checkHandles",
        kind: Kind::Method,
        args: &[(Arg::Handle, "principal", "0"), (Arg::Handle, "target", "0")],
    },
    Member {
        name: "checkAs",
        kind: Kind::Method,
        args: &[
            (Arg::Handle, "principal", "0"),
            (N, "scope", "stack:write"),
            (N, "resource", "acme/app/prod"),
        ],
    },
    Member {
        name: "explainAs",
        kind: Kind::Method,
        args: &[
            (Arg::Handle, "principal", "0"),
            (N, "scope", "stack:write"),
            (N, "resource", "acme/app/prod"),
        ],
    },
    Member {
        name: "authenticate",
        kind: Kind::Method,
        args: &[
            (Arg::Credential, "credential", "pul-0000000000000000000000000000000000000000"),
            (Arg::OptObject, "options", "{\"now\":1800000000}"),
        ],
    },
    Member {
        name: "mintToken",
        kind: Kind::Method,
        args: &[
            (A, "actor", "max"),
            (Arg::Object, "request", "{\"expires\":1800000060}"),
            (Arg::OptObject, "options", "{\"now\":1800000000}"),
        ],
    },
    Member {
        name: "deleteToken",
        kind: Kind::Method,
        args: &[(A, "actor", "max"), (A, "tokenId", "no-such-token")],
    },
    Member {
        name: "listTokens",
        kind: Kind::Method,
        args: &[
            (A, "actor", "max"),
            (Arg::OptStr, "organization", "acme"),
            (Arg::OptObject, "options", "{}"),
        ],
    },
    Member {
        name: "updateSettings",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (Arg::Object, "patch", "{}")],
    },
    Member { name: "settings", kind: Kind::Method, args: &[(N, "organization", "acme")] },
    Member {
        name: "addMember",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (A, "login", "zed"), (A, "role", "member")],
    },
    Member {
        name: "removeMember",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (A, "login", "zed")],
    },
    Member {
        name: "setMemberRole",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (A, "login", "mia"), (A, "role", "member")],
    },
    Member {
        name: "createTeam",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (A, "team", "t2")],
    },
    Member {
        name: "deleteTeam",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "organization", "acme"), (A, "team", "no-team")],
    },
    Member {
        name: "setTeamMember",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "organization", "acme"),
            (A, "team", "platform"),
            (A, "login", "mia"),
            (Arg::Bool, "teamAdmin", "false"),
        ],
    },
    Member {
        name: "removeTeamMember",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "organization", "acme"),
            (A, "team", "platform"),
            (A, "login", "mia"),
        ],
    },
    Member {
        name: "setTeamPermission",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "organization", "acme"),
            (A, "team", "platform"),
            (A, "kind", "stack"),
            (A, "entity", "app/dev"),
            (A, "permission", "read"),
        ],
    },
    Member {
        name: "setTeamRole",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "organization", "acme"),
            (A, "team", "platform"),
            (A, "role", "Deployer"),
            (Arg::Bool, "assigned", "true"),
        ],
    },
    Member {
        name: "createStack",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "organization", "acme"),
            (A, "project", "svc"),
            (A, "stack", "x"),
            (Arg::OptObject, "tags", "{\"env\":\"prod\"}"),
        ],
    },
    Member {
        name: "deleteStack",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "stack", "acme/nope/nope")],
    },
    Member {
        name: "transferStack",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "stack", "acme/nope/nope"), (A, "destination", "globex")],
    },
    Member {
        name: "setStackPermission",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (A, "stack", "acme/app/dev"),
            (A, "login", "mia"),
            (A, "permission", "read"),
        ],
    },
    Member {
        name: "removeCreatorGrant",
        kind: Kind::Method,
        args: &[(A, "actor", "ada"), (A, "stack", "acme/nope/nope")],
    },
    Member { name: "toJSON", kind: Kind::Method, args: &[] },
    Member { name: "onDecision", kind: Kind::Method, args: &[(Arg::Listener, "listener", "")] },
    Member { name: "setRequestId", kind: Kind::Method, args: &[(Arg::OptStr, "requestId", "req-1")] },
    Member {
        name: "applyDelta",
        kind: Kind::Method,
        args: &[
            (Arg::Text, "text", "{\"version\":1,\"baseRevision\":7,\"revision\":7,\"changes\":[]}"),
            (A, "signature", "AAAA"),
            (A, "publicKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
            (Arg::OptObject, "options", "{\"now\":1800000000}"),
        ],
    },
    Member {
        name: "changesSince",
        kind: Kind::Method,
        args: &[(Arg::Revision, "revision", "7"), (Arg::OptObject, "options", "{\"notAfter\":1800000000}")],
    },
    Member { name: "subscribe", kind: Kind::Method, args: &[(Arg::Listener, "listener", "")] },
];

/// The members of the admin build only (the `admin` feature): in the table when the module is
/// built with it, so that the coverage test also fails when the default module has one of them.
#[cfg(feature = "admin")]
const ADMIN_MEMBERS: &[Member] = &[
    Member {
        name: "preview",
        kind: Kind::Method,
        args: &[
            (A, "actor", "ada"),
            (
                Arg::Object,
                "change",
                "{\"op\":\"updateSettings\",\"org\":\"acme\",\"settings\":{\"membersCanCreateTeams\":true}}",
            ),
            (Arg::OptObject, "options", "{\"now\":1700000000}"),
        ],
    },
    Member { name: "diff", kind: Kind::Method, args: &[(Arg::Snapshot, "snapshot", "")] },
    Member { name: "decisionRecordsToJsonLines", kind: Kind::Static, args: &[(Arg::Items, "records", "[]")] },
    Member { name: "decisionRecordsToCef", kind: Kind::Static, args: &[(Arg::Items, "records", "[]")] },
];
#[cfg(not(feature = "admin"))]
const ADMIN_MEMBERS: &[Member] = &[];

/// Every member of this build's class: `MEMBERS`, and `ADMIN_MEMBERS` in the admin build.
fn members() -> impl Iterator<Item = &'static Member> {
    MEMBERS.iter().chain(ADMIN_MEMBERS)
}

/// Members of the generated glue that are not API: `free` and `[Symbol.dispose]` release the
/// instance (the release itself is tested in the suite), the rest is wasm-bindgen's plumbing.
const GLUE: &[&str] = &["constructor", "free", "__destroy_into_raw", "__wrap", "length", "name", "prototype"];

/// A hostile value, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hostile {
    Number,
    Null,
    Undefined,
    Object,
    Array,
    Symbol,
    BigInt,
    Huge,
}

const HOSTILE: [Hostile; 8] = [
    Hostile::Number,
    Hostile::Null,
    Hostile::Undefined,
    Hostile::Object,
    Hostile::Array,
    Hostile::Symbol,
    Hostile::BigInt,
    Hostile::Huge,
];

fn hostile(kind: Hostile) -> JsValue {
    thread_local! {
        static HUGE: JsValue = JsValue::from_str(&"x".repeat(1 << 20));
    }
    match kind {
        Hostile::Number => JsValue::from_f64(1.0),
        Hostile::Null => JsValue::NULL,
        Hostile::Undefined => JsValue::UNDEFINED,
        Hostile::Object => Object::new().into(),
        Hostile::Array => Array::new().into(),
        Hostile::Symbol => JsValue::symbol(Some("hostile")),
        Hostile::BigInt => BigInt::from(5u32).into(),
        Hostile::Huge => HUGE.with(Clone::clone),
    }
}

/// What a hostile value in a position must give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// `ScopegateError` with code `invalid_argument`, naming the argument.
    Invalid,
    /// An answer, or a `ScopegateError` with another code: the value is valid there.
    Accepted,
    /// The documented deny of a question (`false`, a deny, `"none"`, `[]`, `undefined`).
    Deny,
    /// `ScopegateError` with code `malformed_token`.
    Malformed,
}

fn expect(arg: Arg, value: Hostile) -> Expect {
    use Hostile as H;
    match (arg, value) {
        (Arg::Name | Arg::NameOrHandle, H::Huge) => Expect::Deny,
        (Arg::NameOrHandle, H::Number) => Expect::Deny,
        (Arg::Credential, H::Huge | H::Null | H::Undefined) => Expect::Malformed,
        (Arg::OptStr | Arg::OptObject, H::Null | H::Undefined) => Expect::Accepted,
        (Arg::Object | Arg::OptObject, H::Object) => Expect::Accepted,
        (Arg::Text, H::Huge) => Expect::Accepted,
        (Arg::Snapshot, H::Huge | H::Object) => Expect::Accepted,
        (Arg::Handle, H::Number) => Expect::Accepted,
        (Arg::Items, H::Array) => Expect::Accepted,
        (Arg::Revision, H::Number | H::BigInt) => Expect::Accepted,
        _ => Expect::Invalid,
    }
}

fn valid(arg: Arg, text: &str) -> JsValue {
    match arg {
        Arg::Name | Arg::NameOrHandle | Arg::Str | Arg::OptStr | Arg::Text | Arg::Credential => s(text),
        Arg::Snapshot => s(DEMO),
        Arg::Revision => s(text),
        Arg::Listener => Function::new_no_args("").into(),
        Arg::Handle | Arg::Bool | Arg::Object | Arg::OptObject | Arg::Items => {
            js(&serde_json::from_str::<Value>(text).expect("valid JSON in the table"))
        }
    }
}

/// Calls one member with `args` on a fresh instance (or the class).
fn call(member: &Member, gate: &Gate, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let list: Array = args.iter().collect();
    match member.kind {
        Kind::Constructor => Reflect::construct(&class(), &list),
        Kind::Static => {
            let f: Function = get(&class(), member.name).dyn_into().expect("a static method");
            f.apply(&class(), &list)
        }
        Kind::Method => gate.call(member.name, args),
        Kind::Getter => Reflect::get(&gate.0, &s(member.name)),
    }
}

/// Whether an answer is the documented deny of a question.
fn is_deny(answer: &JsValue) -> bool {
    answer.as_bool() == Some(false)
        || answer.as_string().as_deref() == Some("none")
        || answer.is_undefined()
        || answer.dyn_ref::<Array>().is_some_and(|a| a.length() == 0)
        || (answer.is_object() && get(answer, "allowed").as_bool() == Some(false))
        || (answer.is_object() && get(answer, "ids").dyn_ref::<Array>().is_some_and(|a| a.length() == 0))
}

/// The instance (and the module) still answer correctly.
#[track_caller]
fn still_works(gate: &Gate, what: &str) {
    assert!(gate.check("max", "stack:write", "acme/app/prod"), "{what}: the instance no longer answers");
    assert!(!gate.check("mia", "stack:write", "acme/app/prod"), "{what}: the instance answers wrongly");
    let fresh = Gate::demo();
    assert!(fresh.check("max", "stack:write", "acme/app/prod"), "{what}: the module no longer answers");
}

#[wasm_bindgen_test]
fn every_member_of_the_class_is_covered() {
    let ctor = class();
    let mut names: Vec<String> = Vec::new();
    for target in [get(&ctor, "prototype"), ctor.clone().into()] {
        let own = Object::get_own_property_names(target.unchecked_ref::<Object>());
        names.extend(own.iter().filter_map(|n| n.as_string()));
    }
    for name in &names {
        let covered = GLUE.contains(&name.as_str()) || members().any(|m| m.name == name);
        assert!(covered, "`Scopegate.{name}` is not in the hostile-value table of boundary.rs");
    }
    for member in members() {
        let listed = member.kind == Kind::Constructor || names.iter().any(|n| n == member.name);
        assert!(listed, "the table lists `{}`, which the class does not have", member.name);
    }
}

#[wasm_bindgen_test]
fn every_hostile_value_in_every_position_is_an_answer_or_a_scopegate_error() {
    let mut failures = Vec::new();
    for member in members() {
        let positions = member.args.len();
        // Getters and members without arguments: extra hostile arguments are ignored.
        if positions == 0 {
            let gate = Gate::demo();
            let args: Vec<JsValue> = HOSTILE.iter().map(|h| hostile(*h)).collect();
            if let Err(thrown) = call(member, &gate, &args) {
                failures.push(format!("{}(…hostile) threw {}", member.name, describe(&thrown)));
            }
            still_works(&gate, member.name);
            continue;
        }
        for position in 0..positions {
            for value in HOSTILE {
                let gate = Gate::demo();
                let args: Vec<JsValue> = member
                    .args
                    .iter()
                    .enumerate()
                    .map(|(i, (arg, _, text))| if i == position { hostile(value) } else { valid(*arg, text) })
                    .collect();
                let (arg, arg_name, _) = member.args[position];
                let want = expect(arg, value);
                let what = format!("{}: `{arg_name}` = {value:?}", member.name);
                let result = call(member, &gate, &args);
                let problem = match (&result, want) {
                    (Err(thrown), _)
                        if !thrown.is_instance_of::<js_sys::Error>()
                            || get_str(thrown, "name") != "ScopegateError" =>
                    {
                        Some(format!("threw a non-ScopegateError: {}", describe(thrown)))
                    }
                    (Err(thrown), Expect::Invalid) => {
                        let code = scopegate_error(thrown);
                        let message = get_str(thrown, "message");
                        if code != "invalid_argument" {
                            Some(format!("code {code}, expected invalid_argument ({message})"))
                        } else if !message.contains(&format!("`{arg_name}`")) || !message.ends_with('.') {
                            Some(format!("the message does not name `{arg_name}` in a sentence: {message}"))
                        } else {
                            None
                        }
                    }
                    (Err(thrown), Expect::Malformed) => {
                        let code = scopegate_error(thrown);
                        (code != "malformed_token").then(|| format!("code {code}, expected malformed_token"))
                    }
                    (Err(thrown), Expect::Accepted) => {
                        let code = scopegate_error(thrown);
                        (code == "invalid_argument")
                            .then(|| format!("refused a valid value: {}", describe(thrown)))
                    }
                    (Err(thrown), Expect::Deny) => {
                        Some(format!("threw {} instead of denying", describe(thrown)))
                    }
                    (Ok(answer), Expect::Deny) => (!is_deny(answer))
                        .then(|| format!("answered {} instead of denying", describe(answer))),
                    (Ok(_), Expect::Accepted) => None,
                    (Ok(answer), _) => {
                        Some(format!("answered {} instead of throwing {want:?}", describe(answer)))
                    }
                };
                if let Some(problem) = problem {
                    failures.push(format!("{what}: {problem}"));
                }
                still_works(&gate, &what);
            }
        }
    }
    assert!(failures.is_empty(), "{} failure(s):\n{}", failures.len(), failures.join("\n"));
}

#[wasm_bindgen_test]
fn a_throwing_getter_or_proxy_in_an_options_object_is_an_invalid_argument() {
    let gate = Gate::demo();
    let options = Object::new();
    let getter = Function::new_no_args("throw new Error('boom')");
    let descriptor = Object::new();
    Reflect::set(&descriptor, &s("get"), &getter).expect("descriptor");
    Reflect::set(&descriptor, &s("enumerable"), &JsValue::TRUE).expect("descriptor");
    Object::define_property(&options, &s("now"), &descriptor);
    let credential = s("pul-0000000000000000000000000000000000000000");
    assert_eq!(gate.throws_code("authenticate", &[credential, options.into()]), "invalid_argument");
    // A proxy whose traps throw.
    let handler = js(&json!({}));
    Reflect::set(&handler, &s("ownKeys"), &getter).expect("trap");
    let proxy = js_sys::Proxy::new(&Object::new(), handler.unchecked_ref());
    let request = proxy.into();
    assert_eq!(gate.throws_code("mintToken", &[s("max"), request, JsValue::UNDEFINED]), "invalid_argument");
    // A snapshot object that cannot be written as JSON.
    let cyclic = Object::new();
    Reflect::set(&cyclic, &s("self"), &cyclic).expect("cycle");
    let thrown = Gate::construct(&cyclic.into()).err().expect("refused");
    assert_eq!(scopegate_error(&thrown), "invalid_argument");
    still_works(&gate, "after throwing getters");
}

#[wasm_bindgen_test]
fn requests_refuse_unknown_and_mistyped_fields_by_name() {
    let gate = Gate::demo();
    let cases = [
        ("mintToken", vec![s("max"), js(&json!({ "colour": "red" })), JsValue::UNDEFINED], "`request`"),
        (
            "mintToken",
            vec![s("max"), js(&json!({ "expires": 1.5 })), JsValue::UNDEFINED],
            "`request.expires`",
        ),
        ("mintToken", vec![s("max"), js(&json!({ "expires": -1 })), JsValue::UNDEFINED], "`request.expires`"),
        ("mintToken", vec![s("max"), js(&json!({ "name": 5 })), JsValue::UNDEFINED], "`request.name`"),
        (
            "mintToken",
            vec![
                s("max"),
                js(&json!({ "expires": NOW + 60 })),
                js(&json!({ "signingKey": { "kid": "k", "pem": "x" } })),
            ],
            "`options.signingKey`",
        ),
        ("authenticate", vec![s("pul-00"), js(&json!({ "now": "soon" }))], "`options.now`"),
        ("authenticate", vec![s("pul-00"), js(&json!({ "clock": 5 }))], "`options`"),
        (
            "listTokens",
            vec![s("max"), JsValue::UNDEFINED, js(&json!({ "showExpired": "yes" }))],
            "`options.showExpired`",
        ),
        ("createStack", vec![s("ada"), s("acme"), s("svc"), s("y"), js(&json!({ "env": 5 }))], "`tags.env`"),
    ];
    for (method, args, named) in cases {
        let thrown = gate.throws(method, &args);
        assert_eq!(get_str(&thrown, "code"), "invalid_argument", "{method}");
        let message = get_str(&thrown, "message");
        assert!(message.contains(named) && message.ends_with('.'), "{method}: {message}");
    }
}
