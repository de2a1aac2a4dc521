//! Committed token vectors (`tests/fixtures/tokens/vectors.json`), checked two ways:
//! - the seeded generator (`tests/vectors/generate.rs`) still produces exactly the committed
//!   files, so the vectors cannot drift from the code that explains them;
//! - every case, read from the committed JSON alone, authenticates as its `expect` says against
//!   an engine built from the committed snapshot, and no refusal leaks a secret.

#[path = "vectors/generate.rs"]
mod generate;

use std::collections::BTreeSet;
use std::path::Path;

use scopegate::Authenticated;
use scopegate::Engine;
use serde_json::Value;

/// Every token error code the vectors must exercise at least once.
const TOKEN_ERROR_CODES: &[&str] = &[
    "malformed_token",
    "unknown_token",
    "token_expired",
    "token_not_yet_valid",
    "token_revoked",
    "bad_signature",
    "unknown_key",
    "algorithm_not_allowed",
    "invalid_claims",
    "invalid_issuer",
    "invalid_audience",
    "expiry_policy_violation",
    "wrong_organization",
];

fn committed(relative: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{relative} is missing ({e}); run `cargo run --example gen_vectors`"))
}

fn vectors() -> Value {
    serde_json::from_str(&committed(generate::VECTORS_PATH)).expect("vectors.json is JSON")
}

fn cases(vectors: &Value) -> &Vec<Value> {
    vectors["cases"].as_array().expect("cases is an array")
}

fn engine(vectors: &Value) -> Engine {
    Engine::from_value(&vectors["snapshot"]).unwrap_or_else(|e| panic!("committed snapshot rejected: {e:?}"))
}

fn run(engine: &Engine, vectors: &Value, case: &Value) -> Result<Authenticated, scopegate::TokenError> {
    let now = case.get("now").unwrap_or(&vectors["now"]).as_u64().expect("now is seconds");
    let credential = case["credential"].as_str().expect("credential is a string");
    engine.authenticate(credential, now, case.get("org").and_then(Value::as_str))
}

/// The first line where two texts differ, for a readable failure.
fn first_difference(expected: &str, actual: &str) -> String {
    let line = expected.lines().zip(actual.lines()).position(|(a, b)| a != b);
    match line {
        Some(n) => format!(
            "first difference at line {}:\n  generated: {}\n  committed: {}",
            n + 1,
            expected.lines().nth(n).unwrap_or_default(),
            actual.lines().nth(n).unwrap_or_default()
        ),
        None => {
            format!("lengths differ: generated {} bytes, committed {} bytes", expected.len(), actual.len())
        }
    }
}

#[test]
fn committed_files_match_the_seeded_generator() {
    let (vectors, readme) = generate::generate();
    let fresh_vectors = generate::to_pretty(&vectors);
    let (fresh_again, readme_again) = generate::generate();
    assert!(
        fresh_vectors == generate::to_pretty(&fresh_again) && readme == readme_again,
        "the generator is not deterministic"
    );
    for (path, fresh) in [(generate::VECTORS_PATH, &fresh_vectors), (generate::README_PATH, &readme)] {
        let on_disk = committed(path);
        assert!(
            *fresh == on_disk,
            "{path} differs from a fresh run of the generator; run `cargo run --example gen_vectors` \
             and commit the result ({})",
            first_difference(fresh, &on_disk)
        );
    }
}

