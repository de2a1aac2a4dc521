//! The indexed state of every organization, and every change that must keep an invariant.
//!
//! Every lookup on the check path is a hash lookup or a walk over the principal's own teams and
//! roles, never over the organization's entities, so a check costs the same for ten stacks and a
//! hundred thousand. Fields are private to this module: other layers read through accessors and
//! change the state only through the mutations in `mutate.rs`, which keep the indexes, the
//! memberships of both sides and the model's invariants (the Billing Manager rule, unique names)
//! together. Removals leave tombstones so that ids held elsewhere stay valid.

mod entity;
mod ids;
mod mutate;
mod org;
mod principal;
mod signing;
mod token;

pub use entity::{Entity, Identity, Selector, TagCondition};
pub use ids::{EntityId, MemberId, OrgId, RoleId, TeamId, TokenId, UserId};
use ids::{NameSet, Names};
pub(crate) use mutate::AccessRefused;
pub use org::{CustomRole, EntityRule, Member, Org, PermissionScopes, PermissionSetDef, RoleRef, User};
pub use principal::{ClaimsPrincipal, PrincipalRef, Who};
pub use signing::Algorithm;
pub(crate) use signing::{KeyMaterial, SigningConfig, VerificationKey};
pub(crate) use token::{NewToken, TokenConflict};
pub use token::{TokenRecord, TokenSubject};

use rustc_hash::FxHashMap;

use crate::model::{Settings, TokenKind};

/// Everything the engine knows, indexed.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// The revision of this state: the snapshot's, raised by one for every change applied.
    revision: u64,
    /// Seconds since the epoch after which a signed copy of this state is refused.
    not_after: Option<u64>,
    users: Vec<User>,
    user_by_login: Names<UserId>,
    orgs: Vec<Org>,
    org_by_name: Names<OrgId>,
    tokens: Vec<TokenRecord>,
    token_by_id: Names<TokenId>,
    /// Opaque tokens by the SHA-256 digest of their string.
    token_by_digest: FxHashMap<[u8; 32], TokenId>,
    /// Keys, issuer, audience and leeway for signed tokens.
    signing: SigningConfig,
    /// Revoked token ids (`jti`).
    revoked: NameSet,
}

impl Store {
    /// The revision: the snapshot's, raised by one for every change applied.
    pub fn revision(&self) -> u64 {
        self.revision
    }
    /// Seconds since the epoch after which a signed copy of this state is refused.
    pub fn not_after(&self) -> Option<u64> {
        self.not_after
    }
    /// A user.
    #[inline]
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(id.index())
    }
    /// A user by login.
    #[inline]
    pub fn user_id(&self, login: &str) -> Option<UserId> {
        self.user_by_login.get(login)
    }
    /// Every user, in the order they became known.
    pub fn users(&self) -> impl Iterator<Item = (UserId, &User)> + '_ {
        self.users.iter().enumerate().map(|(i, u)| (UserId::new(i), u))
    }
    /// An organization.
    #[inline]
    pub fn org(&self, id: OrgId) -> Option<&Org> {
        self.orgs.get(id.index())
    }
    /// An organization by name.
    #[inline]
    pub fn org_id(&self, name: &str) -> Option<OrgId> {
        self.org_by_name.get(name)
    }
    /// Every organization, in document order.
    pub fn orgs(&self) -> impl Iterator<Item = (OrgId, &Org)> + '_ {
        self.orgs.iter().enumerate().map(|(i, o)| (OrgId::new(i), o))
    }
    /// The settings of an organization.
    pub fn settings(&self, org: &str) -> Option<Settings> {
        self.org_id(org).and_then(|o| self.org(o)).map(|o| *o.settings())
    }
    /// The membership of a user in an organization, if it is current.
    #[inline]
    pub fn membership(&self, user: UserId, org: OrgId) -> Option<(MemberId, &Member)> {
        let member = self.user(user)?.membership(org)?;
        self.org(org)?.member(member).map(|m| (member, m))
    }
    /// A token record (deleted ones included).
    #[inline]
    pub fn token(&self, id: TokenId) -> Option<&TokenRecord> {
        self.tokens.get(id.index())
    }
    /// A token record by its id string.
    pub fn token_id(&self, id: &str) -> Option<TokenId> {
        self.token_by_id.get(id)
    }
    /// The opaque token record with this digest.
    pub fn token_by_digest(&self, digest: &[u8; 32]) -> Option<TokenId> {
        self.token_by_digest.get(digest).copied()
    }
    /// Every token record, deleted ones included.
    pub fn tokens(&self) -> impl Iterator<Item = (TokenId, &TokenRecord)> + '_ {
        self.tokens.iter().enumerate().map(|(i, t)| (TokenId::new(i), t))
    }
    /// The signed-token configuration.
    pub(crate) fn signing(&self) -> &SigningConfig {
        &self.signing
    }
    /// Whether a token id is on the revocation list.
    pub fn is_revoked(&self, id: &str) -> bool {
        self.revoked.contains(id)
    }
    /// The revocation list.
    pub fn revoked(&self) -> impl Iterator<Item = &str> + '_ {
        self.revoked.iter()
    }

    /// A description of a token record for answers and listings: kind, organization name, the
    /// subject's name (user login, team name or role) and expiry.
    pub(crate) fn describe_token(&self, id: TokenId) -> Option<(TokenKind, Option<String>, String, u64)> {
        let record = self.token(id)?;
        let org = record.org.and_then(|o| self.org(o));
        let subject = match record.subject {
            TokenSubject::User(u) => self.user(u).map(|u| u.login().to_string()),
            TokenSubject::Team(t) => org.and_then(|o| o.teams.get(t.index())).map(|t| t.name().to_string()),
            TokenSubject::Role(r) => org.map(|o| o.role_name(r).to_string()),
        }?;
        Some((record.kind, org.map(|o| o.name().to_string()), subject, record.expires))
    }
}
