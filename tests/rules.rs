//! The access rules of model-facts C.3 (sources of stack permission), C.4 (delete, transfer and
//! create gates), C.6 (team management rights), D.1–D.5 (organization settings) and the
//! management actions of PRODUCT decision 8, one named test per rule.

mod common;

use common::{assert_forbidden, deny_code, forbidden_deny_code, load, reason_codes};
use scopegate::SettingsPatch;
use scopegate::{Deny, Engine, EntityKind, ManageError, Permission, Settings, Toggle};
use serde_json::{Value, json};

const PROD: &str = "acme/app/prod";
const DEV: &str = "acme/app/dev";
const STAGING: &str = "acme/app/staging";

/// The organization `acme` used by most tests, with `settings` as given (omitted settings take
/// their documented defaults). Cast:
///
/// - `root`: Admin; `mia`, `nia`, `eve`: plain Members; `bill`: Billing Manager
/// - `cara`: custom role `Auditor` (Read Only organization set, no stack rules)
/// - `rhea`: `ProdReader` (Stack Read on `app/prod` by name)
/// - `tess`: `TaggedWriter` (Stack Write where `env = staging`, Stack Read where tag `owner` exists)
/// - `gail`: `GlobalReader` (Stack Read on every stack)
/// - `carl`: `StackCreator` (custom organization set holding `stack:create`)
/// - `rita`: `RoleManager` (`role:update` only); `tara`: `RoleTeamManager` (`role:update` + `team:update`)
/// - `rex`: `Reaper` (custom stack set `stack:read` + `stack:delete` on `app/prod`), in team `crew`
/// - `tam`: Member, team admin of `crew`; `tim`: Member, plain member of `crew`
/// - `oli`: Member, in team `ops`; `bo`: Member, in team `builders` (team role `StackCreator`)
/// - `sam`: Member, creator of `app/sam`
///
/// Teams: `crew` holds WRITE on `app/prod`; `ops` holds ADMIN on `app/dev`.
/// Stacks: `app/prod` (env=prod), `app/dev` (env=dev, owner=x), `app/staging` (env=staging; `eve`
/// holds an explicit ADMIN grant), `app/sam` (created by `sam`), `app/bot` (created by token `tok-std`).
/// Tokens: `tok-std` (organization, Member, minted by `mia`), `tok-admin` (organization, Admin),
/// `tok-crew` (team `crew`), `tok-builders` (team `builders`), `tok-carl-role` (organization,
/// role `StackCreator`).
fn acme(settings: Value) -> Value {
    json!({
        "name": "acme",
        "settings": settings,
        "members": [
            { "login": "root", "role": "admin" },
            { "login": "mia" }, { "login": "nia" }, { "login": "eve" },
            { "login": "bill", "role": "billing-manager" },
            { "login": "cara", "role": "Auditor" },
            { "login": "rhea", "role": "ProdReader" },
            { "login": "tess", "role": "TaggedWriter" },
            { "login": "gail", "role": "GlobalReader" },
            { "login": "carl", "role": "StackCreator" },
            { "login": "rita", "role": "RoleManager" },
            { "login": "tara", "role": "RoleTeamManager" },
            { "login": "rex", "role": "Reaper" },
            { "login": "tam", "role": "member" }, { "login": "tim", "role": "member" },
            { "login": "oli" }, { "login": "bo" }, { "login": "sam" }
        ],
        "permissionSets": [
            { "name": "creators", "entity": "organization", "scopes": ["stack:create"] },
            { "name": "role-editors", "entity": "organization", "scopes": ["role:update"] },
            { "name": "role-team-editors", "entity": "organization", "scopes": ["role:update", "team:update"] },
            { "name": "read-delete", "entity": "stack", "scopes": ["stack:read", "stack:delete"] }
        ],
        "roles": [
            { "name": "Auditor", "organization": "read-only" },
            { "name": "ProdReader", "rules": [
                { "entity": "stack", "permissionSet": "stack-read", "entities": ["app/prod"] } ] },
            { "name": "TaggedWriter", "rules": [
                { "entity": "stack", "permissionSet": "stack-write", "tags": [{ "key": "env", "value": "staging" }] },
                { "entity": "stack", "permissionSet": "stack-read", "tags": [{ "key": "owner" }] } ] },
            { "name": "GlobalReader", "rules": [
                { "entity": "stack", "permissionSet": "stack-read", "all": true } ] },
            { "name": "StackCreator", "organization": "creators" },
            { "name": "RoleManager", "organization": "role-editors" },
            { "name": "RoleTeamManager", "organization": "role-team-editors" },
            { "name": "Reaper", "rules": [
                { "entity": "stack", "permissionSet": "read-delete", "entities": ["app/prod"] } ] },
            { "name": "StagingWriter", "rules": [
                { "entity": "stack", "permissionSet": "stack-write", "entities": ["app/staging"] } ] }
        ],
        "teams": [
            { "name": "crew", "members": ["tim", "rex"], "admins": ["tam"], "stacks": { "app/prod": "write" } },
            { "name": "ops", "members": ["oli"], "stacks": { "app/dev": "admin" } },
            { "name": "builders", "members": ["bo"], "roles": ["StackCreator"] }
        ],
        "stacks": [
            { "project": "app", "name": "prod", "tags": { "env": "prod" } },
            { "project": "app", "name": "dev", "tags": { "env": "dev", "owner": "x" } },
            { "project": "app", "name": "staging", "tags": { "env": "staging" }, "grants": { "eve": "admin" } },
            { "project": "app", "name": "sam", "creator": { "user": "sam" } },
            { "project": "app", "name": "bot", "creator": { "token": "tok-std" } }
        ],
        "tokens": [
            { "id": "tok-std", "kind": "organization", "name": "ci", "role": "member", "createdBy": "mia" },
            { "id": "tok-admin", "kind": "organization", "name": "ci-admin", "role": "admin" },
            { "id": "tok-crew", "kind": "team", "name": "crew-ci", "team": "crew" },
            { "id": "tok-builders", "kind": "team", "name": "builders-ci", "team": "builders" },
            { "id": "tok-carl-role", "kind": "organization", "name": "creator-ci", "role": "StackCreator" }
        ]
    })
}

