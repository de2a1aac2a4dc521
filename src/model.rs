//! Value types of the access model: entity kinds, permission levels, organization settings and
//! built-in roles. Plain data, shared by the snapshot loader and the engine.

use std::fmt;

pub(crate) mod base64url;
mod loose;
mod settings;

pub use loose::Loose;
#[cfg(feature = "testing")]
pub use settings::{EXPIRY_POLICY_DAYS, SETTINGS, SettingKind};
pub use settings::{SettingProblem, Settings, SettingsPatch, SettingsWire, Toggle};

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
///
/// ```
/// use scopegate::Permission;
/// let level: Permission = "write".parse()?;
/// assert!(level > Permission::Read && level < Permission::Admin);
/// assert_eq!(level.to_string(), "write");
/// assert!("owner".parse::<Permission>().is_err());
/// # Ok::<(), scopegate::ParseNameError>(())
/// ```
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

    /// What a level for `kind` may be, as messages say it; `with_none` where `none` is allowed
    /// (defaults, not grants).
    pub fn expected(kind: EntityKind, with_none: bool) -> &'static str {
        match (kind, with_none) {
            (EntityKind::Environment, true) => "one of `none`, `read`, `open`, `write`, `admin`",
            (EntityKind::Environment, false) => "one of `read`, `open`, `write`, `admin`",
            (_, true) => "one of `none`, `read`, `write`, `admin`",
            (_, false) => "one of `read`, `write`, `admin`",
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

/// The kind of an access token.
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
