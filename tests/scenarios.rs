//! The scenario corpus: every `tests/scenarios/<topic>.json` file is a snapshot, an optional list
//! of management steps applied in order, and questions with the answers the access model gives.
//!
//! File format (unknown keys are rejected, so fixtures cannot silently rot):
//!
//! ```text
//! { "description": "...",
//!   "snapshot": { ...snapshot v1... },
//!   "steps"?: [ { "action": "update_settings", "actor": "alice", "org": "acme",
//!                 "patch": { "defaultStackPermission": "read" }, "expect": "ok" | "forbidden" | ... } ],
//!   "cases": [ { "description": "...", "principal": "bob", "scope": "stack:read",
//!                "resource": "acme/app/prod", "transferTo"?: "other-org",
//!                "allowed": true, "reasons"?: ["team_grant"], "deny"?: "missing_scope" } ] }
//! ```
//!
//! `reasons` is the exact multiset of `Reason::code()` values of an allowed answer (order does not
//! matter); a denied case must name its `Deny::code()`. A case with `transferTo` asks
//! `explain_transfer` (its scope must be `stack:transfer`). Every case is also asked through
//! `check`, which must agree with `explain`.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use scopegate::SettingsPatch;
use scopegate::{Decision, Engine, EntityKind, ErrorCode, ManageError, Permission};
use serde_json::{Map, Value};

/// The corpus must hold at least this many cases.
const MIN_CASES: usize = 60;

const FILE_KEYS: &[&str] = &["description", "snapshot", "steps", "cases"];
const CASE_KEYS: &[&str] =
    &["description", "principal", "scope", "resource", "transferTo", "allowed", "reasons", "deny"];

const REASON_CODES: &[&str] = &[
    "org_admin",
    "builtin_role",
    "custom_role",
    "team_token_baseline",
    "default_permission",
    "team_grant",
    "role_rule",
    "creator_grant",
    "explicit_grant",
    "setting",
    "team_admin",
];

const DENY_CODES: &[&str] = &[
    "unknown_principal",
    "unknown_scope",
    "unknown_resource",
    "invalid_resource",
    "not_a_member",
    "missing_scope",
    "setting_disabled",
    "machine_token",
    "destination_denied",
];

/// One question and its expected answer.
struct Case {
    description: String,
    principal: String,
    scope: String,
    resource: String,
    transfer_to: Option<String>,
    allowed: bool,
    reasons: Option<Vec<String>>,
    deny: Option<String>,
}

type Obj = Map<String, Value>;

fn obj<'v>(value: &'v Value, what: &str) -> Result<&'v Obj, String> {
    value.as_object().ok_or_else(|| format!("{what}: expected a JSON object"))
}

fn only_keys(map: &Obj, allowed: &[&str], what: &str) -> Result<(), String> {
    let unknown: Vec<&str> = map.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
    if unknown.is_empty() { Ok(()) } else { Err(format!("{what}: unknown keys {unknown:?}")) }
}

fn req_str(map: &Obj, key: &str, what: &str) -> Result<String, String> {
    match map.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(_) => Err(format!("{what}: `{key}` must be a non-empty string")),
        None => Err(format!("{what}: missing `{key}`")),
    }
}

fn opt_str(map: &Obj, key: &str, what: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None => Ok(None),
        Some(_) => req_str(map, key, what).map(Some),
    }
}

fn req_bool(map: &Obj, key: &str, what: &str) -> Result<bool, String> {
    match map.get(key) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(format!("{what}: `{key}` must be a boolean")),
        None => Err(format!("{what}: missing `{key}`")),
    }
}