/// A destination organization `beta` for transfers: `sam`, `eve` and `root` are Members there,
/// `carl` is not a member.
fn beta(settings: Value) -> Value {
    json!({
        "name": "beta",
        "settings": settings,
        "members": [ { "login": "sam" }, { "login": "eve" }, { "login": "root" } ]
    })
}

fn world(acme_settings: Value, beta_settings: Value) -> Engine {
    load(&json!({
        "version": 1,
        "organizations": [acme(acme_settings), beta(beta_settings)]
    }))
}

/// `acme` with the given settings and a default `beta`.
fn acme_with(settings: Value) -> Engine {
    world(settings, json!({}))
}

fn level(engine: &Engine, who: &str, stack: &str) -> Permission {
    engine.effective_permission(who, EntityKind::Stack, stack)
}

fn patch() -> SettingsPatch {
    SettingsPatch::default()
}

// ---------------------------------------------------------------------------------------------
// C.3: sources of stack permission
// ---------------------------------------------------------------------------------------------

#[test]
fn org_admin_holds_admin_on_every_stack_whatever_the_default() {
    let e = acme_with(json!({ "defaultStackPermission": "none" }));
    for stack in [PROD, DEV, STAGING, "acme/app/sam", "acme/app/bot"] {
        assert_eq!(level(&e, "root", stack), Permission::Admin, "{stack}");
        assert_eq!(level(&e, "token:tok-admin", stack), Permission::Admin, "{stack}");
    }
    let d = e.explain("root", "stack:rename", PROD);
    assert!(d.is_allowed());
    assert!(reason_codes(&d).contains(&"org_admin"), "{d:?}");
    let d = e.explain("token:tok-admin", "stack_access:update", DEV);
    assert!(d.is_allowed());
    assert!(reason_codes(&d).contains(&"org_admin"), "{d:?}");
}

#[test]
fn default_stack_permission_applies_to_builtin_members_on_every_stack() {
    let e = acme_with(json!({ "defaultStackPermission": "read" }));
    for stack in [PROD, DEV, STAGING] {
        assert_eq!(level(&e, "mia", stack), Permission::Read, "{stack}");
    }
    let d = e.explain("mia", "stack:read", DEV);
    assert!(d.is_allowed());
    assert_eq!(d.reasons(), vec![scopegate::Reason::DefaultPermission { level: Permission::Read }]);
    assert!(!e.check("mia", "stack:write", DEV));
    // Member-role organization tokens get the default too (model-facts F.22).
    assert_eq!(level(&e, "token:tok-std", PROD), Permission::Read);
}

#[test]
fn team_grant_gives_its_level_to_team_members_on_that_stack_only() {
    let e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_eq!(level(&e, "tim", PROD), Permission::Write);
    assert_eq!(level(&e, "tim", DEV), Permission::None);
    assert_eq!(level(&e, "oli", DEV), Permission::Admin);
    assert_eq!(level(&e, "oli", PROD), Permission::None);
    let d = e.explain("tim", "stack:write", PROD);
    assert!(d.is_allowed());
    assert!(
        d.reasons().contains(&scopegate::Reason::TeamGrant { team: "crew".into(), level: Permission::Write }),
        "{d:?}"
    );
    // The team's token sees the same grant.
    assert_eq!(level(&e, "token:tok-crew", PROD), Permission::Write);
    assert_eq!(level(&e, "token:tok-crew", DEV), Permission::None);
}

#[test]
fn role_rule_naming_a_stack_grants_its_permission_set_there_only() {
    let e = acme_with(json!({}));
    assert_eq!(level(&e, "rhea", PROD), Permission::Read);
    assert_eq!(level(&e, "rhea", DEV), Permission::None);
    let d = e.explain("rhea", "stack:read", PROD);
    assert!(d.is_allowed());
    assert_eq!(reason_codes(&d), vec!["role_rule"]);
    assert!(!e.check("rhea", "stack:write", PROD));
}

#[test]
fn role_rule_for_all_stacks_covers_every_stack_including_new_ones() {
    let mut e = acme_with(json!({}));
    for stack in [PROD, DEV, STAGING, "acme/app/sam"] {
        assert_eq!(level(&e, "gail", stack), Permission::Read, "{stack}");
    }
    e.create_stack("root", "acme", "svc", "fresh", &[]).unwrap();
    assert_eq!(level(&e, "gail", "acme/svc/fresh"), Permission::Read);
}

#[test]
fn role_tag_rules_match_tag_value_and_tag_existence() {
    let e = acme_with(json!({}));
    // env = staging -> Stack Write
    assert_eq!(level(&e, "tess", STAGING), Permission::Write);
    // owner tag exists -> Stack Read
    assert_eq!(level(&e, "tess", DEV), Permission::Read);
    // neither condition holds
    assert_eq!(level(&e, "tess", PROD), Permission::None);
}

#[test]
fn team_role_rules_apply_to_every_team_member() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_eq!(level(&e, "oli", STAGING), Permission::None);
    e.set_team_role("root", "acme", "ops", "StagingWriter", true).unwrap();
    assert_eq!(level(&e, "oli", STAGING), Permission::Write);
    let d = e.explain("oli", "stack:write", STAGING);
    assert!(d.is_allowed());
    assert!(
        d.reasons().contains(&scopegate::Reason::RoleRule {
            role: "StagingWriter".into(),
            team: Some("ops".into()),
            permission_set: "stack-write".into()
        }),
        "{d:?}"
    );
}

#[test]
fn creator_grant_gives_the_creating_user_admin() {
    let e = acme_with(json!({ "defaultStackPermission": "read" }));
    assert_eq!(level(&e, "sam", "acme/app/sam"), Permission::Admin);
    assert_eq!(level(&e, "sam", PROD), Permission::Read);
    let d = e.explain("sam", "stack:rename", "acme/app/sam");
    assert!(d.is_allowed());
    assert_eq!(reason_codes(&d), vec!["creator_grant"]);
}

#[test]
fn explicit_grant_gives_the_user_its_level() {
    let e = acme_with(json!({ "defaultStackPermission": "read" }));
    assert_eq!(level(&e, "eve", STAGING), Permission::Admin);
    assert_eq!(level(&e, "eve", PROD), Permission::Read);
    let d = e.explain("eve", "stack_access:update", STAGING);
    assert!(d.is_allowed());
    assert_eq!(d.reasons(), vec![scopegate::Reason::ExplicitGrant { level: Permission::Admin }]);
}

