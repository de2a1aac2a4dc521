//! Decision records: one per question, per authentication and per management action, for an
//! auditor. A [`DecisionSink`] receives them when the caller asks through
//! [`crate::Engine::with_sink`]; without one nothing is built, so the questions cost what they
//! always did. Records carry no clock reading (the caller passes the time) and never a token
//! string or secret: a token appears by id and name only.
//!
//! [`DecisionRecord::to_audit_event`] writes a record in the shape of Pulumi's audit log events
//! (JSON lines); [`DecisionRecord::to_cef`] as an ArcSight CEF line.

mod export;

use std::borrow::Cow;
use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use crate::authorize::Authorizer;
use crate::catalog::{Catalog, ScopeEntry};
use crate::decision::{Decision, Deny};
use crate::model::EntityKind;
use crate::store::{PrincipalRef, Store, TokenId, TokenSubject, Who};

/// What the caller knows about the request a decision belongs to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RecordContext {
    /// The time of the decision, in seconds since the epoch (the core reads no clock).
    pub now: u64,
    /// A request id the caller chose, copied into every record.
    pub request_id: Option<String>,
    /// The client's address, when the caller knows it.
    pub source_ip: Option<String>,
}

/// What a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A `check`.
    Check,
    /// An `explain`.
    Explain,
    /// One item of an `evaluate` batch.
    Evaluate,
    /// An `authenticate`, accepted or refused.
    Authenticate,
    /// A management action, applied or refused.
    Manage,
}

/// One decision, as an auditor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecisionRecord<'a> {
    /// Seconds since the epoch, as the caller passed it.
    pub timestamp: u64,
    /// What was decided.
    pub kind: RecordKind,
    /// The user login the principal acts as (a user, or a personal token's user).
    pub user: Option<Cow<'a, str>>,
    /// The token id, when a token asked or was authenticated.
    #[serde(rename = "tokenID")]
    pub token_id: Option<Cow<'a, str>>,
    /// The token's name (organization and team tokens).
    pub token_name: Option<Cow<'a, str>>,
    /// The scope asked for, or the management action (`update_settings`, …), or
    /// `authenticate`.
    pub action: Cow<'a, str>,
    /// The resource as asked (`acme`, `acme/team`, `acme/project/stack`), or the organization an
    /// authentication was against (empty when none).
    pub resource: Cow<'a, str>,
    /// Whether it was allowed (or the credential accepted, or the action applied).
    pub allowed: bool,
    /// The deciding codes: the reason codes of an allowed decision, the deny code of a denied
    /// one, the error code of a refused credential or action.
    pub reasons: Vec<Cow<'a, str>>,
    /// Whether the scope is one only organization admins hold by role.
    pub req_org_admin: bool,
    /// Whether the scope is a stack scope only stack admins hold.
    pub req_stack_admin: bool,
    /// The state's snapshot revision.
    pub revision: u64,
    /// The caller's request id.
    #[serde(rename = "requestID")]
    pub request_id: Option<Cow<'a, str>>,
    /// The client's address.
    #[serde(rename = "sourceIP")]
    pub source_ip: Option<Cow<'a, str>>,
}

impl DecisionRecord<'_> {
    /// The record with every borrowed field copied, to keep past the call.
    pub fn into_owned(self) -> DecisionRecord<'static> {
        let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
        DecisionRecord {
            timestamp: self.timestamp,
            kind: self.kind,
            user: own(self.user),
            token_id: own(self.token_id),
            token_name: own(self.token_name),
            action: Cow::Owned(self.action.into_owned()),
            resource: Cow::Owned(self.resource.into_owned()),
            allowed: self.allowed,
            reasons: self.reasons.into_iter().map(|r| Cow::Owned(r.into_owned())).collect(),
            req_org_admin: self.req_org_admin,
            req_stack_admin: self.req_stack_admin,
            revision: self.revision,
            request_id: own(self.request_id),
            source_ip: own(self.source_ip),
        }
    }
}

/// Receives decision records.
pub trait DecisionSink {
    /// Called once per decision, after it is made.
    fn record(&self, record: &DecisionRecord<'_>);
}

impl<F: Fn(&DecisionRecord<'_>)> DecisionSink for F {
    fn record(&self, record: &DecisionRecord<'_>) {
        self(record)
    }
}

/// A sink that keeps every record in memory, in order.
#[derive(Debug, Default)]
pub struct MemorySink(RefCell<Vec<DecisionRecord<'static>>>);

impl MemorySink {
    /// The records so far, oldest first.
    pub fn records(&self) -> Vec<DecisionRecord<'static>> {
        self.0.borrow().clone()
    }

    /// Takes the records so far, leaving the sink empty.
    pub fn take(&self) -> Vec<DecisionRecord<'static>> {
        self.0.take()
    }
}

