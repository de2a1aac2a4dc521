//! The scope catalog and the built-in grants, checked against the access model.
//!
//! Expected values are transcribed from the model (the "RBAC Scopes: Organization Settings"
//! page with its 102 scopes in 23 groups, and the stack / environment / account scope tables,
//! built-in permission sets and the stack permission table) and are kept here as test data.
//! Grants are asked of the engine, never of the catalog alone, wherever a question exists.

use std::collections::{BTreeMap, BTreeSet};

use Permission::{Admin, None as NoAccess, Open, Read, Write};
use scopegate::testing::{
    ACCOUNT_SCOPES, Catalog, ENVIRONMENT_SCOPES, EXTRA_ORG_SCOPES, EntityScopeSet, ORG_PERMISSION_SETS,
    ORG_SCOPES, STACK_SCOPES,
};
use scopegate::{Engine, EntityKind, ErrorCode, Permission, SnapshotErrors};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// Model data
// ---------------------------------------------------------------------------------------------

/// The organization scope page in page order: (group heading, scope, default roles), where the
/// marks are `A` = Admin, `M` = Member, `B` = Billing Manager as listed under "Granted by default
/// roles". `environment_tags:list` is listed for no role (only for the `Environment Read` set).
#[path = "common/facts.rs"]
mod facts;
use facts::{BILLING_MANAGER_SCOPES, BILLING_SET, MEMBER_SCOPES, READ_ONLY_SET, STANDARD_ADDS};

const ORG_TABLE: [(&str, &str, &str); 102] = [
    ("Agent Pools", "agent_pool:create", "A"),
    ("Agent Pools", "agent_pool:delete", "A"),
    ("Agent Pools", "agent_pool:read", "A"),
    ("Agent Pools", "agent_pool:update", "A"),
    ("Audit Logs", "audit_logs:export", "A"),
    ("Audit Logs", "audit_logs:read", "A"),
    ("AI", "ai_conversations:create", "AM"),
    ("AI", "ai_conversations:list_all", "A"),
    ("AI", "ai_conversations:read", "AM"),
    ("AI", "ai_conversations:update", "AM"),
    ("Change requests (approvals)", "change_gate:create", "A"),
    ("Change requests (approvals)", "change_gate:update", "A"),
    ("Change requests (approvals)", "change_gate:delete", "A"),
    ("Deployments", "deployments:pause", "A"),
    ("Deployments", "deployments:read", "AM"),
    ("Deployments", "deployments:read_usage", "AMB"),
    ("Deployments", "deployments:resume", "A"),
    ("Environments", "environment:create", "AM"),
    ("Environments", "environment:list_deleted", "AM"),
    ("Environments", "environment:restore_deleted", "A"),
    ("Environments", "environment_tags:list", ""),
    ("Environments", "environment_yaml:open", "AM"),
    ("Insights Accounts", "insights_account:create", "A"),
    ("Insights Policy", "policy_groups:create", "A"),
    ("Insights Policy", "policy_groups:delete", "A"),
    ("Insights Policy", "policy_groups:read", "AM"),
    ("Insights Policy", "policy_groups:update", "A"),
    ("Insights Policy", "policy_pack:create", "A"),
    ("Insights Policy", "policy_pack:delete", "A"),
    ("Insights Policy", "policy_pack:read", "A"),
    ("Insights Policy", "policy_pack:update", "A"),
    ("Insights Policy", "policy_results:create", "A"),
    ("Insights Policy", "policy_results:read", "A"),
    ("Insights Policy", "policy_results:update", "A"),
    ("Insights Policy", "policy_results:delete", "A"),
    ("Membership", "org_member:add", "A"),
    ("Membership", "org_member:delete", "A"),
    ("Membership", "org_member:read", "AMB"),
    ("Membership", "org_member:set_admin", "A"),
    ("Membership", "org_member:update", "A"),
    ("Membership", "org_requests:read", "A"),
    ("Membership", "org_requests:update", "A"),
    ("Membership", "invites:create", "A"),
    ("Membership", "invites:read", "A"),
    ("OIDC", "oidc_issuers:create", "A"),
    ("OIDC", "oidc_issuers:delete", "A"),
    ("OIDC", "oidc_issuers:read", "A"),
    ("OIDC", "oidc_issuers:regenerate_thumbprints", "A"),
    ("OIDC", "oidc_issuers:update", "A"),
    ("OIDC", "auth_policies:read", "A"),
    ("OIDC", "auth_policies:update", "A"),
    ("Organization", "organization:billing", "AB"),
    ("Organization", "organization:change_backend", "A"),
    ("Organization", "organization:delete", "A"),
    ("Organization", "organization:read_usage", "AMB"),
    ("Organization", "organization:rename", "A"),
    ("Organization", "organization:transfer_stacks", "A"),
    ("Organization", "organization:update", "A"),
    ("Organization", "org_integrations:read", "A"),
    ("Organization", "org_integrations:update", "A"),
    ("Organization", "integrations:read", "AM"),
    ("Organization", "integrations:update", "AM"),
    ("Organization Tokens", "org_token:create", "A"),
    ("Organization Tokens", "org_token:delete", "A"),
    ("Organization Tokens", "org_token:read", "A"),
    ("Organization Webhooks", "organization_webhook:create", "A"),
    ("Organization Webhooks", "organization_webhook:delete", "A"),
    ("Organization Webhooks", "organization_webhook:read", "A"),
    ("Organization Webhooks", "organization_webhook:update", "A"),
    ("Project", "project:decrypt", "AM"),
    ("Project", "project:encrypt", "AM"),
    ("Resources", "resources:dashboard", "AMB"),
    ("Resources", "resources:index", "A"),
    ("Resources", "resources:search", "AM"),
    ("Roles", "role:create", "A"),
    ("Roles", "role:delete", "A"),
    ("Roles", "role:read", "A"),
    ("Roles", "role:update", "A"),
    ("SAML", "saml:read", "AMB"),
    ("SAML", "saml:update", "A"),
    ("SCIM", "scim:delete", "A"),
    ("SCIM", "scim:read", "A"),
    ("SCIM", "scim:update", "A"),
    ("Stacks", "stack:create", "A"),
    ("Stacks", "stack:list_deleted", "A"),
    ("Stacks", "stack:restore_deleted", "A"),
    ("Stacks", "stack_access:read", "AM"),
    ("Tags", "tags:read", "AM"),
    ("Teams", "team:create", "A"),
    ("Teams", "team:create_token", "A"),
    ("Teams", "team:delete", "A"),
    ("Teams", "team:delete_token", "A"),
    ("Teams", "team:list", "AMB"),
    ("Teams", "team:list_tokens", "A"),
    ("Teams", "team:read", "AM"),
    ("Teams", "team:update", "A"),
    ("Teams", "github_team:create", "A"),
    ("Templates", "templates:read", "AM"),
    ("Template Sources", "templates_source:create", "A"),
    ("Template Sources", "templates_source:delete", "A"),
    ("Template Sources", "templates_source:read", "A"),
    ("Template Sources", "templates_source:update", "A"),
];

