//! The boundary's wire shapes, in pure Rust so that native tests cover them: answers as serde
//! `Serialize` types (camelCase, plain objects), requests as `Deserialize` types that refuse
//! unknown fields, and the one error shape JavaScript receives. The wasm layer only moves these
//! values across.

mod answers;
mod requests;

use std::fmt;

use serde::Serialize;

pub use answers::{
    AuthenticatedAnswer, DenyAnswer, Explanation, GeneratedKey, MintedAnswer, ResourcePageAnswer,
    SubjectAnswer, TokenInfo,
};
pub use requests::{
    ApplyDeltaOptions, AuthenticateOptions, ChangesOptions, EvaluateOptions, ExportSnapshotOptions,
    ListTokensOptions, LoadOptions, MintOptions, MintRequestInput, SearchResourcesOptions,
    SearchSubjectsOptions, Seconds, SignedLoadOptions, SigningKeyInput, Tags,
};

use crate::engine::{Question, SettingsPatch};
use crate::error::{ErrorCode, ManageError, SnapshotErrors, TokenError};
use crate::model::{EntityKind, Permission};
use crate::token::SigningKey;

/// An error as JavaScript receives it: `code`, `message`, and optional `details`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable message, a whole sentence (never a secret).
    pub message: String,
    /// Structured details (`problems` for snapshots, `action` and `deny` for refusals).
    pub details: Option<Details>,
}

/// The structured details of an [`ApiError`], as JavaScript receives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Details {
    /// Every problem of a snapshot: `{ problems: [{ code, message, path }] }`.
    Problems {
        /// The problems, in document order.
        problems: Vec<Problem>,
    },
    /// A refused action: `{ action, deny }`.
    Refused {
        /// The scope the action needs.
        action: &'static str,
        /// Why it was refused.
        deny: Box<DenyAnswer>,
    },
}

/// One snapshot problem: `{ code, message, path }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The problem's code.
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
    /// Where in the document (empty for the whole document).
    pub path: String,
}

impl ApiError {
    /// An `invalid_argument` error whose message is `message` (a whole sentence).
    pub fn argument(message: impl Into<String>) -> Self {
        Self { code: ErrorCode::InvalidArgument, message: message.into(), details: None }
    }

    /// An `invalid_argument` error about `what`: "Invalid {what}: {why}."
    pub fn invalid(what: &str, why: impl fmt::Display) -> Self {
        let why = why.to_string();
        let stop = if why.ends_with('.') { "" } else { "." };
        Self::argument(format!("Invalid {what}: {why}{stop}"))
    }
}

impl From<SnapshotErrors> for ApiError {
    fn from(errors: SnapshotErrors) -> Self {
        let problems = errors
            .0
            .iter()
            .map(|p| Problem { code: p.code().as_str(), message: p.kind.to_string(), path: p.path.clone() })
            .collect();
        Self {
            code: errors.code(),
            message: errors.to_string(),
            details: Some(Details::Problems { problems }),
        }
    }
}

impl From<TokenError> for ApiError {
    fn from(error: TokenError) -> Self {
        Self { code: error.code(), message: error.to_string(), details: None }
    }
}

impl From<ManageError> for ApiError {
    fn from(error: ManageError) -> Self {
        let details = match &error {
            ManageError::Forbidden { action, actor, resource, kind, deny } => {
                let question =
                    Question { principal: Some(actor.as_str()), scope: action, resource, kind: Some(*kind) };
                Some(Details::Refused { action, deny: Box::new(DenyAnswer::new(deny, &question)) })
            }
            _ => None,
        };
        Self { code: error.code(), message: error.to_string(), details }
    }
}

/// Parses a permission level name.
pub fn permission(name: &str) -> Result<Permission, ApiError> {
    Permission::parse(name).ok_or_else(|| {
        ApiError::argument(format!(
            "`{}` is not a permission: use `none`, `read`, `open`, `write` or `admin`.",
            crate::snapshot::shorten(name)
        ))
    })
}

/// Parses an entity kind name (`stack`, `environment`, `account`).
pub fn entity_kind(name: &str) -> Result<EntityKind, ApiError> {
    EntityKind::parse(name).ok_or_else(|| {
        ApiError::argument(format!(
            "`{}` is not an entity kind: use `stack`, `environment` or `account`.",
            crate::snapshot::shorten(name)
        ))
    })
}

/// Reads an Ed25519 public key: 32 bytes, base64url without padding.
pub fn public_key(text: &str) -> Result<[u8; 32], ApiError> {
    crate::model::base64url::decode(text)
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| ApiError::argument("`publicKey` must be 32 bytes, base64url without padding."))
}

/// An Ed25519 private key given as base64url text (for `signSnapshot`).
pub fn private_key(kid: &str, text: &str) -> Result<SigningKey, ApiError> {
    let input =
        SigningKeyInput { kid: kid.to_string(), private_key: Some(text.to_string()), ..Default::default() };
    input.into_key()
}

// ---------------------------------------------------------------------------------------------
// Settings, through their one definition in the model
// ---------------------------------------------------------------------------------------------

/// Reads a settings patch from JSON text: the snapshot's settings, each optional
/// (`tokenExpiryPolicyDays: null` removes the policy); an unknown, repeated or mistyped setting is
/// refused.
pub fn settings_patch(text: &str) -> Result<SettingsPatch, ApiError> {
    const WHAT: &str = "settings";
    let wire: crate::model::SettingsWire<'_> =
        crate::snapshot::read_strict(text).map_err(|e| ApiError::invalid(WHAT, e))?;
    let mut refused = None;
    let patch = wire.read(&mut |name, problem| {
        refused.get_or_insert_with(|| ApiError::invalid(WHAT, format!("`{name}` {problem}")));
    });
    refused.map_or(Ok(patch), Err)
}

impl From<crate::error::DeltaError> for ApiError {
    fn from(error: crate::error::DeltaError) -> Self {
        use crate::error::DeltaError;
        let text = error.to_string();
        let mut chars = text.chars();
        let head: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
        let stop = if text.ends_with('.') { "" } else { "." };
        let message = format!("{head}{}{stop}", chars.as_str());
        let problem = match &error {
            DeltaError::Invalid(p) => Some((p.code().as_str(), p.kind.to_string(), p.path.clone())),
            DeltaError::Change { path, error } => {
                Some((error.code().as_str(), error.to_string(), path.clone()))
            }
            _ => None,
        };
        let details = problem.map(|(code, message, path)| Details::Problems {
            problems: vec![Problem { code, message, path }],
        });
        Self { code: error.code(), message, details }
    }
}
