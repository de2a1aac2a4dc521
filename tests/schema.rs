//! `snapshot.schema.json` stays in step with the snapshot loader and the documentation.
//!
//! The schema's object definitions carry exactly the fields of the wire types
//! (`scopegate::testing::object_fields`), required where the wire type requires them; its
//! settings are what the one settings definition (`scopegate::testing::SETTINGS`) says, and its
//! level enums are the permission level names. A small validator, written for exactly the keywords the schema uses, checks the demo
//! fixture, exported snapshots and the documentation's example against it, and checks that the
//! schema and the loader agree on valid and malformed documents.

use std::collections::BTreeSet;
use std::path::Path;

use scopegate::testing::object_fields;
use scopegate::testing::{EXPIRY_POLICY_DAYS, SETTINGS, SettingKind};
use scopegate::{Engine, EntityKind, ErrorCode, Permission, Settings, SnapshotError};
use serde_json::{Map, Value, json};

const SCHEMA: &str = include_str!("../snapshot.schema.json");
const DEMO: &str = include_str!("fixtures/demo.json");
/// The README's snapshot section (between its `snapshot-doc` markers).
const README: &str = include_str!("../README.md");

fn docs() -> &'static str {
    let start =
        README.find("<!-- snapshot-doc:start -->").expect("README.md has the snapshot-doc start marker");
    let end = README.find("<!-- snapshot-doc:end -->").expect("README.md has the snapshot-doc end marker");
    &README[start..end]
}

fn schema() -> Value {
    serde_json::from_str(SCHEMA).expect("snapshot.schema.json is JSON")
}

fn demo() -> Value {
    serde_json::from_str(DEMO).expect("the demo fixture is JSON")
}

fn defs(schema: &Value) -> &Map<String, Value> {
    schema["$defs"].as_object().expect("the schema has `$defs`")
}

fn properties<'a>(schema: &'a Value, def: &str) -> &'a Map<String, Value> {
    defs(schema)
        .get(def)
        .and_then(|d| d["properties"].as_object())
        .unwrap_or_else(|| panic!("`$defs.{def}` has no `properties`"))
}

// ---------------------------------------------------------------------------------------------
// A JSON Schema validator for the keywords snapshot.schema.json uses, and nothing more.
// ---------------------------------------------------------------------------------------------

/// Validates documents against a schema whose `$ref`s point into its own `#/$defs/`.
struct Validator<'s> {
    root: &'s Value,
}

impl<'s> Validator<'s> {
    fn new(root: &'s Value) -> Self {
        Self { root }
    }

    /// Every violation, as `path: what`; empty when the document is valid.
    fn errors(&self, value: &Value) -> Vec<String> {
        let mut out = Vec::new();
        self.check(self.root, value, "$", &mut out);
        out
    }

    fn is_valid(&self, value: &Value) -> bool {
        self.errors(value).is_empty()
    }

