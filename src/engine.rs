//! The facade: what the Rust API offers. An [`Engine`] owns one state (the store built from a
//! snapshot) and answers through the layers below: questions through `authorize`, credentials
//! through `token`, checked changes through `manage`, the wire format through `snapshot`.
//! No rule lives here.

pub use crate::authorize::{AccessChange, AccessDiff, AccessEntry, Preview, ScopeChange, StoppedToken};
pub use crate::authorize::{Handles, Principal, ResourcePage, ResourceQuery, Semantics, Subject, Target};
pub use crate::decision::{Decision, Deny, Question, Reason, ResourceKind};
pub use crate::manage::{MintRequest, Minted, SettingsPatch, TokenView};
pub use crate::records::{DecisionRecord, DecisionSink, MemorySink, RecordContext, RecordKind};
pub use crate::token::Authenticated;

use crate::authorize::{Authorizer, EngineId, SpecialScopes};
use crate::catalog::Catalog;
use crate::error::{ManageError, SnapshotErrors, TokenError};
use crate::manage::{Journal, Manager};
use crate::model::{EntityKind, Permission, Settings};
use crate::snapshot::ExportOptions;
use crate::store::Store;
use crate::token::{SigningKey, VerifiedCache, Verifier};

// The questions and credential checks, in their own file; this one holds loading, export and the
// management actions.
mod questions;

/// A snapshot loaded into indexed form, ready for questions and management actions.
///
/// Each engine has its own identity: the [`Principal`]s, [`Target`]s and [`Handles`] it
/// resolves answer only on it. A clone is another engine with the same state.
///
/// ```
/// let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
///   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}]}]}"#)?;
/// engine.create_stack("max", "acme", "app", "prod", &[])?;
/// // The creator holds an admin grant on the stack it created.
/// assert!(engine.check("max", "stack:delete", "acme/app/prod"));
/// assert!(engine.to_json().contains(r#""name":"prod""#));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Engine {
    catalog: Catalog,
    special: SpecialScopes,
    store: Store,
    id: EngineId,
    journal: Journal,
    token_cache: Option<VerifiedCache>,
}

impl Clone for Engine {
    /// Another engine with the same state and a new identity: values resolved by `self` are
    /// foreign to the clone.
    fn clone(&self) -> Self {
        Self {
            catalog: self.catalog.clone(),
            special: self.special.clone(),
            store: self.store.clone(),
            id: EngineId::new(),
            journal: self.journal.clone(),
            token_cache: self.token_cache.clone(),
        }
    }
}