#[test]
fn every_case_authenticates_as_expected() {
    let vectors = vectors();
    let engine = engine(&vectors);
    let mut failures = Vec::new();
    for case in cases(&vectors) {
        let name = case["name"].as_str().expect("name");
        let expect = &case["expect"];
        let result = run(&engine, &vectors, case);
        let problem = match (result, expect.get("error").and_then(Value::as_str)) {
            (Err(err), Some(code)) if err.code().as_str() == code => None,
            (Err(err), Some(code)) => {
                Some(format!("expected error {code}, got {} ({err})", err.code().as_str()))
            }
            (Ok(found), Some(code)) => Some(format!("expected error {code}, got success {found:?}")),
            (Err(err), None) => Some(format!("expected success, got {} ({err})", err.code().as_str())),
            (Ok(found), None) => check_success(expect, &found).err(),
        };
        if let Some(problem) = problem {
            failures.push(format!("{name}: {problem}"));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// Compares an accepted credential with a success expectation.
fn check_success(expect: &Value, found: &Authenticated) -> Result<(), String> {
    let mut wrong = Vec::new();
    let kind = expect["kind"].as_str().expect("kind");
    let subject = expect["subject"].as_str().expect("subject");
    let organization = expect["organization"].as_str();
    let token_id = expect["tokenId"].as_str().expect("tokenId");
    let signed = expect["signed"].as_bool().expect("signed");
    match &expect["principal"] {
        Value::String(name) => {
            if found.principal_name.as_deref() != Some(name.as_str()) {
                wrong.push(format!("principal {:?}, expected {name}", found.principal_name));
            }
        }
        Value::Object(claims) => {
            // Acts by its claims: no principal name; the organization and the team or role
            // named are what it acts as.
            if found.principal_name.is_some() {
                wrong.push(format!("principal {:?}, expected none (claims only)", found.principal_name));
            }
            let org = claims["org"].as_str().expect("claims org");
            if found.organization.as_deref() != Some(org) {
                wrong.push(format!("claims org {:?}, expected {org}", found.organization));
            }
            let (claims_kind, acts_as) = match (claims.get("team"), claims.get("role")) {
                (Some(team), None) => ("team", team.as_str().expect("team")),
                (None, Some(role)) => ("organization", role.as_str().expect("role")),
                _ => panic!("a claims principal names exactly one of team and role: {claims:?}"),
            };
            if found.kind.as_str() != claims_kind || found.subject != acts_as {
                wrong.push(format!(
                    "acts as {} {}, expected {claims_kind} {acts_as}",
                    found.kind.as_str(),
                    found.subject
                ));
            }
        }
        other => panic!("unexpected principal {other}"),
    }
    if found.kind.as_str() != kind {
        wrong.push(format!("kind {}, expected {kind}", found.kind.as_str()));
    }
    if found.subject != subject {
        wrong.push(format!("subject {}, expected {subject}", found.subject));
    }
    if found.organization.as_deref() != organization {
        wrong.push(format!("organization {:?}, expected {organization:?}", found.organization));
    }
    if found.token_id != token_id {
        wrong.push(format!("token id {}, expected {token_id}", found.token_id));
    }
    if found.signed != signed {
        wrong.push(format!("signed {}, expected {signed}", found.signed));
    }
    if wrong.is_empty() { Ok(()) } else { Err(wrong.join("; ")) }
}

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

/// The token inside a credential, without scheme or header name.
fn token_part(credential: &str) -> &str {
    credential.split_whitespace().last().unwrap_or_default()
}

#[test]
fn refusals_never_contain_a_credential_or_a_secret() {
    let vectors = vectors();
    let engine = engine(&vectors);
    // Everything secret in the vectors: every credential's token part, and the HS256 secrets.
    let mut secrets: BTreeSet<String> = cases(&vectors)
        .iter()
        .map(|c| token_part(c["credential"].as_str().expect("credential")).to_string())
        .filter(|t| t.chars().count() >= 16)
        .collect();
    for key in vectors["snapshot"]["signing"]["keys"].as_array().expect("keys") {
        if let Some(secret) = key["secret"].as_str() {
            secrets.insert(secret.to_string());
        }
    }
    // Every 16-character piece of every secret: no refusal may repeat any of them.
    let pieces: BTreeSet<String> = secrets
        .iter()
        .flat_map(|secret| {
            let chars: Vec<char> = secret.chars().collect();
            chars.windows(16).map(|w| w.iter().collect::<String>()).collect::<Vec<_>>()
        })
        .collect();
    let mut refusals = 0;
    for case in cases(&vectors) {
        let name = case["name"].as_str().expect("name");
        let Err(err) = run(&engine, &vectors, case) else { continue };
        refusals += 1;
        for message in [err.to_string(), format!("{err:?}")] {
            assert!(!has_hex_run(&message), "{name}: the refusal holds a 40-hex run: {message}");
            let chars: Vec<char> = message.chars().collect();
            for window in chars.windows(16) {
                let window: String = window.iter().collect();
                assert!(!pieces.contains(&window), "{name}: the refusal repeats a secret: {message}");
            }
        }
    }
    assert!(refusals >= 50, "only {refusals} refusals were checked");
}

#[test]
fn the_snapshot_holds_no_opaque_secret() {
    let vectors = vectors();
    let snapshot = vectors["snapshot"].to_string();
    for case in cases(&vectors) {
        let token = token_part(case["credential"].as_str().expect("credential"));
        if let Some(hex) = token.strip_prefix("pul-").filter(|h| h.len() == 40) {
            assert!(!snapshot.contains(hex), "{}: the snapshot holds the token's secret", case["name"]);
        }
    }
}

#[test]
fn the_vectors_cover_every_token_error_and_every_principal_shape() {
    let vectors = vectors();
    let mut names = BTreeSet::new();
    let mut errors = BTreeSet::new();
    let mut shapes = BTreeSet::new();
    for case in cases(&vectors) {
        let name = case["name"].as_str().expect("name");
        assert!(names.insert(name), "duplicate case name {name}");
        let expect = &case["expect"];
        if let Some(code) = expect.get("error").and_then(Value::as_str) {
            assert!(TOKEN_ERROR_CODES.contains(&code), "{name}: unknown error code {code}");
            errors.insert(code);
        } else {
            let principal = &expect["principal"];
            let shape = match principal.as_str() {
                Some(p) if p.starts_with("token:") => {
                    format!("token/{}", expect["kind"].as_str().expect("kind"))
                }
                Some(p) if p.starts_with("user:") => "user".to_string(),
                Some(p) => panic!("{name}: unexpected principal {p}"),
                None if principal.get("team").is_some() => "claims/team".to_string(),
                None => "claims/role".to_string(),
            };
            shapes.insert(format!(
                "{shape}/{}",
                if expect["signed"] == Value::Bool(true) { "signed" } else { "opaque" }
            ));
        }
    }
    let missing: Vec<&&str> = TOKEN_ERROR_CODES.iter().filter(|c| !errors.contains(**c)).collect();
    assert!(missing.is_empty(), "no case expects {missing:?}");
    for shape in [
        "token/personal/opaque",
        "token/organization/opaque",
        "token/team/opaque",
        "token/personal/signed",
        "token/organization/signed",
        "token/team/signed",
        "user/signed",
        "claims/team/signed",
        "claims/role/signed",
    ] {
        assert!(shapes.contains(shape), "no case accepts a {shape} principal");
    }
}

#[test]
fn accepted_principals_answer_questions_as_expected() {
    // A spot check that what a credential authenticates as is the principal the model says:
    // an admin acts as an admin, a member does not.
    let vectors = vectors();
    let engine = engine(&vectors);
    let case = |name: &str| {
        let case = cases(&vectors).iter().find(|c| c["name"] == name).expect("case exists");
        run(&engine, &vectors, case).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let ask = |who: &scopegate::Principal, scope: &str, resource: &str| {
        let target = engine.resolve_target(scope, resource).expect("known scope and resource");
        engine.check_resolved(who, &target)
    };
    let admin = case("opaque-org-admin");
    let member = case("opaque-org-member");
    let claims_admin = case("claims-org-admin");
    let claims_member = case("claims-org-default-role");
    assert!(ask(&admin.principal, "organization:update", "acme"));
    assert!(ask(&claims_admin.principal, "organization:update", "acme"));
    assert!(!ask(&member.principal, "organization:update", "acme"));
    assert!(!ask(&claims_member.principal, "organization:update", "acme"));
    // Team platform holds WRITE on app/prod: its tokens may write, not delete.
    for name in ["opaque-team", "claims-team"] {
        let team = case(name);
        assert!(ask(&team.principal, "stack:write", "acme/app/prod"), "{name}");
        assert!(!ask(&team.principal, "stack:delete", "acme/app/prod"), "{name}");
    }
}