    fn resolve(&self, reference: &str) -> &'s Value {
        let name = reference
            .strip_prefix("#/$defs/")
            .unwrap_or_else(|| panic!("unsupported `$ref` {reference:?} (only #/$defs/<name>)"));
        defs(self.root).get(name).unwrap_or_else(|| panic!("`$ref` to a missing definition `{name}`"))
    }

    fn check(&self, schema: &'s Value, value: &Value, path: &str, out: &mut Vec<String>) {
        let keywords = match schema {
            Value::Bool(true) => return,
            Value::Bool(false) => {
                out.push(format!("{path}: not allowed here"));
                return;
            }
            Value::Object(keywords) => keywords,
            other => panic!("not a schema at {path}: {other}"),
        };
        for (keyword, arg) in keywords {
            match keyword.as_str() {
                // Annotations.
                "$schema" | "title" | "description" | "default" | "$defs" => {}
                "$ref" => self.check(self.resolve(arg.as_str().unwrap()), value, path, out),
                "type" => {
                    let types: Vec<&str> = match arg {
                        Value::String(t) => vec![t.as_str()],
                        Value::Array(ts) => ts.iter().map(|t| t.as_str().unwrap()).collect(),
                        other => panic!("bad `type` {other}"),
                    };
                    if !types.iter().any(|t| has_type(value, t)) {
                        out.push(format!("{path}: expected type {types:?}, found {value}"));
                    }
                }
                "const" => {
                    if value != arg {
                        out.push(format!("{path}: expected {arg}, found {value}"));
                    }
                }
                "enum" => {
                    if !arg.as_array().unwrap().contains(value) {
                        out.push(format!("{path}: {value} is not one of {arg}"));
                    }
                }
                "properties" => {
                    if let Some(object) = value.as_object() {
                        for (name, sub) in arg.as_object().unwrap() {
                            if let Some(v) = object.get(name) {
                                self.check(sub, v, &format!("{path}.{name}"), out);
                            }
                        }
                    }
                }
                "additionalProperties" => {
                    if let Some(object) = value.as_object() {
                        let declared = keywords.get("properties").and_then(Value::as_object);
                        for (name, v) in object {
                            if !declared.is_some_and(|d| d.contains_key(name)) {
                                self.check(arg, v, &format!("{path}[{name:?}]"), out);
                            }
                        }
                    }
                }
                "propertyNames" => {
                    if let Some(object) = value.as_object() {
                        for name in object.keys() {
                            let key = Value::String(name.clone());
                            self.check(arg, &key, &format!("{path}[{name:?}] (key)"), out);
                        }
                    }
                }
                "required" => {
                    if let Some(object) = value.as_object() {
                        for name in arg.as_array().unwrap() {
                            if !object.contains_key(name.as_str().unwrap()) {
                                out.push(format!("{path}: missing field {name}"));
                            }
                        }
                    }
                }
                "items" => {
                    if let Some(items) = value.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            self.check(arg, item, &format!("{path}[{i}]"), out);
                        }
                    }
                }
                "minItems" => {
                    if value.as_array().is_some_and(|a| (a.len() as u64) < arg.as_u64().unwrap()) {
                        out.push(format!("{path}: fewer than {arg} items"));
                    }
                }
                "minLength" | "maxLength" => {
                    if let Some(s) = value.as_str() {
                        let len = s.chars().count() as u64;
                        let limit = arg.as_u64().unwrap();
                        let bad = if keyword == "minLength" { len < limit } else { len > limit };
                        if bad {
                            out.push(format!("{path}: length {len} breaks {keyword} {limit}"));
                        }
                    }
                }
                "pattern" => {
                    if let Some(s) = value.as_str() {
                        if !Pattern::parse(arg.as_str().unwrap()).matches(s) {
                            out.push(format!("{path}: {s:?} does not match {arg}"));
                        }
                    }
                }
                "minimum" | "maximum" => {
                    if let Some(n) = value.as_f64() {
                        let limit = arg.as_f64().unwrap();
                        let bad = if keyword == "minimum" { n < limit } else { n > limit };
                        if bad {
                            out.push(format!("{path}: {n} breaks {keyword} {limit}"));
                        }
                    }
                }
                "oneOf" => {
                    let matching = arg
                        .as_array()
                        .unwrap()
                        .iter()
                        .filter(|sub| {
                            let mut scratch = Vec::new();
                            self.check(sub, value, path, &mut scratch);
                            scratch.is_empty()
                        })
                        .count();
                    if matching != 1 {
                        out.push(format!("{path}: matches {matching} of the `oneOf` alternatives"));
                    }
                }
                other => panic!("the test validator does not support the keyword `{other}` (at {path})"),
            }
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        other => panic!("unknown type `{other}`"),
    }
}

/// An anchored pattern made of literal characters and character classes, each with an optional
/// `+`, `*`, `{n}` or `{m,n}` quantifier: the only regular expressions the schema uses.
struct Pattern {
    pieces: Vec<(Atom, usize, usize)>,
}

enum Atom {
    Char(char),
    Class { negated: bool, ranges: Vec<(char, char)> },
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            Atom::Char(x) => *x == c,
            Atom::Class { negated, ranges } => {
                ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c)) != *negated
            }
        }
    }
}

impl Pattern {
    fn parse(pattern: &str) -> Self {
        let body = pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix('$'))
            .unwrap_or_else(|| panic!("pattern {pattern:?} is not anchored"));
        let chars: Vec<char> = body.chars().collect();
        let mut i = 0;
        let mut pieces = Vec::new();
        while i < chars.len() {
            let atom = match chars[i] {
                '[' => {
                    i += 1;
                    let negated = chars[i] == '^';
                    if negated {
                        i += 1;
                    }
                    let mut ranges = Vec::new();
                    while chars[i] != ']' {
                        let lo = Self::class_char(&chars, &mut i);
                        if chars[i] == '-' && chars[i + 1] != ']' {
                            i += 1;
                            let hi = Self::class_char(&chars, &mut i);
                            assert!(lo <= hi, "bad range in {pattern:?}");
                            ranges.push((lo, hi));
                        } else {
                            ranges.push((lo, lo));
                        }
                    }
                    i += 1;
                    Atom::Class { negated, ranges }
                }
                c if "().|?*+{}]".contains(c) => panic!("unsupported regex syntax {c:?} in {pattern:?}"),
                '\\' => Atom::Char(Self::class_char(&chars, &mut i)),
                c => {
                    i += 1;
                    Atom::Char(c)
                }
            };
            let (min, max) = match chars.get(i) {
                Some('+') => {
                    i += 1;
                    (1, usize::MAX)
                }
                Some('*') => {
                    i += 1;
                    (0, usize::MAX)
                }
                Some('{') => {
                    let end = i + chars[i..].iter().position(|&c| c == '}').unwrap();
                    let inner: String = chars[i + 1..end].iter().collect();
                    i = end + 1;
                    match inner.split_once(',') {
                        Some((m, n)) => (m.parse().unwrap(), n.parse().unwrap()),
                        None => (inner.parse().unwrap(), inner.parse().unwrap()),
                    }
                }
                _ => (1, 1),
            };
            pieces.push((atom, min, max));
        }
        Self { pieces }
    }

    /// One character inside a class (or an escaped one outside): literal, `\uXXXX` or `\x`.
    fn class_char(chars: &[char], i: &mut usize) -> char {
        let c = chars[*i];
        *i += 1;
        if c != '\\' {
            return c;
        }
        let escaped = chars[*i];
        *i += 1;
        if escaped == 'u' {
            let hex: String = chars[*i..*i + 4].iter().collect();
            *i += 4;
            char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap()
        } else {
            assert!(!escaped.is_ascii_alphanumeric(), "unsupported escape \\{escaped}");
            escaped
        }
    }

    fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        Self::match_from(&self.pieces, &chars)
    }

    fn match_from(pieces: &[(Atom, usize, usize)], s: &[char]) -> bool {
        let Some(((atom, min, max), rest)) = pieces.split_first() else {
            return s.is_empty();
        };
        let mut n = 0;
        while n < s.len() && n < *max && atom.matches(s[n]) {
            n += 1;
        }
        (*min..=n).rev().any(|k| Self::match_from(rest, &s[k..]))
    }
}

