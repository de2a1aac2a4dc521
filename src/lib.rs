//! scopegate: role-and-scope authorization for organizations, teams, stacks and access tokens,
//! modelled on Pulumi Cloud's access management.
//!
//! The core is pure Rust: no clock, no I/O, no global state. Load a [snapshot](crate::snapshot)
//! into an [`Engine`], then ask it questions:
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
//! }"#).unwrap();
//! assert!(engine.check("alice", "stack:read", "acme/app/prod"));
//! assert!(!engine.check("alice", "stack:write", "acme/app/prod"));
//! ```

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

// Layers, bottom up; each module imports only from the ones above it in this list.
pub mod api;
pub(crate) mod authorize;
pub mod catalog;
pub mod decision;
pub mod engine;
pub mod error;
pub(crate) mod manage;
pub mod model;
pub mod records;
pub mod snapshot;
pub(crate) mod store;
pub mod token;
#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "wasm32")]
pub use wasm::Scopegate;

pub use engine::{Decision, Deny, Engine, Reason};
pub use error::{ErrorCode, ManageError, SnapshotError, SnapshotErrorKind, SnapshotErrors, TokenError};
pub use model::{BuiltinRole, EntityKind, Permission, Settings, Toggle, TokenKind};
