//! Answers: a decision with the reasons that granted it, or the reason it was denied.
//! A deny is data, never an error.
//!
//! Deny messages are whole sentences that name what was wrong in the question. They are built
//! here and nowhere else: [`Deny::message`] for an answer, [`forbidden_message`] for a refused
//! management action, both from the [`Question`] that was asked.

use std::fmt::{self, Write as _};

use crate::catalog::Catalog;
use crate::model::shorten;
use crate::model::{BuiltinRole, EntityKind, Permission, Toggle};

/// The answer to one question: allowed with every source that grants it, or denied with the
/// reason.
///
/// ```
/// # let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme",
/// #   "members": [{"login": "ada", "role": "admin"}, {"login": "max"}],
/// #   "stacks": [{"project": "app", "name": "prod"}]}]}"#)?;
/// let decision = engine.explain("max", "stack:write", "acme/app/prod");
/// assert!(decision.is_allowed());
/// assert!(!decision.reasons().is_empty());
/// assert!(decision.deny().is_none());
/// # Ok::<(), scopegate::SnapshotErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The action is allowed.
    Allowed {
        /// Every source that grants the action; never empty.
        reasons: Vec<Reason>,
    },
    /// The action is denied.
    Denied {
        /// Why.
        deny: Deny,
    },
}

impl Decision {
    pub(crate) fn denied(deny: Deny) -> Self {
        Self::Denied { deny }
    }

    /// Whether the action is allowed.
    #[inline]
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }

    /// Every source that grants the action (empty when denied).
    pub fn reasons(&self) -> &[Reason] {
        match self {
            Self::Allowed { reasons } => reasons,
            Self::Denied { .. } => &[],
        }
    }

    /// The granting sources, by value (empty when denied).
    pub fn into_reasons(self) -> Vec<Reason> {
        match self {
            Self::Allowed { reasons } => reasons,
            Self::Denied { .. } => Vec::new(),
        }
    }

    /// Why the action was denied (`None` when allowed).
    pub fn deny(&self) -> Option<&Deny> {
        match self {
            Self::Allowed { .. } => None,
            Self::Denied { deny } => Some(deny),
        }
    }
}

/// One source of a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// The principal is an organization admin (the Admin role, or an admin organization token).
    OrgAdmin,
    /// A built-in role holds the organization scope by default.
    BuiltinRole {
        /// The role.
        role: BuiltinRole,
    },
    /// A custom role's organization access level holds the scope.
    CustomRole {
        /// The role name.
        role: String,
        /// The team the role is assigned to, when held through a team.
        team: Option<String>,
    },
    /// The baseline a team token has on its organization (list users and teams).
    TeamTokenBaseline,
    /// The organization's default permission for built-in Members.
    DefaultPermission {
        /// The default level.
        level: Permission,
    },
    /// A team's grant on this entity.
    TeamGrant {
        /// The team.
        team: String,
        /// The level granted.
        level: Permission,
    },
    /// An entity access rule of a custom role.
    RoleRule {
        /// The role name.
        role: String,
        /// The team the role is assigned to, when held through a team.
        team: Option<String>,
        /// The rule's permission set.
        permission_set: String,
    },
    /// The creator's ADMIN grant on the entity.
    CreatorGrant,
    /// An explicit per-user grant on the entity.
    ExplicitGrant {
        /// The level granted.
        level: Permission,
    },
    /// A built-in Member (or equivalent) allowed by an organization toggle.
    Setting {
        /// The toggle that allows it.
        toggle: Toggle,
    },
    /// The principal administers the team the action targets.
    TeamAdmin {
        /// The team.
        team: String,
    },
}

impl Reason {
    /// Stable machine name of the reason kind.
    pub fn code(&self) -> &'static str {
        match self {
            Self::OrgAdmin => "org_admin",
            Self::BuiltinRole { .. } => "builtin_role",
            Self::CustomRole { .. } => "custom_role",
            Self::TeamTokenBaseline => "team_token_baseline",
            Self::DefaultPermission { .. } => "default_permission",
            Self::TeamGrant { .. } => "team_grant",
            Self::RoleRule { .. } => "role_rule",
            Self::CreatorGrant => "creator_grant",
            Self::ExplicitGrant { .. } => "explicit_grant",
            Self::Setting { .. } => "setting",
            Self::TeamAdmin { .. } => "team_admin",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OrgAdmin => f.write_str("organization admins hold every scope"),
            Self::BuiltinRole { role } => write!(f, "the built-in `{}` role", role.as_str()),
            Self::CustomRole { role, team: None } => write!(f, "the role `{role}`"),
            Self::CustomRole { role, team: Some(team) } => {
                write!(f, "the role `{role}` assigned to team `{team}`")
            }
            Self::TeamTokenBaseline => f.write_str("team tokens may list users and teams"),
            Self::DefaultPermission { level } => {
                write!(f, "the organization default permission `{level}`")
            }
            Self::TeamGrant { team, level } => write!(f, "team `{team}` holds `{level}`"),
            Self::RoleRule { role, team, permission_set } => {
                write!(f, "a rule of role `{role}` grants `{permission_set}`")?;
                match team {
                    Some(team) => write!(f, " through team `{team}`"),
                    None => Ok(()),
                }
            }
            Self::CreatorGrant => f.write_str("the creator's admin grant"),
            Self::ExplicitGrant { level } => write!(f, "an explicit `{level}` grant"),
            Self::Setting { toggle } => write!(f, "the setting `{}` is on", toggle.as_str()),
            Self::TeamAdmin { team } => write!(f, "team admin of `{team}`"),
        }
    }
}

