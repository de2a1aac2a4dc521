//! Minting, deleting and listing tokens: who may mint each kind (users their own personal
//! tokens; organization tokens need `org_token:create`, team tokens `team:create_token` on the
//! team), names (at most 40 characters, unique across the organization's organization and team
//! tokens, deleted ones included), expiry (at most two years ahead, and within the
//! organization's expiry policy when it has one).
//!
//! A token is named by its id alone, so an actor outside its reach (not a member of its
//! organization, or not the owner of a personal token) is answered as if it did not exist.

use std::fmt;

use super::Manager;
use crate::authorize::{Authorizer, ResourceRef};
use crate::decision::{Deny, ResourceKind};
use crate::error::ManageError;
use crate::model::{BuiltinRole, TokenKind};
use crate::snapshot::wire::Token;
use crate::snapshot::{Change, NameRule, shorten};
use crate::store::{NewToken, OrgId, RoleRef, TokenId, TokenSubject, UserId, Who};
use crate::token::{Claims, MAX_LIFETIME_SECONDS, SigningKey, opaque, sign_claims};

/// What to mint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MintRequest {
    /// The kind of token; `None` is a personal token.
    pub kind: Option<TokenKind>,
    /// Organization of an organization or team token.
    pub org: Option<String>,
    /// Team of a team token.
    pub team: Option<String>,
    /// Role of an organization token: `member` (default), `admin`, or a custom role.
    pub role: Option<String>,
    /// Name of an organization or team token (required for those, absent for personal ones).
    pub name: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Expiry in seconds since the epoch; `None` for a token that never expires (refused for
    /// signed tokens, and where the organization's expiry policy requires one).
    pub expires: Option<u64>,
}

/// A freshly minted token: the secret string, shown once, and the record that is stored.
#[derive(Clone)]
pub struct Minted {
    /// The token string. Give it to its owner; it cannot be recovered later.
    pub token: String,
    /// The token's id.
    pub id: String,
    /// The stored record (see [`Minted::record`]).
    pub(crate) record: Token<'static>,
    /// The organization of an organization or team token.
    pub organization: Option<String>,
    /// The user of a personal token.
    pub user: Option<String>,
}

impl Minted {
    /// The stored record, exactly as it goes into a snapshot (a digest only, never the
    /// secret): under `organizations[].tokens` for organization and team tokens, under
    /// `users[].tokens` for personal ones.
    ///
    /// ```
    /// # let mut engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
    /// #   "members": [{"login": "max"}]}]}"#)?;
    /// let minted = engine.mint_opaque("max", &scopegate::MintRequest::default(), 1_700_000_000)?;
    /// let record = minted.record();
    /// assert_eq!(record["id"], minted.id.as_str());
    /// assert_eq!(record["created"], 1_700_000_000);
    /// assert!(record["digest"].is_string());
    /// assert!(!record.to_string().contains(&minted.token));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn record(&self) -> serde_json::Value {
        serde_json::to_value(&self.record).unwrap_or_default()
    }
}

impl fmt::Debug for Minted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // SECURITY: the token string is never printed.
        f.debug_struct("Minted").field("id", &self.id).field("token", &"<redacted>").finish()
    }
}

/// A token as a listing shows it (no secret, no digest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenView {
    /// Token id.
    pub id: String,
    /// Kind.
    pub kind: TokenKind,
    /// Name (organization and team tokens).
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// User login, team name or role it acts as.
    pub subject: String,
    /// Created, seconds since the epoch.
    pub created: u64,
    /// Expires, seconds since the epoch; `None` for a token that never expires.
    pub expires: Option<u64>,
    /// Whether it was deleted (its name stays reserved).
    pub deleted: bool,
}

fn invalid(what: &'static str, why: impl Into<String>) -> ManageError {
    ManageError::InvalidArgument { what, why: why.into() }
}

fn forbidden(action: &'static str, actor: &str, token: &str, deny: Deny) -> ManageError {
    let (actor, resource) = (actor.to_string(), token.to_string());
    ManageError::Forbidden { action, actor, resource, kind: ResourceKind::Token, deny }
}

/// A version-4 UUID from 16 random bytes.
fn uuid(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let part = |a: usize, b: usize| hex.get(a..b).unwrap_or_default();
    format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32))
}

