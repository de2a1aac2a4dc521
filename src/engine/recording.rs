//! Decision records on the facade: questions and management actions asked through a sink.

use super::*;
use crate::snapshot::Change;

/// An engine asked through a [`DecisionSink`]: every question, authentication and management
/// action made through it is recorded once. Build it with [`Engine::with_sink`] (questions) or
/// [`Engine::with_sink_mut`] (also management actions).
pub struct Recording<'s, E> {
    engine: E,
    sink: &'s dyn DecisionSink,
    context: RecordContext,
    /// The storage of a record's reasons, kept from one record to the next.
    reasons: crate::records::Reasons,
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
        Recording { engine: self, sink, context, reasons: Default::default() }
    }

    /// Questions and management actions recorded to `sink`.
    pub fn with_sink_mut<'a>(
        &'a mut self,
        sink: &'a dyn DecisionSink,
        context: RecordContext,
    ) -> Recording<'a, &'a mut Engine> {
        Recording { engine: self, sink, context, reasons: Default::default() }
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
        let view = self.engine.view();
        let question = (principal, scope, resource);
        crate::records::ask(view, &self.context, kind, question, self.sink, &self.reasons)
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

    /// [`Engine::perform`], recorded once under the change's action name, scope and resource.
    ///
    /// # Errors
    ///
    /// As [`Engine::perform`].
    pub fn perform(&mut self, actor: &str, change: &Change) -> Result<(), ManageError> {
        match crate::manage::authority(change) {
            Some((action, scope, resource)) => {
                self.act(actor, (action, scope, &resource), |e, a| e.perform(a, change))
            }
            None => self.engine.perform(actor, change),
        }
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
