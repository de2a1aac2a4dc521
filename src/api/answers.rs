//! Answers as JavaScript receives them: serde `Serialize` types, camelCase, plain objects.

use std::fmt;

use serde::Serialize;

use crate::engine::{Decision, Deny, Question, Reason};
use crate::engine::{Minted, TokenView};
use crate::model::{Permission, base64url};
use crate::snapshot::wire::Token;
use crate::token::{Authenticated, SigningKey};

/// One granting source: `{ code, message, role?, team?, permission?, permissionSet?, setting? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReasonAnswer {
    /// The reason code.
    pub code: &'static str,
    /// What grants it, in words.
    pub message: String,
    /// The role that grants it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The team it is held through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// The level that grants it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<&'static str>,
    /// The permission set of a role rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission_set: Option<String>,
    /// The setting that allows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<&'static str>,
}

impl ReasonAnswer {
    /// The answer shape of one reason.
    pub fn new(reason: &Reason) -> Self {
        let mut answer = Self {
            code: reason.code(),
            message: reason.to_string(),
            role: None,
            team: None,
            permission: None,
            permission_set: None,
            setting: None,
        };
        match reason {
            Reason::BuiltinRole { role } => answer.role = Some(role.as_str().to_string()),
            Reason::CustomRole { role, team } => {
                answer.role = Some(role.clone());
                answer.team = team.clone();
            }
            Reason::DefaultPermission { level } | Reason::ExplicitGrant { level } => {
                answer.permission = Some(level.as_str());
            }
            Reason::TeamGrant { team, level } => {
                answer.team = Some(team.clone());
                answer.permission = Some(level.as_str());
            }
            Reason::RoleRule { role, team, permission_set } => {
                answer.role = Some(role.clone());
                answer.team = team.clone();
                answer.permission_set = Some(permission_set.clone());
            }
            Reason::Setting { toggle } => answer.setting = Some(toggle.as_str()),
            Reason::TeamAdmin { team } => answer.team = Some(team.clone()),
            Reason::OrgAdmin | Reason::TeamTokenBaseline | Reason::CreatorGrant => {}
        }
        answer
    }
}

/// Why a question was denied: `{ code, message, scope?, permission?, setting?, organization? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DenyAnswer {
    /// The deny code.
    pub code: &'static str,
    /// A whole sentence naming what was wrong with the question.
    pub message: String,
    /// The scope no source grants.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<&'static str>,
    /// The principal's effective level on the entity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<&'static str>,
    /// The setting that is off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setting: Option<&'static str>,
    /// The destination organization of a transfer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
}

impl DenyAnswer {
    /// The answer shape of a deny of `question`.
    pub fn new(deny: &Deny, question: &Question<'_>) -> Self {
        let mut answer = Self {
            code: deny.code(),
            message: deny.message(question),
            scope: None,
            permission: None,
            setting: None,
            organization: None,
        };
        match deny {
            Deny::MissingScope { scope, level } => {
                answer.scope = Some(scope);
                answer.permission = level.map(Permission::as_str);
            }
            Deny::SettingDisabled { toggle } => answer.setting = Some(toggle.as_str()),
            Deny::DestinationDenied { org } => answer.organization = Some(org.clone()),
            Deny::UnknownPrincipal
            | Deny::UnknownScope
            | Deny::UnknownResource
            | Deny::InvalidResource
            | Deny::NotAMember
            | Deny::MachineToken
            | Deny::ForeignHandle => {}
        }
        answer
    }
}

/// The answer of `explain`: `{ allowed: true, reasons }` or `{ allowed: false, reasons: [], deny }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// Every granting source (empty when denied).
    pub reasons: Vec<ReasonAnswer>,
    /// Why it was denied (absent when allowed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deny: Option<DenyAnswer>,
}

impl Explanation {
    /// The answer shape of a decision on `question`.
    pub fn new(decision: &Decision, question: &Question<'_>) -> Self {
        match decision {
            Decision::Allowed { reasons } => {
                Self { allowed: true, reasons: reasons.iter().map(ReasonAnswer::new).collect(), deny: None }
            }
            Decision::Denied { deny } => {
                Self { allowed: false, reasons: Vec::new(), deny: Some(DenyAnswer::new(deny, question)) }
            }
        }
    }
}

/// A validated credential: `{ principal, handle, tokenId, kind, organization, subject, expires,
/// signed }`. `principal` is `null` for a signed machine token known only by its claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthenticatedAnswer<'a> {
    /// `user:<login>` or `token:<id>`.
    pub principal: Option<&'a str>,
    /// A principal handle for `checkAs`, `explainAs` and `checkHandles`.
    pub handle: u32,
    /// The token id.
    pub token_id: &'a str,
    /// The token kind.
    pub kind: &'static str,
    /// The organization of an organization or team token.
    pub organization: Option<&'a str>,
    /// The user login, team name or role it acts as.
    pub subject: &'a str,
    /// Seconds since the epoch; 0 means never.
    pub expires: u64,
    /// Whether the credential was a signed token.
    pub signed: bool,
}