#[test]
fn stack_permission_sources_merge_by_max_and_never_subtract() {
    // Default READ + team WRITE -> WRITE.
    let mut e = acme_with(json!({ "defaultStackPermission": "read" }));
    assert_eq!(level(&e, "tim", PROD), Permission::Write);
    // A lower explicit grant does not take the team's WRITE away.
    e.set_stack_permission("root", PROD, "tim", Permission::Read).unwrap();
    assert_eq!(level(&e, "tim", PROD), Permission::Write);
    // A higher explicit grant raises it.
    e.set_stack_permission("root", PROD, "tim", Permission::Admin).unwrap();
    assert_eq!(level(&e, "tim", PROD), Permission::Admin);
    // Default ADMIN above the team's WRITE wins.
    let e = acme_with(json!({ "defaultStackPermission": "admin" }));
    assert_eq!(level(&e, "tim", PROD), Permission::Admin);
}

#[test]
fn stack_scopes_from_several_sources_are_united() {
    // rex: team `crew` gives Stack Write on app/prod; role `Reaper` adds stack:delete there.
    let e = acme_with(json!({}));
    assert!(e.check("rex", "stack:write", PROD));
    assert!(e.check("rex", "stack:delete", PROD));
    // Neither source holds rename or access management.
    assert!(!e.check("rex", "stack:rename", PROD));
    assert!(!e.check("rex", "stack_access:update", PROD));
    assert_eq!(level(&e, "rex", PROD), Permission::Write);
}

#[test]
fn billing_manager_gets_no_default_stack_permission() {
    for default in ["read", "write", "admin"] {
        let e = acme_with(json!({ "defaultStackPermission": default }));
        assert_eq!(level(&e, "bill", PROD), Permission::None, "{default}");
        let d = e.explain("bill", "stack:read", PROD);
        assert!(!d.is_allowed());
        assert_eq!(deny_code(&d), Some("missing_scope"));
    }
}

#[test]
fn custom_role_member_gets_no_default_stack_permission() {
    let e = acme_with(json!({ "defaultStackPermission": "write" }));
    // A custom role without stack rules: nothing at all.
    assert_eq!(level(&e, "cara", PROD), Permission::None);
    assert!(!e.check("cara", "stack:read", DEV));
    // A custom role with a READ rule on app/prod: READ there (not the default WRITE), nothing elsewhere.
    assert_eq!(level(&e, "rhea", PROD), Permission::Read);
    assert!(!e.check("rhea", "stack:write", PROD));
    assert_eq!(level(&e, "rhea", DEV), Permission::None);
}

#[test]
fn creator_grant_persists_independent_of_settings_and_role() {
    let mut e = acme_with(json!({ "defaultStackPermission": "write" }));
    e.update_settings(
        "root",
        "acme",
        &SettingsPatch { default_stack_permission: Some(Permission::None), ..patch() },
    )
    .unwrap();
    assert_eq!(level(&e, "sam", "acme/app/sam"), Permission::Admin);
    assert_eq!(level(&e, "sam", PROD), Permission::None);
    // A custom role without stack rules does not suppress it either.
    e.set_member_role("root", "acme", "sam", "Auditor").unwrap();
    assert_eq!(level(&e, "sam", "acme/app/sam"), Permission::Admin);
    assert!(e.check("sam", "stack:delete", "acme/app/sam"));
}

#[test]
fn creator_grant_can_be_removed_by_remove_creator_grant() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read" }));
    // A plain Member with READ may not remove it.
    let err = assert_forbidden(e.remove_creator_grant("mia", "acme/app/sam"));
    assert_eq!(forbidden_deny_code(&err), Some("missing_scope"));
    assert_eq!(level(&e, "sam", "acme/app/sam"), Permission::Admin);
    // An org admin may; the creator falls back to the default.
    e.remove_creator_grant("root", "acme/app/sam").unwrap();
    assert_eq!(level(&e, "sam", "acme/app/sam"), Permission::Read);
    let d = e.explain("sam", "stack:delete", "acme/app/sam");
    assert_eq!(deny_code(&d), Some("missing_scope"));
}

// ---------------------------------------------------------------------------------------------
// C.4: delete gate
// ---------------------------------------------------------------------------------------------

#[test]
fn stack_admin_can_delete_when_stack_admins_can_delete_is_on() {
    let e = acme_with(json!({ "stackAdminsCanDeleteStacks": true }));
    let d = e.explain("oli", "stack:delete", DEV);
    assert!(d.is_allowed(), "{d:?}");
    assert!(reason_codes(&d).contains(&"team_grant"));
    assert!(e.check("sam", "stack:delete", "acme/app/sam"));
}

#[test]
fn stack_admin_cannot_delete_when_stack_admins_can_delete_is_off() {
    let e = acme_with(json!({ "stackAdminsCanDeleteStacks": false }));
    for (who, stack) in [("oli", DEV), ("sam", "acme/app/sam"), ("eve", STAGING)] {
        let d = e.explain(who, "stack:delete", stack);
        assert!(!d.is_allowed(), "{who}");
        assert_eq!(
            d.deny().cloned(),
            Some(Deny::SettingDisabled { toggle: Toggle::StackAdminsCanDeleteStacks }),
            "{who}"
        );
    }
}

#[test]
fn org_admin_can_delete_whatever_the_delete_toggle() {
    for toggle in [true, false] {
        let e = acme_with(json!({ "stackAdminsCanDeleteStacks": toggle }));
        assert!(e.check("root", "stack:delete", PROD), "{toggle}");
        assert!(e.check("token:tok-admin", "stack:delete", PROD), "{toggle}");
    }
}

#[test]
fn write_level_never_deletes_a_stack() {
    let e = acme_with(json!({ "defaultStackPermission": "write", "stackAdminsCanDeleteStacks": true }));
    let d = e.explain("mia", "stack:delete", PROD);
    assert!(!d.is_allowed());
    assert_eq!(
        d.deny().cloned(),
        Some(Deny::MissingScope { scope: "stack:delete", level: Some(Permission::Write) })
    );
}

