//! Value types of the access model: entity kinds, permission levels, organization settings and
//! built-in roles. Plain data, shared by the snapshot loader and the engine.

use std::fmt;

/// The entity types that scopes and permission sets apply to (besides the organization itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// A stack: `organization/project/stack`.
    Stack,
    /// An ESC environment: `organization/project/environment`.
    Environment,
    /// A cloud (Insights) account: `organization/account`.
    Account,
}

impl EntityKind {
    /// All entity kinds.
    pub const ALL: [Self; 3] = [Self::Stack, Self::Environment, Self::Account];

    pub(crate) fn slot(self) -> usize {
        self as usize
    }

    /// The word used in snapshots and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stack => "stack",
            Self::Environment => "environment",
            Self::Account => "account",
        }
    }

    /// Parses `stack`, `environment` or `account`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "stack" => Some(Self::Stack),
            "environment" => Some(Self::Environment),
            "account" => Some(Self::Account),
            _ => None,
        }
    }

    /// Whether a permission level exists for this kind (`open` exists for environments only).
    #[inline]
    pub fn accepts(self, level: Permission) -> bool {
        level != Permission::Open || self == Self::Environment
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ordered permission level on an entity. Stacks and cloud accounts use
/// `none < read < write < admin`; environments add `open` between `read` and `write`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Permission {
    /// No access.
    #[default]
    None = 0,
    /// Read (`Stack Read`, `Environment Read`, `Account Read`).
    Read = 1,
    /// Open an environment (read its secrets); environments only.
    Open = 2,
    /// Write (`Stack Write`, …).
    Write = 3,
    /// Admin (`Stack Admin`, …).
    Admin = 4,
}

impl Permission {
    /// All levels, lowest first.
    pub const ALL: [Self; 5] = [Self::None, Self::Read, Self::Open, Self::Write, Self::Admin];

    /// The lowercase name used in snapshots and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Read => "read",
            Self::Open => "open",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    /// Parses a lowercase level name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "none" => Some(Self::None),
            "read" => Some(Self::Read),
            "open" => Some(Self::Open),
            "write" => Some(Self::Write),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three built-in organization roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinRole {
    /// Every scope, ADMIN on every entity.
    Admin,
    /// 23 organization scopes plus the organization's defaults and toggles.
    Member,
    /// Billing and usage only; no stack, team or token access.
    BillingManager,
}

impl BuiltinRole {
    /// The identifier used in snapshots (`admin`, `member`, `billing-manager`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Member => "member",
            Self::BillingManager => "billing-manager",
        }
    }

    /// Parses a built-in role identifier.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            "billing-manager" => Some(Self::BillingManager),
            _ => None,
        }
    }
}

/// A boolean organization setting, for answers that name the setting that decided them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Toggle {
    /// `membersCanCreateStacks` (D.2): Members may create stacks and transfer stacks in.
    MembersCanCreateStacks,
    /// `stackAdminsCanDeleteStacks` (D.3): non-admin stack admins may delete.
    StackAdminsCanDeleteStacks,
    /// `stackAdminsCanTransferStacks` (D.4): non-admin stack admins may transfer out.
    StackAdminsCanTransferStacks,
    /// `membersCanCreateTeams` (D.5): Members may create teams.
    MembersCanCreateTeams,
    /// `membersCanCreateAccounts` (D.8): Members may create cloud accounts.
    MembersCanCreateAccounts,
    /// `teamTokensGetMemberDefaults`: team tokens also get the Member defaults.
    TeamTokensGetMemberDefaults,
}

impl Toggle {
    /// The setting's name in snapshots.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MembersCanCreateStacks => "membersCanCreateStacks",
            Self::StackAdminsCanDeleteStacks => "stackAdminsCanDeleteStacks",
            Self::StackAdminsCanTransferStacks => "stackAdminsCanTransferStacks",
            Self::MembersCanCreateTeams => "membersCanCreateTeams",
            Self::MembersCanCreateAccounts => "membersCanCreateAccounts",
            Self::TeamTokensGetMemberDefaults => "teamTokensGetMemberDefaults",
        }
    }
}

/// Organization settings (model-facts D, PRODUCT decision 5). `Default` gives the documented
/// defaults used when a snapshot omits a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Level built-in Members hold on every stack (D.1). Default `write`.
    pub default_stack_permission: Permission,
    /// Level built-in Members hold on every environment (D.6). Default `write`.
    pub default_environment_permission: Permission,
    /// Level built-in Members hold on every cloud account (D.7). Default `none`.
    pub default_account_permission: Permission,
    /// D.2, default `true`.
    pub members_can_create_stacks: bool,
    /// D.3, default `true`.
    pub stack_admins_can_delete_stacks: bool,
    /// D.4, default `true`.
    pub stack_admins_can_transfer_stacks: bool,
    /// D.5, default `false`.
    pub members_can_create_teams: bool,
    /// D.8, default `false`.
    pub members_can_create_accounts: bool,
    /// PRODUCT decision 2, default `false`.
    pub team_tokens_get_member_defaults: bool,
    /// D.10: maximum remaining token lifetime in days (1..=3650); `None` means no policy.
    pub token_expiry_policy_days: Option<u32>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_stack_permission: Permission::Write,
            default_environment_permission: Permission::Write,
            default_account_permission: Permission::None,
            members_can_create_stacks: true,
            stack_admins_can_delete_stacks: true,
            stack_admins_can_transfer_stacks: true,
            members_can_create_teams: false,
            members_can_create_accounts: false,
            team_tokens_get_member_defaults: false,
            token_expiry_policy_days: None,
        }
    }
}

impl Settings {
    /// The value of a boolean setting.
    pub fn toggle(&self, toggle: Toggle) -> bool {
        match toggle {
            Toggle::MembersCanCreateStacks => self.members_can_create_stacks,
            Toggle::StackAdminsCanDeleteStacks => self.stack_admins_can_delete_stacks,
            Toggle::StackAdminsCanTransferStacks => self.stack_admins_can_transfer_stacks,
            Toggle::MembersCanCreateTeams => self.members_can_create_teams,
            Toggle::MembersCanCreateAccounts => self.members_can_create_accounts,
            Toggle::TeamTokensGetMemberDefaults => self.team_tokens_get_member_defaults,
        }
    }

    /// The default level built-in Members hold on every entity of a kind.
    #[inline]
    pub fn default_permission(&self, kind: EntityKind) -> Permission {
        match kind {
            EntityKind::Stack => self.default_stack_permission,
            EntityKind::Environment => self.default_environment_permission,
            EntityKind::Account => self.default_account_permission,
        }
    }
}

/// The kind of an access token (model-facts E.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// Acts as its user, in every organization the user belongs to.
    Personal,
    /// Acts by its role in one organization (`member`, `admin` or a custom role).
    Organization,
    /// Acts as its team.
    Team,
}

impl TokenKind {
    /// The identifier used in snapshots.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Personal => "personal",
            Self::Organization => "organization",
            Self::Team => "team",
        }
    }

    /// Parses a token kind.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "personal" => Some(Self::Personal),
            "organization" => Some(Self::Organization),
            "team" => Some(Self::Team),
            _ => None,
        }
    }
}

/// A value cut to a length that is safe to put in a message, with control characters escaped so
/// that a message stays on one line.
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}