impl<'a> AuthenticatedAnswer<'a> {
    /// The answer shape of a validated credential, with its handle.
    pub fn new(found: &'a Authenticated, handle: u32) -> Self {
        Self {
            principal: found.principal_name.as_deref(),
            handle,
            token_id: &found.token_id,
            kind: found.kind.as_str(),
            organization: found.organization.as_deref(),
            subject: &found.subject,
            expires: found.expires.unwrap_or(0),
            signed: found.signed,
        }
    }
}

/// A minted token: `{ token, id, record, organization, user }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MintedAnswer<'a> {
    /// The token string, shown once.
    pub token: &'a str,
    /// The token id.
    pub id: &'a str,
    /// The record to store (a digest only).
    pub record: &'a Token<'static>,
    /// The organization of an organization or team token.
    pub organization: Option<&'a str>,
    /// The user of a personal token.
    pub user: Option<&'a str>,
}

impl<'a> MintedAnswer<'a> {
    /// The answer shape of a minted token.
    pub fn new(minted: &'a Minted) -> Self {
        Self {
            token: &minted.token,
            id: &minted.id,
            record: &minted.record,
            organization: minted.organization.as_deref(),
            user: minted.user.as_deref(),
        }
    }
}

/// A listed token: `{ id, kind, name, description, subject, created, expires, deleted }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenInfo<'a> {
    /// The token id.
    pub id: &'a str,
    /// The token kind.
    pub kind: &'static str,
    /// Its name (organization and team tokens).
    pub name: Option<&'a str>,
    /// Its description.
    pub description: Option<&'a str>,
    /// The user login, team name or role it acts as.
    pub subject: &'a str,
    /// Seconds since the epoch.
    pub created: u64,
    /// Seconds since the epoch; 0 means never.
    pub expires: u64,
    /// Whether it was deleted.
    pub deleted: bool,
}

impl<'a> TokenInfo<'a> {
    /// The answer shape of a listed token.
    pub fn new(view: &'a TokenView) -> Self {
        Self {
            id: &view.id,
            kind: view.kind.as_str(),
            name: view.name.as_deref(),
            description: view.description.as_deref(),
            subject: &view.subject,
            created: view.created,
            expires: view.expires.unwrap_or(0),
            deleted: view.deleted,
        }
    }
}

/// A generated Ed25519 key: `{ kid, alg, privateKey, publicKey }` (base64url).
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GeneratedKey {
    /// The key id.
    pub kid: String,
    /// Always `EdDSA`.
    pub alg: &'static str,
    /// The seed, base64url; secret.
    pub private_key: String,
    /// The public key, base64url; goes in `signing.keys`.
    pub public_key: String,
}

impl GeneratedKey {
    /// The answer shape of a new key made from `seed`.
    pub fn new(key: &SigningKey, seed: &[u8; 32]) -> Self {
        Self {
            kid: key.kid().to_string(),
            alg: key.algorithm().as_str(),
            private_key: base64url::encode(seed),
            public_key: base64url::encode(key.public_key().unwrap_or_default()),
        }
    }
}

impl fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the private key is never printed.
        f.debug_struct("GeneratedKey").field("kid", &self.kid).field("publicKey", &self.public_key).finish()
    }
}

/// A page of a resource search: `{ ids, nextCursor? }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcePageAnswer<'a> {
    /// The resource ids, in a stable order.
    pub ids: &'a [String],
    /// The cursor of the next page; absent on the last one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<&'a str>,
}

impl<'a> ResourcePageAnswer<'a> {
    /// The answer shape of a page.
    pub fn new(page: &'a crate::engine::ResourcePage) -> Self {
        Self { ids: &page.ids, next_cursor: page.next_cursor.as_deref() }
    }
}

/// A principal a subject search found: `{ principal, name, kind, reasons }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectAnswer<'a> {
    /// `user:<login>` or `token:<id>`.
    pub principal: &'a str,
    /// The login, or the token's name.
    pub name: &'a str,
    /// `user` or `token`.
    pub kind: &'static str,
    /// Every source that grants the scope.
    pub reasons: Vec<ReasonAnswer>,
}

impl<'a> SubjectAnswer<'a> {
    /// The answer shape of one subject.
    pub fn new(subject: &'a crate::engine::Subject) -> Self {
        Self {
            principal: &subject.principal,
            name: &subject.name,
            kind: if subject.token { "token" } else { "user" },
            reasons: subject.reasons.iter().map(ReasonAnswer::new).collect(),
        }
    }
}
