//! Principals: who is asking, and what they are inside one organization.

use crate::decision::Deny;
use crate::model::BuiltinRole;
use crate::store::{Identity, MemberId, OrgId, RoleRef, Store, TeamId, TokenSubject, UserId, Who};

/// The teams an actor belongs to: a member's list, or a team token's one team.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Teams<'a> {
    List(&'a [TeamId]),
    One(TeamId),
}

impl Teams<'_> {
    pub fn iter(&self) -> impl Iterator<Item = TeamId> + '_ {
        let (list, one): (&[TeamId], Option<TeamId>) = match self {
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
    pub user: Option<UserId>,
    pub member: Option<MemberId>,
    pub role: ActorRole,
    pub teams: Teams<'a>,
    pub admin_of: &'a [TeamId],
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

fn machine_actor(
    store: &Store,
    identity: Identity,
    org: OrgId,
    subject: TokenSubject,
) -> Result<Actor<'_>, Deny> {
    let (role, teams) = match subject {
        TokenSubject::Role(role) => (ActorRole::Role(role), Teams::List(&[])),
        TokenSubject::Team(team) => {
            if store.org(org).and_then(|o| o.team(team)).is_none() {
                return Err(Deny::UnknownPrincipal);
            }
            (ActorRole::TeamToken, Teams::One(team))
        }
        TokenSubject::User(_) => return Err(Deny::UnknownPrincipal),
    };
    Ok(Actor { identity, user: None, member: None, role, teams, admin_of: &[] })
}

/// The principal inside organization `org`.
pub(crate) fn actor_of(store: &Store, who: Who, org: OrgId) -> Result<Actor<'_>, Deny> {
    match who {
        Who::User(user_idx) => {
            let user = store.user(user_idx).ok_or(Deny::UnknownPrincipal)?;
            let member_idx = user.membership(org).ok_or(Deny::NotAMember)?;
            let member = store.org(org).and_then(|o| o.member(member_idx)).ok_or(Deny::NotAMember)?;
            Ok(Actor {
                identity: Identity::User(user_idx),
                user: Some(user_idx),
                member: Some(member_idx),
                role: ActorRole::Role(member.role()),
                teams: Teams::List(member.teams()),
                admin_of: member.admin_of(),
            })
        }
        Who::Machine(token_idx) => {
            let token = store.token(token_idx).filter(|t| !t.deleted()).ok_or(Deny::UnknownPrincipal)?;
            if token.org() != Some(org) {
                return Err(Deny::NotAMember);
            }
            machine_actor(store, Identity::Token(token_idx), org, token.subject())
        }
        Who::Claims(claims) => {
            if claims.org() != org {
                return Err(Deny::NotAMember);
            }
            machine_actor(store, Identity::Claims, org, claims.subject())
        }
    }
}