impl Engine {
    /// Loads a snapshot from JSON text, reporting every problem found.
    ///
    /// # Errors
    ///
    /// [`SnapshotErrors`], every problem found, each with the JSON path it was found at: text that
    /// is not JSON or larger than [`crate::MAX_SNAPSHOT_BYTES`], an unknown field, a bad name,
    /// a reference to something the snapshot does not define, a duplicate.
    ///
    /// ```
    /// let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme"}]}"#)?;
    /// assert_eq!(engine.organizations(), ["acme"]);
    ///
    /// let errors = scopegate::Engine::from_json(r#"{"version": 1, "organisations": []}"#).unwrap_err();
    /// assert_eq!(errors.len(), 1);
    /// # Ok::<(), scopegate::SnapshotErrors>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self, SnapshotErrors> {
        let catalog = Catalog::new();
        let store = crate::snapshot::load_json(&catalog, json)?;
        Ok(Self::from_parts(catalog, store))
    }

    /// Loads a snapshot only if `signature` (base64url, see [`crate::sign_snapshot`]) is a valid
    /// Ed25519 signature of its exact text by `public_key`.
    ///
    /// # Errors
    ///
    /// A [`SnapshotErrors`] with a bad-signature problem when the signature is malformed or does
    /// not verify; otherwise those of [`Engine::from_json`].
    ///
    /// ```
    /// use scopegate::{Engine, SigningKey, sign_snapshot};
    /// let key = SigningKey::ed25519("snapshots", &[7; 32]);
    /// let public_key = key.public_key().ok_or("an Ed25519 key has a public key")?;
    /// let json = r#"{"version": 1, "organizations": [{"name": "acme"}]}"#;
    /// let signature = sign_snapshot(json, &key).ok_or("Ed25519 keys sign")?;
    /// assert!(Engine::from_signed_json(json, &signature, &public_key).is_ok());
    /// let altered = json.replace("acme", "evil");
    /// assert!(Engine::from_signed_json(&altered, &signature, &public_key).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_signed_json(
        json: &str,
        signature: &str,
        public_key: &[u8; 32],
    ) -> Result<Self, SnapshotErrors> {
        crate::snapshot::verify(json, signature, public_key)?;
        Self::from_json(json)
    }

    /// Loads a snapshot from a parsed JSON value (through its text, so that problems are
    /// reported exactly as for [`Engine::from_json`]).
    ///
    /// # Errors
    ///
    /// Those of [`Engine::from_json`].
    pub fn from_value(value: &serde_json::Value) -> Result<Self, SnapshotErrors> {
        Self::from_json(&value.to_string())
    }

    fn from_parts(catalog: Catalog, store: Store) -> Self {
        let special = SpecialScopes::new(&catalog);
        let journal = Journal::at(store.revision());
        Self {
            catalog,
            special,
            store,
            id: EngineId::new(),
            journal,
            token_cache: Some(VerifiedCache::default()),
        }
    }

    fn view(&self) -> Authorizer<'_> {
        Authorizer { catalog: &self.catalog, special: &self.special, store: &self.store }
    }

    fn manager(&mut self) -> Manager<'_> {
        Manager {
            catalog: &self.catalog,
            special: &self.special,
            store: &mut self.store,
            journal: &mut self.journal,
        }
    }

    fn verifier(&self) -> Verifier<'_> {
        Verifier { store: &self.store, cache: self.token_cache.as_ref() }
    }

    /// The current state as a snapshot v1 document, including every change applied in place,
    /// without HS256 secrets (see [`ExportOptions`]).
    pub fn to_value(&self) -> serde_json::Value {
        self.to_value_with(ExportOptions::default())
    }

    /// The current state as a snapshot v1 document, with what `options` asks for.
    pub fn to_value_with(&self, options: ExportOptions) -> serde_json::Value {
        serde_json::from_str(&self.to_json_with(options)).unwrap_or_default()
    }

    /// The current state as snapshot v1 JSON text, without HS256 secrets (see
    /// [`ExportOptions`]).
    pub fn to_json(&self) -> String {
        self.to_json_with(ExportOptions::default())
    }

    /// The current state as snapshot v1 JSON text, with what `options` asks for.
    pub fn to_json_with(&self, options: ExportOptions) -> String {
        crate::snapshot::to_json(&self.catalog, &self.store, options)
    }

    /// The catalog the engine was built with.
    pub(crate) fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// A question as asked, for [`Deny::message`]: the resource's kind is read from the scope
    /// the way the engine resolves it. `principal` is `None` for a principal with no name.
    pub fn question<'a>(
        &self,
        principal: Option<&'a str>,
        scope: &'a str,
        resource: &'a str,
    ) -> Question<'a> {
        Question::new(self.catalog(), principal, scope, resource)
    }

    /// The snapshot revision.
    pub fn revision(&self) -> u64 {
        self.store.revision()
    }

    /// The names of the organizations, in snapshot order.
    pub fn organizations(&self) -> Vec<&str> {
        self.store.orgs().map(|(_, org)| org.name()).collect()
    }

    /// The settings of an organization.
    pub fn settings(&self, org: &str) -> Option<Settings> {
        self.store.settings(org)
    }

    // ---- management actions: each is one authorization question and one store change ----

    /// Changes organization settings (`organization:update`: organization admins).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn update_settings(
        &mut self,
        actor: &str,
        org: &str,
        patch: &SettingsPatch,
    ) -> Result<(), ManageError> {
        self.manager().update_settings(actor, org, patch)
    }

    /// Adds a member with a role (`admin`, `member`, `billing-manager` or a custom role).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
    /// engine.add_member("ada", "acme", "nora", "member")?;
    /// assert!(engine.check("nora", "stack:read", "acme/app/prod"));
    /// let refused = engine.add_member("max", "acme", "eve", "admin").unwrap_err();
    /// assert_eq!(refused.code(), scopegate::ErrorCode::Forbidden);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_member(&mut self, actor: &str, org: &str, login: &str, role: &str) -> Result<(), ManageError> {
        self.manager().add_member(actor, org, login, role)
    }

    /// Removes a member from the organization and its teams.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn remove_member(&mut self, actor: &str, org: &str, login: &str) -> Result<(), ManageError> {
        self.manager().remove_member(actor, org, login)
    }

    /// Changes a member's role.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn set_member_role(
        &mut self,
        actor: &str,
        org: &str,
        login: &str,
        role: &str,
    ) -> Result<(), ManageError> {
        self.manager().set_member_role(actor, org, login, role)
    }

    /// Creates a team; a user who creates one becomes its team admin.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn create_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        self.manager().create_team(actor, org, team)
    }

    /// Deletes a team and its tokens.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn delete_team(&mut self, actor: &str, org: &str, team: &str) -> Result<(), ManageError> {
        self.manager().delete_team(actor, org, team)
    }

    /// Adds a member to a team, or sets whether they administer it.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn set_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
        team_admin: bool,
    ) -> Result<(), ManageError> {
        self.manager().set_team_member(actor, org, team, login, team_admin)
    }

    /// Removes a member from a team.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn remove_team_member(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        login: &str,
    ) -> Result<(), ManageError> {
        self.manager().remove_team_member(actor, org, team, login)
    }

    /// Sets a team's permission on a stack, environment or account (`none` removes it).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn set_team_permission(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        kind: EntityKind,
        entity: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        self.manager().set_team_permission(actor, org, team, kind, entity, level)
    }

    /// Assigns a custom role to a team, or removes it.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn set_team_role(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        role: &str,
        assigned: bool,
    ) -> Result<(), ManageError> {
        self.manager().set_team_role(actor, org, team, role, assigned)
    }

    /// Creates a stack; its creator receives an admin grant on it.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn create_stack(
        &mut self,
        actor: &str,
        org: &str,
        project: &str,
        stack: &str,
        tags: &[(&str, &str)],
    ) -> Result<(), ManageError> {
        self.manager().create_stack(actor, org, project, stack, tags)
    }

    /// Deletes a stack (`org/project/stack`).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn delete_stack(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        self.manager().delete_stack(actor, stack)
    }

    /// Moves a stack to another organization.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn transfer_stack(&mut self, actor: &str, stack: &str, destination: &str) -> Result<(), ManageError> {
        self.manager().transfer_stack(actor, stack, destination)
    }

    /// Sets a user's explicit permission on a stack (`none` removes it).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn set_stack_permission(
        &mut self,
        actor: &str,
        stack: &str,
        login: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        self.manager().set_stack_permission(actor, stack, login, level)
    }

    /// Removes the creator's admin grant from a stack.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn remove_creator_grant(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        self.manager().remove_creator_grant(actor, stack)
    }

    /// Mints an opaque token (`pul-…`) with fresh randomness, records it, and returns it.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    /// [`ManageError::ExpiryPolicyViolation`] when the expiry breaks the organization's policy.
    /// [`ManageError::RandomUnavailable`] when the system has no secure random numbers.
    pub fn mint_opaque(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
    ) -> Result<Minted, ManageError> {
        self.manager().mint_opaque(actor, request, now)
    }

    /// Like [`Engine::mint_opaque`] with the randomness passed in (for reproducible vectors).
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    /// [`ManageError::ExpiryPolicyViolation`] when the expiry breaks the organization's policy.
    pub fn mint_opaque_from(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        secret: [u8; 20],
        id: [u8; 16],
    ) -> Result<Minted, ManageError> {
        self.manager().mint_opaque_from(actor, request, now, secret, id)
    }

    /// Mints a signed token (JWT) with `key`, records it (without a digest), and returns it.
    /// Signed tokens must expire.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    /// [`ManageError::ExpiryPolicyViolation`] when the expiry breaks the organization's policy.
    pub fn mint_signed(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        key: &SigningKey,
    ) -> Result<Minted, ManageError> {
        self.manager().mint_signed(actor, request, now, key)
    }

    /// Like [`Engine::mint_signed`] with the id's randomness passed in.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    /// [`ManageError::ExpiryPolicyViolation`] when the expiry breaks the organization's policy.
    pub fn mint_signed_from(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        key: &SigningKey,
        id: [u8; 16],
    ) -> Result<Minted, ManageError> {
        self.manager().mint_signed_from(actor, request, now, key, id)
    }

    /// Deletes a token: it stops validating at once, and its name stays reserved.
    ///
    /// # Errors
    ///
    /// [`ManageError::Forbidden`] when `actor` may not, [`ManageError::NotFound`] for a name
    /// that does not exist, and the other [`ManageError`]s for a change that cannot be applied.
    pub fn delete_token(&mut self, actor: &str, token_id: &str) -> Result<(), ManageError> {
        self.manager().delete_token(actor, token_id)
    }
}

