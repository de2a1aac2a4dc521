//! The boundary's wire shapes, in pure Rust so that native tests cover them: answers as serde
//! `Serialize` types (camelCase, plain objects), requests as `Deserialize` types that refuse
//! unknown fields, and the one error shape JavaScript receives. The wasm layer only moves these
//! values across.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::engine::{Decision, Deny, Question, Reason, SettingsPatch};
use crate::error::{ErrorCode, ManageError, SnapshotErrors, TokenError};
use crate::model::{EntityKind, Permission, Settings, TokenKind};
use crate::token::{Authenticated, MintRequest, Minted, SigningKey, TokenView};

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

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

/// One granting source: `{ code, message, role?, team?, permission?, permissionSet?, setting? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonAnswer {
    /// The reason code.
    pub code: &'static str,
    /// What grants it, in words.
    pub message: String,
    /// The role that grants it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The team it is held through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The level that grants it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<&'static str>,
    /// The permission set of a role rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_set: Option<String>,
    /// The setting that allows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<&'static str>,
}

impl ReasonAnswer {
    /// The answer shape of one reason.
    pub fn new(reason: &Reason) -> Self {
        let mut answer = Self {
            code: reason.code(),
            message: reason.to_string(),
            role: None,
            team: None,
            permission: None,
            permission_set: None,
            setting: None,
        };
        match reason {
            Reason::BuiltinRole { role } => answer.role = Some(role.as_str().to_string()),
            Reason::CustomRole { role, team } => {
                answer.role = Some(role.clone());
                answer.team = team.clone();
            }
            Reason::DefaultPermission { level } | Reason::ExplicitGrant { level } => {
                answer.permission = Some(level.as_str());
            }
            Reason::TeamGrant { team, level } => {
                answer.team = Some(team.clone());
                answer.permission = Some(level.as_str());
            }
            Reason::RoleRule { role, team, permission_set } => {
                answer.role = Some(role.clone());
                answer.team = team.clone();
                answer.permission_set = Some(permission_set.clone());
            }
            Reason::Setting { toggle } => answer.setting = Some(toggle.as_str()),
            Reason::TeamAdmin { team } => answer.team = Some(team.clone()),
            Reason::OrgAdmin | Reason::TeamTokenBaseline | Reason::CreatorGrant => {}
        }
        answer
    }
}

/// Why a question was denied: `{ code, message, scope?, permission?, setting?, organization? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DenyAnswer {
    /// The deny code.
    pub code: &'static str,
    /// A whole sentence naming what was wrong with the question.
    pub message: String,
    /// The scope no source grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    /// The principal's effective level on the entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<&'static str>,
    /// The setting that is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<&'static str>,
    /// The destination organization of a transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

impl DenyAnswer {
    /// The answer shape of a deny of `question`.
    pub fn new(deny: &Deny, question: &Question<'_>) -> Self {
        let mut answer = Self {
            code: deny.code(),
            message: deny.message(question),
            scope: None,
            permission: None,
            setting: None,
            organization: None,
        };
        match deny {
            Deny::MissingScope { scope, level } => {
                answer.scope = Some(scope);
                answer.permission = level.map(Permission::as_str);
            }
            Deny::SettingDisabled { toggle } => answer.setting = Some(toggle.as_str()),
            Deny::DestinationDenied { org } => answer.organization = Some(org.clone()),
            Deny::UnknownPrincipal
            | Deny::UnknownScope
            | Deny::UnknownResource
            | Deny::InvalidResource
            | Deny::NotAMember
            | Deny::MachineToken => {}
        }
        answer
    }
}

/// The answer of `explain`: `{ allowed: true, reasons }` or `{ allowed: false, reasons: [], deny }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// Every granting source (empty when denied).
    pub reasons: Vec<ReasonAnswer>,
    /// Why it was denied (absent when allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny: Option<DenyAnswer>,
}

impl Explanation {
    /// The answer shape of a decision on `question`.
    pub fn new(decision: &Decision, question: &Question<'_>) -> Self {
        match decision {
            Decision::Allowed { reasons } => {
                Self { allowed: true, reasons: reasons.iter().map(ReasonAnswer::new).collect(), deny: None }
            }
            Decision::Denied { deny } => {
                Self { allowed: false, reasons: Vec::new(), deny: Some(DenyAnswer::new(deny, question)) }
            }
        }
    }
}

