//! The token action matrix (model-facts E.2, PRODUCT decision 3): every one of the 44 actions,
//! decided through its scope, for team tokens, admin organization tokens and standard
//! organization tokens.

mod common;

use common::{deny_code, load};
use scopegate::testing::{MatrixRow, TOKEN_MATRIX, Target};
use scopegate::{Deny, Engine, EntityKind, Permission};
use serde_json::{Value, json};

const STACK: &str = "acme/app/prod";
const ORG: &str = "acme";
const TEAM: &str = "acme/crew";

const TEAM_TOKEN: &str = "token:tok-team";
const ADMIN_TOKEN: &str = "token:tok-admin";
const STANDARD_TOKEN: &str = "token:tok-std";

/// The resource a row's action targets in the matrix world.
fn resource(row: &MatrixRow) -> &'static str {
    match row.target {
        Target::Stack => STACK,
        Target::Org => ORG,
        Target::Team => TEAM,
    }
}

/// The matrix world: organization `acme` with `settings` (empty = documented defaults), an org
/// admin `root` (personal token `pat-root`), a plain Member `mia` (personal token `pat-mia`), a
/// team `crew` holding ADMIN on `app/prod` (the highest level a team can hold) with team token
/// `tok-team`, an admin organization token `tok-admin`, a standard organization token `tok-std`,
/// and the stack `app/prod`.
fn matrix_world(settings: Value) -> Engine {
    load(&json!({
        "version": 1,
        "users": [
            { "login": "root", "tokens": [ { "id": "pat-root" } ] },
            { "login": "mia", "tokens": [ { "id": "pat-mia" } ] }
        ],
        "organizations": [ {
            "name": "acme",
            "settings": settings,
            "members": [
                { "login": "root", "role": "admin" },
                { "login": "mia", "role": "member" }
            ],
            "teams": [ { "name": "crew", "stacks": { "app/prod": "admin" } } ],
            "stacks": [ { "project": "app", "name": "prod" } ],
            "tokens": [
                { "id": "tok-team", "kind": "team", "name": "crew-ci", "team": "crew" },
                { "id": "tok-admin", "kind": "organization", "name": "admin-ci", "role": "admin" },
                { "id": "tok-std", "kind": "organization", "name": "std-ci", "role": "member" }
            ]
        } ]
    }))
}

/// One team token per grant level on `app/prod` (`none` = no grant), in an org with `settings`.
fn team_levels_world(settings: Value) -> Engine {
    load(&json!({
        "version": 1,
        "organizations": [ {
            "name": "acme",
            "settings": settings,
            "teams": [
                { "name": "readers", "stacks": { "app/prod": "read" } },
                { "name": "writers", "stacks": { "app/prod": "write" } },
                { "name": "admins", "stacks": { "app/prod": "admin" } },
                { "name": "idle" }
            ],
            "stacks": [ { "project": "app", "name": "prod" } ],
            "tokens": [
                { "id": "tok-read", "kind": "team", "name": "read-ci", "team": "readers" },
                { "id": "tok-write", "kind": "team", "name": "write-ci", "team": "writers" },
                { "id": "tok-admin-team", "kind": "team", "name": "admin-ci", "team": "admins" },
                { "id": "tok-idle", "kind": "team", "name": "idle-ci", "team": "idle" }
            ]
        } ]
    }))
}

/// Checks every row against `expected`, and fails listing every mismatch at once.
fn assert_column(engine: &Engine, principal: &str, expected: impl Fn(&MatrixRow) -> bool) {
    let mismatches: Vec<String> = TOKEN_MATRIX
        .iter()
        .filter_map(|row| {
            let decision = engine.explain(principal, row.scope, resource(row));
            let want = expected(row);
            (decision.is_allowed() != want).then(|| {
                format!(
                    "row {} `{}` ({} on {}): expected {}, got {} ({:?})",
                    row.row,
                    row.action,
                    row.scope,
                    resource(row),
                    want,
                    decision.is_allowed(),
                    decision.deny()
                )
            })
        })
        .collect();
    assert!(mismatches.is_empty(), "{principal}:\n{}", mismatches.join("\n"));
}

/// What the team's grant on the stack must be for a team token to perform a stack row
/// (model-facts E.2 note: read rows need READ, tag and webhook writes need WRITE, delete needs
/// ADMIN). `None`: not allowed at any level (transfer).
fn team_level_needed(row: &MatrixRow) -> Option<Permission> {
    match row.scope {
        "stack:read" | "stack:export" => Some(Permission::Read),
        s if s.starts_with("stack_webhook:") || s == "stack_tags:update" => Some(Permission::Write),
        "stack:delete" => Some(Permission::Admin),
        _ => None,
    }
}

