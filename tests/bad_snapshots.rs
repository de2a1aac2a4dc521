//! Malformed snapshots are rejected with typed, path-named problems, and no input makes the loader
//! panic.
//!
//! `tests/bad_snapshots/<name>.json` holds one malformed document per file; `expected.json` maps
//! each name to the exact list of `(code, path)` problems the loader must report for it (every
//! problem, not just the first).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use scopegate::{Engine, ErrorCode, SnapshotErrors};
use serde_json::{Value, json};

const EXPECTATIONS: &str = "expected.json";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("bad_snapshots")
}

/// The corpus documents by name (file stem), without the expectations file.
fn corpus() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(corpus_dir()).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_str().unwrap().to_string();
        if file_name == EXPECTATIONS {
            continue;
        }
        assert!(
            file_name.ends_with(".json"),
            "unexpected file `{file_name}` in the corpus directory (only <name>.json files belong there)"
        );
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        out.insert(stem, std::fs::read_to_string(&path).unwrap());
    }
    out
}

/// The expectations: name -> sorted list of (code, path).
fn expectations() -> BTreeMap<String, Vec<(String, String)>> {
    let text = std::fs::read_to_string(corpus_dir().join(EXPECTATIONS)).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    for (name, problems) in value.as_object().expect("expected.json is an object") {
        let problems = problems.as_array().unwrap_or_else(|| panic!("`{name}`: expected an array"));
        assert!(!problems.is_empty(), "`{name}`: a malformed document has at least one problem");
        let mut list: Vec<(String, String)> = problems
            .iter()
            .map(|p| {
                let obj = p.as_object().unwrap_or_else(|| panic!("`{name}`: entries are objects"));
                assert_eq!(obj.len(), 2, "`{name}`: entries have exactly `code` and `path`: {p}");
                let code = obj["code"].as_str().unwrap_or_else(|| panic!("`{name}`: code is a string"));
                let path = obj["path"].as_str().unwrap_or_else(|| panic!("`{name}`: path is a string"));
                (code.to_string(), path.to_string())
            })
            .collect();
        list.sort();
        out.insert(name.clone(), list);
    }
    out
}

fn known_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}

/// Checks the shape of a rejection: at least one problem, known codes, one-line non-empty
/// messages. Returns a description of every defect found.
fn shape_defects(errors: &SnapshotErrors) -> Vec<String> {
    let known = known_codes();
    let mut defects = Vec::new();
    if errors.is_empty() {
        defects.push("rejected with an empty problem list".to_string());
    }
    if let Some(first) = errors.first() {
        if errors.code() != first.code() {
            defects.push(format!(
                "SnapshotErrors::code() {} != first problem's code {}",
                errors.code(),
                first.code()
            ));
        }
    }
    for e in errors {
        let code = e.code().as_str();
        if !known.contains(&code) {
            defects.push(format!("code `{code}` is not one of ErrorCode::ALL"));
        }
        let message = e.kind.to_string();
        if message.trim().is_empty() {
            defects.push(format!("{code} at `{}` has an empty message", e.path));
        }
        for text in [message, e.to_string()] {
            if text.contains('\n') || text.contains('\r') {
                defects.push(format!("{code} at `{}`: message spans several lines: {text:?}", e.path));
            }
        }
    }
    let whole = errors.to_string();
    if whole.contains('\n') || whole.contains('\r') {
        defects.push(format!("the summary message spans several lines: {whole:?}"));
    }
    defects
}

#[test]
fn every_corpus_file_has_an_expectation_and_vice_versa() {
    let corpus = corpus();
    let expected = expectations();
    let files: Vec<&String> = corpus.keys().collect();
    let names: Vec<&String> = expected.keys().collect();
    let missing_expectation: Vec<_> = files.iter().filter(|f| !expected.contains_key(**f)).collect();
    let missing_file: Vec<_> = names.iter().filter(|n| !corpus.contains_key(**n)).collect();
    assert!(missing_expectation.is_empty(), "files without an expectation: {missing_expectation:?}");
    assert!(missing_file.is_empty(), "expectations without a file: {missing_file:?}");
    assert!(corpus.len() >= 30, "the corpus has only {} documents", corpus.len());
}

#[test]
fn expected_codes_are_stable_error_codes() {
    let known = known_codes();
    for (name, problems) in expectations() {
        for (code, _) in problems {
            assert!(known.contains(&code.as_str()), "`{name}`: `{code}` is not one of ErrorCode::ALL");
        }
    }
}

