//! The token action matrix: 44 actions of the Pulumi Cloud REST API, each
//! mapped to the scope that decides it, with the documented answer per token column.
//!
//! The engine decides every row through its scope alone (no per-endpoint rule); the columns are
//! the documented expectations the tests hold it to: Team and Admin as written, Organization with
//! rows 22–23 following the role model (a token acts with its role's scopes, like a member).

/// What a matrix action targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A stack: `org/project/stack`.
    Stack,
    /// The organization: `org`.
    Org,
    /// One team: `org/team`.
    Team,
}

/// One row of the matrix.
#[derive(Debug, Clone, Copy)]
pub struct MatrixRow {
    /// Row number, 1–44.
    pub row: u8,
    /// Section heading.
    pub section: &'static str,
    /// The action as the documentation names it.
    pub action: &'static str,
    /// The scope that decides it.
    pub scope: &'static str,
    /// What it targets.
    pub target: Target,
    /// Documented: personal token (illustrative only: a personal token acts as its user).
    pub personal: bool,
    /// Documented: team token.
    pub team: bool,
    /// Documented: standard organization token.
    pub organization: bool,
    /// Documented: admin organization token.
    pub admin: bool,
}

const fn row(
    row: u8,
    section: &'static str,
    action: &'static str,
    scope: &'static str,
    target: Target,
    cols: [bool; 4],
) -> MatrixRow {
    let [personal, team, organization, admin] = cols;
    MatrixRow { row, section, action, scope, target, personal, team, organization, admin }
}

const Y: bool = true;
const N: bool = false;
use Target::{Org, Stack, Team};

/// The 44 rows.
pub const TOKEN_MATRIX: [MatrixRow; 44] = [
    row(1, "Stacks", "List stacks", "stack:read", Stack, [Y, Y, Y, Y]),
    row(2, "Stacks", "Get stack", "stack:read", Stack, [Y, Y, Y, Y]),
    row(3, "Stacks", "Get stack state", "stack:export", Stack, [Y, Y, Y, Y]),
    row(4, "Stacks", "Transfer stack", "stack:transfer", Stack, [N, N, N, Y]),
    row(5, "Stacks", "Delete stack", "stack:delete", Stack, [Y, Y, Y, Y]),
    row(6, "Stacks", "List webhooks", "stack_webhook:read", Stack, [N, Y, Y, Y]),
    row(7, "Stacks", "Create webhook", "stack_webhook:create", Stack, [N, Y, Y, Y]),
    row(8, "Stacks", "Get webhook", "stack_webhook:read", Stack, [N, Y, Y, Y]),
    row(9, "Stacks", "Ping webhook", "stack_webhook:update", Stack, [N, Y, Y, Y]),
    row(10, "Stacks", "List webhook deliveries", "stack_webhook:read", Stack, [N, Y, Y, Y]),
    row(11, "Stack tags", "Get stack tags", "stack:read", Stack, [Y, Y, Y, Y]),
    row(12, "Stack tags", "Set stack tag", "stack_tags:update", Stack, [Y, Y, Y, Y]),
    row(13, "Stack tags", "Delete stack tag", "stack_tags:update", Stack, [Y, Y, Y, Y]),
    row(14, "Stack updates", "List stack updates", "stack:read", Stack, [Y, Y, Y, Y]),
    row(15, "Stack updates", "Get update status", "stack:read", Stack, [Y, Y, Y, Y]),
    row(16, "Stack updates", "List update events", "stack:read", Stack, [Y, Y, Y, Y]),
    row(17, "Stack updates", "List previews", "stack:read", Stack, [Y, Y, Y, Y]),
    row(18, "Organizations", "List users", "org_member:read", Org, [N, Y, Y, Y]),
    row(19, "Organizations", "Add user to organization", "org_member:add", Org, [N, N, N, Y]),
    row(20, "Organizations", "Remove user from organization", "org_member:delete", Org, [N, N, N, Y]),
    row(21, "Organizations", "List teams", "team:list", Org, [N, Y, Y, Y]),
    row(22, "Organizations", "Create team", "team:create", Org, [N, N, Y, Y]),
    row(23, "Organizations", "Delete team", "team:delete", Team, [N, N, Y, Y]),
    row(24, "Organizations", "Update team membership", "team:update", Team, [N, N, N, Y]),
    row(25, "Organizations", "Grant stack access to team", "team:update", Team, [N, N, N, Y]),
    row(26, "Organizations", "Remove stack access from team", "team:update", Team, [N, N, N, Y]),
    row(27, "Organizations", "Create team token", "team:create_token", Team, [N, N, N, Y]),
    row(28, "Organizations", "Delete team token", "team:delete_token", Team, [N, N, N, Y]),
    row(29, "Organizations", "Update member role", "org_member:update", Org, [N, N, N, Y]),
    row(30, "Organizations", "List access tokens", "org_token:read", Org, [N, N, N, Y]),
    row(31, "Organizations", "Create access token", "org_token:create", Org, [N, N, N, N]),
    row(32, "Organizations", "Delete access token", "org_token:delete", Org, [N, N, N, N]),
    row(33, "Webhooks", "List stack webhooks", "stack_webhook:read", Stack, [Y, Y, Y, Y]),
    row(34, "Webhooks", "Create stack webhook", "stack_webhook:create", Stack, [Y, Y, Y, Y]),
    row(35, "Webhooks", "Get stack webhook", "stack_webhook:read", Stack, [Y, Y, Y, Y]),
    row(36, "Webhooks", "Ping stack webhook", "stack_webhook:update", Stack, [Y, Y, Y, Y]),
    row(37, "Webhooks", "List stack webhooks deliveries", "stack_webhook:read", Stack, [Y, Y, Y, Y]),
    row(38, "Webhooks", "List organization webhooks", "organization_webhook:read", Org, [N, N, N, Y]),
    row(39, "Webhooks", "Create organization webhook", "organization_webhook:create", Org, [N, N, N, Y]),
    row(40, "Webhooks", "Get organization webhook", "organization_webhook:read", Org, [N, N, N, Y]),
    row(41, "Webhooks", "Ping organization webhook", "organization_webhook:update", Org, [N, N, N, Y]),
    row(
        42,
        "Webhooks",
        "List organization webhooks deliveries",
        "organization_webhook:read",
        Org,
        [N, N, N, Y],
    ),
    row(43, "Audit logs", "Get audit log events (JSON)", "audit_logs:read", Org, [N, N, N, Y]),
    row(44, "Audit logs", "Export audit log events (CSV or CEF)", "audit_logs:export", Org, [N, N, N, Y]),
];