/// The 23 group headings of the organization scope page with their sizes, in page order.
const ORG_GROUPS: [(&str, usize); 23] = [
    ("Agent Pools", 4),
    ("Audit Logs", 2),
    ("AI", 4),
    ("Change requests (approvals)", 3),
    ("Deployments", 4),
    ("Environments", 5),
    ("Insights Accounts", 1),
    ("Insights Policy", 12),
    ("Membership", 9),
    ("OIDC", 7),
    ("Organization", 11),
    ("Organization Tokens", 3),
    ("Organization Webhooks", 4),
    ("Project", 2),
    ("Resources", 3),
    ("Roles", 4),
    ("SAML", 2),
    ("SCIM", 3),
    ("Stacks", 4),
    ("Tags", 1),
    ("Teams", 9),
    ("Templates", 1),
    ("Template Sources", 4),
];

/// Names only the built-in `Read Only` / `Standard` sets mention (not on the scope page).
const EXTRA_NAMES: [&str; 12] = [
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

/// Stack scopes with the lowest built-in level that grants them (29).
const STACK_TABLE: [(&str, Permission); 29] = [
    ("stack:read", Read),
    ("stack:export", Read),
    ("stack:encrypt", Read),
    ("stack:decrypt", Read),
    ("stack_deployment:read", Read),
    ("stack_deployment_settings:read", Read),
    ("stack_schedule:read", Read),
    ("stack_access:read", Read),
    ("stack:import", Write),
    ("stack:cancel_update", Write),
    ("stack:write", Write),
    ("stack_deployment_settings:write", Write),
    ("stack_deployment_settings:encrypt", Write),
    ("stack_deployment_cache:read", Write),
    ("stack_deployment:create", Write),
    ("stack_tags:update", Write),
    ("stack_schedule:create", Write),
    ("stack_schedule:update", Write),
    ("stack_schedule:pause", Write),
    ("stack_schedule:resume", Write),
    ("stack_schedule:delete", Write),
    ("stack_webhook:create", Write),
    ("stack_webhook:read", Write),
    ("stack_webhook:update", Write),
    ("stack_webhook:delete", Write),
    ("stack:delete", Admin),
    ("stack:transfer", Admin),
    ("stack:rename", Admin),
    ("stack_access:update", Admin),
];

/// Environment scopes with the lowest built-in level that grants them (27).
const ENVIRONMENT_TABLE: [(&str, Permission); 27] = [
    ("environment:read", Read),
    ("environment:rotate_history", Read),
    ("environment_version:read", Read),
    ("environment_schedule:read", Read),
    ("environment_tag:read", Read),
    ("environment:open", Open),
    ("environment:clone", Open),
    ("environment_version:open", Open),
    ("environment:write", Write),
    ("environment:rotate", Write),
    ("environment_version:create", Write),
    ("environment_version:update", Write),
    ("environment_version:delete", Write),
    ("environment_version:retract", Write),
    ("environment_tag:create", Write),
    ("environment_tag:update", Write),
    ("environment_tag:delete", Write),
    ("environment_schedule:create", Write),
    ("environment_schedule:update", Write),
    ("environment_schedule:pause", Write),
    ("environment_schedule:resume", Write),
    ("environment_schedule:delete", Write),
    ("environment_webhook:read", Write),
    ("environment_webhook:create", Write),
    ("environment_webhook:update", Write),
    ("environment_webhook:delete", Write),
    ("environment:delete", Admin),
];

/// Cloud (Insights) account scopes with the lowest built-in level that grants them (11).
const ACCOUNT_TABLE: [(&str, Permission); 11] = [
    ("insights_account:read", Read),
    ("insights_account_scan:read", Read),
    ("insights_account_access:read", Read),
    ("insights_account:update", Write),
    ("insights_account:scan", Write),
    ("insights_account_scan:update", Write),
    ("insights_account_scan:cancel", Write),
    ("insights_account_scan:pause", Write),
    ("insights_account_scan:resume", Write),
    ("insights_account:delete", Admin),
    ("insights_account_access:update", Admin),
];

/// Stack permission levels in the column order of the operations table.
const STACK_LEVELS: [Permission; 4] = [NoAccess, Read, Write, Admin];

/// The stack operations table: operation, the scopes that back it, and whether it is allowed at
/// NONE / READ / WRITE / ADMIN.
const STACK_OPERATIONS: [(&str, &[&str], [bool; 4]); 11] = [
    ("View update history", &["stack:read"], [false, true, true, true]),
    ("Decrypt secret configuration", &["stack:decrypt"], [false, true, true, true]),
    ("Read stack resources", &["stack:read"], [false, true, true, true]),
    ("Preview stack changes", &["stack:read", "stack:encrypt", "stack:decrypt"], [false, true, true, true]),
    ("Update stack", &["stack:write"], [false, false, true, true]),
    ("Destroy stack resources", &["stack:write"], [false, false, true, true]),
    ("Export stack checkpoint", &["stack:export"], [false, true, true, true]),
    ("Import stack checkpoint", &["stack:import"], [false, false, true, true]),
    ("Delete stack", &["stack:delete"], [false, false, false, true]),
    ("Transfer to another organization", &["stack:transfer"], [false, false, false, true]),
    ("Search stack resources", &["stack:read"], [false, true, true, true]),
];

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

#[track_caller]
fn load(snapshot: &Value) -> Engine {
    match Engine::from_json(&snapshot.to_string()) {
        Ok(engine) => engine,
        Err(errors) => panic!("snapshot should load, got {errors:?}"),
    }
}

#[track_caller]
fn load_errors(snapshot: &Value) -> SnapshotErrors {
    match Engine::from_json(&snapshot.to_string()) {
        Ok(_) => panic!("snapshot should be rejected"),
        Err(errors) => errors,
    }
}

/// Asserts `check` gives `expected`, and that `explain` agrees with it.
#[track_caller]
fn assert_check(engine: &Engine, who: &str, scope: &str, resource: &str, expected: bool, what: &str) {
    let got = engine.check(who, scope, resource);
    assert_eq!(got, expected, "{what}: check({who}, {scope}, {resource}) should be {expected}");
    let decision = engine.explain(who, scope, resource);
    assert_eq!(
        decision.is_allowed(),
        expected,
        "{what}: explain({who}, {scope}, {resource}) should agree with check: {decision:?}"
    );
}

/// Asserts a deny and its code through both `check` and `explain`.
#[track_caller]
fn assert_denied_with(engine: &Engine, who: &str, scope: &str, resource: &str, code: &str) {
    assert!(!engine.check(who, scope, resource), "check({who}, {scope:?}, {resource}) should be denied");
    let decision = engine.explain(who, scope, resource);
    assert!(!decision.is_allowed(), "explain({who}, {scope:?}, {resource}): {decision:?}");
    assert_eq!(
        decision.deny().map(|d| d.code()),
        Some(code),
        "explain({who}, {scope:?}, {resource}) deny code"
    );
}

#[track_caller]
fn assert_level(engine: &Engine, who: &str, kind: EntityKind, resource: &str, expected: Permission) {
    assert_eq!(
        engine.effective_permission(who, kind, resource),
        expected,
        "effective {kind} permission of {who} on {resource}"
    );
}

/// The error codes of a rejected snapshot, with their paths.
fn codes(errors: &SnapshotErrors) -> Vec<(String, &'static str)> {
    errors.iter().map(|e| (e.path.clone(), e.code().as_str())).collect()
}

fn names_of(set: EntityScopeSet, catalog: &Catalog, kind: EntityKind) -> BTreeSet<&'static str> {
    catalog.entity_scopes(kind).filter(|s| set.contains(*s)).map(|s| catalog.entity_scope_name(s)).collect()
}