// ---------------------------------------------------------------------------------------------
// The validator itself.
// ---------------------------------------------------------------------------------------------

#[test]
fn pattern_matcher_handles_the_schema_patterns() {
    let ident = Pattern::parse("^[A-Za-z0-9._-]+$");
    assert!(ident.matches("web-app_2.prod"));
    for bad in ["", "a b", "a/b", "bob@example.com", "é"] {
        assert!(!ident.matches(bad), "{bad:?}");
    }
    let tag_key = Pattern::parse("^[A-Za-z0-9._:-]+$");
    assert!(tag_key.matches("pulumi:owner"));
    assert!(!tag_key.matches("cost center"));
    let digest = Pattern::parse("^[0-9a-f]{64}$");
    assert!(digest.matches(&"ab".repeat(32)));
    assert!(!digest.matches(&"ab".repeat(31)));
    assert!(!digest.matches(&"ab".repeat(33)));
    assert!(!digest.matches(&"AB".repeat(32)));
    let path = Pattern::parse("^[A-Za-z0-9._-]{1,3}/[A-Za-z0-9._-]{1,3}$");
    assert!(path.matches("app/dev"));
    for bad in ["app", "/dev", "app/", "a/b/c", "apps/dev"] {
        assert!(!path.matches(bad), "{bad:?}");
    }
    let label = Pattern::parse(r"^[^/\u0000-\u001F\u007F-\u009F]+$");
    assert!(label.matches("Release Mänager ✓"));
    assert!(!label.matches("Deploy/Ops"));
    assert!(!label.matches("tab\there"));
}

/// The schema's "printable" classes are exactly what the loader calls printable
/// (`!char::is_control()`).
#[test]
fn printable_class_is_the_loaders_printable() {
    let schema = schema();
    let text = Pattern::parse(properties(&schema, "team")["description"]["pattern"].as_str().unwrap());
    let label = Pattern::parse(properties(&schema, "role")["name"]["pattern"].as_str().unwrap());
    for c in (0u32..0x3000).filter_map(char::from_u32) {
        let s = c.to_string();
        assert_eq!(text.matches(&s), !c.is_control(), "text, U+{:04X}", c as u32);
        assert_eq!(label.matches(&s), !c.is_control() && c != '/', "label, U+{:04X}", c as u32);
    }
}

#[test]
fn validator_applies_each_keyword() {
    let root = json!({
        "$ref": "#/$defs/thing",
        "$defs": {
            "thing": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": { "type": "string", "minLength": 2, "maxLength": 3 },
                    "n": { "type": ["integer", "null"], "minimum": 1, "maximum": 5 },
                    "tags": { "type": "object", "propertyNames": { "pattern": "^[a-z]+$" },
                              "additionalProperties": { "enum": ["x", "y"] } },
                    "list": { "type": "array", "items": { "const": 1 }, "minItems": 1 },
                    "no": false
                },
                "additionalProperties": false,
                "oneOf": [{ "required": ["n"] }, { "required": ["list"] }]
            }
        }
    });
    let v = Validator::new(&root);
    assert!(v.is_valid(&json!({ "id": "ab", "n": 3, "tags": { "k": "x" } })));
    assert!(v.is_valid(&json!({ "id": "abc", "n": null })));
    assert!(v.is_valid(&json!({ "id": "abc", "list": [1, 1] })));
    let invalid = [
        json!([]),
        json!({ "n": 3 }),
        json!({ "id": "a", "n": 3 }),
        json!({ "id": "abcd", "n": 3 }),
        json!({ "id": 12, "n": 3 }),
        json!({ "id": "ab", "n": 0 }),
        json!({ "id": "ab", "n": 6 }),
        json!({ "id": "ab", "n": 2.5 }),
        json!({ "id": "ab", "n": 3, "tags": { "K": "x" } }),
        json!({ "id": "ab", "n": 3, "tags": { "k": "z" } }),
        json!({ "id": "ab", "list": [] }),
        json!({ "id": "ab", "list": [2] }),
        json!({ "id": "ab", "n": 3, "no": 1 }),
        json!({ "id": "ab", "n": 3, "extra": 1 }),
        json!({ "id": "ab" }),
        json!({ "id": "ab", "n": 3, "list": [1] }),
    ];
    for doc in invalid {
        assert!(!v.is_valid(&doc), "accepted {doc}");
    }
}

#[test]
#[should_panic(expected = "does not support the keyword `anyOf`")]
fn validator_refuses_keywords_it_does_not_implement() {
    let root = json!({ "anyOf": [true] });
    Validator::new(&root).errors(&json!(1));
}

