//! Principals: who is asking, and what they are inside one organization.

use super::decision::Deny;
use super::index::{Identity, Index, MemberIdx, OrgIdx, RoleRef, TeamIdx, TokenIdx, TokenSubject, UserIdx};
use crate::model::{BuiltinRole, TokenKind};

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

/// The teams an actor belongs to: a member's list, or a team token's one team.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Teams<'a> {
    List(&'a [TeamIdx]),
    One(TeamIdx),
}

impl Teams<'_> {
    pub fn iter(&self) -> impl Iterator<Item = TeamIdx> + '_ {
        let (list, one): (&[TeamIdx], Option<TeamIdx>) = match self {
            Self::List(list) => (list, None),
            Self::One(team) => (&[], Some(*team)),
        };
        list.iter().copied().chain(one)
    }
}

/// What the principal acts as inside one organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActorRole {
    /// A user's role or an organization token's role.
    Role(RoleRef),
    /// A team token: no role of its own.
    TeamToken,
}

/// A principal inside one organization: everything the evaluator needs, borrowed from the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Actor<'a> {
    pub identity: Identity,
    pub user: Option<UserIdx>,
    pub member: Option<MemberIdx>,
    pub role: ActorRole,
    pub teams: Teams<'a>,
    pub admin_of: &'a [TeamIdx],
}

impl Actor<'_> {
    #[inline]
    pub fn is_admin(&self) -> bool {
        self.role == ActorRole::Role(RoleRef::Builtin(BuiltinRole::Admin))
    }
    #[inline]
    pub fn is_machine(&self) -> bool {
        matches!(self.identity, Identity::Token(_) | Identity::Claims)
    }
    #[inline]
    pub fn is_builtin_member(&self) -> bool {
        self.role == ActorRole::Role(RoleRef::Builtin(BuiltinRole::Member))
    }
}

impl Index {
    fn machine_actor(
        &self,
        identity: Identity,
        org: OrgIdx,
        subject: TokenSubject,
    ) -> Result<Actor<'_>, Deny> {
        let (role, teams) = match subject {
            TokenSubject::Role(role) => (ActorRole::Role(role), Teams::List(&[])),
            TokenSubject::Team(team) => {
                if self.orgs.get(org as usize).and_then(|o| o.team(team)).is_none() {
                    return Err(Deny::UnknownPrincipal);
                }
                (ActorRole::TeamToken, Teams::One(team))
            }
            TokenSubject::User(_) => return Err(Deny::UnknownPrincipal),
        };
        Ok(Actor { identity, user: None, member: None, role, teams, admin_of: &[] })
    }

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

    /// The principal inside organization `org`.
    pub(crate) fn actor(&self, who: Who, org: OrgIdx) -> Result<Actor<'_>, Deny> {
        match who {
            Who::User(user_idx) => {
                let user = self.users.get(user_idx as usize).ok_or(Deny::UnknownPrincipal)?;
                let (_, member_idx) =
                    user.memberships.iter().find(|(o, _)| *o == org).copied().ok_or(Deny::NotAMember)?;
                let member =
                    self.orgs.get(org as usize).and_then(|o| o.member(member_idx)).ok_or(Deny::NotAMember)?;
                Ok(Actor {
                    identity: Identity::User(user_idx),
                    user: Some(user_idx),
                    member: Some(member_idx),
                    role: ActorRole::Role(member.role),
                    teams: Teams::List(&member.teams),
                    admin_of: &member.admin_of,
                })
            }
            Who::Machine(token_idx) => {
                let token = self
                    .tokens
                    .get(token_idx as usize)
                    .filter(|t| !t.deleted)
                    .ok_or(Deny::UnknownPrincipal)?;
                if token.org != Some(org) {
                    return Err(Deny::NotAMember);
                }
                self.machine_actor(Identity::Token(token_idx), org, token.subject)
            }
            Who::Claims(claims) => {
                if claims.org != org {
                    return Err(Deny::NotAMember);
                }
                self.machine_actor(Identity::Claims, org, claims.subject)
            }
        }
    }
}