#[test]
fn delete_stack_action_follows_the_delete_gate() {
    let mut e = acme_with(json!({ "stackAdminsCanDeleteStacks": false }));
    let err = assert_forbidden(e.delete_stack("oli", DEV));
    assert_eq!(forbidden_deny_code(&err), Some("setting_disabled"));
    assert!(e.check("oli", "stack:read", DEV));
    e.delete_stack("root", DEV).unwrap();
    assert_eq!(deny_code(&e.explain("root", "stack:read", DEV)), Some("unknown_resource"));

    let mut e = acme_with(json!({ "stackAdminsCanDeleteStacks": true }));
    e.delete_stack("oli", DEV).unwrap();
    assert!(!e.check("oli", "stack:read", DEV));
}

// ---------------------------------------------------------------------------------------------
// C.4: transfer gate
// ---------------------------------------------------------------------------------------------

#[test]
fn stack_admin_can_transfer_when_toggle_on_and_allowed_to_create_in_destination() {
    let e = world(json!({ "stackAdminsCanTransferStacks": true }), json!({ "membersCanCreateStacks": true }));
    assert!(e.check("sam", "stack:transfer", "acme/app/sam"));
    let d = e.explain_transfer("sam", "acme/app/sam", "beta");
    assert!(d.is_allowed(), "{d:?}");
    assert!(reason_codes(&d).contains(&"creator_grant"));
    assert!(reason_codes(&d).contains(&"setting"));
}

#[test]
fn stack_admin_cannot_transfer_when_toggle_off() {
    let e =
        world(json!({ "stackAdminsCanTransferStacks": false }), json!({ "membersCanCreateStacks": true }));
    let d = e.explain("sam", "stack:transfer", "acme/app/sam");
    assert_eq!(
        d.deny().cloned(),
        Some(Deny::SettingDisabled { toggle: Toggle::StackAdminsCanTransferStacks })
    );
    let d = e.explain_transfer("sam", "acme/app/sam", "beta");
    assert!(!d.is_allowed());
    assert_eq!(deny_code(&d), Some("setting_disabled"));
}

#[test]
fn org_admin_can_transfer_whatever_the_transfer_toggle() {
    for toggle in [true, false] {
        let e = world(
            json!({ "stackAdminsCanTransferStacks": toggle }),
            json!({ "membersCanCreateStacks": true }),
        );
        assert!(e.check("root", "stack:transfer", PROD), "{toggle}");
        assert!(e.explain_transfer("root", PROD, "beta").is_allowed(), "{toggle}");
    }
}

#[test]
fn write_level_never_transfers_a_stack() {
    let e = world(json!({ "defaultStackPermission": "write" }), json!({}));
    let d = e.explain_transfer("eve", PROD, "beta");
    assert!(!d.is_allowed());
    assert_eq!(deny_code(&d), Some("missing_scope"));
}

#[test]
fn transfer_needs_the_right_to_create_stacks_in_the_destination() {
    // The destination does not let Members create stacks.
    let e = world(json!({}), json!({ "membersCanCreateStacks": false }));
    let d = e.explain_transfer("sam", "acme/app/sam", "beta");
    assert!(!d.is_allowed());
    assert_eq!(d.deny().cloned(), Some(Deny::DestinationDenied { org: "beta".into() }));
    // carl may create stacks in acme and administers its own stack there, but is no member of beta.
    let mut e = world(json!({}), json!({ "membersCanCreateStacks": true }));
    e.create_stack("carl", "acme", "app", "carls", &[]).unwrap();
    assert!(e.check("carl", "stack:transfer", "acme/app/carls"));
    let d = e.explain_transfer("carl", "acme/app/carls", "beta");
    assert_eq!(deny_code(&d), Some("destination_denied"));
}

#[test]
fn transfer_stack_moves_the_stack_when_every_gate_passes() {
    let mut e = world(json!({}), json!({ "membersCanCreateStacks": false }));
    let err = assert_forbidden(e.transfer_stack("sam", "acme/app/sam", "beta"));
    assert_eq!(forbidden_deny_code(&err), Some("destination_denied"));
    assert!(e.check("sam", "stack:read", "acme/app/sam"));

    let mut e = world(json!({}), json!({ "membersCanCreateStacks": true }));
    e.transfer_stack("sam", "acme/app/sam", "beta").unwrap();
    assert_eq!(deny_code(&e.explain("root", "stack:read", "acme/app/sam")), Some("unknown_resource"));
    assert!(e.check("root", "stack:read", "beta/app/sam"));
}

#[test]
fn transfer_stack_is_refused_when_the_transfer_toggle_is_off() {
    let mut e =
        world(json!({ "stackAdminsCanTransferStacks": false }), json!({ "membersCanCreateStacks": true }));
    let err = assert_forbidden(e.transfer_stack("sam", "acme/app/sam", "beta"));
    assert_eq!(forbidden_deny_code(&err), Some("setting_disabled"));
    e.transfer_stack("root", "acme/app/sam", "beta").unwrap();
    assert!(e.check("root", "stack:read", "beta/app/sam"));
}

// ---------------------------------------------------------------------------------------------
// C.4: create gate
// ---------------------------------------------------------------------------------------------

#[test]
fn org_admin_can_create_stacks_with_members_can_create_stacks_off() {
    let mut e = acme_with(json!({ "membersCanCreateStacks": false }));
    let d = e.explain("root", "stack:create", "acme");
    assert!(d.is_allowed());
    assert_eq!(reason_codes(&d), vec!["org_admin"]);
    e.create_stack("root", "acme", "svc", "api", &[]).unwrap();
    assert!(e.check("root", "stack:read", "acme/svc/api"));
}

#[test]
fn role_holding_stack_create_through_a_custom_org_permission_set_can_create_stacks() {
    let mut e = acme_with(json!({ "membersCanCreateStacks": false }));
    let d = e.explain("carl", "stack:create", "acme");
    assert!(d.is_allowed(), "{d:?}");
    assert_eq!(d.reasons(), vec![scopegate::Reason::CustomRole { role: "StackCreator".into(), team: None }]);
    e.create_stack("carl", "acme", "svc", "api", &[]).unwrap();
    assert_eq!(level(&e, "carl", "acme/svc/api"), Permission::Admin);
}

