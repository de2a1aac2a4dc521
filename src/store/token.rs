//! Access token records. Only a digest of an opaque token's secret is kept.

use super::ids::{OrgId, TeamId, UserId};
use super::org::RoleRef;
use crate::model::TokenKind;

/// What a token acts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenSubject {
    /// A personal token acts as its user.
    User(UserId),
    /// An organization token acts by its role.
    Role(RoleRef),
    /// A team token acts as its team.
    Team(TeamId),
}

/// A stored token record.
#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub(super) id: Box<str>,
    pub(super) kind: TokenKind,
    /// The organization of an organization or team token.
    pub(super) org: Option<OrgId>,
    pub(super) subject: TokenSubject,
    pub(super) name: Option<Box<str>>,
    pub(super) description: Option<Box<str>>,
    /// SHA-256 of the token string, if the token is opaque.
    pub(super) digest: Option<[u8; 32]>,
    pub(super) created: u64,
    /// Seconds since the epoch; 0 means it never expires.
    pub(super) expires: u64,
    pub(super) created_by: Option<UserId>,
    pub(super) deleted: bool,
}

impl TokenRecord {
    /// The token id (`jti` of a signed token).
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Its kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }
    /// The organization of an organization or team token.
    pub fn org(&self) -> Option<OrgId> {
        self.org
    }
    /// What it acts as.
    pub fn subject(&self) -> TokenSubject {
        self.subject
    }
    /// The name of an organization or team token.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
    /// Its description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }
    /// The SHA-256 digest of an opaque token's string.
    pub fn digest(&self) -> Option<[u8; 32]> {
        self.digest
    }
    /// Creation time, seconds since the epoch.
    pub fn created(&self) -> u64 {
        self.created
    }
    /// Expiry, seconds since the epoch; 0 means never.
    pub fn expires(&self) -> u64 {
        self.expires
    }
    /// The user who minted it.
    pub fn created_by(&self) -> Option<UserId> {
        self.created_by
    }
    /// Whether it was deleted (it no longer validates; its name stays reserved).
    pub fn deleted(&self) -> bool {
        self.deleted
    }
}

/// The parts of a new token record, checked by the caller against the model's rules; the
/// store keeps ids, digests and organization token names unique. Built with [`NewToken::new`]
/// and the setters for what a record may carry besides.
#[derive(Debug, Clone)]
pub(crate) struct NewToken<'a> {
    pub(super) id: &'a str,
    pub(super) kind: TokenKind,
    pub(super) org: Option<OrgId>,
    pub(super) subject: TokenSubject,
    pub(super) name: Option<&'a str>,
    pub(super) description: Option<&'a str>,
    pub(super) digest: Option<[u8; 32]>,
    pub(super) created: u64,
    pub(super) expires: u64,
    pub(super) created_by: Option<UserId>,
    pub(super) deleted: bool,
}

impl<'a> NewToken<'a> {
    /// A live record with no name, description, digest, times or minter.
    pub fn new(id: &'a str, kind: TokenKind, org: Option<OrgId>, subject: TokenSubject) -> Self {
        Self {
            id,
            kind,
            org,
            subject,
            name: None,
            description: None,
            digest: None,
            created: 0,
            expires: 0,
            created_by: None,
            deleted: false,
        }
    }
    /// The name (organization and team tokens) and description.
    pub fn named(self, name: Option<&'a str>, description: Option<&'a str>) -> Self {
        Self { name, description, ..self }
    }
    /// The SHA-256 digest of an opaque token's string.
    pub fn digest(self, digest: Option<[u8; 32]>) -> Self {
        Self { digest, ..self }
    }
    /// Creation and expiry times, seconds since the epoch (0: never expires).
    pub fn times(self, created: u64, expires: u64) -> Self {
        Self { created, expires, ..self }
    }
    /// The user who minted it.
    pub fn created_by(self, created_by: Option<UserId>) -> Self {
        Self { created_by, ..self }
    }
    /// Whether it is deleted (a record that only reserves its name).
    pub fn deleted(self, deleted: bool) -> Self {
        Self { deleted, ..self }
    }
}

/// Why the store refused a new token record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenConflict {
    /// Another record has the id.
    Id,
    /// Another record has the digest: one secret with two meanings.
    Digest,
    /// The organization used the name before (deleted tokens included).
    Name,
}