fn org_set_names(catalog: &Catalog, id: &str) -> BTreeSet<&'static str> {
    let set = catalog.org_permission_set(id).unwrap_or_else(|| panic!("built-in org permission set {id}"));
    catalog.org_scopes().filter(|s| set.contains(*s)).map(|s| catalog.org_scope_name(s)).collect()
}

fn entity_table(kind: EntityKind) -> &'static [(&'static str, Permission)] {
    match kind {
        EntityKind::Stack => &STACK_TABLE,
        EntityKind::Environment => &ENVIRONMENT_TABLE,
        EntityKind::Account => &ACCOUNT_TABLE,
    }
}

/// The scopes of `kind` granted at `level`, from the tables above.
fn expected_level_names(kind: EntityKind, level: Permission) -> BTreeSet<&'static str> {
    if !kind.accepts(level) {
        return BTreeSet::new();
    }
    entity_table(kind)
        .iter()
        .filter(|(_, lowest)| *lowest <= level && level != NoAccess)
        .map(|(name, _)| *name)
        .collect()
}

fn role_marks(scope: &str) -> &'static str {
    ORG_TABLE
        .iter()
        .find(|(_, name, _)| *name == scope)
        .map(|(_, _, marks)| *marks)
        .unwrap_or_else(|| panic!("{scope} is in the table"))
}

// ---------------------------------------------------------------------------------------------
// 1. Catalog consistency
// ---------------------------------------------------------------------------------------------

#[test]
fn org_scope_page_has_102_unique_scopes_in_23_groups() {
    let names: BTreeSet<&str> = ORG_TABLE.iter().map(|(_, n, _)| *n).collect();
    assert_eq!(names.len(), 102, "the test table itself has 102 unique scopes");
    assert_eq!(ORG_SCOPES.len(), 102);
    let catalog_names: BTreeSet<&str> = ORG_SCOPES.iter().map(|r| r.name).collect();
    assert_eq!(catalog_names.len(), 102, "catalog org scope names are unique");
    assert_eq!(catalog_names, names, "catalog org scopes equal the scope page");

    for (i, (row, (group, name, _))) in ORG_SCOPES.iter().zip(ORG_TABLE.iter()).enumerate() {
        assert_eq!(row.name, *name, "page position {i}");
        assert_eq!(row.group, *group, "group of {name}");
    }

    let mut groups: Vec<(&str, usize)> = Vec::new();
    for row in &ORG_SCOPES {
        match groups.last_mut() {
            Some((g, n)) if *g == row.group => *n += 1,
            _ => groups.push((row.group, 1)),
        }
    }
    assert_eq!(groups.len(), 23, "groups are contiguous and 23: {groups:?}");
    assert_eq!(groups, ORG_GROUPS.to_vec(), "group order and sizes");
    assert_eq!(ORG_GROUPS.iter().map(|(_, n)| n).sum::<usize>(), 102);
}

#[test]
fn org_scope_default_roles_match_the_page() {
    let count = |mark: char| ORG_TABLE.iter().filter(|(_, _, m)| m.contains(mark)).count();
    assert_eq!(count('A'), 101, "Admin is listed on 101 scopes");
    assert_eq!(count('M'), 23, "Member is listed on 23 scopes");
    assert_eq!(count('B'), 7, "Billing Manager is listed on 7 scopes");
    assert_eq!(role_marks("environment_tags:list"), "", "listed for no role");

    let member: BTreeSet<&str> = MEMBER_SCOPES.iter().copied().collect();
    let billing: BTreeSet<&str> = BILLING_MANAGER_SCOPES.iter().copied().collect();
    assert_eq!(member.len(), 23);
    assert_eq!(billing.len(), 7);
    for (_, name, marks) in &ORG_TABLE {
        assert_eq!(marks.contains('M'), member.contains(name), "Member list vs page for {name}");
        assert_eq!(marks.contains('B'), billing.contains(name), "Billing list vs page for {name}");
    }

    for row in &ORG_SCOPES {
        let marks = role_marks(row.name);
        assert_eq!(row.defaults.admin, marks.contains('A'), "Admin listed on {}", row.name);
        assert_eq!(row.defaults.member, marks.contains('M'), "Member on {}", row.name);
        assert_eq!(row.defaults.billing_manager, marks.contains('B'), "Billing Manager on {}", row.name);
    }
}