#[test]
fn team_role_holding_stack_create_lets_team_members_create_stacks() {
    let e = acme_with(json!({ "membersCanCreateStacks": false }));
    let d = e.explain("bo", "stack:create", "acme");
    assert!(d.is_allowed(), "{d:?}");
    assert!(
        d.reasons().contains(&scopegate::Reason::CustomRole {
            role: "StackCreator".into(),
            team: Some("builders".into())
        }),
        "{d:?}"
    );
    // The team's token holds the team's roles too.
    assert!(e.check("token:tok-builders", "stack:create", "acme"));
    // A Member outside the team does not.
    assert!(!e.check("mia", "stack:create", "acme"));
}

#[test]
fn member_can_create_stacks_only_when_members_can_create_stacks_is_on() {
    let mut e = acme_with(json!({ "membersCanCreateStacks": true }));
    let d = e.explain("mia", "stack:create", "acme");
    assert!(d.is_allowed());
    assert_eq!(d.reasons(), vec![scopegate::Reason::Setting { toggle: Toggle::MembersCanCreateStacks }]);
    e.create_stack("mia", "acme", "svc", "api", &[]).unwrap();

    let mut e = acme_with(json!({ "membersCanCreateStacks": false }));
    let d = e.explain("mia", "stack:create", "acme");
    assert_eq!(d.deny().cloned(), Some(Deny::SettingDisabled { toggle: Toggle::MembersCanCreateStacks }));
    let err = assert_forbidden(e.create_stack("mia", "acme", "svc", "api", &[]));
    assert_eq!(forbidden_deny_code(&err), Some("setting_disabled"));
}

#[test]
fn custom_role_user_without_stack_create_cannot_create_stacks_even_with_toggle_on() {
    let mut e = acme_with(json!({ "membersCanCreateStacks": true }));
    for who in ["cara", "rhea", "gail"] {
        let d = e.explain(who, "stack:create", "acme");
        assert!(!d.is_allowed(), "{who}");
        assert_eq!(deny_code(&d), Some("missing_scope"), "{who}");
    }
    // Billing Managers neither.
    assert!(!e.check("bill", "stack:create", "acme"));
    assert_forbidden(e.create_stack("cara", "acme", "svc", "api", &[]));
}

#[test]
fn member_role_org_token_creates_stacks_according_to_the_toggle() {
    let e = acme_with(json!({ "membersCanCreateStacks": true }));
    let d = e.explain("token:tok-std", "stack:create", "acme");
    assert!(d.is_allowed());
    assert_eq!(reason_codes(&d), vec!["setting"]);

    let e = acme_with(json!({ "membersCanCreateStacks": false }));
    let d = e.explain("token:tok-std", "stack:create", "acme");
    assert!(!d.is_allowed());
    assert_eq!(deny_code(&d), Some("setting_disabled"));
    // An organization token whose custom role holds stack:create does not need the toggle.
    assert!(e.check("token:tok-carl-role", "stack:create", "acme"));
}

#[test]
fn admin_org_token_can_always_create_stacks() {
    for toggle in [true, false] {
        let mut e = acme_with(json!({ "membersCanCreateStacks": toggle }));
        let d = e.explain("token:tok-admin", "stack:create", "acme");
        assert!(d.is_allowed(), "{toggle}");
        assert_eq!(reason_codes(&d), vec!["org_admin"]);
        e.create_stack("token:tok-admin", "acme", "svc", "api", &[]).unwrap();
    }
}

