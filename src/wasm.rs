//! The JavaScript binding: one class, `Scopegate`, built once from a snapshot. Each method
//! checks its arguments (any JavaScript value is accepted and checked; see `args`), calls the
//! core once, and converts the answer. A deny is data; invalid input throws a real `Error`
//! whose `name` is `ScopegateError`, with a stable `code`. Nothing a caller passes makes the
//! module trap or the generated glue throw.

#[cfg(feature = "admin")]
mod admin;
mod args;
mod cache;
mod convert;
mod de;
mod live;
mod manage;
mod records;
mod search;
mod tagged;

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use crate::api::{
    self, AuthenticateOptions, AuthenticatedAnswer, Explanation, GeneratedKey, ListTokensOptions,
    MintOptions, MintRequestInput, MintedAnswer, SigningKeyInput, TokenInfo,
};
use crate::engine::{Decision, Deny, Engine, Handles, Principal, Question};
use crate::token::SigningKey;
use args::Name;
use cache::Interned;
use convert::{answer, throw, thrown};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("wasm/types.d.ts");

/// The snapshot document, field by field (checked against the wire types by a test).
#[wasm_bindgen(typescript_custom_section)]
const SNAPSHOT_TYPES: &str = include_str!("wasm/snapshot.d.ts");

/// An authorization engine loaded from one snapshot.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Scopegate {
    interned: Interned,
    handles: Handles,
    /// The principal name of each principal handle (by index), for messages.
    handle_names: Vec<Option<Box<str>>>,
    /// This instance's tag, in the high bits of every handle it gives (see `tagged`).
    tag: u32,
    /// How many target handles it gave.
    targets: u32,
    /// The decision listeners and the request id of their records.
    records: records::Recorder,
    /// The listeners of `subscribe`, by a key per subscription (see `live`).
    listeners: js_sys::Map,
}

impl Scopegate {
    fn with(engine: Engine) -> Self {
        let handles = engine.handles();
        Self {
            interned: Interned::new(engine),
            handles,
            handle_names: Vec::new(),
            tag: tagged::new_tag(),
            targets: 0,
            records: records::Recorder::default(),
            listeners: js_sys::Map::new(),
        }
    }

    fn engine(&self) -> &Engine {
        self.interned.engine()
    }

    /// A handle for `who`, remembering the first name it was known by.
    fn add_handle(&mut self, who: &Principal, name: Option<&str>) -> f64 {
        // The principal comes from this instance's engine, which made the table.
        let index = self.handles.add_principal(who).unwrap_or(u32::MAX);
        if index as usize == self.handle_names.len() {
            self.handle_names.push(name.map(Into::into));
        }
        tagged::handle(self.tag, index)
    }

    /// The index of a principal handle this instance made; `None` for any other number.
    #[inline]
    fn principal_index(&self, handle: u64) -> Option<u32> {
        tagged::index(self.tag, handle).filter(|&i| (i as usize) < self.handle_names.len())
    }

    /// The principal of a handle this instance made; `None` for any other number.
    #[inline]
    fn principal_of(&self, handle: u64) -> Option<Principal> {
        self.handles.principal(self.principal_index(handle)?)
    }

    /// The explanation of `decision` on a question asked as `principal` (`None`: no name).
    fn explanation(
        &self,
        decision: &Decision,
        principal: Option<&str>,
        scope: &Name,
        resource: &Name,
    ) -> JsValue {
        let question = Question::new(self.engine().catalog(), principal, scope.shown(), resource.shown());
        answer(&Explanation::new(decision, &question))
    }
}

/// Snapshot text from an object or a string.
fn snapshot_text(snapshot: &JsValue) -> Result<String, JsValue> {
    if snapshot.is_string() {
        return args::text(snapshot, "snapshot");
    }
    if !snapshot.is_object() || snapshot.is_array() {
        let what = args::kind_of(snapshot);
        let message = format!("`snapshot` must be a snapshot object or JSON text, not {what}.");
        return Err(throw(api::ApiError::argument(message)));
    }
    JSON::stringify(snapshot).ok().and_then(|text| text.as_string()).ok_or_else(|| {
        throw(api::ApiError::argument(
            "`snapshot` could not be written as JSON (it holds a BigInt, a cycle or a throwing getter).",
        ))
    })
}