#[test]
fn catalog_role_sets_hold_the_page_defaults() {
    let catalog = Catalog::new();
    let admin = catalog.admin_scopes();
    let member = catalog.member_scopes();
    let billing = catalog.billing_manager_scopes();
    assert_eq!(member.len(), 23);
    assert_eq!(billing.len(), 7);
    for (_, name, marks) in &ORG_TABLE {
        let entry = catalog.lookup(name).unwrap_or_else(|| panic!("{name} known"));
        let scope = entry.org.unwrap_or_else(|| panic!("{name} is an org scope"));
        assert_eq!(catalog.org_scope_name(scope), *name);
        assert!(admin.contains(scope), "Admin holds {name} (all scopes by rule)");
        assert_eq!(member.contains(scope), marks.contains('M'), "Member {name}");
        assert_eq!(billing.contains(scope), marks.contains('B'), "Billing Manager {name}");
    }
}

#[test]
fn extra_org_names_are_known_but_held_by_no_default_role_but_admin() {
    let catalog = Catalog::new();
    let extras: BTreeSet<&str> = EXTRA_NAMES.iter().copied().collect();
    let got: BTreeSet<&str> = EXTRA_ORG_SCOPES.iter().copied().collect();
    assert_eq!(got, extras);
    assert_eq!(catalog.org_scopes().count(), 102 + 12);
    for name in EXTRA_NAMES {
        assert!(!ORG_TABLE.iter().any(|(_, n, _)| *n == name), "{name} is not on the page");
        let scope = catalog.lookup(name).and_then(|e| e.org);
        let scope = scope.unwrap_or_else(|| panic!("{name} is an org scope"));
        assert!(catalog.admin_scopes().contains(scope), "Admin holds {name}");
        assert!(!catalog.member_scopes().contains(scope), "Member lacks {name}");
        assert!(!catalog.billing_manager_scopes().contains(scope), "Billing lacks {name}");
    }
}

#[test]
fn entity_scope_tables_match_the_model() {
    let tables: [(EntityKind, &[scopegate::testing::EntityScopeRow], usize); 3] = [
        (EntityKind::Stack, &STACK_SCOPES, 29),
        (EntityKind::Environment, &ENVIRONMENT_SCOPES, 27),
        (EntityKind::Account, &ACCOUNT_SCOPES, 11),
    ];
    let catalog = Catalog::new();
    for (kind, rows, count) in tables {
        assert_eq!(rows.len(), count, "{kind} scopes");
        let got: BTreeMap<&str, Permission> = rows.iter().map(|r| (r.name, r.level)).collect();
        assert_eq!(got.len(), count, "{kind} scope names are unique");
        let want: BTreeMap<&str, Permission> = entity_table(kind).iter().copied().collect();
        assert_eq!(want.len(), count);
        assert_eq!(got, want, "{kind} scopes and their lowest level");
        assert_eq!(catalog.entity_scopes(kind).count(), count);
        for (name, _) in entity_table(kind) {
            let entity = catalog.lookup(name).and_then(|e| e.entity);
            let entity = entity.unwrap_or_else(|| panic!("{name} is an entity scope"));
            assert_eq!(entity.kind, kind, "{name} belongs to {kind}");
            assert_eq!(catalog.entity_scope_name(entity), *name);
        }
    }
    // `stack_access:read` is both an org scope (Member, Admin) and a stack scope.
    let both = catalog.lookup("stack_access:read").unwrap_or_default();
    assert!(both.org.is_some() && both.entity.is_some());
    // Org-only stack scopes are not stack entity scopes.
    for name in ["stack:create", "stack:list_deleted", "stack:restore_deleted"] {
        let entry = catalog.lookup(name).unwrap_or_default();
        assert!(entry.org.is_some() && entry.entity.is_none(), "{name} is org-level only");
    }
}

#[test]
fn built_in_entity_permission_set_sizes() {
    let catalog = Catalog::new();
    let sizes: [(EntityKind, Permission, u32); 10] = [
        (EntityKind::Stack, Read, 8),
        (EntityKind::Stack, Write, 25),
        (EntityKind::Stack, Admin, 29),
        (EntityKind::Environment, Read, 5),
        (EntityKind::Environment, Open, 8),
        (EntityKind::Environment, Write, 26),
        (EntityKind::Environment, Admin, 27),
        (EntityKind::Account, Read, 3),
        (EntityKind::Account, Write, 9),
        (EntityKind::Account, Admin, 11),
    ];
    for (kind, level, size) in sizes {
        let set = catalog.level_scopes(kind, level);
        assert_eq!(set.len(), size, "{kind} {level} set size");
        assert_eq!(
            names_of(set, &catalog, kind),
            expected_level_names(kind, level),
            "{kind} {level} set contents"
        );
    }
    for kind in EntityKind::ALL {
        assert!(catalog.level_scopes(kind, NoAccess).is_empty(), "{kind} none is empty");
    }
    assert!(catalog.level_scopes(EntityKind::Stack, Open).is_empty(), "no stack open");
    assert!(catalog.level_scopes(EntityKind::Account, Open).is_empty(), "no account open");

    let ids: [(&str, EntityKind, Permission); 10] = [
        ("stack-read", EntityKind::Stack, Read),
        ("stack-write", EntityKind::Stack, Write),
        ("stack-admin", EntityKind::Stack, Admin),
        ("environment-read", EntityKind::Environment, Read),
        ("environment-open", EntityKind::Environment, Open),
        ("environment-write", EntityKind::Environment, Write),
        ("environment-admin", EntityKind::Environment, Admin),
        ("insights-account-read", EntityKind::Account, Read),
        ("insights-account-write", EntityKind::Account, Write),
        ("insights-account-admin", EntityKind::Account, Admin),
    ];
    for (id, kind, level) in ids {
        let (got_kind, set) =
            catalog.entity_permission_set(id).unwrap_or_else(|| panic!("built-in set {id}"));
        assert_eq!(got_kind, kind, "{id}");
        assert_eq!(names_of(set, &catalog, kind), expected_level_names(kind, level), "{id}");
    }
}