impl DecisionSink for MemorySink {
    fn record(&self, record: &DecisionRecord<'_>) {
        self.0.borrow_mut().push(record.clone().into_owned());
    }
}

/// A record's user login, token id and token name.
pub(crate) type PrincipalFields<'a> = (Option<Cow<'a, str>>, Option<Cow<'a, str>>, Option<Cow<'a, str>>);

/// What a principal string acts as (as [`Authorizer::resolve_principal`] resolves it), and the
/// token record it names, if any.
fn resolve(store: &Store, principal: &str) -> (Option<Who>, Option<TokenId>) {
    match PrincipalRef::parse(principal) {
        PrincipalRef::User(login) => (store.user_id(login).map(Who::User), None),
        PrincipalRef::Token(id) => {
            let token = store.token_id(id);
            (token.and_then(|t| store.who_of_token(t)), token)
        }
    }
}

/// Who a principal string names, for a record: user login, token id, token name. An unknown
/// principal names nothing (its string could be anything, a secret included).
pub(crate) fn principal_fields<'a>(view: Authorizer<'a>, principal: &str) -> PrincipalFields<'a> {
    let (who, token) = resolve(view.store, principal);
    fields(view.store, who, token)
}

/// The record fields of a resolved principal.
fn fields(store: &Store, who: Option<Who>, token: Option<TokenId>) -> PrincipalFields<'_> {
    match (who, token) {
        (Some(_), Some(id)) => {
            let Some(record) = store.token(id) else { return (None, None, None) };
            let user = match record.subject() {
                TokenSubject::User(u) => store.user(u).map(|u| Cow::Borrowed(u.login())),
                _ => None,
            };
            (user, Some(Cow::Borrowed(record.id())), record.name().map(Cow::Borrowed))
        }
        (Some(Who::User(u)), None) => (store.user(u).map(|u| Cow::Borrowed(u.login())), None, None),
        _ => (None, None, None),
    }
}

/// The storage of the reasons of one record after another, so that recording a question
/// allocates nothing once it has been used.
#[derive(Debug, Default)]
pub(crate) struct Reasons(RefCell<Vec<Cow<'static, str>>>);

/// Decides a question as [`Authorizer::explain`] does and records it to `sink`, resolving the
/// principal and the scope once for both.
pub(crate) fn ask(
    view: Authorizer<'_>,
    context: &RecordContext,
    kind: RecordKind,
    (principal, scope, resource): (&str, &str, &str),
    sink: &dyn DecisionSink,
    storage: &Reasons,
) -> Decision {
    let (who, token) = resolve(view.store, principal);
    let entry = view.catalog.lookup(scope);
    let decision = match (who, entry) {
        (None, _) => Decision::denied(Deny::UnknownPrincipal),
        (Some(_), None) => Decision::denied(Deny::UnknownScope),
        (Some(who), Some(entry)) => match view.resolve_resource(entry, resource) {
            Ok((scope, resource)) => view.explain_resolved(who, scope, resource),
            Err(deny) => Decision::denied(deny),
        },
    };
    let (user, token_id, token_name) = fields(view.store, who, token);
    let (req_org_admin, req_stack_admin) = requirements_of(view.catalog, entry);
    // A sink that records again from inside `record` finds the storage taken: it gets its own.
    let mut codes = storage.0.try_borrow_mut().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
    codes.clear();
    match &decision {
        Decision::Allowed { reasons } => codes.extend(reasons.iter().map(|r| Cow::Borrowed(r.code()))),
        Decision::Denied { deny } => codes.push(Cow::Borrowed(deny.code())),
    }
    let record = DecisionRecord {
        timestamp: context.now,
        kind,
        user,
        token_id,
        token_name,
        action: Cow::Borrowed(scope),
        resource: Cow::Borrowed(resource),
        allowed: decision.is_allowed(),
        reasons: codes,
        req_org_admin,
        req_stack_admin,
        revision: view.store.revision(),
        request_id: context.request_id.as_deref().map(Cow::Borrowed),
        source_ip: context.source_ip.as_deref().map(Cow::Borrowed),
    };
    sink.record(&record);
    // The codes are all static: the storage goes back, emptied, for the next record (the
    // collection reuses the allocation, its items having the same layout).
    let emptied: Vec<Cow<'static, str>> =
        record.reasons.into_iter().filter(|_| false).map(|_| Cow::Borrowed("")).collect();
    if let Ok(mut slot) = storage.0.try_borrow_mut() {
        *slot = emptied;
    }
    decision
}

/// The deciding codes of a decision.
fn reasons(decision: &Decision) -> Vec<Cow<'static, str>> {
    match decision {
        Decision::Allowed { reasons } => reasons.iter().map(|r| Cow::Borrowed(r.code())).collect(),
        Decision::Denied { deny } => vec![Cow::Borrowed(deny.code())],
    }
}

