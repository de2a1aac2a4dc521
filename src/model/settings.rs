//! The organization settings, declared once below: each setting's field, JSON name, type,
//! default and meaning. From that one list come [`Settings`], its wire form [`SettingsWire`]
//! (snapshots, exports, answers and patches), [`SettingsPatch`], the [`Toggle`] names, and
//! [`SETTINGS`], against which the JSON Schema, the TypeScript types and the README are checked.

use std::fmt;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use super::loose::Loose;
use super::{EntityKind, Permission};

/// The longest token expiry policy, in days; written once, here.
macro_rules! max_policy_days {
    () => {
        3650
    };
}

/// The token expiry policy's range, in days. A policy of `0` days, or `null`, is no policy.
pub const EXPIRY_POLICY_DAYS: RangeInclusive<u32> = 1..=max_policy_days!();

const POLICY_EXPECTED: &str = concat!("an integer from 0 to ", max_policy_days!(), ", or null");
const POLICY_RANGE: &str = concat!("from 1 to ", max_policy_days!(), " days");

/// What a setting holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// The level built-in Members hold on every entity of a kind (`none` allowed, `open` only
    /// for environments).
    Level(EntityKind),
    /// A toggle.
    Flag,
    /// The token expiry policy in days ([`EXPIRY_POLICY_DAYS`]), or no policy.
    ExpiryDays,
}

/// One setting, as documentation and drift tests see it.
#[cfg(feature = "testing")]
#[derive(Debug, Clone, Copy)]
pub struct SettingInfo {
    /// The JSON name.
    pub name: &'static str,
    /// What it holds.
    pub kind: SettingKind,
    meaning: &'static str,
}

#[cfg(feature = "testing")]
impl SettingInfo {
    /// What the setting does, in a sentence or two.
    pub fn meaning(&self) -> &'static str {
        self.meaning.trim()
    }
}

/// A setting value that cannot be read, or is outside the setting's range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingProblem {
    /// The JSON type is wrong: what is expected.
    WrongType(&'static str),
    /// The value is outside the setting's set or range.
    InvalidValue {
        /// The value found, as a message shows it.
        value: String,
        /// What is allowed.
        expected: &'static str,
    },
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongType(expected) => write!(f, "must be {expected}"),
            Self::InvalidValue { value, expected } => write!(f, "is {value}, but must be {expected}"),
        }
    }
}

/// The value types that settings hold.
pub(crate) trait SettingValue: Copy {
    /// Reads a value as written: `Ok(None)` when it leaves the setting unchanged.
    fn read(raw: &Loose<'_>, kind: SettingKind) -> Result<Option<Self>, SettingProblem>;
    /// Whether the setting may hold the value.
    fn check(self, kind: SettingKind) -> Result<(), SettingProblem>;
    /// The value as written.
    fn write(self) -> Loose<'static>;
}

impl SettingValue for Permission {
    fn read(raw: &Loose<'_>, kind: SettingKind) -> Result<Option<Self>, SettingProblem> {
        match raw {
            Loose::Absent | Loose::Null => Ok(None),
            Loose::Str(name) => Permission::parse(name).map(Some).ok_or_else(|| {
                let expected = Permission::expected(level_kind(kind), true);
                SettingProblem::InvalidValue { value: raw.to_string(), expected }
            }),
            _ => Err(SettingProblem::WrongType("a string")),
        }
    }
    fn check(self, kind: SettingKind) -> Result<(), SettingProblem> {
        let kind = level_kind(kind);
        if kind.accepts(self) {
            return Ok(());
        }
        let expected = Permission::expected(kind, true);
        Err(SettingProblem::InvalidValue { value: format!("\"{self}\""), expected })
    }
    fn write(self) -> Loose<'static> {
        Loose::Str(self.as_str().into())
    }
}

fn level_kind(kind: SettingKind) -> EntityKind {
    match kind {
        SettingKind::Level(kind) => kind,
        SettingKind::Flag | SettingKind::ExpiryDays => EntityKind::Stack,
    }
}

impl SettingValue for bool {
    fn read(raw: &Loose<'_>, _: SettingKind) -> Result<Option<Self>, SettingProblem> {
        match raw {
            Loose::Absent | Loose::Null => Ok(None),
            Loose::Bool(b) => Ok(Some(*b)),
            _ => Err(SettingProblem::WrongType("a boolean")),
        }
    }
    fn check(self, _: SettingKind) -> Result<(), SettingProblem> {
        Ok(())
    }
    fn write(self) -> Loose<'static> {
        Loose::Bool(self)
    }
}

