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

pub mod catalog;
pub mod engine;
pub mod error;
pub mod model;
pub mod snapshot;

pub use engine::{Decision, Deny, Engine, Reason};
pub use error::{ErrorCode, ManageError, SnapshotError, SnapshotErrorKind, SnapshotErrors};
pub use model::{BuiltinRole, EntityKind, Permission, Settings, Toggle, TokenKind};