#[test]
fn the_corpus_covers_every_snapshot_error_code_it_can_reach() {
    // Every loader code except `too_large` (which needs a 64 MiB document) has a witness.
    let seen: Vec<String> = expectations().into_values().flatten().map(|(code, _)| code).collect();
    for code in [
        ErrorCode::InvalidJson,
        ErrorCode::UnsupportedVersion,
        ErrorCode::UnknownField,
        ErrorCode::MissingField,
        ErrorCode::WrongType,
        ErrorCode::InvalidValue,
        ErrorCode::InvalidName,
        ErrorCode::Duplicate,
        ErrorCode::DanglingReference,
        ErrorCode::InvalidReference,
        ErrorCode::UnknownScope,
        ErrorCode::ScopeEntityMismatch,
    ] {
        assert!(seen.iter().any(|c| c == code.as_str()), "no corpus document expects `{code}`");
    }
}

#[test]
fn every_bad_snapshot_is_rejected_with_exactly_the_expected_problems() {
    let expected = expectations();
    let mut failures = String::new();
    for (name, text) in corpus() {
        let Some(want) = expected.get(&name) else { continue };
        let outcome = catch_unwind(|| Engine::from_json(&text).map(|_| ()));
        let errors = match outcome {
            Err(_) => {
                writeln!(failures, "{name}: the loader panicked").unwrap();
                continue;
            }
            Ok(Ok(())) => {
                writeln!(failures, "{name}: accepted, expected {want:?}").unwrap();
                continue;
            }
            Ok(Err(errors)) => errors,
        };
        let mut got: Vec<(String, String)> =
            errors.iter().map(|e| (e.code().as_str().to_string(), e.path.clone())).collect();
        got.sort();
        if &got != want {
            let messages: Vec<String> = errors.iter().map(|e| format!("{} [{}]", e, e.code())).collect();
            writeln!(failures, "{name}:\n  expected {want:?}\n  got      {got:?}\n  messages {messages:?}")
                .unwrap();
        }
        for defect in shape_defects(&errors) {
            writeln!(failures, "{name}: {defect}").unwrap();
        }
    }
    assert!(failures.is_empty(), "bad snapshot corpus mismatches:\n{failures}");
}

#[test]
fn several_problems_are_all_reported_once() {
    // The several-problems document reports each of its problems once: the loader does not stop at
    // the first one, nor repeat one.
    let text = std::fs::read_to_string(corpus_dir().join("several_problems.json")).unwrap();
    let Err(errors) = Engine::from_json(&text) else { panic!("several_problems.json is accepted") };
    let mut paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    let count = paths.len();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(paths.len(), count, "a problem was reported twice: {errors:?}");
    assert!(count >= 10, "only {count} problems reported: {errors:?}");
}

// ---------------------------------------------------------------------------------------------
// No input makes the loader panic.