#[test]
fn matrix_has_44_rows_in_six_sections_with_the_documented_column_totals() {
    assert_eq!(TOKEN_MATRIX.len(), 44);
    for (i, row) in TOKEN_MATRIX.iter().enumerate() {
        assert_eq!(usize::from(row.row), i + 1);
    }
    let count = |f: fn(&MatrixRow) -> bool| TOKEN_MATRIX.iter().filter(|r| f(r)).count();
    assert_eq!(count(|r| r.personal), 16);
    assert_eq!(count(|r| r.team), 23);
    assert_eq!(count(|r| r.organization), 25);
    assert_eq!(count(|r| r.admin), 42);
    let none: Vec<u8> = TOKEN_MATRIX
        .iter()
        .filter(|r| !(r.personal || r.team || r.organization || r.admin))
        .map(|r| r.row)
        .collect();
    assert_eq!(none, vec![31, 32]);
    for (section, size) in [
        ("Stacks", 10),
        ("Stack tags", 3),
        ("Stack updates", 4),
        ("Organizations", 15),
        ("Webhooks", 10),
        ("Audit logs", 2),
    ] {
        assert_eq!(TOKEN_MATRIX.iter().filter(|r| r.section == section).count(), size, "{section}");
    }
}

#[test]
fn human_org_admin_may_perform_every_matrix_action() {
    // Also proves every row's scope is known and its resource fits the scope.
    let e = matrix_world(json!({}));
    for principal in ["root", "user:root", "token:pat-root"] {
        assert_column(&e, principal, |_| true);
    }
}

#[test]
fn team_token_column_matches_the_documented_matrix() {
    let e = matrix_world(json!({}));
    assert_column(&e, TEAM_TOKEN, |row| row.team);
}

#[test]
fn admin_org_token_column_matches_the_documented_matrix() {
    let e = matrix_world(json!({}));
    assert_column(&e, ADMIN_TOKEN, |row| row.admin);
}

#[test]
fn admin_org_token_matrix_column_holds_with_every_toggle_off() {
    // Admin tokens bypass the member toggles and the stack-admin gates (F.19).
    let e = matrix_world(json!({
        "defaultStackPermission": "none",
        "membersCanCreateStacks": false,
        "stackAdminsCanDeleteStacks": false,
        "stackAdminsCanTransferStacks": false,
        "membersCanCreateTeams": false
    }));
    assert_column(&e, ADMIN_TOKEN, |row| row.admin);
}

#[test]
fn standard_org_token_column_follows_the_member_role() {
    // PRODUCT decision 3: a standard token acts as the built-in Member role. The documented
    // column holds except where the role model decides instead:
    // - row 5 (Delete stack): the Member default (`write`) does not include `stack:delete`; a
    //   standard token deletes only stacks it created itself, through the creator grant to the
    //   token's identity (see `standard_org_token_deletes_a_stack_it_created`).
    // - rows 22–23 (Create/Delete team): the Member role lacks `team:create` and `team:delete`;
    //   with `membersCanCreateTeams` off (the default) both are denied.
    let e = matrix_world(json!({}));
    assert_column(&e, STANDARD_TOKEN, |row| match row.row {
        5 | 22 | 23 => false,
        _ => row.organization,
    });
    let d = e.explain(STANDARD_TOKEN, "stack:delete", STACK);
    assert_eq!(
        d.deny().cloned(),
        Some(Deny::MissingScope { scope: "stack:delete", level: Some(Permission::Write) })
    );
    assert_eq!(deny_code(&e.explain(STANDARD_TOKEN, "team:create", ORG)), Some("setting_disabled"));
    assert_eq!(deny_code(&e.explain(STANDARD_TOKEN, "team:delete", TEAM)), Some("missing_scope"));
}

#[test]
fn standard_org_token_creates_teams_with_members_can_create_teams_on() {
    let e = matrix_world(json!({ "membersCanCreateTeams": true }));
    // Row 22 follows the Member toggle; row 23 stays an admin right.
    assert!(e.check(STANDARD_TOKEN, "team:create", ORG));
    assert!(!e.check(STANDARD_TOKEN, "team:delete", TEAM));
    assert_column(&e, STANDARD_TOKEN, |row| match row.row {
        5 | 23 => false,
        22 => true,
        _ => row.organization,
    });
}

