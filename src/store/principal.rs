//! Principals as callers name them, and resolved against the store.

use super::{OrgIdx, Store, TokenIdx, TokenSubject, UserIdx};
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
    User(UserIdx),
    /// An organization or team token with a record in the snapshot.
    Machine(TokenIdx),
    /// A signed organization or team token with no record: it acts by its claims.
    Claims(ClaimsPrincipal),
}

/// What a signed machine token without a record acts as: a role or a team of one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimsPrincipal {
    pub(crate) org: OrgIdx,
    pub(crate) subject: TokenSubject,
}

impl Store {
    /// Resolves a principal; `None` for an unknown user or an unknown or deleted token.
    pub fn resolve(&self, principal: PrincipalRef<'_>) -> Option<Who> {
        match principal {
            PrincipalRef::User(login) => self.user_by_login.get(login).map(|&u| Who::User(u)),
            PrincipalRef::Token(id) => {
                let idx = *self.token_by_id.get(id)?;
                self.who_of_token(idx)
            }
        }
    }

    /// What a token acts as; `None` when it is deleted.
    pub fn who_of_token(&self, idx: TokenIdx) -> Option<Who> {
        let token = self.tokens.get(idx as usize).filter(|t| !t.deleted)?;
        match (token.kind, token.subject) {
            // A personal token acts exactly as its user (PRODUCT decision 4).
            (TokenKind::Personal, TokenSubject::User(user)) => Some(Who::User(user)),
            _ => Some(Who::Machine(idx)),
        }
    }
}
