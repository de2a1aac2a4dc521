//! The JavaScript binding: one class, `Scopegate`, built once from a snapshot. Each method
//! converts its arguments, calls the core once, and converts the answer. A deny is data;
//! invalid input throws a real `Error` whose `name` is `ScopegateError`, with a stable `code`.

use js_sys::{Error as JsError, JSON, Reflect};
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::api::{self, ApiError};
use crate::engine::{Engine, Handles};
use crate::token::SigningKey;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("wasm/types.d.ts");

/// Throws: a real `Error` with `name`, `code` and `details`.
fn throw(error: ApiError) -> JsValue {
    let js = JsError::new(&error.message);
    js.set_name("ScopegateError");
    let _ = Reflect::set(&js, &"code".into(), &error.code.as_str().into());
    if let Some(details) = &error.details {
        let _ = Reflect::set(&js, &"details".into(), &to_js(details));
    }
    js.into()
}

fn parse_json(text: &str) -> JsValue {
    JSON::parse(text).unwrap_or(JsValue::NULL)
}

/// Values cross the boundary as JSON text: serde_json is linked anyway, and a second serde
/// bridge would cost more code than `JSON.parse` costs time on these small answers.
fn to_js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).unwrap_or(JsValue::NULL)
}

fn from_js(value: JsValue, what: &str) -> Result<Value, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    let text = JSON::stringify(&value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| throw(ApiError::invalid(what, "expected a JSON value")))?;
    serde_json::from_str(&text).map_err(|e| throw(ApiError::invalid(what, e)))
}

/// An options object (`{ now?, organization?, … }`), read field by field: cheaper than a JSON
/// round trip on the per-request path.
struct Options(JsValue);

impl Options {
    fn new(value: JsValue) -> Result<Self, JsValue> {
        if value.is_undefined() || value.is_null() || value.is_object() {
            Ok(Self(value))
        } else {
            Err(throw(ApiError::invalid("options", "expected an object")))
        }
    }

    fn get(&self, field: &str) -> JsValue {
        if self.0.is_object() {
            Reflect::get(&self.0, &field.into()).unwrap_or(JsValue::UNDEFINED)
        } else {
            JsValue::UNDEFINED
        }
    }

    /// `now`, or the current time: the only clock read.
    fn now(&self) -> Result<u64, JsValue> {
        let value = self.get("now");
        if value.is_undefined() || value.is_null() {
            return Ok((js_sys::Date::now() / 1000.0) as u64);
        }
        match value.as_f64() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9_007_199_254_740_991.0 => Ok(n as u64),
            _ => Err(throw(ApiError::invalid("options", "`now` must be seconds since the epoch"))),
        }
    }

    fn string(&self, field: &str) -> Result<Option<String>, JsValue> {
        let value = self.get(field);
        if value.is_undefined() || value.is_null() {
            return Ok(None);
        }
        value
            .as_string()
            .map(Some)
            .ok_or_else(|| throw(ApiError::invalid("options", format!("`{field}` must be a string"))))
    }

    fn bool(&self, field: &str) -> Result<bool, JsValue> {
        let value = self.get(field);
        if value.is_undefined() || value.is_null() {
            return Ok(false);
        }
        value
            .as_bool()
            .ok_or_else(|| throw(ApiError::invalid("options", format!("`{field}` must be a boolean"))))
    }
}

fn managed(result: Result<(), crate::ManageError>) -> Result<(), JsValue> {
    result.map_err(|e| throw(e.into()))
}

/// An authorization engine loaded from one snapshot.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Scopegate {
    engine: Engine,
    handles: Handles,
}