fn parse_case(value: &Value, what: &str) -> Result<Case, String> {
    let map = obj(value, what)?;
    only_keys(map, CASE_KEYS, what)?;
    let description = req_str(map, "description", what)?;
    let what = &format!("{what} ({description})");
    let allowed = req_bool(map, "allowed", what)?;
    let reasons = match map.get("reasons") {
        None => None,
        Some(Value::Array(items)) => {
            let mut codes = Vec::new();
            for item in items {
                match item.as_str() {
                    Some(code) if REASON_CODES.contains(&code) => codes.push(code.to_string()),
                    _ => return Err(format!("{what}: `reasons` holds an unknown code {item}")),
                }
            }
            if codes.is_empty() {
                return Err(format!("{what}: `reasons` must not be empty"));
            }
            Some(codes)
        }
        Some(_) => return Err(format!("{what}: `reasons` must be an array of codes")),
    };
    let deny = opt_str(map, "deny", what)?;
    if let Some(code) = &deny {
        if !DENY_CODES.contains(&code.as_str()) {
            return Err(format!("{what}: unknown deny code `{code}`"));
        }
    }
    if allowed && deny.is_some() {
        return Err(format!("{what}: an allowed case cannot carry `deny`"));
    }
    if !allowed && reasons.is_some() {
        return Err(format!("{what}: a denied case cannot carry `reasons`"));
    }
    if !allowed && deny.is_none() {
        return Err(format!("{what}: a denied case must name its `deny` code"));
    }
    let scope = req_str(map, "scope", what)?;
    let transfer_to = opt_str(map, "transferTo", what)?;
    if transfer_to.is_some() && scope != "stack:transfer" {
        return Err(format!("{what}: a case with `transferTo` must ask `stack:transfer`"));
    }
    Ok(Case {
        description,
        principal: req_str(map, "principal", what)?,
        scope,
        resource: req_str(map, "resource", what)?,
        transfer_to,
        allowed,
        reasons,
        deny,
    })
}

fn permission(map: &Obj, key: &str, what: &str) -> Result<Permission, String> {
    let s = req_str(map, key, what)?;
    Permission::parse(&s).ok_or_else(|| format!("{what}: `{key}` is not a permission level"))
}

fn parse_patch(value: &Value, what: &str) -> Result<SettingsPatch, String> {
    let map = obj(value, what)?;
    let mut patch = SettingsPatch::default();
    for (key, v) in map {
        let level = || {
            v.as_str()
                .and_then(Permission::parse)
                .ok_or_else(|| format!("{what}: `{key}` must be a permission level"))
        };
        let flag = || v.as_bool().ok_or_else(|| format!("{what}: `{key}` must be a boolean"));
        match key.as_str() {
            "defaultStackPermission" => patch.default_stack_permission = Some(level()?),
            "defaultEnvironmentPermission" => patch.default_environment_permission = Some(level()?),
            "defaultAccountPermission" => patch.default_account_permission = Some(level()?),
            "membersCanCreateStacks" => patch.members_can_create_stacks = Some(flag()?),
            "stackAdminsCanDeleteStacks" => patch.stack_admins_can_delete_stacks = Some(flag()?),
            "stackAdminsCanTransferStacks" => {
                patch.stack_admins_can_transfer_stacks = Some(flag()?);
            }
            "membersCanCreateTeams" => patch.members_can_create_teams = Some(flag()?),
            "membersCanCreateAccounts" => patch.members_can_create_accounts = Some(flag()?),
            "teamTokensGetMemberDefaults" => {
                patch.team_tokens_get_member_defaults = Some(flag()?);
            }
            "tokenExpiryPolicyDays" => {
                let days = match v {
                    Value::Null => None,
                    other => Some(
                        other
                            .as_u64()
                            .and_then(|d| u32::try_from(d).ok())
                            .ok_or_else(|| format!("{what}: `{key}` must be a day count"))?,
                    ),
                };
                patch.token_expiry_policy_days = Some(days);
            }
            _ => return Err(format!("{what}: unknown setting `{key}`")),
        }
    }
    Ok(patch)
}