/// A record of a question.
pub(crate) fn question<'a>(
    view: Authorizer<'a>,
    context: &'a RecordContext,
    kind: RecordKind,
    (principal, scope, resource): (&str, &'a str, &'a str),
    decision: &Decision,
) -> DecisionRecord<'a> {
    let (user, token_id, token_name) = principal_fields(view, principal);
    let reasons = reasons(decision);
    let (req_org_admin, req_stack_admin) = requirements(view, scope);
    DecisionRecord {
        timestamp: context.now,
        kind,
        user,
        token_id,
        token_name,
        action: Cow::Borrowed(scope),
        resource: Cow::Borrowed(resource),
        allowed: decision.is_allowed(),
        reasons,
        req_org_admin,
        req_stack_admin,
        revision: view.store.revision(),
        request_id: context.request_id.as_deref().map(Cow::Borrowed),
        source_ip: context.source_ip.as_deref().map(Cow::Borrowed),
    }
}

/// Whether a scope needs the organization Admin role (no other built-in role holds it), and
/// whether it is a stack scope beyond the `write` level.
pub(crate) fn requirements(view: Authorizer<'_>, scope: &str) -> (bool, bool) {
    requirements_of(view.catalog, view.catalog.lookup(scope))
}

/// [`requirements`] of a scope already looked up.
fn requirements_of(catalog: &Catalog, entry: Option<ScopeEntry>) -> (bool, bool) {
    let Some(entry) = entry else { return (false, false) };
    let org_admin = entry.org.is_some_and(|s| {
        !catalog.member_scopes().contains(s) && !catalog.billing_manager_scopes().contains(s)
    });
    let stack_admin = entry.entity.is_some_and(|s| {
        s.kind == EntityKind::Stack
            && !catalog.level_scopes(EntityKind::Stack, crate::model::Permission::Write).contains(s)
    });
    (org_admin, stack_admin)
}

/// A record of an authentication: the token by id and name when it was accepted, the error code
/// when it was refused (the credential itself is never copied).
pub(crate) fn authentication<'a>(
    view: Authorizer<'a>,
    context: &'a RecordContext,
    org: Option<&'a str>,
    result: &'a Result<crate::token::Authenticated, crate::error::TokenError>,
) -> DecisionRecord<'a> {
    let (user, token_id, token_name, reasons) = match result {
        Ok(found) => {
            let (user, _, name) = match &found.principal_name {
                Some(principal) => principal_fields(view, principal),
                None => (None, None, None),
            };
            let user = user.or_else(|| {
                (found.kind == crate::model::TokenKind::Personal)
                    .then_some(Cow::Borrowed(found.subject.as_str()))
            });
            (user, Some(Cow::Borrowed(found.token_id.as_str())), name, Vec::new())
        }
        Err(error) => (None, None, None, vec![Cow::Borrowed(error.code().as_str())]),
    };
    DecisionRecord {
        timestamp: context.now,
        kind: RecordKind::Authenticate,
        user,
        token_id,
        token_name,
        action: Cow::Borrowed("authenticate"),
        resource: Cow::Borrowed(org.unwrap_or_default()),
        allowed: result.is_ok(),
        reasons,
        req_org_admin: false,
        req_stack_admin: false,
        revision: view.store.revision(),
        request_id: context.request_id.as_deref().map(Cow::Borrowed),
        source_ip: context.source_ip.as_deref().map(Cow::Borrowed),
    }
}

/// A record of a management action: `granted` holds the reasons the actor held `scope` before
/// it was applied; a refusal records its error code and, for a forbidden one, the deny code.
pub(crate) fn action<'a>(
    view: Authorizer<'a>,
    context: &'a RecordContext,
    (actor, action, scope, resource): (&str, &'a str, &str, &'a str),
    granted: &Decision,
    result: Result<(), &crate::error::ManageError>,
) -> DecisionRecord<'a> {
    let mut record = question(view, context, RecordKind::Manage, (actor, action, resource), granted);
    (record.req_org_admin, record.req_stack_admin) = requirements(view, scope);
    record.allowed = result.is_ok();
    if let Err(error) = result {
        record.reasons = vec![Cow::Borrowed(error.code().as_str())];
        if let crate::error::ManageError::Forbidden { deny, .. } = error {
            record.reasons.push(Cow::Borrowed(deny.code()));
        }
    }
    record
}