// ---------------------------------------------------------------------------------------------
// Drift between the schema and the loader's field lists, levels and defaults.
// ---------------------------------------------------------------------------------------------

#[test]
fn definitions_are_the_wire_objects() {
    let schema = schema();
    let def_names: BTreeSet<&str> = defs(&schema).keys().map(String::as_str).collect();
    let objects = object_fields();
    let names: BTreeSet<&str> = objects.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(def_names, names, "one `$defs` entry per object of the format");
    for object in &objects {
        let name = &object.name;
        let expected: BTreeSet<&str> = object.fields.iter().map(|(f, _)| *f).collect();
        let actual: BTreeSet<&str> = properties(&schema, name).keys().map(String::as_str).collect();
        assert_eq!(actual, expected, "`$defs.{name}.properties`");
        let required: Vec<&str> = object.fields.iter().filter(|(_, r)| *r).map(|(f, _)| *f).collect();
        let listed: Vec<&str> = defs(&schema)[name.as_str()]["required"]
            .as_array()
            .map(|r| r.iter().map(|f| f.as_str().unwrap()).collect())
            .unwrap_or_default();
        assert_eq!(listed, required, "`$defs.{name}.required`");
    }
    assert_eq!(schema["$ref"], "#/$defs/snapshot", "the document is a `snapshot`");
}

