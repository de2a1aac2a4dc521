//! The boundary's data shapes, in pure Rust so that native tests cover them: answers and errors
//! as JSON values (camelCase, plain objects), and request objects read from JSON with every
//! unknown or mistyped field refused. The wasm layer only moves these values across.

use serde_json::{Map, Value, json};

use crate::engine::{Decision, Deny, Reason, SettingsPatch};
use crate::error::{ErrorCode, ManageError, SnapshotErrors, TokenError};
use crate::model::{EntityKind, Permission, Settings, TokenKind};
use crate::token::{Authenticated, MintRequest, Minted, SigningKey, TokenView};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// An error as JavaScript receives it: `code`, `message`, and optional `details`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human-readable message (never a secret).
    pub message: String,
    /// Structured details (`problems` for snapshots, `deny` for refusals).
    pub details: Option<Value>,
}

impl ApiError {
    /// An `invalid_argument` error.
    pub fn invalid(what: &str, why: impl std::fmt::Display) -> Self {
        Self { code: ErrorCode::InvalidArgument, message: format!("invalid {what}: {why}"), details: None }
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
            ManageError::Forbidden { action, deny } => {
                let deny: Value = serde_json::from_str(&deny_json(deny)).unwrap_or(Value::Null);
                Some(json!({ "action": action, "deny": deny }))
            }
            _ => None,
        };
        Self { code: error.code(), message: error.to_string(), details }
    }
}

fn reason_json(reason: &Reason) -> String {
    let o = JsonText::object().str("code", reason.code()).str("message", &reason.to_string());
    match reason {
        Reason::BuiltinRole { role } => o.str("role", role.as_str()),
        Reason::CustomRole { role, team } => o.str("role", role).opt_field("team", team.as_deref()),
        Reason::DefaultPermission { level } | Reason::ExplicitGrant { level } => {
            o.str("permission", level.as_str())
        }
        Reason::TeamGrant { team, level } => o.str("team", team).str("permission", level.as_str()),
        Reason::RoleRule { role, team, permission_set } => {
            o.str("role", role).str("permissionSet", permission_set).opt_field("team", team.as_deref())
        }
        Reason::Setting { toggle } => o.str("setting", toggle.as_str()),
        Reason::TeamAdmin { team } => o.str("team", team),
        Reason::OrgAdmin | Reason::TeamTokenBaseline | Reason::CreatorGrant => o,
    }
    .finish()
}

/// A deny reason as JSON text: `{ code, message, scope?, permission?, setting?, organization? }`.
pub fn deny_json(deny: &Deny) -> String {
    let o = JsonText::object().str("code", deny.code()).str("message", &format!("needs {deny}"));
    match deny {
        Deny::MissingScope { scope, level } => {
            o.str("scope", scope).opt_field("permission", level.map(Permission::as_str))
        }
        Deny::SettingDisabled { toggle } => o.str("setting", toggle.as_str()),
        Deny::DestinationDenied { org } => o.str("organization", org),
        Deny::UnknownPrincipal
        | Deny::UnknownScope
        | Deny::UnknownResource
        | Deny::InvalidResource
        | Deny::NotAMember
        | Deny::MachineToken => o,
    }
    .finish()
}

/// A decision as JSON text: `{ allowed, reasons, deny? }`.
pub fn decision_json(decision: &Decision) -> String {
    let reasons: Vec<String> = decision.reasons.iter().map(reason_json).collect();
    let o = JsonText::object()
        .bool("allowed", decision.allowed)
        .raw("reasons", &format!("[{}]", reasons.join(",")));
    match &decision.deny {
        Some(deny) => o.raw("deny", &deny_json(deny)),
        None => o,
    }
    .finish()
}

/// Writes a JSON object as text, field by field: the hot answers (`authenticate`, `explain`)
/// skip building a `Value` tree, which costs more than the question itself in the wasm build.
#[derive(Debug)]
pub struct JsonText(String);

impl JsonText {
    /// An empty object.
    pub fn object() -> Self {
        let mut text = String::with_capacity(256);
        text.push('{');
        Self(text)
    }

    fn key(&mut self, key: &str) {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.string(key);
        self.0.push(':');
    }