/// Applies one management step; `Ok(result)` is the engine's answer, `Err` a malformed step.
fn apply_step(
    engine: &mut Engine,
    value: &Value,
    what: &str,
) -> Result<(String, Result<(), ManageError>), String> {
    let map = obj(value, what)?;
    let action = req_str(map, "action", what)?;
    let what = &format!("{what} ({action})");
    let keys: &[&str] = match action.as_str() {
        "update_settings" => &["org", "patch"],
        "create_stack" => &["org", "project", "stack", "tags"],
        "delete_stack" | "remove_creator_grant" => &["stack"],
        "set_stack_permission" => &["stack", "login", "level"],
        "create_team" | "delete_team" => &["org", "team"],
        "set_team_member" => &["org", "team", "login", "teamAdmin"],
        "set_team_permission" => &["org", "team", "entity", "target", "level"],
        "set_team_role" => &["org", "team", "role", "assigned"],
        _ => return Err(format!("{what}: unknown action")),
    };
    let mut allowed = vec!["action", "actor", "expect"];
    allowed.extend_from_slice(keys);
    only_keys(map, &allowed, what)?;
    let actor = req_str(map, "actor", what)?;
    let expect = req_str(map, "expect", what)?;
    let known_expect = expect == "ok" || ErrorCode::ALL.iter().any(|c| c.as_str() == expect);
    if !known_expect {
        return Err(format!("{what}: unknown `expect` value `{expect}`"));
    }
    let s = |key: &str| req_str(map, key, what);
    let result = match action.as_str() {
        "update_settings" => {
            let patch = parse_patch(map.get("patch").unwrap_or(&Value::Null), what)?;
            engine.update_settings(&actor, &s("org")?, &patch)
        }
        "create_stack" => {
            let mut tags = Vec::new();
            if let Some(t) = map.get("tags") {
                for (k, v) in obj(t, what)? {
                    let v = v.as_str().ok_or_else(|| format!("{what}: tag values must be strings"))?;
                    tags.push((k.clone(), v.to_string()));
                }
            }
            let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            engine.create_stack(&actor, &s("org")?, &s("project")?, &s("stack")?, &tags)
        }
        "delete_stack" => engine.delete_stack(&actor, &s("stack")?),
        "remove_creator_grant" => engine.remove_creator_grant(&actor, &s("stack")?),
        "set_stack_permission" => {
            engine.set_stack_permission(&actor, &s("stack")?, &s("login")?, permission(map, "level", what)?)
        }
        "create_team" => engine.create_team(&actor, &s("org")?, &s("team")?),
        "delete_team" => engine.delete_team(&actor, &s("org")?, &s("team")?),
        "set_team_member" => engine.set_team_member(
            &actor,
            &s("org")?,
            &s("team")?,
            &s("login")?,
            req_bool(map, "teamAdmin", what)?,
        ),
        "set_team_permission" => {
            let kind = EntityKind::parse(&s("entity")?)
                .ok_or_else(|| format!("{what}: `entity` must be stack, environment or account"))?;
            engine.set_team_permission(
                &actor,
                &s("org")?,
                &s("team")?,
                kind,
                &s("target")?,
                permission(map, "level", what)?,
            )
        }
        "set_team_role" => engine.set_team_role(
            &actor,
            &s("org")?,
            &s("team")?,
            &s("role")?,
            req_bool(map, "assigned", what)?,
        ),
        _ => return Err(format!("{what}: unknown action")),
    };
    Ok((expect, result))
}

fn sorted(codes: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = codes.into_iter().collect();
    v.sort();
    v
}

fn describe(decision: &Decision) -> String {
    if decision.is_allowed() {
        let codes: Vec<&str> = decision.reasons().iter().map(|r| r.code()).collect();
        format!("allowed, reasons {codes:?}")
    } else {
        let deny = decision.deny().map_or("<none>", |d| d.code());
        format!("denied ({deny})")
    }
}

/// Runs one case; returns every problem found.
fn run_case(engine: &Engine, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let (decision, checked) = match &case.transfer_to {
        Some(dest) => (
            engine.explain_transfer(&case.principal, &case.resource, dest),
            engine.check(&case.principal, "stack:transfer", &case.resource)
                && engine.check(&case.principal, "stack:create", dest),
        ),
        None => (
            engine.explain(&case.principal, &case.scope, &case.resource),
            engine.check(&case.principal, &case.scope, &case.resource),
        ),
    };
    let got = describe(&decision);
    if decision.is_allowed() != case.allowed {
        problems.push(format!("expected allowed={}, got {got}", case.allowed));
    }
    if checked != decision.is_allowed() {
        problems.push(format!("check() says {checked} but explain() says {got}"));
    }
    // The shape of an answer: an allow names its sources, a deny names its reason.
    if decision.is_allowed() && (decision.reasons().is_empty() || decision.deny().is_some()) {
        problems.push(format!("an allow must name reasons and no deny: {decision:?}"));
    }
    if !decision.is_allowed() && (decision.deny().is_none() || !decision.reasons().is_empty()) {
        problems.push(format!("a deny must name its reason and no grants: {decision:?}"));
    }
    if decision.is_allowed() == case.allowed {
        if let Some(expected) = &case.reasons {
            let want = sorted(expected.iter().cloned());
            let have = sorted(decision.reasons().iter().map(|r| r.code().to_string()));
            if want != have {
                problems.push(format!("expected reasons {want:?}, got {have:?}"));
            }
        }
        if let Some(expected) = &case.deny {
            let have = decision.deny().map(|d| d.code());
            if have != Some(expected.as_str()) {
                problems.push(format!("expected deny `{expected}`, got {got}"));
            }
        }
    }
    problems
}