#[test]
fn built_in_org_permission_sets() {
    let catalog = Catalog::new();
    let read_only: BTreeSet<&str> = READ_ONLY_SET.iter().copied().collect();
    let standard: BTreeSet<&str> = READ_ONLY_SET.iter().chain(&STANDARD_ADDS).copied().collect();
    let billing: BTreeSet<&str> = BILLING_SET.iter().copied().collect();
    assert_eq!((read_only.len(), standard.len(), billing.len()), (20, 35, 7));

    let got_read_only = org_set_names(&catalog, "read-only");
    let got_standard = org_set_names(&catalog, "standard");
    let got_billing = org_set_names(&catalog, "organization-settings-billing");
    assert_eq!(got_read_only, read_only, "Read Only");
    assert_eq!(got_standard, standard, "Standard");
    assert_eq!(got_billing, billing, "Organization Settings Billing");
    assert!(got_standard.is_superset(&got_read_only), "Standard contains Read Only");
    assert!(got_billing.contains("team:read") && !got_billing.contains("team:list"));

    let sizes = |id: &str| catalog.org_permission_set(id).map(|s| s.len());
    assert_eq!(sizes("read-only"), Some(20));
    assert_eq!(sizes("standard"), Some(35));
    assert_eq!(sizes("organization-settings-billing"), Some(7));

    let table: BTreeMap<&str, (&str, BTreeSet<&str>)> =
        ORG_PERMISSION_SETS.iter().map(|s| (s.id, (s.name, s.scopes().collect()))).collect();
    let expected = BTreeMap::from([
        ("read-only", ("Read Only", read_only)),
        ("standard", ("Standard", standard)),
        ("organization-settings-billing", ("Organization Settings Billing", billing)),
    ]);
    assert_eq!(table, expected, "the static set table");
}

// ---------------------------------------------------------------------------------------------
// 2. Every organization-level default-role grant, through the engine
// ---------------------------------------------------------------------------------------------

/// One organization with one user per built-in role. Settings are chosen so that only role
/// defaults decide: no default environment permission, member toggles off.
fn default_roles_engine() -> Engine {
    load(&json!({
        "version": 1,
        "organizations": [{
            "name": "acme",
            "settings": {
                "defaultEnvironmentPermission": "none",
                "membersCanCreateStacks": false,
                "membersCanCreateTeams": false,
                "membersCanCreateAccounts": false
            },
            "members": [
                { "login": "ada", "role": "admin" },
                { "login": "mo", "role": "member" },
                { "login": "bill", "role": "billing-manager" }
            ]
        }]
    }))
}

/// Checks all 102 page scopes for one user against the marks of the page.
#[track_caller]
fn assert_role_grants(who: &str, role: &str, expected: impl Fn(&str) -> bool) {
    let engine = default_roles_engine();
    let mut granted = 0;
    for (_, scope, marks) in &ORG_TABLE {
        let want = expected(marks);
        granted += usize::from(want);
        let what = format!("role {role}, scope {scope}");
        assert_check(&engine, who, scope, "acme", want, &what);
        if want {
            let decision = engine.explain(who, scope, "acme");
            assert!(!decision.reasons().is_empty(), "{what}: an allow names its source");
        }
    }
    let listed = ORG_TABLE.iter().filter(|(_, _, m)| expected(m)).count();
    assert_eq!(granted, listed);
}

#[test]
fn admin_user_holds_all_102_org_scopes() {
    // Admin is listed on 101; the model gives it every scope, `environment_tags:list` included.
    assert_role_grants("ada", "Admin", |_| true);
    let engine = default_roles_engine();
    let decision = engine.explain("ada", "environment_tags:list", "acme");
    assert!(decision.is_allowed());
    assert!(decision.reasons().iter().any(|r| r.code() == "org_admin"), "{decision:?}");
}

#[test]
fn member_user_holds_exactly_its_23_org_scopes() {
    assert_role_grants("mo", "Member", |marks| marks.contains('M'));
    let engine = default_roles_engine();
    let decision = engine.explain("mo", "team:read", "acme");
    assert!(decision.reasons().iter().any(|r| r.code() == "builtin_role"), "{decision:?}");
}

#[test]
fn billing_manager_user_holds_exactly_its_7_org_scopes() {
    assert_role_grants("bill", "Billing Manager", |marks| marks.contains('B'));
    let engine = default_roles_engine();
    let decision = engine.explain("bill", "organization:billing", "acme");
    assert!(decision.reasons().iter().any(|r| r.code() == "builtin_role"), "{decision:?}");
}

#[test]
fn extra_set_only_names_are_not_implied_for_member_or_billing_manager() {
    let engine = default_roles_engine();
    for name in EXTRA_NAMES {
        assert_check(&engine, "mo", name, "acme", false, "Member, set-only name");
        assert_check(&engine, "bill", name, "acme", false, "Billing Manager, set-only name");
        assert_check(&engine, "ada", name, "acme", true, "Admin holds every scope");
    }
}

#[test]
fn environment_tags_list_comes_with_environment_read() {
    // F.14 / B.1: `environment_tags:list` comes with Environment Read (every scope of that set)
    // on at least one environment that exists. Default environment permission omitted: `write`.
    let engine = load(&json!({
        "version": 1,
        "organizations": [
            {
                "name": "acme",
                "members": [
                    { "login": "mo", "role": "member" },
                    { "login": "bill", "role": "billing-manager" }
                ],
                "environments": [{ "project": "app", "name": "dev" }]
            },
            {
                "name": "beta",
                "settings": { "defaultEnvironmentPermission": "read" },
                "members": [{ "login": "mo", "role": "member" }],
                "environments": [{ "project": "app", "name": "dev" }]
            },
            {
                "name": "gamma",
                "settings": { "defaultEnvironmentPermission": "none" },
                "members": [
                    { "login": "mo", "role": "member" },
                    { "login": "tess", "role": "member" },
                    { "login": "del", "role": "TagDeleter" }
                ],
                "permissionSets": [
                    { "name": "tag-deleters", "entity": "environment", "scopes": ["environment_tag:delete"] }
                ],
                "roles": [{
                    "name": "TagDeleter",
                    "rules": [{ "entity": "environment", "permissionSet": "tag-deleters", "all": true }]
                }],
                "environments": [{ "project": "app", "name": "dev" }],
                "teams": [{
                    "name": "platform", "kind": "pulumi",
                    "members": ["tess"],
                    "environments": { "app/dev": "read" }
                }]
            },
            {
                "name": "empty",
                "members": [{ "login": "mo", "role": "member" }]
            }
        ]
    }));
    assert_eq!(
        engine.settings("acme").map(|s| s.default_environment_permission),
        Some(Write),
        "documented default"
    );
    assert_check(&engine, "mo", "environment_tags:list", "acme", true, "Member, env default write");
    let decision = engine.explain("mo", "environment_tags:list", "acme");
    assert!(decision.reasons().iter().any(|r| r.code() == "default_permission"), "{decision:?}");
    assert_check(&engine, "bill", "environment_tags:list", "acme", false, "Billing Manager");
    assert_check(&engine, "mo", "environment_tags:list", "beta", true, "Member, env default read");
    assert_check(&engine, "mo", "environment_tags:list", "gamma", false, "Member, env default none");
    assert_check(&engine, "tess", "environment_tags:list", "gamma", true, "team env read grant");
    let decision = engine.explain("tess", "environment_tags:list", "gamma");
    assert!(decision.reasons().iter().any(|r| r.code() == "team_grant"), "{decision:?}");
    // A role rule whose set holds one environment scope but not Environment Read grants nothing.
    assert_eq!(
        engine.effective_permission("del", EntityKind::Environment, "gamma/app/dev"),
        Permission::None
    );
    assert!(engine.check("del", "environment_tag:delete", "gamma/app/dev"), "the rule's own scope");
    assert_check(&engine, "del", "environment_tags:list", "gamma", false, "a set without Environment Read");
    // No environment at all: the default permission applies to nothing.
    assert_check(&engine, "mo", "environment_tags:list", "empty", false, "no environment exists");
}