#[test]
fn standard_org_token_deletes_a_stack_it_created() {
    // Row 5 for standard tokens: the creator grant belongs to the token's identity (E.3).
    let mut e = matrix_world(json!({ "membersCanCreateStacks": true }));
    e.create_stack(STANDARD_TOKEN, "acme", "app", "ci", &[]).unwrap();
    let d = e.explain(STANDARD_TOKEN, "stack:delete", "acme/app/ci");
    assert!(d.is_allowed(), "{d:?}");
    assert_eq!(common::reason_codes(&d), vec!["creator_grant"]);
    // Not on a stack it did not create.
    assert!(!e.check(STANDARD_TOKEN, "stack:delete", STACK));
    // Still gated by the stack-admin delete toggle.
    let mut e = matrix_world(json!({ "stackAdminsCanDeleteStacks": false }));
    e.create_stack(STANDARD_TOKEN, "acme", "app", "ci", &[]).unwrap();
    assert_eq!(
        deny_code(&e.explain(STANDARD_TOKEN, "stack:delete", "acme/app/ci")),
        Some("setting_disabled")
    );
}

#[test]
fn standard_org_token_cannot_transfer_stacks() {
    // Row 4: denied on the org's stacks (Member level `write`) …
    let mut e = load(&json!({
        "version": 1,
        "organizations": [
            {
                "name": "acme",
                "stacks": [ { "project": "app", "name": "prod" } ],
                "tokens": [ { "id": "tok-std", "kind": "organization", "name": "std-ci" } ]
            },
            { "name": "beta" }
        ]
    }));
    let d = e.explain(STANDARD_TOKEN, "stack:transfer", STACK);
    assert_eq!(deny_code(&d), Some("missing_scope"));
    assert!(!e.explain_transfer(STANDARD_TOKEN, STACK, "beta").is_allowed());
    // … and even for a stack it created: transfer is closed to non-admin machine tokens
    // (row 4), which is refused before the destination is considered.
    e.create_stack(STANDARD_TOKEN, "acme", "app", "ci", &[]).unwrap();
    let d = e.explain_transfer(STANDARD_TOKEN, "acme/app/ci", "beta");
    assert!(!d.is_allowed());
    assert_eq!(deny_code(&d), Some("machine_token"));
}

#[test]
fn standard_org_token_holds_no_transfer_right_even_on_a_stack_it_created() {
    // PRODUCT decision 3: in the Organization column only rows 22–23 follow the role model;
    // row 4 (Transfer stack) stays denied, even where the creator grant makes the token a
    // stack admin (model-facts F.9: delete, not transfer).
    let mut e = matrix_world(json!({ "stackAdminsCanTransferStacks": true }));
    e.create_stack(STANDARD_TOKEN, "acme", "app", "ci", &[]).unwrap();
    assert_eq!(e.effective_permission(STANDARD_TOKEN, EntityKind::Stack, "acme/app/ci"), Permission::Admin);
    assert!(e.check(STANDARD_TOKEN, "stack:delete", "acme/app/ci"));
    assert!(!e.check(STANDARD_TOKEN, "stack:transfer", "acme/app/ci"));
}

#[test]
fn team_token_stack_rows_are_limited_by_the_team_grant() {
    let e = team_levels_world(json!({}));
    for (token, level) in [
        ("token:tok-idle", Permission::None),
        ("token:tok-read", Permission::Read),
        ("token:tok-write", Permission::Write),
        ("token:tok-admin-team", Permission::Admin),
    ] {
        assert_eq!(e.effective_permission(token, EntityKind::Stack, STACK), level, "{token}");
        for row in TOKEN_MATRIX.iter().filter(|r| r.target == Target::Stack) {
            let want = team_level_needed(row).is_some_and(|needed| level >= needed);
            assert_eq!(
                e.check(token, row.scope, STACK),
                want,
                "{token} row {} `{}` ({})",
                row.row,
                row.action,
                row.scope
            );
        }
    }
}

#[test]
fn team_token_with_read_reads_but_cannot_touch_webhooks_tags_or_delete() {
    let e = team_levels_world(json!({}));
    let t = "token:tok-read";
    for scope in ["stack:read", "stack:export"] {
        assert!(e.check(t, scope, STACK), "{scope}");
    }
    for scope in [
        "stack_webhook:read",
        "stack_webhook:create",
        "stack_webhook:update",
        "stack_tags:update",
        "stack:delete",
    ] {
        let d = e.explain(t, scope, STACK);
        assert!(!d.is_allowed(), "{scope}");
        assert_eq!(deny_code(&d), Some("missing_scope"), "{scope}");
    }
}