#[test]
fn only_org_admins_list_and_restore_deleted_stacks() {
    let e = acme_with(json!({ "defaultStackPermission": "admin" }));
    for scope in ["stack:list_deleted", "stack:restore_deleted"] {
        assert!(e.check("root", scope, "acme"), "{scope}");
        assert!(e.check("token:tok-admin", scope, "acme"), "{scope}");
        // Stack admins and creators are not enough.
        for who in ["mia", "sam", "oli", "eve", "carl", "token:tok-std", "token:tok-crew"] {
            let d = e.explain(who, scope, "acme");
            assert!(!d.is_allowed(), "{who} {scope}");
            assert_eq!(deny_code(&d), Some("missing_scope"), "{who} {scope}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// C.6: team management
// ---------------------------------------------------------------------------------------------

#[test]
fn org_admin_can_create_teams() {
    let mut e = acme_with(json!({ "membersCanCreateTeams": false }));
    assert!(e.check("root", "team:create", "acme"));
    assert!(e.check("token:tok-admin", "team:create", "acme"));
    e.create_team("root", "acme", "platform").unwrap();
    assert!(e.check("root", "team:read", "acme/platform"));
}

#[test]
fn member_can_create_teams_only_when_members_can_create_teams_is_on() {
    let mut e = acme_with(json!({ "membersCanCreateTeams": false }));
    let d = e.explain("mia", "team:create", "acme");
    assert_eq!(d.deny().cloned(), Some(Deny::SettingDisabled { toggle: Toggle::MembersCanCreateTeams }));
    let err = assert_forbidden(e.create_team("mia", "acme", "platform"));
    assert_eq!(forbidden_deny_code(&err), Some("setting_disabled"));

    let mut e = acme_with(json!({ "membersCanCreateTeams": true }));
    let d = e.explain("mia", "team:create", "acme");
    assert!(d.is_allowed());
    assert_eq!(d.reasons(), vec![scopegate::Reason::Setting { toggle: Toggle::MembersCanCreateTeams }]);
    e.create_team("mia", "acme", "platform").unwrap();
    // The creating Member becomes the new team's admin.
    let d = e.explain("mia", "team:update", "acme/platform");
    assert!(d.is_allowed(), "{d:?}");
    assert!(reason_codes(&d).contains(&"team_admin"));
    // The toggle does not help custom-role users.
    assert!(!e.check("cara", "team:create", "acme"));
}

#[test]
fn only_org_admins_import_github_teams() {
    let e = acme_with(json!({ "membersCanCreateTeams": true }));
    assert!(e.check("root", "github_team:create", "acme"));
    assert!(e.check("token:tok-admin", "github_team:create", "acme"));
    for who in ["mia", "tam", "carl", "token:tok-std", "token:tok-crew"] {
        let d = e.explain(who, "github_team:create", "acme");
        assert!(!d.is_allowed(), "{who}");
        assert_eq!(deny_code(&d), Some("missing_scope"), "{who}");
    }
}

#[test]
fn team_admin_can_add_and_remove_team_members() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_eq!(level(&e, "nia", PROD), Permission::None);
    e.set_team_member("tam", "acme", "crew", "nia", false).unwrap();
    // The new member receives the team's grant.
    assert_eq!(level(&e, "nia", PROD), Permission::Write);
    e.remove_team_member("tam", "acme", "crew", "nia").unwrap();
    assert_eq!(level(&e, "nia", PROD), Permission::None);
    // The team admin may also promote a member to team admin.
    e.set_team_member("tam", "acme", "crew", "tim", true).unwrap();
    assert!(e.check("tim", "team:update", "acme/crew"));
}

#[test]
fn plain_team_member_cannot_manage_team_membership() {
    let mut e = acme_with(json!({}));
    let err = assert_forbidden(e.set_team_member("tim", "acme", "crew", "nia", false));
    assert!(matches!(err, ManageError::Forbidden { action: "team:update", .. }));
    assert_forbidden(e.remove_team_member("tim", "acme", "crew", "rex"));
    assert!(!e.check("tim", "team:update", "acme/crew"));
    // Nothing changed.
    assert!(e.check("rex", "stack:write", PROD));
}

#[test]
fn non_member_of_the_team_cannot_manage_its_membership() {
    let mut e = acme_with(json!({}));
    assert_forbidden(e.set_team_member("nia", "acme", "crew", "nia", true));
    assert_forbidden(e.remove_team_member("oli", "acme", "crew", "tim"));
    // A team admin of one team has no say over another team.
    assert_forbidden(e.set_team_member("tam", "acme", "ops", "nia", false));
    assert!(!e.check("tam", "team:update", "acme/ops"));
}

#[test]
fn org_admin_can_manage_any_team_membership() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    e.set_team_member("root", "acme", "ops", "nia", false).unwrap();
    assert_eq!(level(&e, "nia", DEV), Permission::Admin);
    e.remove_team_member("token:tok-admin", "acme", "ops", "nia").unwrap();
    assert_eq!(level(&e, "nia", DEV), Permission::None);
}

#[test]
fn team_admin_can_grant_stack_access_to_own_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    e.set_team_permission("tam", "acme", "crew", EntityKind::Stack, "app/staging", Permission::Read).unwrap();
    assert_eq!(level(&e, "tim", STAGING), Permission::Read);
    assert_eq!(level(&e, "token:tok-crew", STAGING), Permission::Read);
}

#[test]
fn team_admin_can_remove_stack_access_from_own_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    e.set_team_permission("tam", "acme", "crew", EntityKind::Stack, "app/prod", Permission::None).unwrap();
    assert_eq!(level(&e, "tim", PROD), Permission::None);
}

#[test]
fn team_admin_cannot_grant_stack_access_to_another_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    let err = assert_forbidden(e.set_team_permission(
        "tam",
        "acme",
        "ops",
        EntityKind::Stack,
        "app/prod",
        Permission::Admin,
    ));
    assert_eq!(forbidden_deny_code(&err), Some("missing_scope"));
    assert_eq!(level(&e, "oli", PROD), Permission::None);
}

#[test]
fn plain_team_member_cannot_grant_stack_access_to_own_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_forbidden(e.set_team_permission(
        "tim",
        "acme",
        "crew",
        EntityKind::Stack,
        "app/dev",
        Permission::Write,
    ));
    assert_eq!(level(&e, "tim", DEV), Permission::None);
}

#[test]
fn org_admin_can_grant_stack_access_to_any_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    e.set_team_permission("root", "acme", "ops", EntityKind::Stack, "app/prod", Permission::Read).unwrap();
    assert_eq!(level(&e, "oli", PROD), Permission::Read);
}

#[test]
fn team_role_assignment_needs_role_update_and_team_update() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    // Team admin alone is not enough.
    assert_forbidden(e.set_team_role("tam", "acme", "crew", "StagingWriter", true));
    // role:update without team:update is not enough.
    assert_forbidden(e.set_team_role("rita", "acme", "crew", "StagingWriter", true));
    assert_eq!(level(&e, "tim", STAGING), Permission::None);
    // role:update and team:update together are.
    e.set_team_role("tara", "acme", "crew", "StagingWriter", true).unwrap();
    assert_eq!(level(&e, "tim", STAGING), Permission::Write);
    // And the org admin, who holds every scope.
    e.set_team_role("root", "acme", "crew", "StagingWriter", false).unwrap();
    assert_eq!(level(&e, "tim", STAGING), Permission::None);
}

#[test]
fn only_org_admin_can_delete_a_team() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert!(!e.check("tam", "team:delete", "acme/crew"));
    let err = assert_forbidden(e.delete_team("tam", "acme", "crew"));
    assert_eq!(forbidden_deny_code(&err), Some("missing_scope"));
    assert_forbidden(e.delete_team("tim", "acme", "crew"));
    assert!(e.check("root", "team:delete", "acme/crew"));
    e.delete_team("root", "acme", "crew").unwrap();
    // The team's grant is gone with it.
    assert_eq!(level(&e, "tim", PROD), Permission::None);
}

#[test]
fn team_admin_manages_own_team_tokens_but_a_team_member_does_not() {
    let e = acme_with(json!({}));
    for scope in ["team:create_token", "team:delete_token", "team:list_tokens"] {
        let d = e.explain("tam", scope, "acme/crew");
        assert!(d.is_allowed(), "{scope}");
        assert_eq!(d.reasons(), vec![scopegate::Reason::TeamAdmin { team: "crew".into() }], "{scope}");
        assert!(e.check("root", scope, "acme/crew"), "{scope}");
        assert!(e.check("token:tok-admin", scope, "acme/crew"), "{scope}");
        for (who, team) in
            [("tim", "acme/crew"), ("nia", "acme/crew"), ("tam", "acme/ops"), ("token:tok-crew", "acme/crew")]
        {
            let d = e.explain(who, scope, team);
            assert!(!d.is_allowed(), "{who} {scope} {team}");
            assert_eq!(deny_code(&d), Some("missing_scope"), "{who} {scope} {team}");
        }
        // Organization-wide, a team admin holds no token rights.
        assert!(!e.check("tam", scope, "acme"), "{scope}");
    }
}