// ---------------------------------------------------------------------------------------------
// 3. The stack operations table, through the engine
// ---------------------------------------------------------------------------------------------

fn level_stack(level: Permission) -> String {
    format!("app/lvl-{level}")
}

/// Stack grants for one user at every level but NONE, keyed by stack.
fn per_level_grants(user: &str) -> Vec<Value> {
    STACK_LEVELS
        .iter()
        .map(|&level| {
            let (project, name) = ("app", format!("lvl-{level}"));
            if level == NoAccess {
                json!({ "project": project, "name": name })
            } else {
                json!({ "project": project, "name": name, "grants": { user: level.as_str() } })
            }
        })
        .collect()
}

/// An organization where `ella` holds each level through an explicit grant and `tom` through a
/// team grant, on stacks `app/lvl-<level>`; members get no default stack permission.
fn stack_levels_org(name: &str, settings: Value) -> Value {
    let team_stacks: serde_json::Map<String, Value> = STACK_LEVELS
        .iter()
        .filter(|&&l| l != NoAccess)
        .map(|l| (level_stack(*l), json!(l.as_str())))
        .collect();
    json!({
        "name": name,
        "settings": settings,
        "members": [
            { "login": "ella", "role": "member" },
            { "login": "tom", "role": "member" },
            { "login": "root", "role": "admin" }
        ],
        "stacks": per_level_grants("ella"),
        "teams": [{
            "name": "platform", "kind": "pulumi",
            "members": ["tom"],
            "stacks": team_stacks
        }]
    })
}

fn stack_levels_engine() -> Engine {
    let acme = stack_levels_org("acme", json!({ "defaultStackPermission": "none" }));
    let strict = stack_levels_org(
        "strict",
        json!({
            "defaultStackPermission": "none",
            "stackAdminsCanDeleteStacks": false,
            "stackAdminsCanTransferStacks": false
        }),
    );
    let members = json!([
        { "login": "ella", "role": "member" },
        { "login": "tom", "role": "member" }
    ]);
    load(&json!({
        "version": 1,
        "organizations": [
            acme,
            strict,
            { "name": "dest", "members": members },
            { "name": "closed", "settings": { "membersCanCreateStacks": false }, "members": members }
        ]
    }))
}

/// Users holding each level, with the route that grants it.
const ROUTES: [(&str, &str); 2] = [("ella", "explicit stack grant"), ("tom", "team grant")];

