//! What a change would do, before it is made: the difference of every answer (see
//! [`super::diff`]), whether the actor may make it, and the tokens a stricter expiry policy
//! would stop.

use super::Authorizer;
use super::diff::AccessDiff;
use crate::error::ManageError;
use crate::model::TokenKind;
use crate::store::TokenSubject;

/// The consequences of a change that was not applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// `Ok` when the actor may make the change; the refusal (or other error) otherwise.
    pub outcome: Result<(), ManageError>,
    /// Every answer the change would turn; empty when it is refused.
    pub diff: AccessDiff,
    /// The tokens that validate now and would be refused after the change (an expiry policy
    /// that is set or shortened), as Pulumi's "Preview affected tokens" lists them.
    pub stopped_tokens: Vec<StoppedToken>,
}

impl Preview {
    /// Whether the actor may make the change.
    pub fn is_allowed(&self) -> bool {
        self.outcome.is_ok()
    }
}

/// A token that a change would stop from validating. Never the token string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoppedToken {
    /// The token id.
    pub id: String,
    /// Its kind.
    pub kind: TokenKind,
    /// Its name (organization and team tokens).
    pub name: Option<String>,
    /// The organization whose policy would refuse it.
    pub organization: String,
    /// Expiry in seconds since the epoch; `None` for a token that never expires.
    pub expires: Option<u64>,
}

/// The tokens usable against an organization at `now` under `before`'s expiry policy that
/// `after`'s policy refuses: its organization and team tokens, and its members' personal tokens.
pub(crate) fn stopped_tokens(before: Authorizer<'_>, after: Authorizer<'_>, now: u64) -> Vec<StoppedToken> {
    let mut out = Vec::new();
    for (org_id, org) in after.store.orgs() {
        let new = org.settings();
        let Some(old) = before.store.settings(org.name()) else { continue };
        if old.token_expiry_policy_days == new.token_expiry_policy_days {
            continue;
        }
        for (_, record) in after.store.tokens() {
            if record.deleted() || (record.expires() != 0 && now >= record.expires()) {
                continue;
            }
            let usable = match record.subject() {
                TokenSubject::User(user) => after.store.membership(user, org_id).is_some(),
                _ => record.org() == Some(org_id),
            };
            let expires = (record.expires() != 0).then_some(record.expires());
            let works_before = old.expiry_policy_admits(expires, now);
            if usable && works_before && !new.expiry_policy_admits(expires, now) {
                out.push(StoppedToken {
                    id: record.id().to_string(),
                    kind: record.kind(),
                    name: record.name().map(str::to_string),
                    organization: org.name().to_string(),
                    expires,
                });
            }
        }
    }
    out
}