/// Fills `buf` from the operating system's (or the browser's) secure random source.
fn random<const N: usize>() -> Result<[u8; N], ManageError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|_| ManageError::RandomUnavailable)?;
    Ok(buf)
}

/// The checked parts of a mint request.
struct Plan {
    kind: TokenKind,
    org: Option<OrgId>,
    subject: TokenSubject,
    name: Option<String>,
    created_by: Option<UserId>,
}

impl Manager<'_> {
    /// Mints an opaque token (`pul-…`) with fresh randomness, records it, and returns it.
    pub fn mint_opaque(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
    ) -> Result<Minted, ManageError> {
        let secret = random::<20>()?;
        let id = random::<16>()?;
        self.mint_opaque_from(actor, request, now, secret, id)
    }

    /// Like [`Engine::mint_opaque`] with the randomness passed in (for reproducible vectors).
    pub fn mint_opaque_from(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        secret: [u8; 20],
        id: [u8; 16],
    ) -> Result<Minted, ManageError> {
        let plan = self.plan_mint(actor, request, now)?;
        let token = opaque::format(&secret);
        let id = uuid(id);
        let record = self.record(&plan, &id, request, now, Some(opaque::digest(&token)))?;
        Ok(self.minted(&plan, token, id, record))
    }

    /// Mints a signed token (JWT) with `key`, records it (without a digest), and returns it.
    /// Signed tokens must expire.
    pub fn mint_signed(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        key: &SigningKey,
    ) -> Result<Minted, ManageError> {
        let id = random::<16>()?;
        self.mint_signed_from(actor, request, now, key, id)
    }

    /// Like [`Engine::mint_signed`] with the id's randomness passed in.
    pub fn mint_signed_from(
        &mut self,
        actor: &str,
        request: &MintRequest,
        now: u64,
        key: &SigningKey,
        id: [u8; 16],
    ) -> Result<Minted, ManageError> {
        let Some(expires) = request.expires else {
            return Err(invalid("expires", "a signed token must expire"));
        };
        let plan = self.plan_mint(actor, request, now)?;
        let id = uuid(id);
        let org_name = plan.org.and_then(|o| self.store.org(o)).map(|o| o.name().to_string());
        let sub = match plan.subject {
            TokenSubject::User(u) => self.store.user(u).map(|u| u.login().to_string()),
            TokenSubject::Team(_) => request.team.clone(),
            TokenSubject::Role(_) => plan.name.clone(),
        };
        let role = match plan.subject {
            TokenSubject::Role(r) => {
                plan.org.and_then(|o| self.store.org(o)).map(|o| o.role_name(r).to_string())
            }
            _ => None,
        };
        let signing = self.store.signing();
        let claims = Claims {
            jti: id.clone(),
            kind: plan.kind,
            org: org_name,
            sub: sub.unwrap_or_default(),
            role,
            iat: now,
            nbf: now,
            exp: expires,
            iss: signing.issuer().map(str::to_string),
            aud: signing.audience().map(str::to_string),
        };
        let token = sign_claims(&claims, key);
        let record = self.record(&plan, &id, request, now, None)?;
        Ok(self.minted(&plan, token, id, record))
    }

    /// The minted token, with its record applied as a change (the record was added by
    /// [`Manager::record`], through the store mutation the change uses).
    fn minted(&mut self, plan: &Plan, token: String, id: String, record: Token<'static>) -> Minted {
        let organization = plan.org.and_then(|o| self.store.org(o)).map(|o| o.name().to_string());
        let user = match plan.subject {
            TokenSubject::User(u) => self.store.user(u).map(|u| u.login().to_string()),
            _ => None,
        };
        let (org, owner) = (organization.clone(), user.clone());
        self.record_change(Change::AddToken { org, user: owner, token: record.clone() });
        Minted { token, id, record, organization, user }
    }

    /// Checks the actor's right and the request's rules.
    fn plan_mint(&self, actor: &str, request: &MintRequest, now: u64) -> Result<Plan, ManageError> {
        let kind = request.kind.unwrap_or(TokenKind::Personal);
        if let Some(expires) = request.expires {
            if expires <= now {
                return Err(invalid("expires", "is in the past"));
            }
            if expires - now > MAX_LIFETIME_SECONDS {
                return Err(invalid("expires", "a token may live at most two years"));
            }
        }
        if let Some(description) = &request.description {
            if !NameRule::Text.accepts(description) {
                return Err(invalid("description", "must be at most 256 printable characters"));
            }
        }
        let who = self.view().resolve_principal(actor);
        if kind == TokenKind::Personal {
            // Users mint their own personal tokens; machine tokens mint none.
            let Some(Who::User(user)) = who else {
                return Err(forbidden("personal token", actor, "", Deny::MachineToken));
            };
            if request.name.is_some()
                || request.org.is_some()
                || request.team.is_some()
                || request.role.is_some()
            {
                return Err(invalid("request", "a personal token has a description only"));
            }
            return Ok(Plan {
                kind,
                org: None,
                subject: TokenSubject::User(user),
                name: None,
                created_by: Some(user),
            });
        }
        let org_name = request.org.as_deref().ok_or_else(|| invalid("org", "is required"))?;
        // Outsiders are refused before anything in the organization is looked up.
        let org_idx = if kind == TokenKind::Team {
            let team_name = request.team.as_deref().ok_or_else(|| invalid("team", "is required"))?;
            let resource = format!("{org_name}/{team_name}");
            self.member_org(actor, "team:create_token", org_name, (&resource, ResourceKind::Team))?
        } else {
            self.member_of_org(actor, "org_token:create", org_name)?
        };
        let org = self.store.org(org_idx).ok_or_else(|| invalid("org", "is unknown"))?;
        let subject = if kind == TokenKind::Team {
            let team_name = request.team.as_deref().unwrap_or_default();
            let team = org.team_id(team_name);
            let team =
                team.ok_or_else(|| ManageError::NotFound { what: "team", name: team_name.to_string() })?;
            self.require(actor, "team:create_token", ResourceRef::Team(org_idx, team))?;
            TokenSubject::Team(team)
        } else {
            self.require(actor, "org_token:create", ResourceRef::Org(org_idx))?;
            let role_name = request.role.as_deref().unwrap_or("member");
            let role = match BuiltinRole::parse(role_name) {
                Some(BuiltinRole::BillingManager) => {
                    return Err(invalid("role", "an organization token cannot be a billing manager"));
                }
                Some(builtin) => RoleRef::Builtin(builtin),
                None => RoleRef::Custom(
                    org.role_id(role_name)
                        .ok_or_else(|| ManageError::NotFound { what: "role", name: role_name.to_string() })?,
                ),
            };
            TokenSubject::Role(role)
        };
        let name = request.name.as_deref().ok_or_else(|| invalid("name", "is required"))?;
        if !NameRule::TokenName.accepts(name) {
            return Err(invalid("name", "must be 1 to 40 printable characters"));
        }
        if org.token_name_used(name) {
            let why = "is taken: names are unique across organization and team tokens, deleted ones included";
            return Err(ManageError::Conflict { what: "token name", name: shorten(name), why });
        }
        if let Some(days) = org.settings().token_expiry_policy_days {
            let cap = u64::from(days) * 86_400;
            if request.expires.is_none_or(|expires| expires - now > cap) {
                return Err(ManageError::ExpiryPolicyViolation { org: org_name.to_string(), max_days: days });
            }
        }
        let created_by = match who {
            Some(Who::User(user)) => Some(user),
            _ => None,
        };
        Ok(Plan { kind, org: Some(org_idx), subject, name: Some(name.to_string()), created_by })
    }

    /// Stores a new record and returns it in snapshot form.
    fn record(
        &mut self,
        plan: &Plan,
        id: &str,
        request: &MintRequest,
        now: u64,
        digest: Option<[u8; 32]>,
    ) -> Result<Token<'static>, ManageError> {
        let record = NewToken::new(id, plan.kind, plan.org, plan.subject)
            .named(plan.name.as_deref(), request.description.as_deref())
            .digest(digest)
            .times(now, request.expires.unwrap_or(0))
            .created_by(plan.created_by);
        let added = self.store.add_token(record);
        // The id is fresh randomness and the name was checked; a conflict leaves no record.
        let Ok(idx) = added else { return Err(ManageError::RandomUnavailable) };
        // The record exactly as an export writes it: the same wire value, owning its strings.
        Ok(crate::snapshot::token_record(self.store, idx).map(Token::into_owned).unwrap_or_default())
    }

    /// Deletes a token: it stops validating at once, and its name stays reserved. A token the
    /// actor cannot reach (another user's personal token, or a token of an organization the
    /// actor is not a member of) is answered as one that does not exist.
    pub fn delete_token(&mut self, actor: &str, token_id: &str) -> Result<(), ManageError> {
        let unknown = || ManageError::NotFound { what: "token", name: shorten(token_id) };
        let idx = self.store.token_id(token_id).ok_or_else(unknown)?;
        if !reaches(self.view(), actor, idx) {
            return Err(unknown());
        }
        require_token_right(self.view(), actor, idx, true)?;
        self.change(Change::DeleteToken { id: token_id.into() })
    }
}

