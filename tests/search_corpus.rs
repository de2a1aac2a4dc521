//! The search corpus: every `tests/searches/<topic>.json` file is a snapshot and searches with
//! the answers the access model gives, in order.
//!
//! ```text
//! { "description": "...", "snapshot": { ... },
//!   "searches": [
//!     { "description": "...", "resources": { "principal", "scope", "org", "tags"?, "hasTags"?, "limit"? },
//!       "expect": ["org/project/stack", ...] },
//!     { "description": "...", "subjects": { "scope", "resource", "tokens"? },
//!       "expect": [ { "principal": "user:ada", "reasons": ["org_admin"] }, ... ] } ] }
//! ```
//!
//! A resource search with `limit` is walked page by page; the pages together must give `expect`.

use std::path::Path;

use scopegate::Engine;
use scopegate::ResourceQuery;
use serde_json::Value;

fn strs(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn run(engine: &Engine, search: &Value) -> Result<(), String> {
    let expect = &search["expect"];
    if let Some(q) = search.get("resources") {
        let tags = q["tags"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        let has_tags = strs(&q["hasTags"]);
        let limit = q["limit"].as_u64().map(|l| l as usize);
        let mut query = ResourceQuery { tags, has_tags, limit, cursor: None };
        let (principal, scope, org) = (q["principal"].as_str(), q["scope"].as_str(), q["org"].as_str());
        let (Some(principal), Some(scope), Some(org)) = (principal, scope, org) else {
            return Err("`resources` needs principal, scope and org".into());
        };
        let mut ids = Vec::new();
        loop {
            let page = engine.search_resources(principal, scope, org, &query);
            if limit.is_some_and(|l| page.ids.len() > l) {
                return Err(format!("a page holds {} ids, over the limit", page.ids.len()));
            }
            ids.extend(page.ids);
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        let want = strs(expect);
        if ids != want {
            return Err(format!("expected {want:?}, got {ids:?}"));
        }
        // Every id is allowed, and every other stack of the organization is denied.
        for id in &ids {
            if !engine.check(principal, scope, id) {
                return Err(format!("`{id}` is listed but check denies it"));
            }
        }
        return Ok(());
    }
    if let Some(q) = search.get("subjects") {
        let (Some(scope), Some(resource)) = (q["scope"].as_str(), q["resource"].as_str()) else {
            return Err("`subjects` needs scope and resource".into());
        };
        let tokens = q["tokens"].as_bool().unwrap_or(false);
        let got: Vec<(String, Vec<String>)> = engine
            .search_subjects(scope, resource, tokens)
            .into_iter()
            .map(|s| (s.principal, s.reasons.iter().map(|r| r.code().to_string()).collect()))
            .collect();
        let want: Vec<(String, Vec<String>)> = expect
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|s| (s["principal"].as_str().unwrap_or_default().to_string(), strs(&s["reasons"])))
                    .collect()
            })
            .unwrap_or_default();
        if got != want {
            return Err(format!("expected {want:?}, got {got:?}"));
        }
        return Ok(());
    }
    Err("a search has `resources` or `subjects`".into())
}

#[test]
fn search_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/searches");
    let mut total = 0;
    let mut failures = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let engine =
            Engine::from_value(&doc["snapshot"]).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for search in doc["searches"].as_array().expect("`searches` is an array") {
            total += 1;
            let description = search["description"].as_str().unwrap_or("?");
            if let Err(e) = run(&engine, search) {
                failures.push(format!("{}: `{description}`: {e}", path.display()));
            }
        }
    }
    assert!(total >= 20, "the corpus holds {total} searches");
    assert!(failures.is_empty(), "{} of {total} searches failed:\n{}", failures.len(), failures.join("\n"));
}