// ---------------------------------------------------------------------------------------------
// D.1–D.5: organization settings
// ---------------------------------------------------------------------------------------------

#[test]
fn omitted_settings_take_their_documented_defaults() {
    let e = acme_with(json!({}));
    let documented = Settings {
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
    };
    assert_eq!(e.settings("acme"), Some(documented));
    // And they act: a Member writes, creates stacks, but creates no team.
    assert_eq!(level(&e, "mia", PROD), Permission::Write);
    assert!(e.check("mia", "stack:create", "acme"));
    assert!(!e.check("mia", "team:create", "acme"));
    assert!(e.check("sam", "stack:delete", "acme/app/sam"));
    assert!(e.check("sam", "stack:transfer", "acme/app/sam"));
}

#[test]
fn default_stack_permission_none_gives_members_no_stack_access() {
    let e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_eq!(level(&e, "mia", PROD), Permission::None);
    let d = e.explain("mia", "stack:read", PROD);
    assert_eq!(
        d.deny().cloned(),
        Some(Deny::MissingScope { scope: "stack:read", level: Some(Permission::None) })
    );
}

#[test]
fn default_stack_permission_read_lets_members_read_but_not_write() {
    let e = acme_with(json!({ "defaultStackPermission": "read" }));
    assert_eq!(level(&e, "mia", PROD), Permission::Read);
    assert!(e.check("mia", "stack:read", PROD));
    assert!(e.check("mia", "stack:export", PROD));
    assert!(!e.check("mia", "stack:write", PROD));
    assert!(!e.check("mia", "stack:import", PROD));
}

#[test]
fn default_stack_permission_write_lets_members_update_but_not_delete() {
    let e = acme_with(json!({ "defaultStackPermission": "write" }));
    assert_eq!(level(&e, "mia", PROD), Permission::Write);
    assert!(e.check("mia", "stack:write", PROD));
    assert!(e.check("mia", "stack_tags:update", PROD));
    assert!(!e.check("mia", "stack:delete", PROD));
    assert!(!e.check("mia", "stack:rename", PROD));
}

#[test]
fn default_stack_permission_admin_makes_every_member_a_stack_admin_still_gated_by_toggles() {
    let e = acme_with(json!({
        "defaultStackPermission": "admin",
        "stackAdminsCanDeleteStacks": true
    }));
    assert_eq!(level(&e, "mia", PROD), Permission::Admin);
    assert!(e.check("mia", "stack:delete", PROD));
    assert!(e.check("mia", "stack:rename", PROD));
    let e = acme_with(json!({
        "defaultStackPermission": "admin",
        "stackAdminsCanDeleteStacks": false,
        "stackAdminsCanTransferStacks": false
    }));
    assert_eq!(level(&e, "mia", PROD), Permission::Admin);
    assert_eq!(deny_code(&e.explain("mia", "stack:delete", PROD)), Some("setting_disabled"));
    assert_eq!(deny_code(&e.explain("mia", "stack:transfer", PROD)), Some("setting_disabled"));
}

#[test]
fn members_can_create_stacks_setting_gates_member_stack_creation() {
    for (toggle, expected) in [(true, true), (false, false)] {
        let e = acme_with(json!({ "membersCanCreateStacks": toggle }));
        assert_eq!(e.check("mia", "stack:create", "acme"), expected, "{toggle}");
        // Org admins are not affected.
        assert!(e.check("root", "stack:create", "acme"), "{toggle}");
    }
}

#[test]
fn stack_admins_can_delete_stacks_setting_gates_non_admin_deletion() {
    for toggle in [true, false] {
        let e = acme_with(json!({ "stackAdminsCanDeleteStacks": toggle }));
        assert_eq!(e.check("oli", "stack:delete", DEV), toggle, "{toggle}");
        assert!(e.check("root", "stack:delete", DEV), "{toggle}");
    }
}

#[test]
fn stack_admins_can_transfer_stacks_setting_gates_non_admin_transfer() {
    for toggle in [true, false] {
        let e = acme_with(json!({ "stackAdminsCanTransferStacks": toggle }));
        assert_eq!(e.check("oli", "stack:transfer", DEV), toggle, "{toggle}");
        assert!(e.check("root", "stack:transfer", DEV), "{toggle}");
    }
}

#[test]
fn members_can_create_teams_setting_gates_member_team_creation() {
    for toggle in [true, false] {
        let e = acme_with(json!({ "membersCanCreateTeams": toggle }));
        assert_eq!(e.check("mia", "team:create", "acme"), toggle, "{toggle}");
        assert_eq!(e.check("token:tok-std", "team:create", "acme"), toggle, "{toggle}");
        assert!(e.check("root", "team:create", "acme"), "{toggle}");
    }
}

// ---------------------------------------------------------------------------------------------
// Management actions
// ---------------------------------------------------------------------------------------------

#[test]
fn org_admin_can_update_settings() {
    let mut e = acme_with(json!({}));
    e.update_settings(
        "root",
        "acme",
        &SettingsPatch {
            members_can_create_teams: Some(true),
            stack_admins_can_delete_stacks: Some(false),
            ..patch()
        },
    )
    .unwrap();
    let s = e.settings("acme").unwrap();
    assert!(s.members_can_create_teams);
    assert!(!s.stack_admins_can_delete_stacks);
    // Untouched settings keep their values.
    assert_eq!(s.default_stack_permission, Permission::Write);
    assert!(s.members_can_create_stacks);
}

#[test]
fn member_cannot_update_settings_and_the_refusal_names_the_missing_scope() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read" }));
    let change = SettingsPatch { default_stack_permission: Some(Permission::Admin), ..patch() };
    for who in ["mia", "tam", "sam", "token:tok-std", "token:tok-crew"] {
        let err = assert_forbidden(e.update_settings(who, "acme", &change));
        match err {
            ManageError::Forbidden { action, deny, .. } => {
                assert_eq!(action, "organization:update", "{who}");
                assert_eq!(deny, Deny::MissingScope { scope: "organization:update", level: None }, "{who}");
            }
            other => panic!("{who}: {other:?}"),
        }
    }
    assert_eq!(e.settings("acme").unwrap().default_stack_permission, Permission::Read);
    // An admin organization token may.
    e.update_settings("token:tok-admin", "acme", &change).unwrap();
    assert_eq!(e.settings("acme").unwrap().default_stack_permission, Permission::Admin);
}