/// A valid snapshot exercising every part of the format.
fn base_snapshot() -> Value {
    let digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    json!({
        "version": 1,
        "revision": 7,
        "users": [
            { "login": "alice", "name": "Alice", "tokens": [
                { "id": "pat-alice", "description": "laptop", "digest": digest, "created": 1_700_000_000u64, "expires": 0 }
            ] },
            { "login": "zed" }
        ],
        "organizations": [
            {
                "name": "acme",
                "settings": {
                    "defaultStackPermission": "read",
                    "defaultEnvironmentPermission": "open",
                    "defaultAccountPermission": "none",
                    "membersCanCreateStacks": true,
                    "stackAdminsCanDeleteStacks": false,
                    "stackAdminsCanTransferStacks": true,
                    "membersCanCreateTeams": false,
                    "membersCanCreateAccounts": true,
                    "teamTokensGetMemberDefaults": true,
                    "tokenExpiryPolicyDays": 90
                },
                "members": [
                    { "login": "alice", "role": "admin" },
                    { "login": "bob" },
                    { "login": "carol", "role": "Deployer" },
                    { "login": "bill", "role": "billing-manager" }
                ],
                "permissionSets": [
                    { "name": "deployer-set", "entity": "stack", "scopes": ["stack:read", "stack:write", "stack:decrypt"], "description": "deploys" },
                    { "name": "auditor-set", "entity": "organization", "scopes": ["org_member:read", "team:read"] },
                    { "name": "env-set", "entity": "environment", "scopes": ["environment:read", "environment:open"] }
                ],
                "roles": [
                    { "name": "Deployer", "description": "deploys prod", "organization": "auditor-set", "rules": [
                        { "entity": "stack", "permissionSet": "deployer-set", "tags": [{ "key": "env", "value": "prod" }, { "key": "owner" }] },
                        { "entity": "stack", "permissionSet": "stack-read", "all": true },
                        { "entity": "environment", "permissionSet": "env-set", "entities": ["app/dev"] },
                        { "entity": "account", "permissionSet": "insights-account-read", "all": true }
                    ] },
                    { "name": "Viewer", "organization": "read-only", "rules": [] }
                ],
                "teams": [
                    { "name": "platform", "displayName": "Platform", "description": "infra", "kind": "pulumi",
                      "members": ["bob", "carol"], "admins": ["bob"],
                      "stacks": { "app/prod": "admin" }, "environments": { "app/dev": "open" },
                      "accounts": { "aws-main": "read" }, "roles": ["Viewer"] },
                    { "name": "gh-team", "kind": "github" }
                ],
                "stacks": [
                    { "project": "app", "name": "prod", "tags": { "env": "prod", "owner": "bob" },
                      "creator": { "user": "bob" }, "grants": { "carol": "write" } },
                    { "project": "app", "name": "staging", "creator": { "token": "tok-ci" } }
                ],
                "environments": [
                    { "project": "app", "name": "dev", "tags": { "env": "dev" }, "grants": { "bob": "open" } }
                ],
                "accounts": [
                    { "name": "aws-main", "tags": { "cloud": "aws" }, "creator": { "user": "alice" }, "grants": { "carol": "admin" } }
                ],
                "tokens": [
                    { "id": "tok-ci", "kind": "organization", "name": "ci", "role": "Deployer", "digest": digest.replace('9', "1"),
                      "created": 1, "expires": 2, "createdBy": "alice", "description": "ci" },
                    { "id": "tok-team", "kind": "team", "team": "platform", "name": "platform deploy" },
                    { "id": "tok-old", "kind": "organization", "name": "old", "role": "admin", "deleted": true }
                ]
            },
            { "name": "globex", "members": [{ "login": "zed" }] }
        ]
    })
}

/// A JSON pointer token (RFC 6901).
fn pointer_token(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Every JSON pointer in `value` except the root, with the parent pointer and the last token.
fn all_pointers(value: &Value, at: &str, out: &mut Vec<(String, String, String)>) {
    let children: Vec<(String, &Value)> = match value {
        Value::Object(map) => map.iter().map(|(k, v)| (pointer_token(k), v)).collect(),
        Value::Array(items) => items.iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect(),
        _ => Vec::new(),
    };
    for (token, child) in children {
        let pointer = format!("{at}/{token}");
        out.push((pointer.clone(), at.to_string(), token));
        all_pointers(child, &pointer, out);
    }
}

/// Applies `f` to every scalar below `value`.
fn map_leaves(value: &mut Value, f: &impl Fn(&Value) -> Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(|v| map_leaves(v, f)),
        Value::Array(items) => items.iter_mut().for_each(|v| map_leaves(v, f)),
        leaf => *leaf = f(leaf),
    }
}

/// Replaces every value at `depth` (1 = children of the root) with `with`.
fn replace_at_depth(value: &mut Value, depth: usize, with: &Value) {
    let children: Vec<&mut Value> = match value {
        Value::Object(map) => map.values_mut().collect(),
        Value::Array(items) => items.iter_mut().collect(),
        _ => return,
    };
    for child in children {
        if depth <= 1 {
            *child = with.clone();
        } else {
            replace_at_depth(child, depth - 1, with);
        }
    }
}

/// The same value with another JSON type.
fn swapped_type(value: &Value) -> Value {
    match value {
        Value::Null => json!({}),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Number(n) => Value::String(n.to_string()),
        Value::String(s) => s.parse::<f64>().map_or_else(|_| json!(s.len()), |n| json!(n)),
        Value::Array(items) => {
            Value::Object(items.iter().enumerate().map(|(i, v)| (i.to_string(), v.clone())).collect())
        }
        Value::Object(map) => Value::Array(map.values().cloned().collect()),
    }
}