/// Whether `actor` is the owner of a personal token, or a member of the organization of an
/// organization or team token.
fn reaches(view: Authorizer<'_>, actor: &str, idx: TokenId) -> bool {
    let Some(record) = view.store.token(idx) else { return false };
    match (record.subject(), record.org()) {
        (TokenSubject::User(owner), _) => view.resolve_principal(actor) == Some(Who::User(owner)),
        (_, Some(org)) => view.actor_for(actor, org).is_ok(),
        (_, None) => false,
    }
}

/// Who may delete or list a token: organization tokens need `org_token:delete` /
/// `org_token:read` (machine tokens never create or delete them); team tokens need
/// `team:delete_token` / `team:list_tokens` on the team (org admins, admin tokens, team
/// admins); personal tokens belong to their user alone.
fn require_token_right(
    view: Authorizer<'_>,
    actor: &str,
    idx: TokenId,
    delete: bool,
) -> Result<(), ManageError> {
    let record = view.store.token(idx).ok_or(ManageError::NotFound { what: "token", name: String::new() })?;
    match (record.subject(), record.org()) {
        (TokenSubject::User(owner), _) => match view.resolve_principal(actor) {
            Some(Who::User(user)) if user == owner => Ok(()),
            _ => Err(forbidden(
                "personal token",
                actor,
                record.id(),
                Deny::MissingScope { scope: "ownership", level: None },
            )),
        },
        (TokenSubject::Team(team), Some(org)) => {
            let scope = if delete { "team:delete_token" } else { "team:list_tokens" };
            view.require(actor, scope, ResourceRef::Team(org, team))
        }
        (TokenSubject::Role(_), Some(org)) => {
            let scope = if delete { "org_token:delete" } else { "org_token:read" };
            view.require(actor, scope, ResourceRef::Org(org))
        }
        _ => Err(ManageError::NotFound { what: "token", name: record.id().to_string() }),
    }
}

