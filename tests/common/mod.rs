//! Small helpers shared by the integration tests: snapshot loading and decision codes.
#![allow(dead_code)]

use scopegate::{Decision, Engine, ManageError};
use serde_json::Value;

/// Loads a snapshot document, failing the test with every reported problem.
pub fn load(snapshot: &Value) -> Engine {
    match Engine::from_value(snapshot) {
        Ok(engine) => engine,
        Err(errors) => panic!("snapshot rejected: {errors:?}"),
    }
}

/// A version-1 snapshot holding the one organization given.
pub fn single_org(org: Value) -> Engine {
    load(&serde_json::json!({ "version": 1, "organizations": [org] }))
}

/// The deny code of a decision (`None` when allowed).
pub fn deny_code(decision: &Decision) -> Option<&'static str> {
    decision.deny().map(|d| d.code())
}

/// The reason codes of a decision, in order.
pub fn reason_codes(decision: &Decision) -> Vec<&'static str> {
    decision.reasons().iter().map(|r| r.code()).collect()
}

/// Asserts that a management action was refused as `forbidden`, and returns the refusal.
#[track_caller]
pub fn assert_forbidden(result: Result<(), ManageError>) -> ManageError {
    match result {
        Ok(()) => panic!("expected a forbidden refusal, the action succeeded"),
        Err(err) => {
            assert_eq!(err.code().as_str(), "forbidden", "unexpected refusal: {err:?}");
            err
        }
    }
}

/// The deny code carried by a `forbidden` refusal.
pub fn forbidden_deny_code(err: &ManageError) -> Option<&'static str> {
    match err {
        ManageError::Forbidden { deny, .. } => Some(deny.code()),
        _ => None,
    }
}
