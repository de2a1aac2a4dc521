//! Questions over many: every resource a principal may use a scope on, every principal that may
//! use a scope on a resource, and batches of questions. Each item is answered by the same
//! evaluator as `check` (the quick path) or `explain`, so the answers agree by construction; the
//! property tests check it over random organizations.

use super::evaluate::Quick;
use super::{Authorizer, ResourceRef, actor};
use crate::decision::Reason;
use crate::store::{TokenSubject, Who};

/// What to return from [`Engine::search_resources`](crate::Engine::search_resources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceQuery {
    /// Only entities carrying every one of these tags (`key` equal to `value`).
    pub tags: Vec<(String, String)>,
    /// Only entities carrying a tag of each of these keys, whatever its value.
    pub has_tags: Vec<String>,
    /// At most this many ids per page (`None`: all).
    pub limit: Option<usize>,
    /// Where the previous page stopped (its `next_cursor`).
    pub cursor: Option<String>,
}

/// One page of resource ids, in a stable order (creation order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourcePage {
    /// `org/project/stack`, `org/project/environment`, `org/account`, `org/team` or `org`.
    pub ids: Vec<String>,
    /// Pass as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

/// A principal allowed by [`Engine::search_subjects`](crate::Engine::search_subjects), with the reasons `explain` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// `user:<login>` or `token:<id>`: a principal string `check` accepts.
    pub principal: String,
    /// The user's login, or the token's name.
    pub name: String,
    /// Whether it is a token.
    pub token: bool,
    /// Every source that grants the scope.
    pub reasons: Vec<Reason>,
}

/// How a batch is evaluated (AuthZEN 1.0 `evaluations_semantic`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Semantics {
    /// Every item is decided.
    #[default]
    ExecuteAll,
    /// Stops after the first denied item (included).
    DenyOnFirstDeny,
    /// Stops after the first allowed item (included).
    PermitOnFirstPermit,
}

impl Semantics {
    /// Parses the AuthZEN name (`execute_all`, `deny_on_first_deny`, `permit_on_first_permit`).
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "execute_all" => Some(Self::ExecuteAll),
            "deny_on_first_deny" => Some(Self::DenyOnFirstDeny),
            "permit_on_first_permit" => Some(Self::PermitOnFirstPermit),
            _ => None,
        }
    }

    /// Whether a batch stops after an item with this answer.
    pub fn stops_at(self, allowed: bool) -> bool {
        match self {
            Self::ExecuteAll => false,
            Self::DenyOnFirstDeny => !allowed,
            Self::PermitOnFirstPermit => allowed,
        }
    }
}

