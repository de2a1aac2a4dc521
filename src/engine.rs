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

// The questions and credential checks, differences and previews, decision records and live
// policy, each in its own file; this one holds loading, export and the management actions.
mod live;
mod previews;
mod questions;
mod recording;

pub use crate::manage::MAX_KEPT_CHANGES;
pub use recording::Recording;

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
    //
    // An actor that is not a member of the organization an action names is refused with
    // `ManageError::Forbidden` (`not_a_member`, or `unknown_principal`) before anything in it is
    // looked up, the same whether or not the organization, team or stack exists.

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
    /// [`ManageError::NotFound`] for a token that does not exist and for one out of the actor's
    /// reach (another user's personal token, a token of an organization the actor is not a
    /// member of), so that the answer does not tell them apart; [`ManageError::Forbidden`] for a
    /// member of the token's organization who may not delete it.
    pub fn delete_token(&mut self, actor: &str, token_id: &str) -> Result<(), ManageError> {
        self.manager().delete_token(actor, token_id)
    }
}
