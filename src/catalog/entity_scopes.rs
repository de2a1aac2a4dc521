//! Scopes that apply to one entity: a stack (29), an environment (27) or a cloud account (11),
//! each with the lowest built-in permission level that grants it.

use crate::model::Permission::{self, Admin, Open, Read, Write};

/// One row of an entity scope table.
#[derive(Debug, Clone, Copy)]
pub struct EntityScopeRow {
    /// The scope name, `object:action`.
    pub name: &'static str,
    /// The lowest built-in level whose permission set holds the scope.
    pub level: Permission,
}

const fn row(name: &'static str, level: Permission) -> EntityScopeRow {
    EntityScopeRow { name, level }
}

/// Stack scopes: `Stack Read` holds 8, `Stack Write` 25, `Stack Admin` all 29.
/// `stack_access:read|update` appear only inside the built-in sets, not on the scope tables.
pub const STACK_SCOPES: [EntityScopeRow; 29] = [
    row("stack:read", Read),
    row("stack:export", Read),
    row("stack:encrypt", Read),
    row("stack:decrypt", Read),
    row("stack_deployment:read", Read),
    row("stack_deployment_settings:read", Read),
    row("stack_schedule:read", Read),
    row("stack_access:read", Read),
    row("stack:import", Write),
    row("stack:cancel_update", Write),
    row("stack:write", Write),
    row("stack_deployment_settings:write", Write),
    row("stack_deployment_settings:encrypt", Write),
    row("stack_deployment_cache:read", Write),
    row("stack_deployment:create", Write),
    row("stack_tags:update", Write),
    row("stack_schedule:create", Write),
    row("stack_schedule:update", Write),
    row("stack_schedule:pause", Write),
    row("stack_schedule:resume", Write),
    row("stack_schedule:delete", Write),
    row("stack_webhook:create", Write),
    row("stack_webhook:read", Write),
    row("stack_webhook:update", Write),
    row("stack_webhook:delete", Write),
    row("stack:delete", Admin),
    row("stack:transfer", Admin),
    row("stack:rename", Admin),
    row("stack_access:update", Admin),
];

/// Environment scopes: `Environment Read` 5, `Open` 8, `Write` 26, `Admin` 27.
pub const ENVIRONMENT_SCOPES: [EntityScopeRow; 27] = [
    row("environment:read", Read),
    row("environment:rotate_history", Read),
    row("environment_version:read", Read),
    row("environment_schedule:read", Read),
    row("environment_tag:read", Read),
    row("environment:open", Open),
    row("environment:clone", Open),
    row("environment_version:open", Open),
    row("environment:write", Write),
    row("environment:rotate", Write),
    row("environment_version:create", Write),
    row("environment_version:update", Write),
    row("environment_version:delete", Write),
    row("environment_version:retract", Write),
    row("environment_tag:create", Write),
    row("environment_tag:update", Write),
    row("environment_tag:delete", Write),
    row("environment_schedule:create", Write),
    row("environment_schedule:update", Write),
    row("environment_schedule:pause", Write),
    row("environment_schedule:resume", Write),
    row("environment_schedule:delete", Write),
    row("environment_webhook:read", Write),
    row("environment_webhook:create", Write),
    row("environment_webhook:update", Write),
    row("environment_webhook:delete", Write),
    row("environment:delete", Admin),
];

/// Cloud (Insights) account scopes: `Account Read` 3, `Write` 9, `Admin` 11.
pub const ACCOUNT_SCOPES: [EntityScopeRow; 11] = [
    row("insights_account:read", Read),
    row("insights_account_scan:read", Read),
    row("insights_account_access:read", Read),
    row("insights_account:update", Write),
    row("insights_account:scan", Write),
    row("insights_account_scan:update", Write),
    row("insights_account_scan:cancel", Write),
    row("insights_account_scan:pause", Write),
    row("insights_account_scan:resume", Write),
    row("insights_account:delete", Admin),
    row("insights_account_access:update", Admin),
];