/// Loads and runs one scenario file; returns the number of cases and every failure.
fn run_file(path: &Path) -> (usize, Vec<String>) {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut failures = Vec::new();
    let fail = |failures: &mut Vec<String>, msg: String| failures.push(format!("{name}: {msg}"));
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            fail(&mut failures, format!("cannot read: {e}"));
            return (0, failures);
        }
    };
    let root: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            fail(&mut failures, format!("not JSON: {e}"));
            return (0, failures);
        }
    };
    let parsed = (|| -> Result<(Vec<Case>, Vec<Value>, Value), String> {
        let map = obj(&root, "file")?;
        only_keys(map, FILE_KEYS, "file")?;
        req_str(map, "description", "file")?;
        let snapshot = map.get("snapshot").cloned().ok_or("file: missing `snapshot`")?;
        let steps = match map.get("steps") {
            None => Vec::new(),
            Some(Value::Array(s)) => s.clone(),
            Some(_) => return Err("file: `steps` must be an array".into()),
        };
        let Some(Value::Array(raw_cases)) = map.get("cases") else {
            return Err("file: `cases` must be an array".into());
        };
        if raw_cases.is_empty() {
            return Err("file: `cases` is empty".into());
        }
        let mut cases = Vec::new();
        let mut descriptions = BTreeSet::new();
        let mut questions = BTreeSet::new();
        for (i, raw) in raw_cases.iter().enumerate() {
            let case = parse_case(raw, &format!("case {i}"))?;
            if !descriptions.insert(case.description.clone()) {
                return Err(format!("duplicate case description `{}`", case.description));
            }
            let question =
                (case.principal.clone(), case.scope.clone(), case.resource.clone(), case.transfer_to.clone());
            if !questions.insert(question) {
                return Err(format!("case `{}` repeats an earlier question", case.description));
            }
            cases.push(case);
        }
        Ok((cases, steps, snapshot))
    })();
    let (cases, steps, snapshot) = match parsed {
        Ok(p) => p,
        Err(e) => {
            fail(&mut failures, e);
            return (0, failures);
        }
    };
    let mut engine = match Engine::from_value(&snapshot) {
        Ok(engine) => engine,
        Err(errors) => {
            let list: Vec<String> =
                errors.iter().map(|e| format!("{} ({}): {e}", e.path, e.code().as_str())).collect();
            fail(&mut failures, format!("snapshot rejected: {list:#?}"));
            return (cases.len(), failures);
        }
    };
    for (i, step) in steps.iter().enumerate() {
        let what = format!("step {i}");
        match apply_step(&mut engine, step, &what) {
            Err(e) => {
                fail(&mut failures, e);
                return (cases.len(), failures);
            }
            Ok((expect, result)) => {
                let got = match &result {
                    Ok(()) => "ok".to_string(),
                    Err(e) => e.code().as_str().to_string(),
                };
                if got != expect {
                    let detail = match &result {
                        Ok(()) => String::new(),
                        Err(e) => format!(" ({e})"),
                    };
                    fail(&mut failures, format!("{what}: expected `{expect}`, got `{got}`{detail}"));
                }
            }
        }
    }
    for case in &cases {
        for problem in run_case(&engine, case) {
            let question = match &case.transfer_to {
                Some(dest) => format!("{} {} {} -> {dest}", case.principal, case.scope, case.resource),
                None => format!("{} {} {}", case.principal, case.scope, case.resource),
            };
            fail(&mut failures, format!("`{}` [{question}]: {problem}", case.description));
        }
    }
    (cases.len(), failures)
}

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