/// A validated credential: `{ principal, handle, tokenId, kind, organization, subject, expires,
/// signed }`. `principal` is `null` for a signed machine token known only by its claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatedAnswer<'a> {
    /// `user:<login>` or `token:<id>`.
    pub principal: Option<&'a str>,
    /// A principal handle for `checkAs`, `explainAs` and `checkHandles`.
    pub handle: u32,
    /// The token id.
    pub token_id: &'a str,
    /// The token kind.
    pub kind: &'static str,
    /// The organization of an organization or team token.
    pub organization: Option<&'a str>,
    /// The user login, team name or role it acts as.
    pub subject: &'a str,
    /// Seconds since the epoch; 0 means never.
    pub expires: u64,
    /// Whether the credential was a signed token.
    pub signed: bool,
}

impl<'a> AuthenticatedAnswer<'a> {
    /// The answer shape of a validated credential, with its handle.
    pub fn new(found: &'a Authenticated, handle: u32) -> Self {
        Self {
            principal: found.principal_name.as_deref(),
            handle,
            token_id: &found.token_id,
            kind: found.kind.as_str(),
            organization: found.organization.as_deref(),
            subject: &found.subject,
            expires: found.expires,
            signed: found.signed,
        }
    }
}

/// A minted token: `{ token, id, record, organization, user }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MintedAnswer<'a> {
    /// The token string, shown once.
    pub token: &'a str,
    /// The token id.
    pub id: &'a str,
    /// The record to store (a digest only).
    pub record: &'a Value,
    /// The organization of an organization or team token.
    pub organization: Option<&'a str>,
    /// The user of a personal token.
    pub user: Option<&'a str>,
}

impl<'a> MintedAnswer<'a> {
    /// The answer shape of a minted token.
    pub fn new(minted: &'a Minted) -> Self {
        Self {
            token: &minted.token,
            id: &minted.id,
            record: &minted.record,
            organization: minted.organization.as_deref(),
            user: minted.user.as_deref(),
        }
    }
}

/// A listed token: `{ id, kind, name, description, subject, created, expires, deleted }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo<'a> {
    /// The token id.
    pub id: &'a str,
    /// The token kind.
    pub kind: &'static str,
    /// Its name (organization and team tokens).
    pub name: Option<&'a str>,
    /// Its description.
    pub description: Option<&'a str>,
    /// The user login, team name or role it acts as.
    pub subject: &'a str,
    /// Seconds since the epoch.
    pub created: u64,
    /// Seconds since the epoch; 0 means never.
    pub expires: u64,
    /// Whether it was deleted.
    pub deleted: bool,
}

impl<'a> TokenInfo<'a> {
    /// The answer shape of a listed token.
    pub fn new(view: &'a TokenView) -> Self {
        Self {
            id: &view.id,
            kind: view.kind.as_str(),
            name: view.name.as_deref(),
            description: view.description.as_deref(),
            subject: &view.subject,
            created: view.created,
            expires: view.expires,
            deleted: view.deleted,
        }
    }
}

/// A generated Ed25519 key: `{ kid, alg, privateKey, publicKey }` (base64url).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedKey {
    /// The key id.
    pub kid: String,
    /// Always `EdDSA`.
    pub alg: &'static str,
    /// The seed, base64url; secret.
    pub private_key: String,
    /// The public key, base64url; goes in `signing.keys`.
    pub public_key: String,
}

impl GeneratedKey {
    /// The answer shape of a new key made from `seed`.
    pub fn new(key: &SigningKey, seed: &[u8; 32]) -> Self {
        Self {
            kid: key.kid().to_string(),
            alg: key.algorithm().as_str(),
            private_key: URL_SAFE_NO_PAD.encode(seed),
            public_key: URL_SAFE_NO_PAD.encode(key.public_key().unwrap_or_default()),
        }
    }
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the private key is never printed.
        f.debug_struct("GeneratedKey").field("kid", &self.kid).field("publicKey", &self.public_key).finish()
    }
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/// Seconds since the epoch in a request: a whole number (from 0 to 2^53 − 1 in JavaScript).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seconds(pub u64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Whole;
        impl Visitor<'_> for Whole {
            type Value = Seconds;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number of seconds since the epoch")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
                Ok(Seconds(v))
            }
        }
        deserializer.deserialize_u64(Whole)
    }
}