fn deep(open: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity((open.len() + close.len()) * depth);
    for _ in 0..depth {
        s.push_str(open);
    }
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

/// The largest char boundary of `s` at or below `at`.
fn truncate_at(s: &str, mut at: usize) -> &str {
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    &s[..at]
}

/// A few hundred broken variants of the base snapshot, as text.
fn mutated_documents() -> Vec<String> {
    let base = base_snapshot();
    let mut docs = Vec::new();
    let mut pointers = Vec::new();
    all_pointers(&base, "", &mut pointers);
    let replacements = [
        Value::Null,
        json!(true),
        json!(""),
        json!(0),
        json!(-1),
        json!(2.5),
        json!(u64::MAX),
        json!(i64::MIN),
        json!(1e308),
        json!([]),
        json!({}),
        json!("ünïcødé ✓ 🚀 \u{202e}ǝɯɐu \u{0}"),
        json!("x".repeat(300)),
    ];
    for (i, (pointer, parent, token)) in pointers.iter().enumerate() {
        // Drop the field or element.
        let mut v = base.clone();
        match v.pointer_mut(parent).unwrap() {
            Value::Object(map) => {
                let key = token.replace("~1", "/").replace("~0", "~");
                map.remove(&key);
            }
            Value::Array(items) => {
                items.remove(token.parse::<usize>().unwrap());
            }
            _ => unreachable!("parents are containers"),
        }
        docs.push(v.to_string());
        // Swap its type.
        let mut v = base.clone();
        let slot = v.pointer_mut(pointer).unwrap();
        *slot = swapped_type(slot);
        docs.push(v.to_string());
        // Replace it with two of the odd values (rotating, so every value meets many positions).
        for k in 0..2 {
            let mut v = base.clone();
            *v.pointer_mut(pointer).unwrap() = replacements[(i * 2 + k) % replacements.len()].clone();
            docs.push(v.to_string());
        }
    }
    // Nulls everywhere: every scalar at once, then every value at each depth.
    let mut v = base.clone();
    map_leaves(&mut v, &|_| Value::Null);
    docs.push(v.to_string());
    for depth in 1..=8 {
        for with in [Value::Null, json!("🚀"), json!(-0.0)] {
            let mut v = base.clone();
            replace_at_depth(&mut v, depth, &with);
            docs.push(v.to_string());
        }
    }
    // Every string swapped for unicode, every number for a huge one.
    let mut v = base.clone();
    map_leaves(&mut v, &|leaf| match leaf {
        Value::String(s) => Value::String(format!("{s}\u{301}ß\u{fffd}")),
        Value::Number(_) => json!(f64::MAX),
        other => other.clone(),
    });
    docs.push(v.to_string());
    // The text cut at every 97th byte.
    let text = serde_json::to_string_pretty(&base).unwrap();
    for at in (0..text.len()).step_by(97) {
        docs.push(truncate_at(&text, at).to_string());
    }
    // Deep nesting, alone and inside a snapshot.
    for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"organizations\":", "}]")] {
        let nest = deep(open, close, 10_000);
        docs.push(nest.clone());
        docs.push(format!("{{\"version\":1,\"organizations\":{nest}}}"));
        docs.push(format!("{{\"version\":1,\"organizations\":[{{\"name\":\"acme\",\"settings\":{nest}}}]}}"));
        docs.push(nest[..nest.len() / 2].to_string());
    }
    docs.push(format!(
        "{{\"version\":1,\"organizations\":[{{\"name\":\"acme\",\"teams\":[{{\"name\":\"t\",\"members\":{}}}]}}]}}",
        deep("[", "]", 120)
    ));
    // Huge and odd numbers written as text.
    for number in
        ["1e400", "-1e400", "18446744073709551616", "-9223372036854775809", "1e-400", "0.1e1", "1.0", "-0"]
    {
        docs.push(format!("{{\"version\":{number}}}"));
        docs.push(format!("{{\"version\":1,\"revision\":{number}}}"));
        docs.push(format!(
            "{{\"version\":1,\"organizations\":[{{\"name\":\"acme\",\"settings\":{{\"tokenExpiryPolicyDays\":{number}}}}}]}}"
        ));
    }
    // Unicode and escapes in the text itself.
    for odd in [
        "\u{feff}{\"version\":1}",
        "{\"version\":1,\"organizations\":[{\"name\":\"\\ud800\"}]}",
        "{\"version\":1,\"organizations\":[{\"name\":\"ácme\"}]}",
        "{\"version\":1,\"organizations\":[{\"name\":\"acme\",\"teams\":[{\"name\":\"\\u0000\"}]}]}",
        "{\"version\":1,\"users\":[{\"login\":\"🚀\",\"tokens\":[{\"id\":\"🚀\"}]}]}",
        "{\"version\":1,\"v\u{e9}rsion\":1}",
        "{\"version\":1,\"version\":2}",
        "{\"version\":1,\"organizations\":[null,1,\"x\",[],{}]}",
        "null",
        "1",
        "{}",
        "   ",
    ] {
        docs.push(odd.to_string());
    }
    // The name of every object key replaced by an unknown, long, unicode one.
    let mut v = base;
    rename_keys(&mut v);
    docs.push(v.to_string());
    docs
}