#[test]
fn scenario_corpus() {
    let files = scenario_files();
    let mut total = 0;
    let mut failures = Vec::new();
    let mut json_files = 0;
    for path in &files {
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            failures.push(format!("{name}: not a scenario file (only *.json belong here)"));
            continue;
        }
        json_files += 1;
        let (cases, file_failures) = run_file(path);
        total += cases;
        failures.extend(file_failures);
    }
    let mut report = String::new();
    if json_files == 0 {
        let _ = writeln!(report, "no scenario files found");
    }
    if total < MIN_CASES {
        let _ = writeln!(report, "the corpus holds {total} cases; at least {MIN_CASES} are required");
    }
    for failure in &failures {
        let _ = writeln!(report, "{failure}");
    }
    assert!(
        report.is_empty(),
        "{} failure(s) in {json_files} scenario files ({total} cases):\n{report}",
        failures.len()
    );
}

/// The format itself: fixtures with typos or contradictions are rejected, not ignored.
#[test]
fn case_format_is_strict() {
    let parse = |text: &str| parse_case(&serde_json::from_str(text).unwrap(), "case");
    let base = r#""description": "d", "principal": "p", "scope": "stack:read", "resource": "o/p/s""#;
    assert!(parse(&format!(r#"{{ {base}, "allowed": true }}"#)).is_ok());
    let bad = [
        format!(r#"{{ {base}, "allowed": true, "reason": ["org_admin"] }}"#),
        format!(r#"{{ {base}, "allowed": true, "reasons": ["admin"] }}"#),
        format!(r#"{{ {base}, "allowed": true, "reasons": [] }}"#),
        format!(r#"{{ {base}, "allowed": true, "deny": "missing_scope" }}"#),
        format!(r#"{{ {base}, "allowed": false }}"#),
        format!(r#"{{ {base}, "allowed": false, "deny": "nope" }}"#),
        format!(r#"{{ {base}, "allowed": false, "deny": "missing_scope", "reasons": ["org_admin"] }}"#),
        format!(r#"{{ {base}, "allowed": "yes" }}"#),
        format!(r#"{{ {base}, "allowed": true, "transferTo": "o2" }}"#),
        r#"{ "description": "d", "principal": "p", "scope": "stack:read", "allowed": true }"#.to_string(),
    ];
    for text in &bad {
        assert!(parse(text).is_err(), "accepted: {text}");
    }
}

/// The runner reports a wrong expectation (allowed, reasons or deny code) instead of passing it.
#[test]
fn runner_reports_wrong_expectations() {
    let engine = Engine::from_json(
        r#"{ "version": 1, "organizations": [ { "name": "acme",
             "settings": { "defaultStackPermission": "read" },
             "members": [ { "login": "mia" } ],
             "stacks": [ { "project": "app", "name": "prod" } ] } ] }"#,
    )
    .unwrap();
    let case = |allowed: bool, reasons: Option<&[&str]>, deny: Option<&str>| Case {
        description: "probe".into(),
        principal: "mia".into(),
        scope: "stack:read".into(),
        resource: "acme/app/prod".into(),
        transfer_to: None,
        allowed,
        reasons: reasons.map(|r| r.iter().map(|s| s.to_string()).collect()),
        deny: deny.map(str::to_string),
    };
    assert!(run_case(&engine, &case(true, Some(&["default_permission"]), None)).is_empty());
    assert!(!run_case(&engine, &case(false, None, Some("missing_scope"))).is_empty());
    assert!(!run_case(&engine, &case(true, Some(&["team_grant"]), None)).is_empty());
    let reasons = ["default_permission", "default_permission"];
    assert!(!run_case(&engine, &case(true, Some(&reasons), None)).is_empty());
    let mut write = case(false, None, Some("setting_disabled"));
    write.scope = "stack:write".into();
    assert!(!run_case(&engine, &write).is_empty());
    write.deny = Some("missing_scope".into());
    assert!(run_case(&engine, &write).is_empty());
}
