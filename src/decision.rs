//! Answers: a decision with the reasons that granted it, or the reason it was denied.
//! A deny is data, never an error.

use std::fmt;

use crate::model::{BuiltinRole, Permission, Toggle};

/// The answer to one question, with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether the action is allowed.
    pub allowed: bool,
    /// Every source that grants the action (empty when denied).
    pub reasons: Vec<Reason>,
    /// Why it was denied (`None` when allowed).
    pub deny: Option<Deny>,
}

impl Decision {
    pub(crate) fn denied(deny: Deny) -> Self {
        Self { allowed: false, reasons: Vec::new(), deny: Some(deny) }
    }
}

/// One source of a grant.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        /// The scope asked for.
        scope: String,
        /// The principal's effective level on the entity, for entity scopes.
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
        }
    }
}

impl fmt::Display for Deny {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownPrincipal => f.write_str("the principal is unknown"),
            Self::UnknownScope => f.write_str("the scope is not in the catalog"),
            Self::UnknownResource => f.write_str("the resource does not exist"),
            Self::InvalidResource => f.write_str("the resource does not fit the scope"),
            Self::NotAMember => f.write_str("the principal is not a member of the organization"),
            Self::MissingScope { scope, level: Some(level) } => {
                write!(f, "`{scope}`, which no grant provides (effective permission `{level}`)")
            }
            Self::MissingScope { scope, level: None } => {
                write!(f, "`{scope}`, which no role or grant provides")
            }
            Self::SettingDisabled { toggle } => {
                write!(f, "the setting `{}`, which is off", toggle.as_str())
            }
            Self::MachineToken => f.write_str("a human principal: this action is closed to machine tokens"),
            Self::DestinationDenied { org } => {
                write!(f, "the right to create stacks in the destination organization `{org}`")
            }
        }
    }
}