// ---- differences and previews ----

impl Engine {
    /// Every (principal, scope, resource) whose answer differs from this state to `other`, in
    /// blocks; principals are the members and organization and team tokens of each organization,
    /// resources the organization, its teams and its entities, matched by name.
    pub fn diff(&self, other: &Engine) -> AccessDiff {
        crate::authorize::diff::diff(self.view(), other.view())
    }

    /// What `change` would do, without applying it: it runs as `actor` on a copy of this state,
    /// and the preview holds its outcome (a refusal when the actor may not make it), every
    /// answer it would turn, and the tokens it would stop at `now` (an expiry policy).
    ///
    /// ```
    /// # let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "settings": {"defaultStackPermission": "none"},
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#).unwrap();
    /// use scopegate::SettingsPatch;
    /// let patch = SettingsPatch { default_stack_permission: Some(scopegate::Permission::Read), ..Default::default() };
    /// let preview = engine.preview("ada", 0, |e, actor| e.update_settings(actor, "acme", &patch));
    /// assert!(preview.is_allowed());
    /// assert!(preview.diff.entries().any(|d| d.principal == "user:max" && d.scope == "stack:read"));
    /// assert!(!engine.check("max", "stack:read", "acme/app/prod"));
    /// ```
    pub fn preview<T>(
        &self,
        actor: &str,
        now: u64,
        change: impl FnOnce(&mut Engine, &str) -> Result<T, ManageError>,
    ) -> Preview {
        let mut next = self.clone();
        match change(&mut next, actor) {
            Ok(_) => Preview {
                outcome: Ok(()),
                diff: self.diff(&next),
                stopped_tokens: crate::authorize::preview::stopped_tokens(self.view(), next.view(), now),
            },
            Err(refusal) => {
                Preview { outcome: Err(refusal), diff: AccessDiff::default(), stopped_tokens: Vec::new() }
            }
        }
    }
}

