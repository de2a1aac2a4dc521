//! Lists transcribed from the model's facts (seed 002 and model-facts B.1–B.2), shared by the
//! test files that use them as expectations. They are written out here, never read from the
//! library, so that the tests stay independent of the code they check.

/// The Member role's 23 scopes, as listed separately in the model's role summary.
pub const MEMBER_SCOPES: [&str; 23] = [
    "ai_conversations:create",
    "ai_conversations:read",
    "ai_conversations:update",
    "deployments:read",
    "deployments:read_usage",
    "environment:create",
    "environment:list_deleted",
    "environment_yaml:open",
    "policy_groups:read",
    "org_member:read",
    "organization:read_usage",
    "integrations:read",
    "integrations:update",
    "project:decrypt",
    "project:encrypt",
    "resources:dashboard",
    "resources:search",
    "saml:read",
    "stack_access:read",
    "tags:read",
    "team:list",
    "team:read",
    "templates:read",
];

/// The Billing Manager role's 7 scopes.
pub const BILLING_MANAGER_SCOPES: [&str; 7] = [
    "deployments:read_usage",
    "org_member:read",
    "organization:billing",
    "organization:read_usage",
    "resources:dashboard",
    "saml:read",
    "team:list",
];

/// The built-in `Read Only` organization permission set (20).
pub const READ_ONLY_SET: [&str; 20] = [
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

/// What `Standard` adds to `Read Only` (15 more, 35 in all).
pub const STANDARD_ADDS: [&str; 15] = [
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

/// The built-in `Organization Settings Billing` set (7): `team:read`, not `team:list`.
pub const BILLING_SET: [&str; 7] = [
    "deployments:read_usage",
    "org_member:read",
    "organization:billing",
    "organization:read_usage",
    "resources:dashboard",
    "saml:read",
    "team:read",
];
