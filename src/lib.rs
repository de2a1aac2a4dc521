//! scopegate: role-and-scope authorization for organizations, teams, stacks and access tokens,
//! modelled on Pulumi Cloud's access management.
//!
//! The core is pure Rust: no clock, no I/O, no global state. Load a snapshot (a JSON document
//! of users, organizations, teams, roles, stacks and tokens) into an [`Engine`], then ask it
//! questions:
//!
//! ```
//! let engine = scopegate::Engine::from_json(r#"{
//!   "version": 1,
//!   "organizations": [{
//!     "name": "acme",
//!     "settings": { "defaultStackPermission": "read" },
//!     "members": [{ "login": "alice", "role": "member" }],
//!     "stacks": [{ "project": "app", "name": "prod" }]
//!   }]
//! }"#)?;
//! assert!(engine.check("alice", "stack:read", "acme/app/prod"));
//! assert!(!engine.check("alice", "stack:write", "acme/app/prod"));
//!
//! // Why: every granting source, or the reason for the deny.
//! let decision = engine.explain("alice", "stack:write", "acme/app/prod");
//! assert_eq!(decision.deny().map(|d| d.code()), Some("missing_scope"));
//!
//! // The same question many times: resolve once, ask on the resolved values.
//! let alice = engine.resolve_principal("alice").expect("alice is a member");
//! let target = engine.resolve_target("stack:read", "acme/app/prod").map_err(|deny| deny.code())?;
//! assert!(engine.check_resolved(&alice, &target));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Every item of the API is re-exported here; the modules are private.

#![forbid(unsafe_code)]
#![warn(missing_docs)]
// No panics on any input: a panic in wasm is a trap the JavaScript caller cannot recover from.
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::unreachable,
    clippy::todo,
    clippy::unimplemented,
    clippy::mod_module_files
)]

// Layers, bottom up; each module imports only from the ones above it in this list. Every module
// is private: the public API is the list of re-exports below.
// The JavaScript answer and request shapes: only the binding (and the tests) read them.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code, unused_imports))]
mod api;
mod authorize;
mod catalog;
mod decision;
mod engine;
mod error;
mod manage;
mod model;
mod records;
mod snapshot;
mod store;
mod token;
#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::Scopegate;

pub use catalog::scopes;
pub use engine::MAX_KEPT_CHANGES;
pub use engine::{
    AccessChange, AccessDiff, AccessEntry, Authenticated, Decision, DecisionRecord, DecisionSink, Deny,
    Engine, Handles, MemorySink, MintRequest, Minted, Preview, Principal, Question, Reason, RecordContext,
    RecordKind, Recording, ResourceKind, ResourcePage, ResourceQuery, ScopeChange, Semantics, SettingsPatch,
    StoppedToken, Subject, Target, TokenView,
};
pub use error::{
    DeltaError, ErrorCode, ManageError, ParseNameError, SnapshotError, SnapshotErrorKind, SnapshotErrors,
    TokenError,
};
pub use model::{BuiltinRole, EntityKind, Permission, Settings, Toggle, TokenKind};
pub use snapshot::{Change, Delta};
pub use snapshot::{ExportOptions, MAX_SNAPSHOT_BYTES};
pub use token::{
    Algorithm, MAX_CACHED_TOKENS, MAX_CREDENTIAL_BYTES, MAX_LIFETIME_SECONDS, SigningKey, sign_snapshot,
};

/// Internal tables and answer shapes that this crate's own integration tests compare against
/// (the scope catalog, the token matrix, the settings table, the JavaScript answer shapes). Not
/// part of the API: anything here may change in any release, and only the crate's own tests
/// enable the `testing` feature that compiles it.
#[cfg(feature = "testing")]
#[doc(hidden)]
pub mod testing {
    pub use crate::api::{ApiError, Explanation};
    pub use crate::catalog::{
        ACCOUNT_SCOPES, BuiltinPermissionSet, Catalog, ENVIRONMENT_SCOPES, EXTRA_ORG_SCOPES, EntityScopeRow,
        EntityScopeSet, MatrixRow, ORG_PERMISSION_SETS, ORG_SCOPES, OrgScopeRow, STACK_SCOPES, TOKEN_MATRIX,
        Target,
    };
    pub use crate::model::{EXPIRY_POLICY_DAYS, SETTINGS, SettingKind};
    pub use crate::snapshot::object_fields;
}

/// The README's Rust snippets, run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