// ---- decision records ----

/// An engine asked through a [`DecisionSink`]: every question, authentication and management
/// action made through it is recorded once. Build it with [`Engine::with_sink`] (questions) or
/// [`Engine::with_sink_mut`] (also management actions).
pub struct Recording<'s, E> {
    engine: E,
    sink: &'s dyn DecisionSink,
    context: RecordContext,
}

impl<E> std::fmt::Debug for Recording<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording").field("context", &self.context).finish_non_exhaustive()
    }
}

impl Engine {
    /// Questions recorded to `sink`, with the time and request id of `context`.
    ///
    /// ```
    /// # let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "settings": {"defaultStackPermission": "read"},
    /// #   "members": [{"login": "max"}], "stacks": [{"project": "app", "name": "prod"}]}]}"#).unwrap();
    /// use scopegate::{MemorySink, RecordContext};
    /// let sink = MemorySink::default();
    /// let context = RecordContext { now: 1_700_000_000, request_id: Some("req-1".into()), source_ip: None };
    /// assert!(!engine.with_sink(&sink, context).check("max", "stack:write", "acme/app/prod"));
    /// let records = sink.take();
    /// assert_eq!(records.len(), 1);
    /// assert_eq!(records[0].reasons, ["missing_scope"]);
    /// ```
    pub fn with_sink<'a>(
        &'a self,
        sink: &'a dyn DecisionSink,
        context: RecordContext,
    ) -> Recording<'a, &'a Engine> {
        Recording { engine: self, sink, context }
    }

    /// Questions and management actions recorded to `sink`.
    pub fn with_sink_mut<'a>(
        &'a mut self,
        sink: &'a dyn DecisionSink,
        context: RecordContext,
    ) -> Recording<'a, &'a mut Engine> {
        Recording { engine: self, sink, context }
    }
}