/// Stack tags `{ "key": "value" }`, in key order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(pub Vec<(String, String)>);

impl<'de> Deserialize<'de> for Tags {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;
        impl<'de> Visitor<'de> for Pairs {
            type Value = Tags;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of string values")
            }
            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<Tags, M::Error> {
                let mut pairs: Vec<(String, String)> = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, String>()? {
                    // Kept in key order as they arrive (a few tags: no sort routine needed).
                    let at = pairs.partition_point(|(k, _)| *k < key);
                    pairs.insert(at, (key, value));
                }
                Ok(Tags(pairs))
            }
        }
        deserializer.deserialize_map(Pairs)
    }
}

/// `authenticate`'s options: `{ now?, organization? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AuthenticateOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// The organization the request is against.
    pub organization: Option<String>,
}

/// `listTokens`' options: `{ now?, showExpired? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListTokensOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// List expired tokens too.
    pub show_expired: Option<bool>,
}

/// `mintToken`'s options: `{ now?, signingKey? }`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintOptions {
    /// Seconds since the epoch; the current time when absent.
    pub now: Option<Seconds>,
    /// Mint a signed token with this key instead of an opaque one.
    pub signing_key: Option<SigningKeyInput>,
}

/// A token request: `{ kind?, organization?, team?, role?, name?, description?, expires? }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintRequestInput {
    /// `personal` (the default), `organization` or `team`.
    pub kind: Option<String>,
    /// The organization of an organization or team token.
    pub organization: Option<String>,
    /// The team of a team token.
    pub team: Option<String>,
    /// The role of an organization token.
    pub role: Option<String>,
    /// The name of an organization or team token.
    pub name: Option<String>,
    /// A description.
    pub description: Option<String>,
    /// Seconds since the epoch; absent or 0 means never.
    pub expires: Option<Seconds>,
}

impl MintRequestInput {
    /// The core's request.
    pub fn into_request(self) -> Result<MintRequest, ApiError> {
        let kind = match self.kind.as_deref() {
            None => None,
            Some(name) => Some(TokenKind::parse(name).ok_or_else(|| {
                ApiError::argument("The token request's `kind` must be `personal`, `organization` or `team`.")
            })?),
        };
        Ok(MintRequest {
            kind: kind.filter(|k| *k != TokenKind::Personal),
            org: self.organization,
            team: self.team,
            role: self.role,
            name: self.name,
            description: self.description,
            expires: self.expires.map_or(0, |s| s.0),
        })
    }
}

/// A signing key: `{ kid, alg?: "EdDSA", privateKey, publicKey? }` or `{ kid, alg: "HS256",
/// secret }` (base64url without padding).
#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SigningKeyInput {
    /// The key id.
    pub kid: String,
    /// `EdDSA` (the default) or `HS256`.
    pub alg: Option<String>,
    /// The Ed25519 seed.
    pub private_key: Option<String>,
    /// The Ed25519 public key (ignored; accepted so that a generated key can be passed whole).
    pub public_key: Option<String>,
    /// The HS256 secret.
    pub secret: Option<String>,
}

impl fmt::Debug for SigningKeyInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the private key or secret is never printed.
        f.debug_struct("SigningKeyInput").field("kid", &self.kid).field("alg", &self.alg).finish()
    }
}

impl SigningKeyInput {
    /// The key. Messages never repeat the key material.
    pub fn into_key(self) -> Result<SigningKey, ApiError> {
        let decode = |field: &str, text: Option<String>| -> Result<Vec<u8>, ApiError> {
            let text = text.ok_or_else(|| ApiError::argument(format!("The signing key needs `{field}`.")))?;
            URL_SAFE_NO_PAD.decode(text).map_err(|_| {
                ApiError::argument(format!("The signing key's `{field}` is not base64url without padding."))
            })
        };
        match self.alg.as_deref() {
            Some("EdDSA") | None => {
                let seed = <[u8; 32]>::try_from(decode("privateKey", self.private_key)?.as_slice())
                    .map_err(|_| ApiError::argument("The signing key's `privateKey` must be 32 bytes."))?;
                Ok(SigningKey::ed25519(&self.kid, &seed))
            }
            Some("HS256") => Ok(SigningKey::hs256(&self.kid, &decode("secret", self.secret)?)),
            Some(_) => Err(ApiError::argument("The signing key's `alg` must be `EdDSA` or `HS256`.")),
        }
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
