//! The questions an [`Engine`] answers (one principal, many, resolved ones) and the credentials
//! it validates.

use super::{Authenticated, Decision, Deny, Engine, Handles, Principal, ResourcePage, ResourceQuery};
use super::{Semantics, Subject, Target, TokenView};
use crate::error::TokenError;
use crate::model::{EntityKind, Permission};

impl Engine {
    /// Resolves a principal string (`alice`, `user:alice`, `token:<id>`) once, to ask many
    /// questions as; `None` when unknown (or a deleted token). The principal answers only on this
    /// engine.
    #[must_use]
    pub fn resolve_principal(&self, principal: &str) -> Option<Principal> {
        self.view().resolve(principal).map(|p| p.bound(&self.id))
    }

    /// Resolves a scope and a resource string once, for [`Engine::check_resolved`] and
    /// [`Handles`]. The target answers only on this engine.
    ///
    /// # Errors
    ///
    /// The deny a question on them would give: [`Deny::UnknownScope`],
    /// [`Deny::UnknownResource`] or [`Deny::InvalidResource`] (the resource does not fit the
    /// scope).
    pub fn resolve_target(&self, scope: &str, resource: &str) -> Result<Target, Deny> {
        self.view().resolve_target(scope, resource).map(|t| t.bound(&self.id))
    }

    /// An empty table of handles for this engine.
    #[must_use]
    pub fn handles(&self) -> Handles {
        Handles::new(&self.id)
    }

