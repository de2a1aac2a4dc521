//! The boundary's wire shapes, in pure Rust so that native tests cover them: answers as serde
//! `Serialize` types (camelCase, plain objects), requests as `Deserialize` types that refuse
//! unknown fields, and the one error shape JavaScript receives. The wasm layer only moves these
//! values across.

mod answers;
mod requests;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

pub use answers::{
    AuthenticatedAnswer, DenyAnswer, Explanation, GeneratedKey, MintedAnswer, ReasonAnswer,
    ResourcePageAnswer, SubjectAnswer, TokenInfo,
};
pub use requests::{
    AuthenticateOptions, Count, EvaluateItem, EvaluateOptions, ListTokensOptions, MintOptions,
    MintRequestInput, SearchResourcesOptions, SearchSubjectsOptions, Seconds, SigningKeyInput, Tags,
};

use crate::engine::{Question, SettingsPatch};
use crate::error::{ErrorCode, ManageError, SnapshotErrors, TokenError};
use crate::model::{EntityKind, Permission, Settings};
use crate::token::SigningKey;

/// An error as JavaScript receives it: `code`, `message`, and optional `details`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable message, a whole sentence (never a secret).
    pub message: String,
    /// Structured details (`problems` for snapshots, `action` and `deny` for refusals).
    pub details: Option<Value>,
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
        let problems: Vec<Value> = errors
            .0
            .iter()
            .map(|p| json!({ "code": p.code().as_str(), "path": p.path, "message": p.kind.to_string() }))
            .collect();
        Self {
            code: errors.code(),
            message: errors.to_string(),
            details: Some(json!({ "problems": problems })),
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
                let deny = serde_json::to_value(DenyAnswer::new(deny, &question)).unwrap_or(Value::Null);
                Some(json!({ "action": action, "deny": deny }))
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
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
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
// Settings (one definition of these names is coming to the model; until then, by hand)
// ---------------------------------------------------------------------------------------------

fn object<'a>(value: &'a Value, what: &str, allowed: &[&str]) -> Result<&'a Map<String, Value>, ApiError> {
    let map = value.as_object().ok_or_else(|| ApiError::invalid(what, "expected an object"))?;
    if let Some(unknown) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ApiError::invalid(
            what,
            format!("unknown field `{}`", crate::snapshot::shorten(unknown)),
        ));
    }
    Ok(map)
}

fn opt_str(map: &Map<String, Value>, what: &str, field: &str) -> Result<Option<String>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::invalid(what, format!("`{field}` must be a string"))),
    }
}

fn opt_bool(map: &Map<String, Value>, what: &str, field: &str) -> Result<Option<bool>, ApiError> {
    match map.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(ApiError::invalid(what, format!("`{field}` must be a boolean"))),
    }
}

/// Reads a settings patch: the snapshot's settings names, each optional.
pub fn settings_patch(value: &Value) -> Result<SettingsPatch, ApiError> {
    const WHAT: &str = "settings";
    let map = object(value, WHAT, crate::snapshot::SETTINGS_FIELDS)?;
    let level = |field: &str| opt_str(map, WHAT, field)?.map(|s| permission(&s)).transpose();
    let expiry = match map.get("tokenExpiryPolicyDays") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(v) => match v.as_u64() {
            Some(0) => Some(None),
            Some(days) => {
                Some(Some(u32::try_from(days).map_err(|_| ApiError::invalid(WHAT, "policy too long"))?))
            }
            None => {
                return Err(ApiError::invalid(WHAT, "`tokenExpiryPolicyDays` must be an integer or null"));
            }
        },
    };
    Ok(SettingsPatch {
        default_stack_permission: level("defaultStackPermission")?,
        default_environment_permission: level("defaultEnvironmentPermission")?,
        default_account_permission: level("defaultAccountPermission")?,
        members_can_create_stacks: opt_bool(map, WHAT, "membersCanCreateStacks")?,
        stack_admins_can_delete_stacks: opt_bool(map, WHAT, "stackAdminsCanDeleteStacks")?,
        stack_admins_can_transfer_stacks: opt_bool(map, WHAT, "stackAdminsCanTransferStacks")?,
        members_can_create_teams: opt_bool(map, WHAT, "membersCanCreateTeams")?,
        members_can_create_accounts: opt_bool(map, WHAT, "membersCanCreateAccounts")?,
        team_tokens_get_member_defaults: opt_bool(map, WHAT, "teamTokensGetMemberDefaults")?,
        token_expiry_policy_days: expiry,
    })
}

/// Settings as the snapshot spells them.
pub fn settings_json(s: &Settings) -> Value {
    crate::snapshot::settings_json(s)
}