/// Why a question was denied.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Deny {
    /// The principal is not known (or its token was deleted).
    UnknownPrincipal,
    /// The scope is not in the catalog.
    UnknownScope,
    /// The resource does not exist.
    UnknownResource,
    /// The resource string does not fit the scope (a stack scope needs `org/project/stack`, …).
    InvalidResource,
    /// The principal is not a member of the resource's organization.
    NotAMember,
    /// No source grants the scope.
    MissingScope {
        /// The scope asked for (a catalog name).
        scope: &'static str,
        /// The principal's effective level on the entity, for entity scopes (`None` on the
        /// quick path of `check`, which does not compute it).
        level: Option<Permission>,
    },
    /// The scope is held, but an organization toggle that gates it is off.
    SettingDisabled {
        /// The toggle that is off.
        toggle: Toggle,
    },
    /// The action is closed to machine tokens: creating or deleting organization tokens (all
    /// machine tokens), transferring stacks (all but admin tokens).
    MachineToken,
    /// The principal may not create stacks in the transfer's destination organization.
    DestinationDenied {
        /// The destination organization.
        org: String,
    },
    /// A resolved principal, target or handle table was made by another engine (or by an engine
    /// that no longer exists): it names nothing on this one.
    ForeignHandle,
}

impl Deny {
    /// Stable machine name of the deny reason.
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownPrincipal => "unknown_principal",
            Self::UnknownScope => "unknown_scope",
            Self::UnknownResource => "unknown_resource",
            Self::InvalidResource => "invalid_resource",
            Self::NotAMember => "not_a_member",
            Self::MissingScope { .. } => "missing_scope",
            Self::SettingDisabled { .. } => "setting_disabled",
            Self::MachineToken => "machine_token",
            Self::DestinationDenied { .. } => "destination_denied",
            Self::ForeignHandle => "foreign_handle",
        }
    }

    /// The deny as a whole sentence naming what was wrong with `question`, e.g. "`nora` is not
    /// a member of `acme`." or "There is no stack `acme/x/y`."
    pub fn message(&self, question: &Question<'_>) -> String {
        sentence(self.clause(question))
    }

    /// The message without its capital and full stop, so that it can end another sentence.
    fn clause(&self, q: &Question<'_>) -> String {
        let who = Principal(q.principal);
        let org = q.resource.split('/').next().unwrap_or_default();
        match self {
            Self::UnknownPrincipal => match q.principal {
                Some(name) => format!("there is no user or token `{}`", shorten(name)),
                None => "the principal is no longer known".to_string(),
            },
            Self::UnknownScope => format!("there is no scope `{}`", shorten(q.scope)),
            Self::UnknownResource => format!("there is no {}", Target(q)),
            Self::InvalidResource => {
                let mut text = format!("`{}` does not apply to `{}`", shorten(q.scope), shorten(q.resource));
                if let Some(kind) = q.kind {
                    let _ = write!(text, ", which is not {}", kind.shape());
                }
                text
            }
            Self::NotAMember => format!("{who} is not a member of `{}`", shorten(org)),
            Self::MissingScope { .. } if q.kind == Some(ResourceKind::Token) => {
                format!("personal token `{}` belongs to another user", shorten(q.resource))
            }
            Self::MissingScope { scope, level } => {
                format!(
                    "{who} needs `{scope}` on {}, and no role or grant gives it{}",
                    Target(q),
                    Level(*level)
                )
            }
            Self::SettingDisabled { toggle } => format!(
                "`{}` needs the setting `{}`, which is off in `{}`",
                shorten(q.scope),
                toggle.as_str(),
                shorten(org)
            ),
            Self::MachineToken if q.kind == Some(ResourceKind::Token) => {
                "machine tokens mint no personal tokens".to_string()
            }
            Self::MachineToken if q.scope == "stack:transfer" => {
                "`stack:transfer` is closed to machine tokens other than admin tokens".to_string()
            }
            Self::MachineToken => format!("`{}` is closed to machine tokens", shorten(q.scope)),
            Self::DestinationDenied { org } => {
                format!("{who} may not create stacks in the destination organization `{}`", shorten(org))
            }
            Self::ForeignHandle => {
                "the handle was made by another engine, or by one that no longer exists".to_string()
            }
        }
    }
}