#[wasm_bindgen]
impl Scopegate {
    /// Loads a snapshot (an object or JSON text). Throws `ScopegateError` listing every problem
    /// in `details.problems` when the snapshot is invalid. `options.tokenCache: false` turns the
    /// verified-token cache off.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string")] snapshot: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoadOptions")] options: JsValue,
    ) -> Result<Scopegate, JsValue> {
        let options: api::LoadOptions = args::options(&options, "options")?;
        let engine = Engine::from_json(&snapshot_text(&snapshot)?).map_err(thrown)?;
        Ok(Scopegate::with(engine.with_token_cache(options.token_cache.unwrap_or(true))))
    }

    /// Loads snapshot text only if `signature` is a valid Ed25519 signature of its exact bytes
    /// by `publicKey` (both base64url). Throws `snapshot_signature_invalid` otherwise, before
    /// anything of the snapshot is read, and `snapshot_expired` when its `notAfter` (seconds) is
    /// before `options.now` (the current time by default).
    #[wasm_bindgen(js_name = fromSignedSnapshot)]
    pub fn from_signed_snapshot(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string")] public_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignedLoadOptions")] options: JsValue,
    ) -> Result<Scopegate, JsValue> {
        let json = args::text(&json, "json")?;
        let signature = args::string(&signature, "signature")?;
        let key = api::public_key(&args::string(&public_key, "publicKey")?).map_err(throw)?;
        let options: api::SignedLoadOptions = args::options(&options, "options")?;
        let now = args::now(options.now);
        let engine = Engine::from_signed_json_at(&json, &signature, &key, now).map_err(thrown)?;
        Ok(Scopegate::with(engine.with_token_cache(options.token_cache.unwrap_or(true))))
    }

    /// Signs snapshot text with an Ed25519 private key (base64url): the detached signature that
    /// `fromSignedSnapshot` accepts. For publishing tools and tests; keep the key off the edge.
    #[wasm_bindgen(js_name = signSnapshot)]
    pub fn sign_snapshot(
        #[wasm_bindgen(unchecked_param_type = "string")] json: JsValue,
        #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "string")] private_key: JsValue,
    ) -> Result<String, JsValue> {
        let json = args::text(&json, "json")?;
        let key = api::private_key("snapshot", &args::string(&private_key, "privateKey")?).map_err(throw)?;
        key.sign_bytes(json.as_bytes())
            .ok_or_else(|| throw(api::ApiError::argument("`privateKey` must be an Ed25519 key.")))
    }

    /// The revision: the snapshot's, raised by one by every change applied (a management
    /// action or each change of a delta). A `bigint`, exact above 2⁵³.
    #[wasm_bindgen(getter, unchecked_return_type = "bigint")]
    pub fn revision(&self) -> JsValue {
        js_sys::BigInt::from(self.engine().revision()).into()
    }

    /// The names of the organizations, in snapshot order.
    #[wasm_bindgen(getter)]
    pub fn organizations(&self) -> Vec<String> {
        self.engine().organizations().into_iter().map(str::to_string).collect()
    }

    /// May `principal` (`alice`, `user:alice`, `token:<id>`) use `scope` on `resource`? Names
    /// seen before are answered from a cache, without copying them into the module.
    pub fn check(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<bool, JsValue> {
        if self.records.on() {
            let principal = args::name(&principal, "principal")?;
            let scope = args::name(&scope, "scope")?;
            let resource = args::name(&resource, "resource")?;
            let asked = (principal.asked(), scope.asked(), resource.asked());
            return Ok(self.records.check(self.engine(), asked));
        }
        self.interned.check(&principal, &scope, &resource)
    }

    /// Like `check`, with the deciding reasons or the reason for the deny.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let scope = args::name(&scope, "scope")?;
        let resource = args::name(&resource, "resource")?;
        let asked = (principal.asked(), scope.asked(), resource.asked());
        let decision = self.records.explain(self.engine(), asked);
        Ok(self.explanation(&decision, Some(principal.shown()), &scope, &resource))
    }

    /// May `principal` move `stack` to organization `destination`?
    #[wasm_bindgen(js_name = explainTransfer, unchecked_return_type = "Explanation")]
    pub fn explain_transfer(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] destination: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let stack = args::name(&stack, "stack")?;
        let destination = args::name(&destination, "destination")?;
        let decision = self.engine().explain_transfer(principal.asked(), stack.asked(), destination.asked());
        let scope = args::Name::known("stack:transfer");
        Ok(self.explanation(&decision, Some(principal.shown()), &scope, &stack))
    }

    /// The principal's effective permission on a stack, environment or account.
    #[wasm_bindgen(js_name = effectivePermission, unchecked_return_type = "Permission")]
    pub fn effective_permission(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<String, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let kind = api::entity_kind(&args::string(&kind, "kind")?).map_err(throw)?;
        let resource = args::name(&resource, "resource")?;
        let level = self.engine().effective_permission(principal.asked(), kind, resource.asked());
        Ok(level.as_str().to_string())
    }

    /// Every scope the principal may use on a resource, in one call: entity scopes when `kind`
    /// is given, else organization scopes (`org`) or team scopes (`org/team`).
    #[wasm_bindgen(js_name = allowedActions)]
    pub fn allowed_actions(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EntityKind")] kind: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let resource = args::name(&resource, "resource")?;
        let kind =
            args::opt_string(&kind, "kind")?.map(|k| api::entity_kind(&k)).transpose().map_err(throw)?;
        let scopes = self.engine().allowed_scopes(principal.asked(), kind, resource.asked());
        Ok(scopes.into_iter().map(str::to_string).collect())
    }

    /// A handle for a principal, for `checkHandles`; `undefined` when the principal is unknown.
    #[wasm_bindgen(js_name = principalHandle)]
    pub fn principal_handle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
    ) -> Result<Option<f64>, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let Some(who) = self.engine().resolve_principal(principal.asked()) else { return Ok(None) };
        Ok(Some(self.add_handle(&who, Some(principal.shown()))))
    }

    /// A handle for a (scope, resource) pair, for `checkHandles`; `undefined` when unknown.
    #[wasm_bindgen(js_name = targetHandle)]
    pub fn target_handle(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<Option<f64>, JsValue> {
        let scope = args::name(&scope, "scope")?;
        let resource = args::name(&resource, "resource")?;
        let engine = self.interned.engine();
        let Ok(target) = engine.resolve_target(scope.asked(), resource.asked()) else { return Ok(None) };
        let Ok(index) = self.handles.add_target(&target) else { return Ok(None) };
        self.targets = self.targets.max(index + 1);
        Ok(Some(tagged::handle(self.tag, index)))
    }

    /// The fastest check: pre-resolved handles. An unknown handle is a deny.
    #[wasm_bindgen(js_name = checkHandles)]
    pub fn check_handles(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "number")] target: JsValue,
    ) -> Result<bool, JsValue> {
        let principal = args::handle(&principal, "principal")?;
        let target = args::handle(&target, "target")?;
        let (Some(principal), Some(target)) =
            (self.principal_index(principal), tagged::index(self.tag, target).filter(|&t| t < self.targets))
        else {
            return Ok(false);
        };
        Ok(self.engine().check_handles(&self.handles, principal, target))
    }

    /// `check` as a principal handle (from `principalHandle` or `authenticate`).
    #[wasm_bindgen(js_name = checkAs)]
    pub fn check_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<bool, JsValue> {
        let principal = args::handle(&principal, "principal")?;
        let scope = args::name(&scope, "scope")?;
        let resource = args::name(&resource, "resource")?;
        let Some(who) = self.principal_of(principal) else { return Ok(false) };
        Ok(scope.whole() && resource.whole() && self.engine().check_as(&who, scope.asked(), resource.asked()))
    }

    /// `explain` as a principal handle.
    #[wasm_bindgen(js_name = explainAs, unchecked_return_type = "Explanation")]
    pub fn explain_as(
        &self,
        #[wasm_bindgen(unchecked_param_type = "number")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
    ) -> Result<JsValue, JsValue> {
        let handle = args::handle(&principal, "principal")?;
        let scope = args::name(&scope, "scope")?;
        let resource = args::name(&resource, "resource")?;
        let decision = match self.principal_of(handle) {
            Some(who) => self.engine().explain_as(&who, scope.asked(), resource.asked()),
            // A number this instance never handed out: another instance's handle, a freed one's.
            None if self.principal_index(handle).is_none() => Decision::Denied { deny: Deny::ForeignHandle },
            None => self.engine().explain("", scope.asked(), resource.asked()),
        };
        let index = self.principal_index(handle);
        let name = index.and_then(|i| self.handle_names.get(i as usize)).and_then(Option::as_deref);
        Ok(self.explanation(&decision, name, &scope, &resource))
    }

    /// Validates a credential (`pul-…`, a signed token, `token …`, `Bearer …` or a whole
    /// `Authorization:` line). Throws `ScopegateError` with the token error code when refused.
    #[wasm_bindgen(unchecked_return_type = "Authenticated")]
    pub fn authenticate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] credential: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "AuthenticateOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let credential = args::credential(&credential)?;
        let options: AuthenticateOptions = match live::quick_authenticate_options(&options) {
            Some(options) => options,
            None => args::options(&options, "options")?,
        };
        let now = args::now(options.now);
        let org = options.organization.as_deref();
        let found = self.records.authenticate(self.engine(), &credential, now, org).map_err(thrown)?;
        let handle = self.add_handle(&found.principal, found.principal_name.as_deref());
        let answer = answer(&AuthenticatedAnswer::new(&found, 0));
        // The answer's `handle` is the tagged one (a number above 2³²).
        let _ = js_sys::Reflect::set(&answer, &"handle".into(), &handle.into());
        Ok(answer)
    }

    /// Mints a token for `actor`: opaque by default, signed when `options.signingKey` is given.
    /// The token string is in the answer once; `record` is what to store.
    #[wasm_bindgen(js_name = mintToken, unchecked_return_type = "MintedToken")]
    pub fn mint_token(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "MintRequest")] request: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MintOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let actor = args::string(&actor, "actor")?;
        let request = args::object::<MintRequestInput>(&request, "request")?.into_request().map_err(throw)?;
        let options: MintOptions = args::options(&options, "options")?;
        let now = args::now(options.now);
        let key = options.signing_key.map(SigningKeyInput::into_key).transpose().map_err(throw)?;
        let minted = self.changing(|engine| match &key {
            None => engine.mint_opaque(&actor, &request, now),
            Some(key) => engine.mint_signed(&actor, &request, now, key),
        });
        Ok(answer(&MintedAnswer::new(&minted.map_err(thrown)?)))
    }

    /// A new random Ed25519 signing key: `{ kid, alg, privateKey, publicKey }` (base64url).
    /// Put `{ kid, alg, publicKey }` in the snapshot's `signing.keys`; keep `privateKey` secret.
    #[wasm_bindgen(js_name = generateSigningKey, unchecked_return_type = "GeneratedSigningKey")]
    pub fn generate_signing_key(
        #[wasm_bindgen(unchecked_param_type = "string")] kid: JsValue,
    ) -> Result<JsValue, JsValue> {
        let kid = args::string(&kid, "kid")?;
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|_| thrown(crate::ManageError::RandomUnavailable))?;
        Ok(answer(&GeneratedKey::new(&SigningKey::ed25519(&kid, &seed), &seed)))
    }

    /// Deletes a token: it stops validating at once.
    #[wasm_bindgen(js_name = deleteToken)]
    pub fn delete_token(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(js_name = tokenId, unchecked_param_type = "string")] token_id: JsValue,
    ) -> Result<(), JsValue> {
        let actor = args::string(&actor, "actor")?;
        let token_id = args::string(&token_id, "tokenId")?;
        self.changing(|e| e.delete_token(&actor, &token_id)).map_err(thrown)
    }

    /// The tokens `actor` may see in `organization`, or its own personal tokens.
    #[wasm_bindgen(js_name = listTokens, unchecked_return_type = "TokenInfo[]")]
    pub fn list_tokens(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ListTokensOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let actor = args::string(&actor, "actor")?;
        let organization = args::opt_string(&organization, "organization")?;
        let options: ListTokensOptions = args::options(&options, "options")?;
        let now = args::now(options.now);
        let show_expired = options.show_expired.unwrap_or(false);
        let views = self.engine().list_tokens(&actor, organization.as_deref(), now, show_expired);
        Ok(answer(&views.iter().map(TokenInfo::new).collect::<Vec<_>>()))
    }

    /// The current state as a snapshot object, including every change applied in place, without
    /// HS256 key secrets (see `exportSnapshot`).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Snapshot")]
    pub fn to_json(&self) -> JsValue {
        JSON::parse(&self.engine().to_json()).unwrap_or(JsValue::NULL)
    }

    /// The current state as a snapshot object; with `options.includeSecrets`, HS256 key secrets
    /// too. SECURITY: a snapshot holding an HS256 secret lets its holder mint tokens: never send
    /// one to a browser.
    #[wasm_bindgen(js_name = exportSnapshot, unchecked_return_type = "Snapshot")]
    pub fn export_snapshot(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ExportOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: api::ExportSnapshotOptions = args::options(&options, "options")?;
        let export =
            crate::snapshot::ExportOptions { include_secrets: options.include_secrets.unwrap_or(false) };
        Ok(JSON::parse(&self.engine().to_json_with(export)).unwrap_or(JsValue::NULL))
    }

    /// Every error code the package can throw.
    #[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ScopegateErrorCode[]")]
    pub fn error_codes() -> Vec<String> {
        crate::ErrorCode::ALL.iter().map(|c| c.as_str().to_string()).collect()
    }
}