    fn string(&mut self, s: &str) {
        self.0.reserve(s.len() + 2);
        self.0.push('"');
        // Copy runs of plain text whole; escape only `"`, `\` and control characters (ASCII
        // bytes, so every cut is on a character boundary).
        let mut start = 0;
        for (i, byte) in s.bytes().enumerate() {
            let escape = match byte {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                0..=0x1f => "",
                _ => continue,
            };
            self.0.push_str(s.get(start..i).unwrap_or_default());
            if escape.is_empty() {
                self.0.push_str(&format!("\\u{byte:04x}"));
            } else {
                self.0.push_str(escape);
            }
            start = i + 1;
        }
        self.0.push_str(s.get(start..).unwrap_or_default());
        self.0.push('"');
    }

    /// A string field.
    pub fn str(mut self, key: &str, value: &str) -> Self {
        self.key(key);
        self.string(value);
        self
    }

    /// A string field, or `null`.
    pub fn opt_str(mut self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => {
                self.key(key);
                self.0.push_str("null");
                self
            }
        }
    }

    /// A string field when there is a value; nothing otherwise.
    pub fn opt_field(self, key: &str, value: Option<&str>) -> Self {
        match value {
            Some(v) => self.str(key, v),
            None => self,
        }
    }

    /// A field whose value is already JSON text.
    pub fn raw(mut self, key: &str, json: &str) -> Self {
        self.key(key);
        self.0.push_str(json);
        self
    }

    /// A number field.
    pub fn num(mut self, key: &str, value: u64) -> Self {
        self.key(key);
        self.0.push_str(&value.to_string());
        self
    }

    /// A boolean field.
    pub fn bool(mut self, key: &str, value: bool) -> Self {
        self.key(key);
        self.0.push_str(if value { "true" } else { "false" });
        self
    }

    /// The finished text.
    pub fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

/// A validated credential as `{ principal, tokenId, kind, organization?, subject, expires, signed,
/// handle }`. `principal` is `null` for a signed machine token known only by its claims.
pub fn authenticated_json(found: &Authenticated, handle: u32) -> String {
    JsonText::object()
        .opt_str("principal", found.principal_name.as_deref())
        .str("tokenId", &found.token_id)
        .str("kind", found.kind.as_str())
        .opt_str("organization", found.organization.as_deref())
        .str("subject", &found.subject)
        .num("expires", found.expires)
        .bool("signed", found.signed)
        .num("handle", u64::from(handle))
        .finish()
}

/// A minted token as `{ token, id, record, organization?, user? }`.
pub fn minted_json(minted: &Minted) -> Value {
    json!({
        "token": minted.token,
        "id": minted.id,
        "record": minted.record,
        "organization": minted.organization,
        "user": minted.user,
    })
}

/// A listed token.
pub fn token_view_json(view: &TokenView) -> Value {
    json!({
        "id": view.id,
        "kind": view.kind.as_str(),
        "name": view.name,
        "description": view.description,
        "subject": view.subject,
        "created": view.created,
        "expires": view.expires,
        "deleted": view.deleted,
    })
}

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

/// Parses a permission level name.
pub fn permission(name: &str) -> Result<Permission, ApiError> {
    Permission::parse(name)
        .ok_or_else(|| ApiError::invalid("permission", format!("`{}`", crate::snapshot::shorten(name))))
}

/// Parses an entity kind name (`stack`, `environment`, `account`).
pub fn entity_kind(name: &str) -> Result<EntityKind, ApiError> {
    EntityKind::parse(name)
        .ok_or_else(|| ApiError::invalid("kind", format!("`{}`", crate::snapshot::shorten(name))))
}

/// Reads a settings patch: the snapshot's settings, each optional (`tokenExpiryPolicyDays: null`
/// removes the policy); an unknown or mistyped setting is refused.
pub fn settings_patch(value: &Value) -> Result<SettingsPatch, ApiError> {
    const WHAT: &str = "settings";
    let text = value.to_string();
    let wire: crate::model::SettingsWire<'_> =
        crate::snapshot::read_strict(&text).map_err(|e| ApiError::invalid(WHAT, e))?;
    let mut refused = None;
    let patch = wire.read(&mut |name, problem| {
        refused.get_or_insert_with(|| ApiError::invalid(WHAT, format!("`{name}` {problem}")));
    });
    refused.map_or(Ok(patch), Err)
}