/// The expiry policy: `Some(None)` (from `null` or `0`) removes it.
impl SettingValue for Option<u32> {
    fn read(raw: &Loose<'_>, _: SettingKind) -> Result<Option<Self>, SettingProblem> {
        let invalid = || SettingProblem::InvalidValue { value: raw.to_string(), expected: POLICY_EXPECTED };
        match raw {
            Loose::Absent => Ok(None),
            Loose::Null | Loose::Unsigned(0) => Ok(Some(None)),
            Loose::Unsigned(days) => u32::try_from(*days).map(|d| Some(Some(d))).map_err(|_| invalid()),
            Loose::Negative(_) | Loose::Float(_) => Err(invalid()),
            _ => Err(SettingProblem::WrongType("an integer or null")),
        }
    }
    fn check(self, _: SettingKind) -> Result<(), SettingProblem> {
        match self {
            Some(days) if !EXPIRY_POLICY_DAYS.contains(&days) => {
                Err(SettingProblem::InvalidValue { value: days.to_string(), expected: POLICY_RANGE })
            }
            _ => Ok(()),
        }
    }
    fn write(self) -> Loose<'static> {
        self.map_or(Loose::Null, |days| Loose::Unsigned(u64::from(days)))
    }
}

macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])+
        $field:ident: $ty:ty = $default:expr, $name:literal, $kind:expr $(, toggle $toggle:ident)?;
    )+) => {
        /// Organization settings. `Default` gives the documented defaults, used when a snapshot
        /// omits a setting.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct Settings {
            $( $(#[doc = $doc])+ pub $field: $ty, )+
        }

        impl Default for Settings {
            fn default() -> Self {
                Self { $( $field: $default, )+ }
            }
        }

        /// A change to organization settings; `None` leaves a setting as it is.
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct SettingsPatch {
            $( #[doc = concat!("`", $name, "`.")] pub $field: Option<$ty>, )+
        }

        /// Settings as snapshots, answers and patches write them. Reading, every field is
        /// optional and read loosely, so that a bad value is reported with its field; unknown
        /// fields are refused.
        #[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
        #[serde(rename = "Settings", deny_unknown_fields, bound(deserialize = "'de: 'a"))]
        pub struct SettingsWire<'a> {
            $(
                #[doc = concat!("`", $name, "`.")]
                #[serde(rename = $name, default, skip_serializing_if = "Loose::is_absent")]
                pub $field: Loose<'a>,
            )+
        }

        /// Every setting, in declaration order.
        #[cfg(feature = "testing")]
        pub const SETTINGS: [SettingInfo; [$($name),+].len()] =
            [ $( SettingInfo { name: $name, kind: $kind, meaning: concat!($($doc),+) }, )+ ];

        impl Settings {
            /// Applies a patch (checked beforehand with [`SettingsPatch::check`]).
            pub(crate) fn apply(&mut self, patch: &SettingsPatch) {
                $( if let Some(value) = patch.$field { self.$field = value; } )+
            }

            /// The settings as written, every one spelled out.
            pub(crate) fn to_wire(self) -> SettingsWire<'static> {
                SettingsWire { $( $field: self.$field.write(), )+ }
            }

            /// The value of a boolean setting.
            pub fn toggle(&self, toggle: Toggle) -> bool {
                match toggle { $( $( Toggle::$toggle => self.$field, )? )+ }
            }
        }

        impl SettingsWire<'_> {
            /// The same settings, owning their strings.
            pub fn into_owned(self) -> SettingsWire<'static> {
                SettingsWire { $( $field: self.$field.into_owned(), )+ }
            }

            /// Reads every setting present; a value that cannot be read goes to `problem` with
            /// the setting's JSON name.
            pub fn read(&self, problem: &mut dyn FnMut(&'static str, SettingProblem)) -> SettingsPatch {
                SettingsPatch { $(
                    $field: <$ty as SettingValue>::read(&self.$field, $kind).unwrap_or_else(|p| {
                        problem($name, p);
                        None
                    }),
                )+ }
            }
        }

        impl SettingsPatch {
            /// Checks each value against its setting's range; each one outside goes to `problem`.
            pub(crate) fn check(&self, problem: &mut dyn FnMut(&'static str, SettingProblem)) {
                $( if let Some(Err(p)) = self.$field.map(|v| v.check($kind)) { problem($name, p); } )+
            }
        }

        /// A boolean organization setting, for answers that name the setting that decided them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum Toggle {
            $( $( #[doc = concat!("`", $name, "`: see [`Settings`].")] $toggle, )? )+
        }

        impl Toggle {
            /// Every toggle, in the order of the settings table.
            pub const ALL: &'static [Toggle] = &[$( $( Self::$toggle, )? )+];

            /// The toggle named `name` in snapshots; `None` for another name.
            pub fn parse(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|t| t.as_str() == name)
            }

            /// The setting's name in snapshots.
            pub fn as_str(self) -> &'static str {
                match self { $( $( Self::$toggle => $name, )? )+ }
            }
        }
    };
}

