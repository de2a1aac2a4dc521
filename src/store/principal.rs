//! Principals as callers name them, and resolved against the store.

use super::{OrgId, Store, TokenId, TokenSubject, UserId};
use crate::model::TokenKind;

/// A principal as callers name it: `alice`, `user:alice` or `token:<token id>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalRef<'a> {
    /// A user, by login.
    User(&'a str),
    /// An access token, by its id.
    Token(&'a str),
}

impl<'a> PrincipalRef<'a> {
    /// Parses `user:<login>`, `token:<id>` or a bare login.
    pub fn parse(s: &'a str) -> Self {
        if let Some(id) = s.strip_prefix("token:") {
            Self::Token(id)
        } else {
            Self::User(s.strip_prefix("user:").unwrap_or(s))
        }
    }
}

/// A principal resolved against the index, before choosing an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Who {
    /// A user, directly or through a personal token.
    User(UserId),
    /// An organization or team token with a record in the snapshot.
    Machine(TokenId),
    /// A signed organization or team token with no record: it acts by its claims.
    Claims(ClaimsPrincipal),
}

/// What a signed machine token without a record acts as: a role or a team of one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimsPrincipal {
    org: OrgId,
    subject: TokenSubject,
}

impl ClaimsPrincipal {
    pub(crate) fn new(org: OrgId, subject: TokenSubject) -> Self {
        Self { org, subject }
    }
    /// The organization it belongs to.
    pub fn org(&self) -> OrgId {
        self.org
    }
    /// The role or team it acts as.
    pub fn subject(&self) -> TokenSubject {
        self.subject
    }
}

impl Store {
    /// Resolves a principal; `None` for an unknown user or an unknown or deleted token.
    pub fn resolve(&self, principal: PrincipalRef<'_>) -> Option<Who> {
        match principal {
            PrincipalRef::User(login) => self.user_id(login).map(Who::User),
            PrincipalRef::Token(id) => self.who_of_token(self.token_id(id)?),
        }
    }

    /// What a token acts as; `None` when it is deleted.
    pub fn who_of_token(&self, idx: TokenId) -> Option<Who> {
        let token = self.token(idx).filter(|t| !t.deleted)?;
        match (token.kind, token.subject) {
            // A personal token acts exactly as its user: no narrower scopes of its own.
            (TokenKind::Personal, TokenSubject::User(user)) => Some(Who::User(user)),
            _ => Some(Who::Machine(idx)),
        }
    }
}