impl Authorizer<'_> {
    /// Every resource of `org` on which `principal` may use `scope`: the entities of the scope's
    /// kind for an entity scope, the teams (`org/team`) for a team scope, or `org` itself for
    /// another organization scope. Unknown principals, scopes and organizations give an empty
    /// page. One pass over the organization's entities at most; an organization admin, or a
    /// default permission that already grants the scope, needs no per-entity evaluation.
    pub fn search_resources(
        &self,
        principal: &str,
        scope: &str,
        org: &str,
        query: &ResourceQuery,
    ) -> ResourcePage {
        match self.resolve_principal(principal) {
            Some(who) => self.search_resources_as(who, scope, org, query),
            None => ResourcePage::default(),
        }
    }

    /// [`Authorizer::search_resources`] as an already resolved principal (a handle's).
    pub fn search_resources_as(
        &self,
        who: Who,
        scope: &str,
        org: &str,
        query: &ResourceQuery,
    ) -> ResourcePage {
        let mut page = ResourcePage::default();
        let (Some(entry), Some(org_id)) = (self.catalog.lookup(scope), self.store.org_id(org)) else {
            return page;
        };
        let (Some(eval), Ok(actor)) = (self.eval(org_id), actor::actor_of(self.store, who, org_id)) else {
            return page;
        };
        let start = query.cursor.as_deref().and_then(|c| c.parse::<usize>().ok()).unwrap_or(0);
        let limit = query.limit.unwrap_or(usize::MAX);
        let org_ref = eval.org;
        match (entry.entity, entry.org) {
            (Some(scope), _) => {
                // The gates (delete/transfer toggles, machine tokens) do not depend on the entity.
                if eval.entity_gate(&actor, scope).is_err() {
                    return page;
                }
                let kind = scope.kind;
                let level = org_ref.settings().default_permission(kind);
                let whole_org = actor.is_admin()
                    || (eval.gets_member_defaults(&actor)
                        && self.catalog.level_scopes(kind, level).contains(scope));
                for (position, id, entity) in org_ref.entities(kind).iter_from(start) {
                    if !query.tags.iter().all(|(k, v)| entity.tag(k) == Some(v.as_str()))
                        || !query.has_tags.iter().all(|k| entity.tag(k).is_some())
                    {
                        continue;
                    }
                    if !whole_org && eval.decide_entity(&actor, scope, id, entity, &mut Quick).is_err() {
                        continue;
                    }
                    if page.ids.len() == limit {
                        page.next_cursor = Some(position.to_string());
                        break;
                    }
                    page.ids.push(format!("{org}/{}", entity.name()));
                }
            }
            (None, Some(scope)) if self.special.team_targeted.contains(scope) => {
                for (position, (team_id, team)) in org_ref.all_teams().enumerate().skip(start) {
                    if team.deleted() || eval.decide_org(&actor, scope, Some(team_id), &mut Quick).is_err() {
                        continue;
                    }
                    if page.ids.len() == limit {
                        page.next_cursor = Some(position.to_string());
                        break;
                    }
                    page.ids.push(format!("{org}/{}", team.name()));
                }
            }
            (None, Some(scope)) => {
                if start == 0 && limit > 0 && eval.decide_org(&actor, scope, None, &mut Quick).is_ok() {
                    page.ids.push(org.to_string());
                }
            }
            (None, None) => {}
        }
        page
    }

    /// Every principal that may use `scope` on `resource`, with the reasons `explain` gives:
    /// the organization's members, and with `tokens` its organization and team tokens. Unknown
    /// scopes and resources give an empty list. Signed tokens without a record are not listed
    /// (they exist only in their holders' hands).
    pub fn search_subjects(&self, scope: &str, resource: &str, tokens: bool) -> Vec<Subject> {
        let mut out = Vec::new();
        let Some(entry) = self.catalog.lookup(scope) else { return out };
        let Ok((scope_ref, resource_ref)) = self.resolve_resource(entry, resource) else { return out };
        let org_id = match resource_ref {
            ResourceRef::Org(o) | ResourceRef::Team(o, _) | ResourceRef::Entity(o, _, _) => o,
        };
        let Some(org) = self.store.org(org_id) else { return out };
        let mut consider = |who: Who, principal: String, name: &str, token: bool| {
            if !self.check_resolved(who, scope_ref, resource_ref) {
                return;
            }
            let reasons = self.explain_resolved(who, scope_ref, resource_ref).into_reasons();
            out.push(Subject { principal, name: name.to_string(), token, reasons });
        };
        for (_, member) in org.members() {
            if let Some(user) = self.store.user(member.user()) {
                consider(Who::User(member.user()), format!("user:{}", user.login()), user.login(), false);
            }
        }
        if tokens {
            for &id in org.token_ids() {
                let (Some(record), Some(who)) = (self.store.token(id), self.store.who_of_token(id)) else {
                    continue;
                };
                if matches!(record.subject(), TokenSubject::User(_)) {
                    continue;
                }
                let name = record.name().unwrap_or_default();
                consider(who, format!("token:{}", record.id()), name, true);
            }
        }
        out
    }

    /// Decides a batch in order with AuthZEN semantics: the answers stop at the deciding item
    /// for the short-circuit semantics.
    pub fn evaluate<'q>(
        &self,
        items: impl IntoIterator<Item = (&'q str, &'q str, &'q str)>,
        semantics: Semantics,
    ) -> Vec<bool> {
        let mut out = Vec::new();
        for (principal, scope, resource) in items {
            let allowed = self.check(principal, scope, resource);
            out.push(allowed);
            if semantics.stops_at(allowed) {
                break;
            }
        }
        out
    }
}