    /// May `principal` use `scope` on `resource`? Deny by default: an unknown principal, scope
    /// or resource is `false`.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
    /// assert!(engine.check("max", "stack:write", "acme/app/prod"));
    /// assert!(!engine.check("max", "stack:delete", "acme/app/prod"));
    /// assert!(!engine.check("nobody", "stack:read", "acme/app/prod"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn check(&self, principal: &str, scope: &str, resource: &str) -> bool {
        self.view().check(principal, scope, resource)
    }

    /// Like [`Engine::check`], with every granting source or the reason for the deny.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
    /// let decision = engine.explain("max", "stack:delete", "acme/app/prod");
    /// let deny = decision.deny().ok_or("max may not delete the stack")?;
    /// assert_eq!(deny.code(), "missing_scope");
    /// let question = engine.question(Some("max"), "stack:delete", "acme/app/prod");
    /// assert!(deny.message(&question).starts_with("`max` needs `stack:delete`"));
    /// assert!(engine.explain("ada", "stack:delete", "acme/app/prod").is_allowed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn explain(&self, principal: &str, scope: &str, resource: &str) -> Decision {
        self.view().explain(principal, scope, resource)
    }

    /// The check on a resolved principal and target (the fast path for repeated questions);
    /// a principal or target of another engine is a deny.
    #[inline]
    #[must_use]
    pub fn check_resolved(&self, principal: &Principal, target: &Target) -> bool {
        let view = self.view();
        match (view.live_principal(&self.id, principal), view.live_target(&self.id, target)) {
            (Ok(who), Ok((scope, resource))) => view.check_resolved(who, scope, resource),
            _ => false,
        }
    }

    /// The explanation on a resolved principal and target; [`Deny::ForeignHandle`] when either
    /// was resolved by another engine.
    #[must_use]
    pub fn explain_resolved(&self, principal: &Principal, target: &Target) -> Decision {
        let view = self.view();
        match (view.live_principal(&self.id, principal), view.live_target(&self.id, target)) {
            (Ok(who), Ok((scope, resource))) => view.explain_resolved(who, scope, resource),
            (Err(deny), _) | (_, Err(deny)) => Decision::denied(deny),
        }
    }

    /// The check on handles from a [`Handles`] table of this engine; an unknown handle, or a
    /// table of another engine, is a deny.
    #[inline]
    #[must_use]
    pub fn check_handles(&self, handles: &Handles, principal: u32, target: u32) -> bool {
        self.view().check_handles(&self.id, handles, principal, target)
    }

    /// [`Engine::check`] as an already resolved principal.
    #[must_use]
    pub fn check_as(&self, principal: &Principal, scope: &str, resource: &str) -> bool {
        let view = self.view();
        view.live_principal(&self.id, principal).is_ok_and(|who| view.check_as(who, scope, resource))
    }

    /// [`Engine::explain`] as an already resolved principal; [`Deny::ForeignHandle`] when it
    /// was resolved by another engine.
    #[must_use]
    pub fn explain_as(&self, principal: &Principal, scope: &str, resource: &str) -> Decision {
        let view = self.view();
        match view.live_principal(&self.id, principal) {
            Ok(who) => view.explain_as(who, scope, resource),
            Err(deny) => Decision::denied(deny),
        }
    }

    /// May `principal` move stack `stack` (`org/project/stack`) to organization `destination`?
    /// Needs `stack:transfer` with its toggle in the source and the right to create stacks in
    /// the destination.
    pub fn explain_transfer(&self, principal: &str, stack: &str, destination: &str) -> Decision {
        self.view().explain_transfer(principal, stack, destination)
    }

    /// The principal's effective permission level on an entity (`org/project/stack`, …), for UI
    /// gating. Gates (delete/transfer toggles) are not part of the level.
    pub fn effective_permission(&self, principal: &str, kind: EntityKind, resource: &str) -> Permission {
        self.view().effective_permission(principal, kind, resource)
    }

    /// Every scope `principal` may use on a resource, in one call (for UI gating): entity scopes
    /// for an entity, organization scopes for `org`, team scopes for `org/team`.
    pub fn allowed_scopes(
        &self,
        principal: &str,
        kind: Option<EntityKind>,
        resource: &str,
    ) -> Vec<&'static str> {
        self.view().allowed_scopes(principal, kind, resource)
    }

    /// Every resource of organization `org` on which `principal` may use `scope` (entities of the
    /// scope's kind, teams for a team scope, or `org` itself), in creation order, paged by
    /// `query`. Equal to the resources where [`Engine::check`] is true.
    ///
    /// ```
    /// # let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "settings": {"defaultStackPermission": "none"}, "members": [{"login": "max"}],
    /// #   "teams": [{"name": "web", "members": ["max"], "stacks": {"app/prod": "read"}}],
    /// #   "stacks": [{"project": "app", "name": "prod"}, {"project": "app", "name": "dev"}]}]}"#).unwrap();
    /// use scopegate::ResourceQuery;
    /// let page = engine.search_resources("max", "stack:read", "acme", &ResourceQuery::default());
    /// assert_eq!(page.ids, ["acme/app/prod"]);
    /// ```
    pub fn search_resources(
        &self,
        principal: &str,
        scope: &str,
        org: &str,
        query: &ResourceQuery,
    ) -> ResourcePage {
        self.view().search_resources(principal, scope, org, query)
    }

    /// [`Engine::search_resources`] as an already resolved principal (from a handle).
    pub fn search_resources_as(
        &self,
        principal: &Principal,
        scope: &str,
        org: &str,
        query: &ResourceQuery,
    ) -> ResourcePage {
        let view = self.view();
        match view.live_principal(&self.id, principal) {
            Ok(who) => view.search_resources_as(who, scope, org, query),
            Err(_) => ResourcePage::default(),
        }
    }

    /// Every member (and with `tokens`, every organization and team token) that may use `scope`
    /// on `resource`, each with the reasons [`Engine::explain`] gives: a resource's Access tab.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
    /// let subjects = engine.search_subjects("stack:delete", "acme/app/prod", false);
    /// let names: Vec<&str> = subjects.iter().map(|s| s.principal.as_str()).collect();
    /// assert_eq!(names, ["user:ada"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn search_subjects(&self, scope: &str, resource: &str, tokens: bool) -> Vec<Subject> {
        self.view().search_subjects(scope, resource, tokens)
    }

    /// Decides `(principal, scope, resource)` items in order; with a short-circuit semantics the
    /// answers stop at the deciding item. Each answer equals [`Engine::check`].
    pub fn evaluate<'q>(
        &self,
        items: impl IntoIterator<Item = (&'q str, &'q str, &'q str)>,
        semantics: Semantics,
    ) -> Vec<bool> {
        self.view().evaluate(items, semantics)
    }

    // ---- credentials ----

    /// Validates a credential: a bare token, `token <value>`, `Bearer <value>`, or a whole
    /// `Authorization: token <value>` header line. `org`, when given, is the organization the
    /// request is against: machine tokens of another organization are refused
    /// (`wrong_organization`) and that organization's expiry policy applies: a token that never
    /// expires, or expires later than the policy allows from `now`, is refused. `now` is in
    /// seconds since the epoch.
    ///
    /// # Errors
    ///
    /// A [`TokenError`]: a malformed credential, an unknown, deleted, expired or not yet valid
    /// token, a bad signature, an unknown key or algorithm, a token of another organization, or
    /// one that breaks the organization's expiry policy.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
    /// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
    /// let now = 1_700_000_000;
    /// let minted = engine.mint_opaque("max", &scopegate::MintRequest::default(), now)?;
    /// let found = engine.authenticate(&format!("Bearer {}", minted.token), now, None)?;
    /// assert_eq!(found.subject, "max");
    /// assert!(engine.check_as(&found.principal, "stack:write", "acme/app/prod"));
    /// let refused = engine.authenticate("Bearer pul-0000", now, None).unwrap_err();
    /// assert_eq!(refused.code(), scopegate::ErrorCode::MalformedToken);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn authenticate(
        &self,
        credential: &str,
        now: u64,
        org: Option<&str>,
    ) -> Result<Authenticated, TokenError> {
        let mut found = self.verifier().authenticate(credential, now, org)?;
        found.principal = found.principal.bound(&self.id);
        Ok(found)
    }

    /// The tokens `actor` may see in `org` (organization and team tokens it may list), or the
    /// actor's own personal tokens when `org` is `None`. Expired tokens are included only with
    /// `show_expired`.
    pub fn list_tokens(
        &self,
        actor: &str,
        org: Option<&str>,
        now: u64,
        show_expired: bool,
    ) -> Vec<TokenView> {
        crate::manage::list_tokens(self.view(), actor, org, now, show_expired)
    }
}