/// The message of a refused management action: what the actor may not do and why, e.g.
/// "`max` may not use `organization:update` on organization `acme`: no role or grant gives it."
pub fn forbidden_message(
    action: &str,
    actor: &str,
    resource: &str,
    kind: ResourceKind,
    deny: &Deny,
) -> String {
    let q = Question { principal: Some(actor), scope: action, resource, kind: Some(kind) };
    let reason = match deny {
        Deny::MissingScope { .. } if kind == ResourceKind::Token => "it belongs to another user".to_string(),
        Deny::MissingScope { level, .. } => format!("no role or grant gives it{}", Level(*level)),
        other => other.clause(&q),
    };
    let actor = shorten(actor);
    match kind {
        ResourceKind::Token if resource.is_empty() => {
            format!("`{actor}` may not mint a personal token: {reason}.")
        }
        ResourceKind::Token => {
            format!("`{actor}` may not manage personal token `{}`: {reason}.", shorten(resource))
        }
        _ => format!("`{actor}` may not use `{}` on {}: {reason}.", shorten(action), Target(&q)),
    }
}

/// A clause as a sentence: a capital first letter and a full stop.
fn sentence(clause: String) -> String {
    let mut chars = clause.chars();
    let mut text = String::with_capacity(clause.len() + 1);
    if let Some(first) = chars.next() {
        text.push(first.to_ascii_uppercase());
    }
    text.push_str(chars.as_str());
    text.push('.');
    text
}

/// What kind of thing a resource string names, as the scope reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceKind {
    /// An organization (`org`).
    Organization,
    /// A team (`org/team`).
    Team,
    /// A stack, environment or cloud account.
    Entity(EntityKind),
    /// A personal token (by id; empty for one not minted yet).
    Token,
}

impl ResourceKind {
    fn noun(self) -> &'static str {
        match self {
            Self::Organization => "organization",
            Self::Team => "team",
            Self::Entity(EntityKind::Stack) => "stack",
            Self::Entity(EntityKind::Environment) => "environment",
            Self::Entity(EntityKind::Account) => "cloud account",
            Self::Token => "personal token",
        }
    }

    fn shape(self) -> &'static str {
        match self {
            Self::Organization | Self::Team => "an organization `org` or a team `org/team`",
            Self::Entity(EntityKind::Stack) => "a stack `org/project/stack`",
            Self::Entity(EntityKind::Environment) => "an environment `org/project/environment`",
            Self::Entity(EntityKind::Account) => "a cloud account `org/account`",
            Self::Token => "a token id",
        }
    }
}

/// A question as its caller asked it: what [`Deny::message`] quotes. Made by
/// `Engine::question`, which reads the resource's kind from the scope.
///
/// ```
/// let engine = scopegate::Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme"}]}"#)?;
/// let question = engine.question(Some("nora"), "stack:read", "acme/app/prod");
/// assert_eq!(question.kind, Some(scopegate::ResourceKind::Entity(scopegate::EntityKind::Stack)));
/// let deny = engine.explain("nora", "stack:read", "acme/app/prod");
/// let message = deny.deny().map(|d| d.message(&question));
/// assert_eq!(message.as_deref(), Some("There is no user or token `nora`."));
/// # Ok::<(), scopegate::SnapshotErrors>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Question<'a> {
    /// The principal as named (`max`, `token:<id>`); `None` when it has no name (a handle of a
    /// signed token known only by its claims).
    pub principal: Option<&'a str>,
    /// The scope asked for, or the action refused.
    pub scope: &'a str,
    /// The resource as written (`acme`, `acme/platform`, `acme/app/prod`).
    pub resource: &'a str,
    /// What the scope takes the resource to be; `None` for a scope the catalog does not know.
    pub kind: Option<ResourceKind>,
}

impl<'a> Question<'a> {
    /// A question, with the resource's kind read from the scope the way the engine resolves it:
    /// an entity scope for a path, else an organization scope (on a team for `org/team`).
    pub(crate) fn new(
        catalog: &Catalog,
        principal: Option<&'a str>,
        scope: &'a str,
        resource: &'a str,
    ) -> Self {
        let nested = resource.contains('/');
        let kind = catalog.lookup(scope).and_then(|entry| match entry.entity {
            Some(entity) if nested || entry.org.is_none() => Some(ResourceKind::Entity(entity.kind)),
            _ if nested => entry.org.map(|_| ResourceKind::Team),
            _ => entry.org.map(|_| ResourceKind::Organization),
        });
        Self { principal, scope, resource, kind }
    }
}

/// The principal of a question in a message: its name in backticks, or "the principal".
struct Principal<'a>(Option<&'a str>);

impl fmt::Display for Principal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, "`{}`", shorten(name)),
            None => f.write_str("the principal"),
        }
    }
}

/// The resource of a question in a message: "stack `acme/app/prod`", or "`x`" for an unknown kind.
struct Target<'q, 'a>(&'q Question<'a>);

impl fmt::Display for Target<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = shorten(self.0.resource);
        match self.0.kind {
            Some(kind) => write!(f, "{} `{name}`", kind.noun()),
            None => write!(f, "resource `{name}`"),
        }
    }
}

/// " (effective permission `write`)", or nothing.
struct Level(Option<Permission>);

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(level) => write!(f, " (effective permission `{level}`)"),
            None => Ok(()),
        }
    }
}