impl<E: std::ops::Deref<Target = Engine>> Recording<'_, E> {
    /// [`Engine::check`], recorded with the reasons [`Engine::explain`] gives.
    pub fn check(&self, principal: &str, scope: &str, resource: &str) -> bool {
        self.question(crate::records::RecordKind::Check, principal, scope, resource).is_allowed()
    }

    /// [`Engine::explain`], recorded.
    pub fn explain(&self, principal: &str, scope: &str, resource: &str) -> Decision {
        self.question(crate::records::RecordKind::Explain, principal, scope, resource)
    }

    /// [`Engine::evaluate`], one record per decided item.
    pub fn evaluate<'q>(
        &self,
        items: impl IntoIterator<Item = (&'q str, &'q str, &'q str)>,
        semantics: Semantics,
    ) -> Vec<bool> {
        let mut out = Vec::new();
        for (principal, scope, resource) in items {
            let allowed =
                self.question(crate::records::RecordKind::Evaluate, principal, scope, resource).is_allowed();
            out.push(allowed);
            if semantics.stops_at(allowed) {
                break;
            }
        }
        out
    }

    /// [`Engine::authenticate`], recorded whether accepted or refused.
    pub fn authenticate(
        &self,
        credential: &str,
        now: u64,
        org: Option<&str>,
    ) -> Result<Authenticated, TokenError> {
        let result = self.engine.authenticate(credential, now, org);
        self.sink.record(&crate::records::authentication(self.engine.view(), &self.context, org, &result));
        result
    }

    fn question(
        &self,
        kind: crate::records::RecordKind,
        principal: &str,
        scope: &str,
        resource: &str,
    ) -> Decision {
        let decision = self.engine.explain(principal, scope, resource);
        let view = self.engine.view();
        self.sink.record(&crate::records::question(
            view,
            &self.context,
            kind,
            (principal, scope, resource),
            &decision,
        ));
        decision
    }
}

impl Recording<'_, &mut Engine> {
    /// Runs a management action as `actor`, recorded once as `action` on `resource`: the
    /// reasons `actor` held `scope` (the right the action checks) before, or the refusal.
    pub fn act<T>(
        &mut self,
        actor: &str,
        (action, scope, resource): (&str, &str, &str),
        apply: impl FnOnce(&mut Engine, &str) -> Result<T, ManageError>,
    ) -> Result<T, ManageError> {
        let granted = self.engine.explain(actor, scope, resource);
        let result = apply(self.engine, actor);
        let view = self.engine.view();
        let record = crate::records::action(
            view,
            &self.context,
            (actor, action, scope, resource),
            &granted,
            result.as_ref().map(|_| ()),
        );
        self.sink.record(&record);
        result
    }

    /// [`Engine::update_settings`], recorded.
    pub fn update_settings(
        &mut self,
        actor: &str,
        org: &str,
        patch: &SettingsPatch,
    ) -> Result<(), ManageError> {
        self.act(actor, ("update_settings", "organization:update", org), |e, a| {
            e.update_settings(a, org, patch)
        })
    }

    /// [`Engine::set_member_role`], recorded.
    pub fn set_member_role(
        &mut self,
        actor: &str,
        org: &str,
        login: &str,
        role: &str,
    ) -> Result<(), ManageError> {
        self.act(actor, ("set_member_role", "org_member:update", org), |e, a| {
            e.set_member_role(a, org, login, role)
        })
    }

    /// [`Engine::set_team_permission`], recorded.
    pub fn set_team_permission(
        &mut self,
        actor: &str,
        org: &str,
        team: &str,
        kind: EntityKind,
        entity: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        let resource = format!("{org}/{team}");
        self.act(actor, ("set_team_permission", "team:update", &resource), |e, a| {
            e.set_team_permission(a, org, team, kind, entity, level)
        })
    }

    /// [`Engine::set_stack_permission`], recorded.
    pub fn set_stack_permission(
        &mut self,
        actor: &str,
        stack: &str,
        login: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        self.act(actor, ("set_stack_permission", "stack_access:update", stack), |e, a| {
            e.set_stack_permission(a, stack, login, level)
        })
    }
}

// ---- live policy: changes as data, deltas and revisions ----

use crate::error::DeltaError;
pub use crate::manage::MAX_KEPT_CHANGES;
use crate::snapshot::{Change, Delta};

impl Engine {
    /// Like [`Engine::from_signed_json`], and refuses a snapshot whose `notAfter` (seconds since
    /// the epoch) is before `now` (`snapshot_expired`), so that an old signed snapshot cannot be
    /// replayed once it has expired.
    pub fn from_signed_json_at(
        json: &str,
        signature: &str,
        public_key: &[u8; 32],
        now: u64,
    ) -> Result<Self, SnapshotErrors> {
        let engine = Self::from_signed_json(json, signature, public_key)?;
        match engine.store.not_after() {
            Some(not_after) if not_after < now => {
                let kind = crate::error::SnapshotErrorKind::Expired { not_after };
                Err(SnapshotErrors(vec![crate::error::SnapshotError { path: "notAfter".into(), kind }]))
            }
            _ => Ok(engine),
        }
    }

    /// The `notAfter` of the snapshot or of the last delta applied, seconds since the epoch.
    pub fn not_after(&self) -> Option<u64> {
        self.store.not_after()
    }