/// Reads a mint request `{ kind?, organization?, team?, role?, name?, description?, expires? }`.
pub fn mint_request(value: &Value) -> Result<MintRequest, ApiError> {
    const WHAT: &str = "token request";
    let fields = ["kind", "organization", "team", "role", "name", "description", "expires"];
    let map = object(value, WHAT, &fields)?;
    let kind = match opt_str(map, WHAT, "kind")? {
        None => None,
        Some(k) => Some(
            TokenKind::parse(&k)
                .ok_or_else(|| ApiError::invalid(WHAT, "`kind` must be personal, organization or team"))?,
        ),
    };
    let expires = match map.get("expires") {
        None | Some(Value::Null) => 0,
        Some(v) => {
            v.as_u64().ok_or_else(|| ApiError::invalid(WHAT, "`expires` must be seconds since the epoch"))?
        }
    };
    Ok(MintRequest {
        kind: kind.filter(|k| *k != TokenKind::Personal),
        org: opt_str(map, WHAT, "organization")?,
        team: opt_str(map, WHAT, "team")?,
        role: opt_str(map, WHAT, "role")?,
        name: opt_str(map, WHAT, "name")?,
        description: opt_str(map, WHAT, "description")?,
        expires,
    })
}

/// Reads stack tags `{ "key": "value" }`.
pub fn tags(value: &Value) -> Result<Vec<(String, String)>, ApiError> {
    match value {
        Value::Null => Ok(Vec::new()),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(ApiError::invalid("tags", "values must be strings")),
            })
            .collect(),
        _ => Err(ApiError::invalid("tags", "expected an object")),
    }
}

/// Settings as the snapshot spells them.
pub fn settings_json(s: &Settings) -> Value {
    serde_json::to_string(s).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// Reads a signing key `{ kid, alg: "EdDSA", privateKey }` or `{ kid, alg: "HS256", secret }`
/// (keys and secrets base64url without padding).
pub fn signing_key(value: &Value) -> Result<SigningKey, ApiError> {
    const WHAT: &str = "signing key";
    let map = object(value, WHAT, &["kid", "alg", "privateKey", "publicKey", "secret"])?;
    let kid = opt_str(map, WHAT, "kid")?.ok_or_else(|| ApiError::invalid(WHAT, "`kid` is required"))?;
    let bytes = |field: &str| -> Result<Vec<u8>, ApiError> {
        let text = opt_str(map, WHAT, field)?
            .ok_or_else(|| ApiError::invalid(WHAT, format!("`{field}` is required")))?;
        // SECURITY: the message never repeats the key.
        URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| ApiError::invalid(WHAT, format!("`{field}` is not base64url")))
    };
    match opt_str(map, WHAT, "alg")?.as_deref() {
        Some("EdDSA") | None => {
            let seed = <[u8; 32]>::try_from(bytes("privateKey")?.as_slice())
                .map_err(|_| ApiError::invalid(WHAT, "`privateKey` must be 32 bytes"))?;
            Ok(SigningKey::ed25519(&kid, &seed))
        }
        Some("HS256") => Ok(SigningKey::hs256(&kid, &bytes("secret")?)),
        Some(_) => Err(ApiError::invalid(WHAT, "`alg` must be EdDSA or HS256")),
    }
}

/// A generated Ed25519 key as `{ kid, alg, privateKey, publicKey }`.
pub fn generated_key_json(key: &SigningKey, seed: &[u8; 32]) -> Value {
    json!({
        "kid": key.kid(),
        "alg": key.algorithm().as_str(),
        "privateKey": URL_SAFE_NO_PAD.encode(seed),
        "publicKey": URL_SAFE_NO_PAD.encode(key.public_key().unwrap_or_default()),
    })
}

/// Reads an Ed25519 public key: 32 bytes, base64url without padding.
pub fn public_key(text: &str) -> Result<[u8; 32], ApiError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| ApiError::invalid("public key", "must be 32 bytes, base64url without padding"))
}