#[test]
fn settings_changes_take_effect_on_the_next_check() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read", "membersCanCreateStacks": false }));
    assert!(!e.check("mia", "stack:write", PROD));
    assert!(!e.check("mia", "stack:create", "acme"));
    e.update_settings(
        "root",
        "acme",
        &SettingsPatch {
            default_stack_permission: Some(Permission::Write),
            members_can_create_stacks: Some(true),
            ..patch()
        },
    )
    .unwrap();
    assert!(e.check("mia", "stack:write", PROD));
    assert!(e.check("mia", "stack:create", "acme"));
    e.update_settings(
        "root",
        "acme",
        &SettingsPatch { default_stack_permission: Some(Permission::None), ..patch() },
    )
    .unwrap();
    assert!(!e.check("mia", "stack:read", PROD));
}

#[test]
fn remove_member_removes_every_access() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read" }));
    assert!(e.check("tim", "stack:write", PROD));
    assert!(e.check("eve", "stack:delete", STAGING));
    // A Member may not remove anyone.
    let err = assert_forbidden(e.remove_member("mia", "acme", "tim"));
    assert_eq!(forbidden_deny_code(&err), Some("missing_scope"));
    e.remove_member("root", "acme", "tim").unwrap();
    e.remove_member("root", "acme", "eve").unwrap();
    for (who, scope, stack) in [("tim", "stack:read", PROD), ("eve", "stack:read", STAGING)] {
        let d = e.explain(who, scope, stack);
        assert!(!d.is_allowed(), "{who}");
        assert_eq!(deny_code(&d), Some("not_a_member"), "{who}");
    }
    assert!(!e.check("tim", "team:list", "acme"));
    // Re-adding the user does not bring back the team membership or the explicit grant.
    e.add_member("root", "acme", "eve", "member").unwrap();
    assert_eq!(level(&e, "eve", STAGING), Permission::Read);
    e.add_member("root", "acme", "tim", "member").unwrap();
    assert_eq!(level(&e, "tim", PROD), Permission::Read);
}

#[test]
fn set_member_role_changes_what_the_member_may_do() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read", "stackAdminsCanDeleteStacks": false }));
    // A Member cannot change roles.
    assert_forbidden(e.set_member_role("mia", "acme", "mia", "admin"));
    assert_forbidden(e.set_member_role("mia", "acme", "nia", "GlobalReader"));
    // Promote to Admin: every scope, bypassing the delete toggle.
    e.set_member_role("root", "acme", "mia", "admin").unwrap();
    assert!(e.check("mia", "stack:delete", PROD));
    assert!(e.check("mia", "organization:update", "acme"));
    // Move to a custom role: the Member default no longer applies.
    e.set_member_role("root", "acme", "nia", "ProdReader").unwrap();
    assert_eq!(level(&e, "nia", DEV), Permission::None);
    assert_eq!(level(&e, "nia", PROD), Permission::Read);
    // Back to Member: the default applies again.
    e.set_member_role("root", "acme", "nia", "member").unwrap();
    assert_eq!(level(&e, "nia", DEV), Permission::Read);
}

#[test]
fn create_stack_gives_the_creating_user_admin() {
    let mut e = acme_with(json!({ "defaultStackPermission": "read", "membersCanCreateStacks": true }));
    e.create_stack("mia", "acme", "svc", "api", &[("env", "dev")]).unwrap();
    assert_eq!(level(&e, "mia", "acme/svc/api"), Permission::Admin);
    let d = e.explain("mia", "stack:delete", "acme/svc/api");
    assert!(d.is_allowed());
    assert!(reason_codes(&d).contains(&"creator_grant"), "{d:?}");
    // Other Members keep the default.
    assert_eq!(level(&e, "nia", "acme/svc/api"), Permission::Read);
}

#[test]
fn create_stack_by_an_org_token_gives_the_token_identity_admin() {
    let mut e = acme_with(json!({ "defaultStackPermission": "none", "membersCanCreateStacks": true }));
    e.create_stack("token:tok-std", "acme", "svc", "api", &[]).unwrap();
    assert_eq!(level(&e, "token:tok-std", "acme/svc/api"), Permission::Admin);
    let d = e.explain("token:tok-std", "stack:delete", "acme/svc/api");
    assert!(d.is_allowed());
    assert_eq!(reason_codes(&d), vec!["creator_grant"]);
    // The human who minted the token does not receive the creator grant.
    assert_eq!(level(&e, "mia", "acme/svc/api"), Permission::None);
    // Nor does another organization token.
    assert_eq!(level(&e, "token:tok-carl-role", "acme/svc/api"), Permission::None);
}

#[test]
fn create_stack_by_a_team_token_gives_the_team_token_identity_admin() {
    // Team tokens receive the Member toggles only with teamTokensGetMemberDefaults on.
    let mut e = acme_with(json!({
        "defaultStackPermission": "none",
        "membersCanCreateStacks": true,
        "teamTokensGetMemberDefaults": true
    }));
    e.create_stack("token:tok-crew", "acme", "svc", "api", &[]).unwrap();
    assert_eq!(level(&e, "token:tok-crew", "acme/svc/api"), Permission::Admin);
    // The creator grant belongs to the token, not to the team's members.
    assert_eq!(level(&e, "tim", "acme/svc/api"), Permission::None);
    assert_eq!(level(&e, "tam", "acme/svc/api"), Permission::None);
}

#[test]
fn snapshot_creator_token_holds_admin_on_the_stack_it_created() {
    let e = acme_with(json!({ "defaultStackPermission": "none" }));
    assert_eq!(level(&e, "token:tok-std", "acme/app/bot"), Permission::Admin);
    assert_eq!(level(&e, "token:tok-std", PROD), Permission::None);
    assert_eq!(level(&e, "mia", "acme/app/bot"), Permission::None);
}
