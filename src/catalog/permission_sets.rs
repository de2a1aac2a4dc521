//! The built-in permission sets: the organization ones (`Read Only`, `Standard`, billing) and
//! the entity levels (`Stack Read` … `Insights Account Admin`).

use crate::model::{EntityKind, Permission};

/// Names that only the built-in `Read Only` / `Standard` sets mention: they are not on the
/// organization scope page, so no built-in role holds them, but custom permission sets may name
/// them.
pub const EXTRA_ORG_SCOPES: [&str; 12] = [
    "organization_annotations:read",
    "project_annotations:read",
    "project_annotations:update",
    "services:read",
    "services:create",
    "services:write",
    "services:admin",
    "insights_policy_evaluator:read",
    "insights_policy_evaluator:delete",
    "insights_policy_evaluator:ensure",
    "insights_policy_evaluator:update",
    "insights_policy_queue:read",
];

/// A built-in organization-level permission set (the organization access level of a role).
#[derive(Debug, Clone, Copy)]
pub struct BuiltinPermissionSet {
    /// Machine identifier used in snapshots.
    pub id: &'static str,
    /// Display name (read by the crate's tests only).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub name: &'static str,
    /// The scopes it holds, in parts (`Standard` is `Read Only` plus 15).
    pub parts: &'static [&'static [&'static str]],
}

const READ_ONLY: [&str; 20] = [
    "ai_conversations:read",
    "deployments:read",
    "deployments:read_usage",
    "environment:list_deleted",
    "environment_tags:list",
    "policy_groups:read",
    "policy_pack:read",
    "policy_results:read",
    "integrations:read",
    "org_member:read",
    "organization_annotations:read",
    "organization:read_usage",
    "project_annotations:read",
    "resources:dashboard",
    "resources:search",
    "saml:read",
    "tags:read",
    "team:read",
    "templates:read",
    "services:read",
];

const STANDARD_EXTRA: [&str; 15] = [
    "ai_conversations:create",
    "ai_conversations:update",
    "environment:create",
    "integrations:update",
    "project_annotations:update",
    "project:decrypt",
    "project:encrypt",
    "services:create",
    "services:write",
    "services:admin",
    "insights_policy_evaluator:read",
    "insights_policy_evaluator:delete",
    "insights_policy_evaluator:ensure",
    "insights_policy_evaluator:update",
    "insights_policy_queue:read",
];

const BILLING: [&str; 7] = [
    "deployments:read_usage",
    "org_member:read",
    "organization:billing",
    "organization:read_usage",
    "resources:dashboard",
    "saml:read",
    "team:read",
];

/// The three built-in organization permission sets.
pub const ORG_PERMISSION_SETS: [BuiltinPermissionSet; 3] = [
    BuiltinPermissionSet { id: "read-only", name: "Read Only", parts: &[&READ_ONLY] },
    BuiltinPermissionSet { id: "standard", name: "Standard", parts: &[&READ_ONLY, &STANDARD_EXTRA] },
    BuiltinPermissionSet {
        id: "organization-settings-billing",
        name: "Organization Settings Billing",
        parts: &[&BILLING],
    },
];

impl BuiltinPermissionSet {
    /// Every scope name of the set.
    pub fn scopes(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.parts.iter().flat_map(|part| part.iter().copied())
    }

    /// Parses the machine identifier of a built-in entity permission set (`stack-read`,
    /// `environment-open`, `insights-account-admin`, …) into its entity type and level.
    pub fn parse_entity(id: &str) -> Option<(EntityKind, Permission)> {
        let (kind, level) = if let Some(level) = id.strip_prefix("stack-") {
            (EntityKind::Stack, level)
        } else if let Some(level) = id.strip_prefix("environment-") {
            (EntityKind::Environment, level)
        } else if let Some(level) = id.strip_prefix("insights-account-") {
            (EntityKind::Account, level)
        } else {
            return None;
        };
        let level = Permission::parse(level)?;
        (level != Permission::None && kind.accepts(level)).then_some((kind, level))
    }

    /// Every built-in entity permission set identifier (10).
    #[cfg(feature = "testing")]
    pub const ENTITY_IDS: [&'static str; 10] = [
        "stack-read",
        "stack-write",
        "stack-admin",
        "environment-read",
        "environment-open",
        "environment-write",
        "environment-admin",
        "insights-account-read",
        "insights-account-write",
        "insights-account-admin",
    ];
}