settings! {
    /// Level that built-in Members (users with the `member` role, organization tokens with the
    /// `member` role) hold on every stack. Custom-role members and billing managers never
    /// get it; team tokens get it only with `teamTokensGetMemberDefaults`.
    default_stack_permission: Permission = Permission::Write,
        "defaultStackPermission", SettingKind::Level(EntityKind::Stack);
    /// Level that built-in Members hold on every environment, as `defaultStackPermission` does on
    /// stacks.
    default_environment_permission: Permission = Permission::Write,
        "defaultEnvironmentPermission", SettingKind::Level(EntityKind::Environment);
    /// Level that built-in Members hold on every cloud account, as `defaultStackPermission` does
    /// on stacks.
    default_account_permission: Permission = Permission::None,
        "defaultAccountPermission", SettingKind::Level(EntityKind::Account);
    /// Built-in Members also hold `stack:create`: they may create stacks and transfer stacks into
    /// the organization.
    members_can_create_stacks: bool = true,
        "membersCanCreateStacks", SettingKind::Flag, toggle MembersCanCreateStacks;
    /// When off, only organization admins may delete stacks; when on, anyone holding
    /// `stack:delete` on the stack (Stack Admin, or a custom set holding it) may.
    stack_admins_can_delete_stacks: bool = true,
        "stackAdminsCanDeleteStacks", SettingKind::Flag, toggle StackAdminsCanDeleteStacks;
    /// When off, only organization admins may transfer stacks out; when on, anyone holding
    /// `stack:transfer` on the stack may; a transfer also needs `stack:create` in the destination.
    stack_admins_can_transfer_stacks: bool = true,
        "stackAdminsCanTransferStacks", SettingKind::Flag, toggle StackAdminsCanTransferStacks;
    /// Built-in Members also hold `team:create`; a user who creates a team becomes its team admin.
    members_can_create_teams: bool = false,
        "membersCanCreateTeams", SettingKind::Flag, toggle MembersCanCreateTeams;
    /// Built-in Members also hold `insights_account:create`.
    members_can_create_accounts: bool = false,
        "membersCanCreateAccounts", SettingKind::Flag, toggle MembersCanCreateAccounts;
    /// Team tokens also get the built-in Member's organization scopes, the default permissions
    /// and the member toggles above; off, a team token holds only what its team is granted.
    team_tokens_get_member_defaults: bool = false,
        "teamTokensGetMemberDefaults", SettingKind::Flag, toggle TeamTokensGetMemberDefaults;
    /// Token expiry policy: the longest remaining lifetime, in days, of a token used
    /// against the organization; `null` or `0` means no policy. `Engine::authenticate` refuses
    /// the organization's tokens and its members' personal tokens that never expire or expire
    /// later than that (`expiry_policy_violation`), and so does minting an organization or team
    /// token. `check` and `explain` on principal strings do
    /// not depend on it.
    token_expiry_policy_days: Option<u32> = None,
        "tokenExpiryPolicyDays", SettingKind::ExpiryDays;
}

impl Serialize for Settings {
    /// Every setting spelled out, as snapshots and answers carry them.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_wire().serialize(s)
    }
}

impl Settings {
    /// The default level built-in Members hold on every entity of a kind.
    #[inline]
    pub fn default_permission(&self, kind: EntityKind) -> Permission {
        match kind {
            EntityKind::Stack => self.default_stack_permission,
            EntityKind::Environment => self.default_environment_permission,
            EntityKind::Account => self.default_account_permission,
        }
    }

    /// Whether the token expiry policy admits a token expiring at `expires` (`None`: never)
    /// used at `now`: with a policy, it must expire, and no later than the cap from now.
    #[must_use]
    pub fn expiry_policy_admits(&self, expires: Option<u64>, now: u64) -> bool {
        match (self.token_expiry_policy_days, expires) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(days), Some(at)) => at.saturating_sub(now) <= u64::from(days) * 86_400,
        }
    }
}