fn rename_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut v) in old {
                rename_keys(&mut v);
                map.insert(format!("{k}\u{2603}{}", "k".repeat(80)), v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rename_keys),
        _ => {}
    }
}

#[test]
fn the_fuzzing_base_snapshot_is_valid() {
    let text = base_snapshot().to_string();
    if let Err(errors) = Engine::from_json(&text) {
        panic!("the base snapshot is rejected: {errors:?}");
    }
}

#[test]
fn mutated_snapshots_never_panic() {
    let docs = mutated_documents();
    assert!(docs.len() >= 300, "only {} mutated documents", docs.len());
    let started = std::time::Instant::now();
    let mut failures = String::new();
    let (mut accepted, mut rejected) = (0usize, 0usize);
    for doc in &docs {
        let outcome = catch_unwind(AssertUnwindSafe(|| Engine::from_json(doc).map(|_| ())));
        let shown: String = doc.chars().take(400).collect();
        match outcome {
            Err(_) => writeln!(failures, "panic on input ({} bytes): {shown}", doc.len()).unwrap(),
            Ok(Ok(())) => accepted += 1,
            Ok(Err(errors)) => {
                rejected += 1;
                if errors.is_empty() {
                    writeln!(failures, "rejected without a problem: {shown}").unwrap();
                }
                let known = known_codes();
                for e in &errors {
                    if !known.contains(&e.code().as_str()) || e.kind.to_string().is_empty() {
                        writeln!(failures, "malformed problem {e:?} for input: {shown}").unwrap();
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures}");
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    assert!(accepted > 0 && rejected > 0, "accepted {accepted}, rejected {rejected}");
    eprintln!(
        "{} mutated documents ({accepted} accepted, {rejected} rejected) in {:?}",
        docs.len(),
        started.elapsed()
    );
}

/// `value` as JSON text with the members of every object in reverse order.
fn reversed(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let members: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", Value::String(k.clone()), reversed(v)))
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(reversed).collect::<Vec<_>>().join(",")),
        leaf => leaf.to_string(),
    }
}

#[test]
fn members_load_alike_in_any_order() {
    // The export writes members in declaration order; the base text in name order; `reversed` in
    // the opposite one. All three load to the same state.
    let base = base_snapshot();
    let engine = Engine::from_json(&base.to_string()).unwrap();
    let export = engine.to_json();
    for text in [reversed(&base), export.clone(), reversed(&serde_json::from_str(&export).unwrap())] {
        let other = Engine::from_json(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        // As values: a map's entries keep the document's order.
        assert_eq!(other.to_value(), engine.to_value());
    }
    // Out of order, unknown and repeated members are still each reported once, at their path.
    let text = r#"{"organizations":[{"members":[{"role":"admin","login":"ada","x":1}],"owner":2,
        "name":"acme","members":[],"name":"b"}],"version":1,"version":1}"#;
    let mut got: Vec<(String, String)> = Engine::from_json(text)
        .map(|_| ())
        .unwrap_err()
        .iter()
        .map(|e| (e.code().as_str().to_string(), e.path.clone()))
        .collect();
    got.sort();
    let want = [
        ("duplicate", "organizations[0].members"),
        ("duplicate", "organizations[0].name"),
        ("duplicate", "version"),
        ("unknown_field", "organizations[0].members[0].x"),
        ("unknown_field", "organizations[0].owner"),
    ];
    assert_eq!(got, want.map(|(c, p)| (c.to_string(), p.to_string())));
}