#[wasm_bindgen]
impl Scopegate {
    /// Loads a snapshot (an object or JSON text). Throws `ScopegateError` listing every problem
    /// in `details.problems` when the snapshot is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string")] snapshot: JsValue,
    ) -> Result<Scopegate, JsValue> {
        let text = match snapshot.as_string() {
            Some(text) => text,
            None => JSON::stringify(&snapshot)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| throw(ApiError::invalid("snapshot", "expected an object or JSON text")))?,
        };
        let engine = Engine::from_json(&text).map_err(|e| throw(e.into()))?;
        Ok(Scopegate { engine, handles: Handles::default() })
    }

    /// Loads snapshot text only if `signature` is a valid Ed25519 signature of its exact bytes
    /// by `publicKey` (both base64url). Throws `snapshot_signature_invalid` otherwise, before
    /// anything of the snapshot is read.
    #[wasm_bindgen(js_name = fromSignedSnapshot)]
    pub fn from_signed_snapshot(json: &str, signature: &str, public_key: &str) -> Result<Scopegate, JsValue> {
        let key = api::public_key(public_key).map_err(throw)?;
        let engine = Engine::from_signed_json(json, signature, &key).map_err(|e| throw(e.into()))?;
        Ok(Scopegate { engine, handles: Handles::default() })
    }

    /// Signs snapshot text with an Ed25519 private key (base64url): the detached signature that
    /// `fromSignedSnapshot` accepts. For publishing tools and tests; keep the key off the edge.
    #[wasm_bindgen(js_name = signSnapshot)]
    pub fn sign_snapshot(json: &str, private_key: &str) -> Result<String, JsValue> {
        let key = api::signing_key(&serde_json::json!({ "kid": "snapshot", "privateKey": private_key }))
            .map_err(throw)?;
        key.sign_bytes(json.as_bytes())
            .ok_or_else(|| throw(ApiError::invalid("private key", "must be Ed25519")))
    }

    /// The snapshot's revision.
    #[wasm_bindgen(getter)]
    pub fn revision(&self) -> f64 {
        self.engine.revision() as f64
    }

    /// May `principal` (`alice`, `user:alice`, `token:<id>`) use `scope` on `resource`?
    pub fn check(&self, principal: &str, scope: &str, resource: &str) -> bool {
        self.engine.check(principal, scope, resource)
    }

    /// Like `check`, with the deciding reasons or the reason for the deny.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(&self, principal: &str, scope: &str, resource: &str) -> JsValue {
        parse_json(&api::decision_json(&self.engine.explain(principal, scope, resource)))
    }

    /// May `principal` move `stack` to organization `destination`?
    #[wasm_bindgen(js_name = explainTransfer, unchecked_return_type = "Explanation")]
    pub fn explain_transfer(&self, principal: &str, stack: &str, destination: &str) -> JsValue {
        parse_json(&api::decision_json(&self.engine.explain_transfer(principal, stack, destination)))
    }

    /// The principal's effective permission on a stack, environment or account.
    #[wasm_bindgen(js_name = effectivePermission, unchecked_return_type = "Permission")]
    pub fn effective_permission(
        &self,
        principal: &str,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: &str,
        resource: &str,
    ) -> Result<String, JsValue> {
        let kind = api::entity_kind(kind).map_err(throw)?;
        Ok(self.engine.effective_permission(principal, kind, resource).as_str().to_string())
    }

    /// Every scope the principal may use on a resource, in one call: entity scopes when `kind`
    /// is given, else organization scopes (`org`) or team scopes (`org/team`).
    #[wasm_bindgen(js_name = allowedActions)]
    pub fn allowed_actions(
        &self,
        principal: &str,
        resource: &str,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: Option<String>,
    ) -> Result<Vec<String>, JsValue> {
        let kind = kind.map(|k| api::entity_kind(&k)).transpose().map_err(throw)?;
        Ok(self.engine.allowed_scopes(principal, kind, resource).into_iter().map(str::to_string).collect())
    }

    /// A handle for a principal, for `checkHandles`; `undefined` when the principal is unknown.
    #[wasm_bindgen(js_name = principalHandle)]
    pub fn principal_handle(&mut self, principal: &str) -> Option<u32> {
        let who = self.engine.resolve_principal(principal)?;
        Some(self.handles.add_principal(who))
    }

    /// A handle for a (scope, resource) pair, for `checkHandles`; `undefined` when unknown.
    #[wasm_bindgen(js_name = targetHandle)]
    pub fn target_handle(&mut self, scope: &str, resource: &str) -> Option<u32> {
        let entry = self.engine.resolve_scope(scope)?;
        let (scope, resource) = self.engine.resolve_resource(entry, resource).ok()?;
        Some(self.handles.add_target(scope, resource))
    }

    /// The fastest check: pre-resolved handles. An unknown handle is a deny.
    #[wasm_bindgen(js_name = checkHandles)]
    pub fn check_handles(&self, principal: u32, target: u32) -> bool {
        self.engine.check_handles(&self.handles, principal, target)
    }

    /// `check` as a principal handle (from `principalHandle` or `authenticate`).
    #[wasm_bindgen(js_name = checkAs)]
    pub fn check_as(&self, principal: u32, scope: &str, resource: &str) -> bool {
        self.handles.principal(principal).is_some_and(|who| self.engine.check_as(who, scope, resource))
    }

    /// `explain` as a principal handle.
    #[wasm_bindgen(js_name = explainAs, unchecked_return_type = "Explanation")]
    pub fn explain_as(&self, principal: u32, scope: &str, resource: &str) -> JsValue {
        let decision = match self.handles.principal(principal) {
            Some(who) => self.engine.explain_as(who, scope, resource),
            None => self.engine.explain("", scope, resource),
        };
        parse_json(&api::decision_json(&decision))
    }

    /// Validates a credential (`pul-…`, a signed token, `token …`, `Bearer …` or a whole
    /// `Authorization:` line). Throws `ScopegateError` with the token error code when refused.
    #[wasm_bindgen(unchecked_return_type = "Authenticated")]
    pub fn authenticate(
        &mut self,
        credential: &str,
        #[wasm_bindgen(unchecked_param_type = "AuthenticateOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = Options::new(options)?;
        let now = options.now()?;
        let org = options.string("organization")?;
        let found = self.engine.authenticate(credential, now, org.as_deref()).map_err(|e| throw(e.into()))?;
        let handle = self.handles.add_principal(found.principal);
        Ok(parse_json(&api::authenticated_json(&found, handle)))
    }

    /// Mints a token for `actor`: opaque by default, signed when `options.signingKey` is given.
    /// The token string is in the answer once; `record` is what to store.
    #[wasm_bindgen(js_name = mintToken, unchecked_return_type = "MintedToken")]
    pub fn mint_token(
        &mut self,
        actor: &str,
        #[wasm_bindgen(unchecked_param_type = "MintRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MintOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let request = api::mint_request(&from_js(request, "token request")?).map_err(throw)?;
        let options = Options::new(options)?;
        let now = options.now()?;
        let minted = match from_js(options.get("signingKey"), "signing key")? {
            Value::Null => self.engine.mint_opaque(actor, &request, now),
            key => {
                let key = api::signing_key(&key).map_err(throw)?;
                self.engine.mint_signed(actor, &request, now, &key)
            }
        };
        Ok(to_js(&api::minted_json(&minted.map_err(|e| throw(e.into()))?)))
    }

    /// A new random Ed25519 signing key: `{ kid, alg, privateKey, publicKey }` (base64url).
    /// Put `{ kid, alg, publicKey }` in the snapshot's `signing.keys`; keep `privateKey` secret.
    #[wasm_bindgen(js_name = generateSigningKey, unchecked_return_type = "GeneratedSigningKey")]
    pub fn generate_signing_key(kid: &str) -> Result<JsValue, JsValue> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| throw(crate::ManageError::RandomUnavailable.into()))?;
        Ok(to_js(&api::generated_key_json(&SigningKey::ed25519(kid, &seed), &seed)))
    }

    /// Deletes a token: it stops validating at once.
    #[wasm_bindgen(js_name = deleteToken)]
    pub fn delete_token(&mut self, actor: &str, token_id: &str) -> Result<(), JsValue> {
        managed(self.engine.delete_token(actor, token_id))
    }

    /// The tokens `actor` may see in `organization`, or its own personal tokens.
    #[wasm_bindgen(js_name = listTokens, unchecked_return_type = "TokenInfo[]")]
    pub fn list_tokens(
        &self,
        actor: &str,
        organization: Option<String>,
        #[wasm_bindgen(unchecked_param_type = "ListTokensOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = Options::new(options)?;
        let now = options.now()?;
        let show_expired = options.bool("showExpired")?;
        let views = self.engine.list_tokens(actor, organization.as_deref(), now, show_expired);
        Ok(to_js(&Value::Array(views.iter().map(api::token_view_json).collect())))
    }

    /// Changes organization settings (organization admins).
    #[wasm_bindgen(js_name = updateSettings)]
    pub fn update_settings(
        &mut self,
        actor: &str,
        organization: &str,
        #[wasm_bindgen(unchecked_param_type = "Partial<Settings>")] patch: JsValue,
    ) -> Result<(), JsValue> {
        let patch = api::settings_patch(&from_js(patch, "settings")?).map_err(throw)?;
        managed(self.engine.update_settings(actor, organization, &patch))
    }

    /// An organization's settings, with defaults filled in; `undefined` for an unknown one.
    #[wasm_bindgen(unchecked_return_type = "Settings | undefined")]
    pub fn settings(&self, organization: &str) -> JsValue {
        self.engine.settings(organization).map_or(JsValue::UNDEFINED, |s| to_js(&api::settings_json(&s)))
    }

    /// Adds a member with a role (`admin`, `member`, `billing-manager` or a custom role).
    #[wasm_bindgen(js_name = addMember)]
    pub fn add_member(
        &mut self,
        actor: &str,
        organization: &str,
        login: &str,
        role: &str,
    ) -> Result<(), JsValue> {
        managed(self.engine.add_member(actor, organization, login, role))
    }

    /// Removes a member from the organization and its teams.
    #[wasm_bindgen(js_name = removeMember)]
    pub fn remove_member(&mut self, actor: &str, organization: &str, login: &str) -> Result<(), JsValue> {
        managed(self.engine.remove_member(actor, organization, login))
    }

    /// Changes a member's role.
    #[wasm_bindgen(js_name = setMemberRole)]
    pub fn set_member_role(
        &mut self,
        actor: &str,
        organization: &str,
        login: &str,
        role: &str,
    ) -> Result<(), JsValue> {
        managed(self.engine.set_member_role(actor, organization, login, role))
    }

    /// Creates a team; a user who creates one becomes its team admin.
    #[wasm_bindgen(js_name = createTeam)]
    pub fn create_team(&mut self, actor: &str, organization: &str, team: &str) -> Result<(), JsValue> {
        managed(self.engine.create_team(actor, organization, team))
    }

    /// Deletes a team and its tokens.
    #[wasm_bindgen(js_name = deleteTeam)]
    pub fn delete_team(&mut self, actor: &str, organization: &str, team: &str) -> Result<(), JsValue> {
        managed(self.engine.delete_team(actor, organization, team))
    }

    /// Adds a member to a team, or sets whether they administer it.
    #[wasm_bindgen(js_name = setTeamMember)]
    pub fn set_team_member(
        &mut self,
        actor: &str,
        organization: &str,
        team: &str,
        login: &str,
        team_admin: bool,
    ) -> Result<(), JsValue> {
        managed(self.engine.set_team_member(actor, organization, team, login, team_admin))
    }

    /// Removes a member from a team.
    #[wasm_bindgen(js_name = removeTeamMember)]
    pub fn remove_team_member(
        &mut self,
        actor: &str,
        organization: &str,
        team: &str,
        login: &str,
    ) -> Result<(), JsValue> {
        managed(self.engine.remove_team_member(actor, organization, team, login))
    }

    /// Sets a team's permission on a stack, environment or account (`none` removes it).
    #[wasm_bindgen(js_name = setTeamPermission)]
    pub fn set_team_permission(
        &mut self,
        actor: &str,
        organization: &str,
        team: &str,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: &str,
        entity: &str,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
    ) -> Result<(), JsValue> {
        let kind = api::entity_kind(kind).map_err(throw)?;
        let level = api::permission(permission).map_err(throw)?;
        managed(self.engine.set_team_permission(actor, organization, team, kind, entity, level))
    }

    /// Assigns a custom role to a team, or removes it.
    #[wasm_bindgen(js_name = setTeamRole)]
    pub fn set_team_role(
        &mut self,
        actor: &str,
        organization: &str,
        team: &str,
        role: &str,
        assigned: bool,
    ) -> Result<(), JsValue> {
        managed(self.engine.set_team_role(actor, organization, team, role, assigned))
    }

    /// Creates a stack; its creator receives an admin grant on it.
    #[wasm_bindgen(js_name = createStack)]
    pub fn create_stack(
        &mut self,
        actor: &str,
        organization: &str,
        project: &str,
        stack: &str,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] tags: JsValue,
    ) -> Result<(), JsValue> {
        let tags = api::tags(&from_js(tags, "tags")?).map_err(throw)?;
        let tags: Vec<(&str, &str)> = tags.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        managed(self.engine.create_stack(actor, organization, project, stack, &tags))
    }

    /// Deletes a stack (`org/project/stack`).
    #[wasm_bindgen(js_name = deleteStack)]
    pub fn delete_stack(&mut self, actor: &str, stack: &str) -> Result<(), JsValue> {
        managed(self.engine.delete_stack(actor, stack))
    }

    /// Moves a stack to another organization.
    #[wasm_bindgen(js_name = transferStack)]
    pub fn transfer_stack(&mut self, actor: &str, stack: &str, destination: &str) -> Result<(), JsValue> {
        managed(self.engine.transfer_stack(actor, stack, destination))
    }

    /// Sets a user's explicit permission on a stack (`none` removes it).
    #[wasm_bindgen(js_name = setStackPermission)]
    pub fn set_stack_permission(
        &mut self,
        actor: &str,
        stack: &str,
        login: &str,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: &str,
    ) -> Result<(), JsValue> {
        let level = api::permission(permission).map_err(throw)?;
        managed(self.engine.set_stack_permission(actor, stack, login, level))
    }

    /// Removes the creator's admin grant from a stack.
    #[wasm_bindgen(js_name = removeCreatorGrant)]
    pub fn remove_creator_grant(&mut self, actor: &str, stack: &str) -> Result<(), JsValue> {
        managed(self.engine.remove_creator_grant(actor, stack))
    }

    /// The current state as a snapshot object, including every change applied in place.
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Snapshot")]
    pub fn to_json(&self) -> JsValue {
        JSON::parse(&self.engine.to_json()).unwrap_or(JsValue::NULL)
    }

    /// Every error code the package can throw.
    #[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ScopegateErrorCode[]")]
    pub fn error_codes() -> Vec<String> {
        crate::ErrorCode::ALL.iter().map(|c| c.as_str().to_string()).collect()
    }
}
