//! The 102 organization-level scopes of the "RBAC Scopes: Organization Settings" page, in its
//! 23 groups, with the built-in roles that hold each one by default.
//!
//! Generated once from the source page; the page lists `Admin` on 101 of them, and the model
//! gives Admin every scope, so `environment_tags:list` is held by Admin through that rule.

use super::DefaultRoles;

/// One row of the organization scope table.
#[derive(Debug, Clone, Copy)]
pub struct OrgScopeRow {
    /// The group heading the scope is listed under (read by the crate's tests only).
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    pub group: &'static str,
    /// The scope name, `object:action`.
    pub name: &'static str,
    /// The built-in roles the page lists as holding it by default.
    pub defaults: DefaultRoles,
}

const A: DefaultRoles = DefaultRoles::ADMIN;
const AM: DefaultRoles = DefaultRoles::ADMIN_MEMBER;
const AB: DefaultRoles = DefaultRoles::ADMIN_BILLING;
const AMB: DefaultRoles = DefaultRoles::ALL;
const NONE: DefaultRoles = DefaultRoles::NONE;

/// Every organization scope of the catalog, in page order.
pub const ORG_SCOPES: [OrgScopeRow; 102] = [
    OrgScopeRow { group: "Agent Pools", name: "agent_pool:create", defaults: A },
    OrgScopeRow { group: "Agent Pools", name: "agent_pool:delete", defaults: A },
    OrgScopeRow { group: "Agent Pools", name: "agent_pool:read", defaults: A },
    OrgScopeRow { group: "Agent Pools", name: "agent_pool:update", defaults: A },
    OrgScopeRow { group: "Audit Logs", name: "audit_logs:export", defaults: A },
    OrgScopeRow { group: "Audit Logs", name: "audit_logs:read", defaults: A },
    OrgScopeRow { group: "AI", name: "ai_conversations:create", defaults: AM },
    OrgScopeRow { group: "AI", name: "ai_conversations:list_all", defaults: A },
    OrgScopeRow { group: "AI", name: "ai_conversations:read", defaults: AM },
    OrgScopeRow { group: "AI", name: "ai_conversations:update", defaults: AM },
    OrgScopeRow { group: "Change requests (approvals)", name: "change_gate:create", defaults: A },
    OrgScopeRow { group: "Change requests (approvals)", name: "change_gate:update", defaults: A },
    OrgScopeRow { group: "Change requests (approvals)", name: "change_gate:delete", defaults: A },
    OrgScopeRow { group: "Deployments", name: "deployments:pause", defaults: A },
    OrgScopeRow { group: "Deployments", name: "deployments:read", defaults: AM },
    OrgScopeRow { group: "Deployments", name: "deployments:read_usage", defaults: AMB },
    OrgScopeRow { group: "Deployments", name: "deployments:resume", defaults: A },
    OrgScopeRow { group: "Environments", name: "environment:create", defaults: AM },
    OrgScopeRow { group: "Environments", name: "environment:list_deleted", defaults: AM },
    OrgScopeRow { group: "Environments", name: "environment:restore_deleted", defaults: A },
    OrgScopeRow { group: "Environments", name: "environment_tags:list", defaults: NONE },
    OrgScopeRow { group: "Environments", name: "environment_yaml:open", defaults: AM },
    OrgScopeRow { group: "Insights Accounts", name: "insights_account:create", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_groups:create", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_groups:delete", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_groups:read", defaults: AM },
    OrgScopeRow { group: "Insights Policy", name: "policy_groups:update", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_pack:create", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_pack:delete", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_pack:read", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_pack:update", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_results:create", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_results:read", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_results:update", defaults: A },
    OrgScopeRow { group: "Insights Policy", name: "policy_results:delete", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_member:add", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_member:delete", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_member:read", defaults: AMB },
    OrgScopeRow { group: "Membership", name: "org_member:set_admin", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_member:update", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_requests:read", defaults: A },
    OrgScopeRow { group: "Membership", name: "org_requests:update", defaults: A },
    OrgScopeRow { group: "Membership", name: "invites:create", defaults: A },
    OrgScopeRow { group: "Membership", name: "invites:read", defaults: A },
    OrgScopeRow { group: "OIDC", name: "oidc_issuers:create", defaults: A },
    OrgScopeRow { group: "OIDC", name: "oidc_issuers:delete", defaults: A },
    OrgScopeRow { group: "OIDC", name: "oidc_issuers:read", defaults: A },
    OrgScopeRow { group: "OIDC", name: "oidc_issuers:regenerate_thumbprints", defaults: A },
    OrgScopeRow { group: "OIDC", name: "oidc_issuers:update", defaults: A },
    OrgScopeRow { group: "OIDC", name: "auth_policies:read", defaults: A },
    OrgScopeRow { group: "OIDC", name: "auth_policies:update", defaults: A },
    OrgScopeRow { group: "Organization", name: "organization:billing", defaults: AB },
    OrgScopeRow { group: "Organization", name: "organization:change_backend", defaults: A },
    OrgScopeRow { group: "Organization", name: "organization:delete", defaults: A },
    OrgScopeRow { group: "Organization", name: "organization:read_usage", defaults: AMB },
    OrgScopeRow { group: "Organization", name: "organization:rename", defaults: A },
    OrgScopeRow { group: "Organization", name: "organization:transfer_stacks", defaults: A },
    OrgScopeRow { group: "Organization", name: "organization:update", defaults: A },
    OrgScopeRow { group: "Organization", name: "org_integrations:read", defaults: A },
    OrgScopeRow { group: "Organization", name: "org_integrations:update", defaults: A },
    OrgScopeRow { group: "Organization", name: "integrations:read", defaults: AM },
    OrgScopeRow { group: "Organization", name: "integrations:update", defaults: AM },
    OrgScopeRow { group: "Organization Tokens", name: "org_token:create", defaults: A },
    OrgScopeRow { group: "Organization Tokens", name: "org_token:delete", defaults: A },
    OrgScopeRow { group: "Organization Tokens", name: "org_token:read", defaults: A },
    OrgScopeRow { group: "Organization Webhooks", name: "organization_webhook:create", defaults: A },
    OrgScopeRow { group: "Organization Webhooks", name: "organization_webhook:delete", defaults: A },
    OrgScopeRow { group: "Organization Webhooks", name: "organization_webhook:read", defaults: A },
    OrgScopeRow { group: "Organization Webhooks", name: "organization_webhook:update", defaults: A },
    OrgScopeRow { group: "Project", name: "project:decrypt", defaults: AM },
    OrgScopeRow { group: "Project", name: "project:encrypt", defaults: AM },
    OrgScopeRow { group: "Resources", name: "resources:dashboard", defaults: AMB },
    OrgScopeRow { group: "Resources", name: "resources:index", defaults: A },
    OrgScopeRow { group: "Resources", name: "resources:search", defaults: AM },
    OrgScopeRow { group: "Roles", name: "role:create", defaults: A },
    OrgScopeRow { group: "Roles", name: "role:delete", defaults: A },
    OrgScopeRow { group: "Roles", name: "role:read", defaults: A },
    OrgScopeRow { group: "Roles", name: "role:update", defaults: A },
    OrgScopeRow { group: "SAML", name: "saml:read", defaults: AMB },
    OrgScopeRow { group: "SAML", name: "saml:update", defaults: A },
    OrgScopeRow { group: "SCIM", name: "scim:delete", defaults: A },
    OrgScopeRow { group: "SCIM", name: "scim:read", defaults: A },
    OrgScopeRow { group: "SCIM", name: "scim:update", defaults: A },
    OrgScopeRow { group: "Stacks", name: "stack:create", defaults: A },
    OrgScopeRow { group: "Stacks", name: "stack:list_deleted", defaults: A },
    OrgScopeRow { group: "Stacks", name: "stack:restore_deleted", defaults: A },
    OrgScopeRow { group: "Stacks", name: "stack_access:read", defaults: AM },
    OrgScopeRow { group: "Tags", name: "tags:read", defaults: AM },
    OrgScopeRow { group: "Teams", name: "team:create", defaults: A },
    OrgScopeRow { group: "Teams", name: "team:create_token", defaults: A },
    OrgScopeRow { group: "Teams", name: "team:delete", defaults: A },
    OrgScopeRow { group: "Teams", name: "team:delete_token", defaults: A },
    OrgScopeRow { group: "Teams", name: "team:list", defaults: AMB },
    OrgScopeRow { group: "Teams", name: "team:list_tokens", defaults: A },
    OrgScopeRow { group: "Teams", name: "team:read", defaults: AM },
    OrgScopeRow { group: "Teams", name: "team:update", defaults: A },
    OrgScopeRow { group: "Teams", name: "github_team:create", defaults: A },
    OrgScopeRow { group: "Templates", name: "templates:read", defaults: AM },
    OrgScopeRow { group: "Template Sources", name: "templates_source:create", defaults: A },
    OrgScopeRow { group: "Template Sources", name: "templates_source:delete", defaults: A },
    OrgScopeRow { group: "Template Sources", name: "templates_source:read", defaults: A },
    OrgScopeRow { group: "Template Sources", name: "templates_source:update", defaults: A },
];