/// The tokens `actor` may see in `org` (organization and team tokens it may list), or the
/// actor's own personal tokens when `org` is `None`. Expired tokens are included only with
/// `show_expired`.
pub(crate) fn list_tokens(
    view: Authorizer<'_>,
    actor: &str,
    org: Option<&str>,
    now: u64,
    show_expired: bool,
) -> Vec<TokenView> {
    let candidates: Vec<TokenId> = match org {
        Some(name) => view
            .store
            .org_id(name)
            .and_then(|o| view.store.org(o))
            .map(|o| o.token_ids().to_vec())
            .unwrap_or_default(),
        None => match view.resolve_principal(actor) {
            Some(Who::User(user)) => view
                .store
                .tokens()
                .filter(|(_, t)| t.subject() == TokenSubject::User(user))
                .map(|(id, _)| id)
                .collect(),
            _ => Vec::new(),
        },
    };
    candidates
        .into_iter()
        .filter(|&idx| require_token_right(view, actor, idx, false).is_ok())
        .filter_map(|idx| {
            let record = view.store.token(idx)?;
            let expired = record.expires() != 0 && now >= record.expires();
            if expired && !show_expired {
                return None;
            }
            let (kind, _, subject, expires) = view.store.describe_token(idx)?;
            Some(TokenView {
                id: record.id().to_string(),
                kind,
                name: record.name().map(str::to_string),
                description: record.description().map(str::to_string),
                subject,
                created: record.created(),
                expires: (expires != 0).then_some(expires),
                deleted: record.deleted(),
            })
        })
        .collect()
}