/// Every node of the schema, with a readable location.
fn walk<'a>(node: &'a Value, at: String, out: &mut Vec<(String, &'a Value)>) {
    match node {
        Value::Object(map) => {
            out.push((at.clone(), node));
            for (k, v) in map {
                walk(v, format!("{at}/{k}"), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn objects_are_closed_and_properties_described() {
    let schema = schema();
    for (name, def) in defs(&schema) {
        assert_eq!(def["type"], "object", "`{name}`");
        assert_eq!(def["additionalProperties"], false, "`{name}` must reject unknown fields");
        assert!(def["description"].as_str().is_some_and(|d| !d.is_empty()), "`{name}` has a description");
        for (field, prop) in properties(&schema, name) {
            let description = prop["description"].as_str().unwrap_or_default();
            assert!(!description.trim().is_empty(), "`{name}.{field}` needs a description");
        }
    }
    let mut nodes = Vec::new();
    walk(&schema, String::from("#"), &mut nodes);
    for (at, node) in nodes {
        if node.get("type") == Some(&json!("object")) && node.get("properties").is_some() {
            assert_eq!(node["additionalProperties"], false, "{at}: an object with fields must be closed");
        }
    }
}

#[test]
fn environments_use_the_stack_definition() {
    let schema = schema();
    let org = properties(&schema, "organization");
    assert_eq!(org["stacks"]["items"]["$ref"], "#/$defs/stack");
    assert_eq!(org["environments"]["items"]["$ref"], "#/$defs/stack");
    assert_eq!(org["accounts"]["items"]["$ref"], "#/$defs/account");
    let description = defs(&schema)["stack"]["description"].as_str().unwrap();
    assert!(description.contains("environment"), "the stack definition says environments use it");
}

/// The level names valid for a kind, lowest first; `none` only where a default is set.
fn levels(kind: EntityKind, with_none: bool) -> Value {
    let names: Vec<&str> = Permission::ALL
        .into_iter()
        .filter(|&p| kind.accepts(p) && (with_none || p != Permission::None))
        .map(Permission::as_str)
        .collect();
    json!(names)
}

#[test]
fn level_enums_are_permission_names() {
    let schema = schema();
    let team = properties(&schema, "team");
    assert_eq!(team["stacks"]["additionalProperties"]["enum"], levels(EntityKind::Stack, false));
    assert_eq!(team["environments"]["additionalProperties"]["enum"], levels(EntityKind::Environment, false));
    assert_eq!(team["accounts"]["additionalProperties"]["enum"], levels(EntityKind::Account, false));
    // The shared stack/environment definition admits environment levels; `organizations[].stacks`
    // narrows its grants to stack levels.
    let stack = properties(&schema, "stack");
    assert_eq!(stack["grants"]["additionalProperties"]["enum"], levels(EntityKind::Environment, false));
    let org = properties(&schema, "organization");
    assert_eq!(
        org["stacks"]["items"]["properties"]["grants"]["additionalProperties"]["enum"],
        levels(EntityKind::Stack, false)
    );
    let account = properties(&schema, "account");
    assert_eq!(account["grants"]["additionalProperties"]["enum"], levels(EntityKind::Account, false));

    // Any other enum that mentions a level is a run of level names in level order.
    let all: Vec<&str> = Permission::ALL.into_iter().map(Permission::as_str).collect();
    let mut nodes = Vec::new();
    walk(&schema, String::from("#"), &mut nodes);
    for (at, node) in nodes {
        let Some(values) = node.get("enum").and_then(Value::as_array) else { continue };
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        if names.contains(&"read") {
            let positions: Vec<usize> = names
                .iter()
                .map(|n| all.iter().position(|a| a == n).unwrap_or_else(|| panic!("{at}: `{n}` is no level")))
                .collect();
            assert!(positions.windows(2).all(|w| w[0] < w[1]), "{at}: levels out of order");
        }
    }
}

/// How the README and the schema say a default: `` `write` ``, `` `true` ``, or "no policy".
pub fn default_doc(value: &Value) -> String {
    match value {
        Value::Null => "no policy".to_string(),
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// `$defs.settings.properties` as the settings definition says it must be.
fn expected_settings_properties() -> Value {
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    let mut properties = Map::new();
    for setting in SETTINGS {
        let default = defaults[setting.name].clone();
        let mut property = match setting.kind {
            SettingKind::Level(kind) => json!({ "type": "string", "enum": levels(kind, true) }),
            SettingKind::Flag => json!({ "type": "boolean" }),
            SettingKind::ExpiryDays => {
                json!({ "type": ["integer", "null"], "minimum": 0, "maximum": EXPIRY_POLICY_DAYS.end() })
            }
        };
        property["default"] = default.clone();
        property["description"] = json!(format!("{} Default: {}.", setting.meaning(), default_doc(&default)));
        properties.insert(setting.name.to_string(), property);
    }
    Value::Object(properties)
}

#[test]
fn settings_are_the_settings_definition() {
    let schema = schema();
    let expected = expected_settings_properties();
    assert_eq!(
        defs(&schema)["settings"]["properties"],
        expected,
        "`$defs.settings.properties` should be:\n{}",
        serde_json::to_string_pretty(&expected).unwrap()
    );
    // The defaults are product decisions (PRODUCT decision 5, model-facts D).
    let defaults = json!({
        "defaultStackPermission": "write", "defaultEnvironmentPermission": "write",
        "defaultAccountPermission": "none", "membersCanCreateStacks": true,
        "stackAdminsCanDeleteStacks": true, "stackAdminsCanTransferStacks": true,
        "membersCanCreateTeams": false, "membersCanCreateAccounts": false,
        "teamTokensGetMemberDefaults": false, "tokenExpiryPolicyDays": null,
    });
    assert_eq!(serde_json::to_value(Settings::default()).unwrap(), defaults);
    assert_eq!(properties(&schema, "member")["role"]["default"], "member");
    assert_eq!(properties(&schema, "token")["role"]["default"], "member");
    assert_eq!(properties(&schema, "team")["kind"]["default"], "pulumi");
}

// ---------------------------------------------------------------------------------------------
// Documents: the schema accepts what it should and rejects what the loader rejects.
// ---------------------------------------------------------------------------------------------

#[test]
fn demo_fixture_is_valid() {
    let schema = schema();
    let errors = Validator::new(&schema).errors(&demo());
    assert!(errors.is_empty(), "demo.json breaks the schema: {errors:#?}");
    assert!(Engine::from_json(DEMO).is_ok(), "demo.json loads");
}

#[test]
fn exported_snapshots_are_valid() {
    let schema = schema();
    let v = Validator::new(&schema);
    let engine = Engine::from_json(DEMO).unwrap();
    let exported = engine.to_value();
    let errors = v.errors(&exported);
    assert!(errors.is_empty(), "the export of the demo breaks the schema: {errors:#?}");
    let minimal = Engine::from_json(r#"{ "version": 1 }"#).unwrap().to_value();
    assert!(v.is_valid(&minimal), "{:#?}", v.errors(&minimal));
}

/// An Ed25519 public key (RFC 8032, test 1), base64url without padding.
const ED25519_PUBLIC: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
/// A 32-byte HMAC secret (`a` × 32), base64url without padding.
const HS256_SECRET: &str = "YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE";

/// One change to the demo document: set (or add) the value at a JSON pointer, or remove it.
enum Edit {
    Set(&'static str, Value),
    Remove(&'static str),
}

fn apply(mut doc: Value, edit: &Edit) -> Value {
    let (pointer, value) = match edit {
        Edit::Set(p, v) => (*p, Some(v.clone())),
        Edit::Remove(p) => (*p, None),
    };
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let key = key.replace("~1", "/").replace("~0", "~");
    let target = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent} in the demo"));
    match (target, value) {
        (Value::Object(map), Some(v)) => {
            map.insert(key, v);
        }
        (Value::Object(map), None) => {
            assert!(map.remove(&key).is_some(), "nothing to remove at {pointer}");
        }
        (Value::Array(items), Some(v)) => items[key.parse::<usize>().unwrap()] = v,
        _ => panic!("cannot edit {pointer}"),
    }
    doc
}

fn describe(edit: &Edit) -> String {
    match edit {
        Edit::Set(p, v) => format!("{p} = {v}"),
        Edit::Remove(p) => format!("remove {p}"),
    }
}

#[test]
fn invalid_documents_are_rejected_by_schema_and_loader() {
    use Edit::{Remove, Set};
    let schema = schema();
    let v = Validator::new(&schema);
    let edits = [
        Set("/generatedBy", json!("tool")),
        Set("/version", json!(2)),
        Set("/version", json!("1")),
        Remove("/version"),
        Set("/revision", json!(-1)),
        Set("/organizations", json!({ "acme": {} })),
        Set("/users/0/login", json!("a".repeat(40))),
        Set("/users/0/login", json!("ada@example.com")),
        Set("/users/1/tokens/0/name", json!("laptop")),
        Set("/users/1/tokens/0/kind", json!("organization")),
        Set("/users/1/tokens/0/digest", json!("ab".repeat(31))),
        Set("/organizations/0/owner", json!("ada")),
        Set("/organizations/0/name", json!("acme inc")),
        Set("/organizations/0/settings/defaultStackPermission", json!("open")),
        Set("/organizations/0/settings/defaultEnvironmentPermission", json!("execute")),
        Set("/organizations/0/settings/membersCanCreateStacks", json!("true")),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!(3651)),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!(-1)),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!("30")),
        Set("/organizations/0/members/0/email", json!("ada@example.com")),
        Set("/organizations/0/permissionSets/0/entity", json!("team")),
        Set("/organizations/0/roles/0/name", json!("Deploy/Ops")),
        Set("/organizations/0/roles/1/rules/0/all", json!(true)),
        Remove("/organizations/0/roles/0/rules/0/tags"),
        Set("/organizations/0/roles/0/rules/1/all", json!(false)),
        Set("/organizations/0/roles/1/rules/0/tags", json!([])),
        Set("/organizations/0/roles/0/rules/0/entity", json!("team")),
        Set("/organizations/0/roles/0/rules/0/tags/0/key", json!("cost center")),
        Set("/organizations/0/teams/0/name", json!("plat\nform")),
        Set("/organizations/0/teams/0/displayName", json!("x".repeat(257))),
        Set("/organizations/0/teams/0/maintainers", json!(["tess"])),
        Set("/organizations/0/teams/2/kind", json!("gitlab")),
        Set("/organizations/0/teams/0/stacks/network~1prod", json!("none")),
        Set("/organizations/0/teams/0/stacks/network~1prod", json!("open")),
        Set("/organizations/0/teams/0/members", json!({ "max": true })),
        Set("/organizations/0/stacks/0/project", json!(42)),
        Remove("/organizations/0/stacks/0/project"),
        Set("/organizations/0/stacks/0/tags/cost center", json!("x")),
        Set("/organizations/0/stacks/0/creator/token", json!("org-ci")),
        Set("/organizations/0/stacks/8/grants/nora", json!("open")),
        Set("/organizations/0/stacks/8/grants", json!([{ "nora": "write" }])),
        Set("/organizations/0/accounts/0/grants", json!({ "max": "open" })),
        Remove("/organizations/0/tokens/0/kind"),
        Set("/organizations/0/tokens/0/kind", json!("personal")),
        Set("/organizations/0/tokens/0/kind", json!("robot")),
        Remove("/organizations/0/tokens/0/name"),
        Set("/organizations/0/tokens/0/name", json!("n".repeat(41))),
        Set("/organizations/0/tokens/0/team", json!("platform")),
        Set("/organizations/0/tokens/0/digest", json!("AB".repeat(32))),
        Remove("/organizations/0/tokens/3/team"),
        Set("/organizations/0/tokens/3/role", json!("member")),
        Set("/organizations/0/tokens/0/deleted", json!("no")),
        Set("/revokedTokenIds", json!(["bad id"])),
        Set("/revokedTokenIds", json!("pat-max-1")),
        Set("/signing", json!({ "keys": [], "algorithms": ["EdDSA"] })),
        Set("/signing", json!({ "leewaySeconds": 601 })),
        Set("/signing", json!({ "keys": [{ "kid": "k1", "alg": "none", "publicKey": ED25519_PUBLIC }] })),
        Set("/signing", json!({ "keys": [{ "kid": "k1", "alg": "EdDSA" }] })),
        Set(
            "/signing",
            json!({ "keys": [{ "kid": "k1", "alg": "EdDSA", "publicKey": &ED25519_PUBLIC[1..] }] }),
        ),
        Set(
            "/signing",
            json!({ "keys": [{ "kid": "k1", "alg": "EdDSA", "publicKey": ED25519_PUBLIC, "secret": HS256_SECRET }] }),
        ),
        Set("/signing", json!({ "keys": [{ "kid": "k1", "alg": "HS256", "secret": &HS256_SECRET[1..] }] })),
        Set("/signing", json!({ "keys": [{ "kid": "k1", "alg": "HS256", "publicKey": ED25519_PUBLIC }] })),
        Set("/signing", json!({ "keys": [{ "kid": "k 1", "alg": "HS256", "secret": HS256_SECRET }] })),
    ];
    for edit in &edits {
        let doc = apply(demo(), edit);
        assert!(!v.is_valid(&doc), "the schema accepts {}", describe(edit));
        assert!(Engine::from_value(&doc).is_err(), "the loader accepts {}", describe(edit));
    }
    for not_an_object in [json!([]), json!("version 1"), json!(1)] {
        assert!(!v.is_valid(&not_an_object));
        assert!(Engine::from_value(&not_an_object).is_err());
    }
}

#[test]
fn valid_variants_are_accepted_by_schema_and_loader() {
    use Edit::{Remove, Set};
    let schema = schema();
    let v = Validator::new(&schema);
    let edits = [
        Remove("/revision"),
        Remove("/users"),
        Set("/users/1/tokens/0/kind", json!("personal")),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!(1)),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!(3650)),
        Set("/organizations/0/settings/tokenExpiryPolicyDays", json!(0)),
        Set("/organizations/0/settings/defaultStackPermission", json!("admin")),
        Set("/organizations/0/settings/defaultEnvironmentPermission", json!("open")),
        Set("/organizations/0/settings/defaultAccountPermission", json!("read")),
        Set("/organizations/0/settings/membersCanCreateAccounts", json!(true)),
        Set("/organizations/1/members/1", json!({ "login": "n".repeat(39) })),
        Remove("/organizations/0/members/5/role"),
        Set("/organizations/1/roles", json!([{ "name": "Release Mänager ✓", "organization": "read-only" }])),
        Set("/organizations/0/roles/1/rules/0/tags/0/key", json!("pulumi:ephemeral")),
        Set("/organizations/0/roles/1/rules/0/tags/0/value", json!("true")),
        Set("/organizations/0/roles/0/rules/2/entities", json!([])),
        Set("/organizations/0/teams/0/kind", json!("pulumi")),
        Set("/organizations/0/teams/0/environments/shared~1prod", json!("open")),
        Set("/organizations/0/teams/0/accounts", json!({ "aws-main": "admin" })),
        Set("/organizations/0/stacks/0/tags/cost:center", json!("")),
        Set("/organizations/0/environments/0/grants", json!({ "max": "open" })),
        Set("/organizations/0/environments/0/creator", json!({ "user": "tess" })),
        Set("/organizations/0/accounts/0/grants", json!({ "max": "write" })),
        Set("/organizations/0/accounts/0/creator", json!({ "token": "org-ci" })),
        Set("/organizations/0/tokens/0/name", json!("n".repeat(40))),
        Set("/organizations/0/tokens/0/description", json!("CI ✓")),
        Remove("/organizations/0/tokens/0/role"),
        Set("/organizations/0/tokens/3/deleted", json!(true)),
        Set("/revokedTokenIds", json!(["pat-max-1", "never-issued"])),
        Set("/signing", json!({})),
        Set(
            "/signing",
            json!({
                "issuer": "https://auth.example.com",
                "audience": "scopegate",
                "leewaySeconds": 600,
                "keys": [
                    { "kid": "ed-1", "alg": "EdDSA", "publicKey": ED25519_PUBLIC },
                    { "kid": "hs-1", "alg": "HS256", "secret": HS256_SECRET }
                ]
            }),
        ),
    ];
    for edit in &edits {
        let doc = apply(demo(), edit);
        let errors = v.errors(&doc);
        assert!(errors.is_empty(), "the schema rejects {}: {errors:#?}", describe(edit));
        if let Err(e) = Engine::from_value(&doc) {
            panic!("the loader rejects {}: {e}", describe(edit));
        }
    }
}

/// Codes for problems of shape (types, fields, value sets, name alphabets): the schema must
/// catch these. The others (uniqueness, references, scope names, sizes) are the loader's alone.
const SHAPE_CODES: [ErrorCode; 7] = [
    ErrorCode::InvalidJson,
    ErrorCode::UnsupportedVersion,
    ErrorCode::UnknownField,
    ErrorCode::MissingField,
    ErrorCode::WrongType,
    ErrorCode::InvalidValue,
    ErrorCode::InvalidName,
];

/// Over the malformed-snapshot corpus, the schema rejects every document with a shape problem
/// and accepts every document whose only problems are about references or uniqueness.
#[test]
fn schema_and_loader_agree_on_the_malformed_corpus() {
    let schema = schema();
    let v = Validator::new(&schema);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("bad_snapshots");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if name == "expected.json" || !name.ends_with(".json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let problems = Engine::from_json(&text).expect_err(&name);
        let Ok(doc) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        seen += 1;
        for p in &problems {
            assert!(snapshot_codes().contains(p.code().as_str()), "{name}: undocumented code {}", p.code());
        }
        let shape = problems.iter().any(|p| SHAPE_CODES.contains(&p.code()));
        let errors = v.errors(&doc);
        if shape {
            assert!(!errors.is_empty(), "{name}: the schema accepts a document with {problems:?}");
        } else {
            // The schema forbids a name on a personal token outright; the loader reports it as
            // an invalid reference.
            let personal_token_name = |p: &SnapshotError| {
                p.code() == ErrorCode::InvalidReference
                    && p.path.starts_with("users[")
                    && p.path.contains("].tokens[")
                    && p.path.ends_with("].name")
            };
            assert!(
                errors.is_empty() || problems.iter().all(personal_token_name),
                "{name}: the schema rejects a document the loader only faults for {problems:?}: {errors:#?}"
            );
        }
    }
    assert!(seen >= 50, "the corpus is there ({seen} documents)");
}

// ---------------------------------------------------------------------------------------------
// The documentation of the format.
// ---------------------------------------------------------------------------------------------

/// The code of every kind of snapshot problem.
fn snapshot_codes() -> BTreeSet<&'static str> {
    use scopegate::SnapshotErrorKind as K;
    let kinds = [
        K::InvalidJson { detail: String::new() },
        K::UnsupportedVersion { found: String::new() },
        K::UnknownField { field: String::new() },
        K::MissingField { field: "" },
        K::WrongType { expected: "" },
        K::InvalidValue { value: String::new(), expected: "" },
        K::InvalidName { name: String::new(), rule: String::new() },
        K::Duplicate { what: "", name: String::new() },
        K::DanglingReference { what: "", name: String::new() },
        K::InvalidReference { name: String::new(), why: "" },
        K::UnknownScope { scope: String::new() },
        K::ScopeEntityMismatch { scope: String::new(), entity: "" },
        K::TooLarge { what: "", max: 0 },
    ];
    kinds.into_iter().map(|kind| SnapshotError { path: String::new(), kind }.code().as_str()).collect()
}

/// The text of the docs section under `### {heading}`, up to the next heading.
fn docs_section(heading: &str) -> &'static str {
    let marker = format!("### {heading}\n");
    let start =
        docs().find(&marker).unwrap_or_else(|| panic!("README.md (Snapshot section) has no `{marker}`"))
            + marker.len();
    let end = docs()[start..].find("\n### ").map_or(docs().len(), |e| start + e);
    &docs()[start..end]
}

/// The first cells (`` `name` ``) of a section's table rows.
fn first_cells(section: &str) -> BTreeSet<&str> {
    section.lines().filter_map(|l| l.strip_prefix("| `")).map(|l| &l[..l.find('`').unwrap()]).collect()
}

#[test]
fn docs_have_one_table_per_object_with_exactly_its_fields() {
    let headings = [
        ("snapshot", "Document"),
        ("user", "User"),
        ("organization", "Organization"),
        ("member", "Member"),
        ("permissionSet", "Permission set"),
        ("role", "Role"),
        ("rule", "Rule"),
        ("tagCondition", "Tag condition"),
        ("team", "Team"),
        ("stack", "Stack and environment"),
        ("account", "Account"),
        ("creator", "Creator"),
        ("token", "Token"),
        ("signing", "Signing"),
        ("key", "Key"),
    ];
    for object in object_fields() {
        let name = object.name.as_str();
        if name == "settings" {
            // One table for the settings, under `## Settings` (tests/readme.rs checks it).
            let section = docs_section("Settings");
            assert!(section.contains("[Settings](#settings)") && first_cells(section).is_empty());
            continue;
        }
        let (_, heading) = headings
            .iter()
            .find(|(o, _)| *o == name)
            .unwrap_or_else(|| panic!("no docs heading known for `{name}`: document it"));
        let section = docs_section(heading);
        let documented = first_cells(section);
        let expected: BTreeSet<&str> = object.fields.iter().map(|(f, _)| *f).collect();
        assert_eq!(documented, expected, "README.md (Snapshot section), `### {heading}` table");
        // The "Required / default" column says `required` exactly for the required fields.
        for (field, required) in &object.fields {
            let row = section.lines().find(|l| l.starts_with(&format!("| `{field}` |"))).unwrap();
            let said = row.split(" | ").nth(2).unwrap_or_default() == "required";
            assert_eq!(said, *required, "`### {heading}`: `{field}` required is {required}");
        }
    }
    assert!(!docs().lines().any(|l| l.starts_with("# ") || l.starts_with("## ")), "docs use `###` and below");
}

#[test]
fn docs_list_exactly_the_snapshot_error_codes() {
    let documented = first_cells(docs_section("Validation errors"));
    assert_eq!(documented, snapshot_codes());
    for code in &documented {
        assert!(ErrorCode::ALL.iter().any(|c| c.as_str() == *code), "`{code}` is an error code");
    }
}

#[test]
fn docs_example_is_valid_and_loads() {
    let start = docs().find("```json\n").expect("README.md (Snapshot section) has a JSON example")
        + "```json\n".len();
    let end = start + docs()[start..].find("```").unwrap();
    let example: Value = serde_json::from_str(&docs()[start..end]).expect("the example is JSON");
    let schema = schema();
    let errors = Validator::new(&schema).errors(&example);
    assert!(errors.is_empty(), "the docs example breaks the schema: {errors:#?}");
    let engine =
        Engine::from_value(&example).unwrap_or_else(|e| panic!("the docs example does not load: {e}"));
    assert_eq!(engine.revision(), example["revision"].as_u64().unwrap());
    // What the text under the example says, from the model: default level for built-in Members,
    // team grant, explicit grant, role rules, token acting as a Member plus its creator grant, and
    // a deleted token being unknown.
    let level = |who: &str, stack: &str| engine.effective_permission(who, EntityKind::Stack, stack);
    assert_eq!(level("max", "acme/website/pr-481"), Permission::Read);
    assert_eq!(level("max", "acme/network/prod"), Permission::Admin);
    assert_eq!(level("max", "acme/warehouse/scratch"), Permission::Write);
    assert_eq!(level("dev", "acme/network/prod"), Permission::Write);
    assert_eq!(level("dev", "acme/warehouse/scratch"), Permission::Read);
    assert_eq!(level("token:org-ci", "acme/website/pr-481"), Permission::Admin);
    assert_eq!(level("token:org-ci", "acme/network/prod"), Permission::Read);
    assert!(engine.check("token:org-ci", "stack:create", "acme"), "a Member-role token may create stacks");
    assert!(engine.resolve_principal("token:org-old").is_none(), "a deleted token is unknown");
    assert!(engine.resolve_principal("token:org-ci").is_some());
}
