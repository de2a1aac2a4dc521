//! Differences between states and previews of a change, on the facade.

use super::*;
use crate::snapshot::Change;

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

impl Engine {
    /// Performs `change` as `actor` through the management action that makes it, with that
    /// action's authorization question.
    ///
    /// # Errors
    ///
    /// The action's [`ManageError`]; `invalid_argument` for a change only a snapshot's
    /// producer makes (a key, a token record, a revocation).
    pub fn perform(&mut self, actor: &str, change: &Change) -> Result<(), ManageError> {
        self.manager().perform(actor, change)
    }

    /// [`Engine::preview`] of a change as data: what [`Engine::perform`] would do.
    pub fn preview_change(&self, actor: &str, now: u64, change: &Change) -> Preview {
        self.preview(actor, now, |engine, actor| engine.perform(actor, change))
    }
}