    /// Applies a signed delta: verifies `signature` (base64url Ed25519 over the exact text, as
    /// [`crate::token::sign_snapshot`] makes it) with `public_key` before reading anything,
    /// refuses an expired one (`notAfter` before `now`), one whose `baseRevision` is not the
    /// current revision (`delta_gap` when ahead, `delta_replay` when behind), and applies every
    /// change or none: a refused change leaves the engine as it was. Returns the new revision.
    pub fn apply_delta(
        &mut self,
        text: &str,
        signature: &str,
        public_key: &[u8; 32],
        now: u64,
    ) -> Result<u64, DeltaError> {
        crate::snapshot::verify_delta(text, signature, public_key)?;
        let delta = crate::snapshot::read_delta(text)?;
        if let Some(not_after) = delta.not_after.filter(|t| *t < now) {
            return Err(DeltaError::Expired { not_after, now });
        }
        let current = self.revision();
        if delta.base_revision > current {
            return Err(DeltaError::Gap { current, base: delta.base_revision });
        }
        if delta.base_revision < current {
            return Err(DeltaError::Replay { current, base: delta.base_revision });
        }
        self.apply_changes(delta.changes)?;
        if delta.not_after.is_some() {
            self.store.set_not_after(delta.not_after);
        }
        Ok(self.revision())
    }

    /// Applies changes from a trusted source (no signature, no revision check), all or none;
    /// each raises the revision by one. Returns the new revision. The changes are applied to a
    /// copy of the state that replaces it only when every one applied.
    pub fn apply_changes(&mut self, changes: Vec<Change>) -> Result<u64, DeltaError> {
        let removed_keys: Vec<String> = changes
            .iter()
            .filter_map(|c| match c {
                Change::RemoveKey { kid } => Some(kid.clone()),
                _ => None,
            })
            .collect();
        // One change that checks everything before it mutates the state (every kind but a token
        // record, which the loader's code adds piece by piece) leaves the state untouched when it
        // is refused: it needs no copy, which would cost more than the change on a large state.
        if changes.len() == 1 && !matches!(changes.first(), Some(Change::AddToken { .. })) {
            let mut manager = Manager {
                catalog: &self.catalog,
                special: &self.special,
                store: &mut self.store,
                journal: &mut self.journal,
            };
            for change in changes {
                manager.apply(change).map_err(|r| r.into_delta(0))?;
            }
        } else {
            let mut store = self.store.clone();
            let mut journal = self.journal.clone();
            let mut manager = Manager {
                catalog: &self.catalog,
                special: &self.special,
                store: &mut store,
                journal: &mut journal,
            };
            for (i, change) in changes.into_iter().enumerate() {
                manager.apply(change).map_err(|r| r.into_delta(i))?;
            }
            self.store = store;
            self.journal = journal;
        }
        if let Some(cache) = &self.token_cache {
            removed_keys.iter().for_each(|kid| cache.forget_key(kid));
        }
        Ok(self.revision())
    }

    /// Turns the verified-token cache on (the default) or off. With it on, a signed token whose
    /// signature verified once is not verified again (up to [`crate::token::MAX_CACHED_TOKENS`]
    /// tokens, by the SHA-256 of their text); everything else about it is checked on every use.
    pub fn with_token_cache(mut self, enabled: bool) -> Self {
        self.token_cache = enabled.then(VerifiedCache::default);
        self
    }

    /// How many signed tokens the verified-token cache holds (0 when it is off).
    pub fn cached_tokens(&self) -> usize {
        self.token_cache.as_ref().map_or(0, VerifiedCache::len)
    }

    /// The delta from `revision` to the current revision: what an origin publishes for a
    /// follower at `revision` (sign its [`Delta::to_json`] with [`crate::token::sign_snapshot`]).
    /// The engine keeps the last [`MAX_KEPT_CHANGES`] changes since it was loaded; older ones
    /// are `changes_unavailable`, and so is a revision the engine has not reached.
    pub fn changes_since(&self, revision: u64) -> Result<Delta, DeltaError> {
        let current = self.revision();
        let changes = (revision <= current).then(|| self.journal.since(revision)).flatten();
        let changes = changes.ok_or(DeltaError::Unavailable {
            since: revision,
            oldest: self.journal.oldest(),
            current,
        })?;
        Ok(Delta { version: 1, base_revision: revision, revision: current, changes, not_after: None })
    }
}