#[test]
fn team_token_with_write_manages_webhooks_and_tags_but_cannot_delete() {
    let e = team_levels_world(json!({}));
    let t = "token:tok-write";
    for scope in [
        "stack:read",
        "stack:export",
        "stack_webhook:read",
        "stack_webhook:create",
        "stack_webhook:update",
        "stack_tags:update",
    ] {
        assert!(e.check(t, scope, STACK), "{scope}");
    }
    let d = e.explain(t, "stack:delete", STACK);
    assert_eq!(
        d.deny().cloned(),
        Some(Deny::MissingScope { scope: "stack:delete", level: Some(Permission::Write) })
    );
}

#[test]
fn team_token_with_admin_deletes_only_while_stack_admins_can_delete() {
    let e = team_levels_world(json!({ "stackAdminsCanDeleteStacks": false }));
    assert_eq!(
        deny_code(&e.explain("token:tok-admin-team", "stack:delete", STACK)),
        Some("setting_disabled")
    );
    let e = team_levels_world(json!({ "stackAdminsCanDeleteStacks": true }));
    assert!(e.check("token:tok-admin-team", "stack:delete", STACK));
}

#[test]
fn team_token_gets_the_member_default_only_with_team_tokens_get_member_defaults() {
    let off = team_levels_world(json!({ "defaultStackPermission": "write" }));
    assert!(!off.check("token:tok-idle", "stack:read", STACK));
    let on = team_levels_world(json!({
        "defaultStackPermission": "write",
        "teamTokensGetMemberDefaults": true
    }));
    assert!(on.check("token:tok-idle", "stack:read", STACK));
    assert!(on.check("token:tok-idle", "stack_webhook:create", STACK));
    assert!(!on.check("token:tok-idle", "stack:delete", STACK));
}

#[test]
fn no_machine_token_creates_or_deletes_organization_tokens() {
    let e = matrix_world(json!({}));
    for row in TOKEN_MATRIX.iter().filter(|r| r.row == 31 || r.row == 32) {
        assert_eq!(row.target, Target::Org);
        for token in [TEAM_TOKEN, STANDARD_TOKEN, ADMIN_TOKEN] {
            let d = e.explain(token, row.scope, ORG);
            assert!(!d.is_allowed(), "{token} row {}", row.row);
            assert_eq!(d.deny().cloned(), Some(Deny::MachineToken), "{token} row {}", row.row);
        }
        // A human org admin may, in a session or through a personal token.
        for human in ["root", "token:pat-root"] {
            let d = e.explain(human, row.scope, ORG);
            assert!(d.is_allowed(), "{human} row {}", row.row);
            assert_eq!(common::reason_codes(&d), vec!["org_admin"]);
        }
        // A plain Member may not, and the refusal is about the scope, not the token kind.
        for member in ["mia", "token:pat-mia"] {
            let d = e.explain(member, row.scope, ORG);
            assert_eq!(deny_code(&d), Some("missing_scope"), "{member} row {}", row.row);
        }
    }
}

#[test]
fn admin_org_token_manages_team_tokens_and_lists_org_tokens() {
    // Rows 27, 28 and 30 (model-facts F.18).
    let e = matrix_world(json!({}));
    assert!(e.check(ADMIN_TOKEN, "team:create_token", TEAM));
    assert!(e.check(ADMIN_TOKEN, "team:delete_token", TEAM));
    assert!(e.check(ADMIN_TOKEN, "org_token:read", ORG));
    for token in [TEAM_TOKEN, STANDARD_TOKEN] {
        assert!(!e.check(token, "team:create_token", TEAM), "{token}");
        assert!(!e.check(token, "org_token:read", ORG), "{token}");
    }
}

#[test]
fn personal_token_answers_every_matrix_row_as_its_user() {
    // PRODUCT decision 4; the Personal column is illustrative only (F.7), except that every
    // member may perform the stack read rows.
    let e = matrix_world(json!({}));
    for row in &TOKEN_MATRIX {
        let target = resource(row);
        assert_eq!(
            e.check("token:pat-mia", row.scope, target),
            e.check("mia", row.scope, target),
            "row {}",
            row.row
        );
        if matches!(row.scope, "stack:read" | "stack:export") {
            assert!(row.personal, "row {}", row.row);
            assert!(e.check("token:pat-mia", row.scope, target), "row {}", row.row);
        }
    }
}