#[test]
fn stack_operations_table_through_explicit_and_team_grants() {
    let engine = stack_levels_engine();
    for (who, route) in ROUTES {
        for (column, level) in STACK_LEVELS.iter().enumerate() {
            let stack = format!("acme/{}", level_stack(*level));
            assert_level(&engine, who, EntityKind::Stack, &stack, *level);
            for (operation, scopes, allowed) in &STACK_OPERATIONS {
                let want = allowed[column];
                for scope in *scopes {
                    let what = format!("{operation} at {level} via {route}");
                    assert_check(&engine, who, scope, &stack, want, &what);
                    if !want {
                        let decision = engine.explain(who, scope, &stack);
                        assert_eq!(
                            decision.deny().map(|d| d.code()),
                            Some("missing_scope"),
                            "{what}: {decision:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn transfer_to_another_organization_needs_admin_and_create_in_destination() {
    let engine = stack_levels_engine();
    for (who, route) in ROUTES {
        for (column, level) in STACK_LEVELS.iter().enumerate() {
            let stack = format!("acme/{}", level_stack(*level));
            let want = STACK_OPERATIONS[9].2[column];
            let decision = engine.explain_transfer(who, &stack, "dest");
            assert_eq!(decision.is_allowed(), want, "transfer at {level} via {route}: {decision:?}");
        }
        // A destination where Members may not create stacks refuses the transfer.
        let stack = format!("acme/{}", level_stack(Admin));
        let decision = engine.explain_transfer(who, &stack, "closed");
        assert!(!decision.is_allowed(), "closed destination, via {route}");
        assert_eq!(decision.deny().map(|d| d.code()), Some("destination_denied"));
        let decision = engine.explain_transfer(who, &stack, "nowhere");
        assert!(!decision.is_allowed(), "unknown destination, via {route}");
    }
}

#[test]
fn delete_and_transfer_toggles_are_on_by_default() {
    let engine = stack_levels_engine();
    let settings = engine.settings("acme").unwrap_or_else(|| panic!("acme"));
    assert!(settings.stack_admins_can_delete_stacks);
    assert!(settings.stack_admins_can_transfer_stacks);
    for (who, route) in ROUTES {
        let stack = format!("acme/{}", level_stack(Admin));
        for scope in ["stack:delete", "stack:transfer"] {
            assert_check(&engine, who, scope, &stack, true, &format!("ADMIN via {route}"));
        }
    }
}

#[test]
fn delete_and_transfer_toggles_off_deny_stack_admins() {
    let engine = stack_levels_engine();
    for (who, route) in ROUTES {
        let stack = format!("strict/{}", level_stack(Admin));
        assert_level(&engine, who, EntityKind::Stack, &stack, Admin);
        for scope in ["stack:delete", "stack:transfer"] {
            assert_denied_with(&engine, who, scope, &stack, "setting_disabled");
        }
        // The rest of ADMIN is unaffected.
        for scope in ["stack:rename", "stack_access:update", "stack:write"] {
            assert_check(&engine, who, scope, &stack, true, &format!("ADMIN via {route}"));
        }
        let decision = engine.explain_transfer(who, &stack, "dest");
        assert!(!decision.is_allowed(), "transfer with the toggle off via {route}");
        assert_eq!(decision.deny().map(|d| d.code()), Some("setting_disabled"));
        // Levels below ADMIN still lack the scope itself.
        let write_stack = format!("strict/{}", level_stack(Write));
        assert_denied_with(&engine, who, "stack:delete", &write_stack, "missing_scope");
    }
    // Organization admins bypass both toggles.
    for level in STACK_LEVELS {
        let stack = format!("strict/{}", level_stack(level));
        for scope in ["stack:delete", "stack:transfer"] {
            assert_check(&engine, "root", scope, &stack, true, "org admin, toggles off");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Level ordering, level_of and effective_permission
// ---------------------------------------------------------------------------------------------

#[test]
fn permission_levels_are_ordered() {
    assert!(NoAccess < Read && Read < Write && Write < Admin, "NONE < READ < WRITE < ADMIN");
    assert!(Read < Open && Open < Write, "environments put open between read and write");
    let mut sorted = vec![Admin, NoAccess, Write, Open, Read];
    sorted.sort();
    assert_eq!(sorted, Permission::ALL.to_vec());
    assert_eq!(Permission::default(), NoAccess);
    for level in Permission::ALL {
        assert_eq!(Permission::parse(level.as_str()), Some(level));
    }
    assert_eq!(Permission::parse("ADMIN"), None, "level names are lowercase");
    // Each higher built-in set contains the lower ones.
    let catalog = Catalog::new();
    for kind in EntityKind::ALL {
        let levels: Vec<Permission> = Permission::ALL.into_iter().filter(|l| kind.accepts(*l)).collect();
        for pair in levels.windows(2) {
            let (low, high) = (pair[0], pair[1]);
            let (low_set, high_set) = (catalog.level_scopes(kind, low), catalog.level_scopes(kind, high));
            assert!(high_set.is_superset(low_set), "{kind}: {high} contains {low}");
            assert!(high_set.len() > low_set.len(), "{kind}: {high} adds to {low}");
        }
    }
}

/// A set of named entity scopes of one kind.
fn scope_set(catalog: &Catalog, kind: EntityKind, names: &BTreeSet<&str>) -> EntityScopeSet {
    let mut set = EntityScopeSet::EMPTY;
    for scope in catalog.entity_scopes(kind) {
        if names.contains(catalog.entity_scope_name(scope)) {
            set.insert(scope);
        }
    }
    set
}

#[test]
fn level_of_maps_each_built_in_set_back_to_its_level() {
    let catalog = Catalog::new();
    for kind in EntityKind::ALL {
        for level in Permission::ALL.into_iter().filter(|l| kind.accepts(*l)) {
            let set = catalog.level_scopes(kind, level);
            assert_eq!(catalog.level_of(kind, set), level, "{kind} {level}");
            // Built from the model tables rather than the catalog's own masks.
            let from_table = scope_set(&catalog, kind, &expected_level_names(kind, level));
            assert_eq!(catalog.level_of(kind, from_table), level, "{kind} {level} (model)");
        }
        assert_eq!(catalog.level_of(kind, EntityScopeSet::EMPTY), NoAccess, "{kind} empty");
    }
    let stack = EntityKind::Stack;
    // Stack Write less `stack:write` is only READ.
    let mut names = expected_level_names(stack, Write);
    names.remove("stack:write");
    assert_eq!(catalog.level_of(stack, scope_set(&catalog, stack, &names)), Read);
    // Stack Read plus `stack:delete` is still READ; Stack Read less one scope is NONE.
    let mut names = expected_level_names(stack, Read);
    names.insert("stack:delete");
    assert_eq!(catalog.level_of(stack, scope_set(&catalog, stack, &names)), Read);
    let mut names = expected_level_names(stack, Read);
    names.remove("stack:export");
    assert_eq!(catalog.level_of(stack, scope_set(&catalog, stack, &names)), NoAccess);
    // Environment Open less `environment:clone` is READ.
    let env = EntityKind::Environment;
    let mut names = expected_level_names(env, Open);
    names.remove("environment:clone");
    assert_eq!(catalog.level_of(env, scope_set(&catalog, env, &names)), Read);
}

fn grant_sources_engine() -> Engine {
    load(&json!({
        "version": 1,
        "organizations": [
            {
                "name": "acme",
                "settings": { "defaultStackPermission": "read", "defaultEnvironmentPermission": "open" },
                "members": [
                    { "login": "ada", "role": "admin" },
                    { "login": "mo", "role": "member" },
                    { "login": "ella", "role": "member" },
                    { "login": "tom", "role": "member" },
                    { "login": "dana", "role": "member" },
                    { "login": "carl", "role": "Deployer" },
                    { "login": "bill", "role": "billing-manager" }
                ],
                "roles": [{
                    "name": "Deployer",
                    "rules": [{ "entity": "stack", "permissionSet": "stack-write", "all": true }]
                }],
                "stacks": [
                    { "project": "app", "name": "prod",
                      "creator": { "user": "dana" },
                      "grants": { "ella": "write", "tom": "read" } }
                ],
                "environments": [{ "project": "app", "name": "dev" }],
                "accounts": [{ "name": "aws-main" }],
                "teams": [{
                    "name": "platform", "kind": "pulumi",
                    "members": ["tom"],
                    "stacks": { "app/prod": "admin" },
                    "environments": { "app/dev": "admin" },
                    "accounts": { "aws-main": "write" }
                }]
            },
            {
                "name": "other",
                "members": [{ "login": "zed", "role": "member" }]
            }
        ]
    }))
}

#[test]
fn effective_permission_follows_each_grant_source() {
    let engine = grant_sources_engine();
    let stack = "acme/app/prod";
    let cases: [(&str, Permission, &str); 8] = [
        ("ada", Admin, "org admin"),
        ("mo", Read, "default stack permission"),
        ("ella", Write, "explicit write, above the read default"),
        ("tom", Admin, "team admin grant, above explicit read"),
        ("dana", Admin, "creator grant"),
        ("carl", Write, "custom role rule, no member default"),
        ("bill", NoAccess, "billing manager gets no default"),
        ("zed", NoAccess, "member of another organization"),
    ];
    for (who, level, why) in cases {
        assert_eq!(engine.effective_permission(who, EntityKind::Stack, stack), level, "{who}: {why}");
    }
    assert_level(&engine, "nobody", EntityKind::Stack, stack, NoAccess);
    assert_level(&engine, "mo", EntityKind::Stack, "acme/app/missing", NoAccess);

    let env = "acme/app/dev";
    assert_level(&engine, "mo", EntityKind::Environment, env, Open);
    assert_level(&engine, "tom", EntityKind::Environment, env, Admin);
    assert_level(&engine, "carl", EntityKind::Environment, env, NoAccess);
    assert_level(&engine, "ada", EntityKind::Environment, env, Admin);

    let account = "acme/aws-main";
    assert_level(&engine, "mo", EntityKind::Account, account, NoAccess);
    assert_level(&engine, "tom", EntityKind::Account, account, Write);
    assert_level(&engine, "ada", EntityKind::Account, account, Admin);
}

#[test]
fn effective_permission_agrees_with_checks_at_each_level() {
    let engine = grant_sources_engine();
    let stack = "acme/app/prod";
    for who in ["ada", "mo", "ella", "tom", "dana", "carl", "bill"] {
        let level = engine.effective_permission(who, EntityKind::Stack, stack);
        for (scope, lowest) in &STACK_TABLE {
            let want = level != NoAccess && *lowest <= level;
            assert_check(&engine, who, scope, stack, want, &format!("{who} at {level}"));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Unknown scopes
// ---------------------------------------------------------------------------------------------

const UNKNOWN_SCOPES: [&str; 10] = [
    "stack:fly",
    "Stack:read",
    " stack:read",
    "stack:read ",
    "",
    "stack",
    ":",
    "stack:read:extra",
    "ORG_MEMBER:READ",
    "stack:*",
];

#[test]
fn unknown_scope_names_are_denied_with_unknown_scope() {
    let engine = grant_sources_engine();
    let catalog = Catalog::new();
    for scope in UNKNOWN_SCOPES {
        assert!(catalog.lookup(scope).is_none(), "{scope:?} is not in the catalog");
        for resource in ["acme", "acme/app/prod", "acme/app/dev", "acme/aws-main"] {
            for who in ["ada", "mo"] {
                assert_denied_with(&engine, who, scope, resource, "unknown_scope");
            }
        }
    }
}

fn with_permission_set(set: Value) -> Value {
    json!({
        "version": 1,
        "organizations": [{
            "name": "acme",
            "members": [{ "login": "mo", "role": "member" }],
            "permissionSets": [set]
        }]
    })
}

#[test]
fn custom_permission_set_with_an_unknown_scope_fails_to_load() {
    for (entity, scopes) in [
        ("stack", json!(["stack:read", "stack:fly"])),
        ("organization", json!(["team:read", "Team:read"])),
        ("environment", json!(["environment:read", " environment:open"])),
        ("account", json!(["insights_account:read", ""])),
    ] {
        let errors = load_errors(&with_permission_set(json!({
            "name": "custom-set", "entity": entity, "scopes": scopes
        })));
        assert_eq!(errors.code(), ErrorCode::UnknownScope, "{entity}: {errors:?}");
        assert_eq!(
            codes(&errors),
            vec![("organizations[0].permissionSets[0].scopes[1]".to_string(), "unknown_scope")],
            "{entity}"
        );
    }
    // Every unknown name is reported, not just the first.
    let errors = load_errors(&with_permission_set(json!({
        "name": "custom-set", "entity": "stack", "scopes": ["stack:fly", "stack:read", "stack:swim"]
    })));
    let got = codes(&errors);
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got.iter().all(|(_, code)| *code == "unknown_scope"), "{got:?}");
}

#[test]
fn custom_permission_set_mixing_entity_types_fails_to_load() {
    for (entity, scopes) in [
        ("stack", json!(["stack:read", "environment:read"])),
        ("stack", json!(["stack:read", "stack:create"])),
        ("environment", json!(["environment:read", "stack:read"])),
        ("account", json!(["insights_account:read", "insights_account:create"])),
        ("organization", json!(["team:read", "stack:read"])),
        ("organization", json!(["org_member:read", "environment:open"])),
    ] {
        let errors = load_errors(&with_permission_set(json!({
            "name": "mixed-set", "entity": entity, "scopes": scopes
        })));
        assert_eq!(errors.code(), ErrorCode::ScopeEntityMismatch, "{entity} {scopes}: {errors:?}");
        assert_eq!(
            codes(&errors),
            vec![("organizations[0].permissionSets[0].scopes[1]".to_string(), "scope_entity_mismatch")],
            "{entity} {scopes}"
        );
    }
    // `stack_access:read` is both an org scope and a stack scope: valid in either kind of set.
    for entity in ["stack", "organization"] {
        let snapshot = with_permission_set(json!({
            "name": "access-readers", "entity": entity, "scopes": ["stack_access:read"]
        }));
        assert!(Engine::from_json(&snapshot.to_string()).is_ok(), "{entity} set");
    }
    // Both problems of one set are reported.
    let errors = load_errors(&with_permission_set(json!({
        "name": "bad-set", "entity": "stack", "scopes": ["stack:fly", "environment:read"]
    })));
    let got: BTreeSet<&str> = codes(&errors).into_iter().map(|(_, c)| c).collect();
    assert_eq!(got, BTreeSet::from(["unknown_scope", "scope_entity_mismatch"]));
}

/// `scopes()` lists every scope of the model once, and the engine knows each one it lists.
#[test]
fn the_public_scope_list_is_the_catalog() {
    let listed: Vec<&str> = scopegate::scopes().collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(unique.len(), listed.len(), "each scope once: {listed:?}");
    let mut want: BTreeSet<&str> = ORG_TABLE.iter().map(|(_, name, _)| *name).collect();
    want.extend(EXTRA_NAMES);
    for kind in EntityKind::ALL {
        want.extend(entity_table(kind).iter().map(|(name, _)| *name));
    }
    assert_eq!(unique, want);
    // Organization scopes first, in page order.
    let first: Vec<&str> = ORG_TABLE.iter().map(|(_, name, _)| *name).collect();
    assert_eq!(listed.get(..first.len()), Some(first.as_slice()));
    let engine = Engine::from_json(r#"{"version": 1, "organizations": [{"name": "acme"}]}"#).unwrap();
    for scope in listed {
        let decision = engine.explain("nobody", scope, "acme");
        assert_ne!(decision.deny().map(|d| d.code()), Some("unknown_scope"), "{scope}");
    }
}
