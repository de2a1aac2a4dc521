//! Resolved principals, targets and handle tables answer only on the engine that made them: on
//! another engine, on an engine made after theirs was dropped, or after their principal was
//! removed, every question as them is a deny with its own code, never another principal's answer.

use scopegate::{Decision, Engine, MintRequest, TokenKind};

const NOW: u64 = 1_700_000_000;

const SNAPSHOT: &str = r#"{
  "version": 1,
  "organizations": [{
    "name": "acme",
    "settings": { "defaultStackPermission": "read" },
    "members": [{ "login": "ada", "role": "admin" }, { "login": "max", "role": "member" }],
    "stacks": [{ "project": "app", "name": "prod" }]
  }]
}"#;

fn engine() -> Engine {
    Engine::from_json(SNAPSHOT).expect("the snapshot loads")
}

fn code(decision: &Decision) -> Option<&'static str> {
    decision.deny().map(|deny| deny.code())
}

#[test]
fn a_principal_of_one_engine_is_foreign_on_another() {
    let a = engine();
    let b = engine();
    let max = a.resolve_principal("max").expect("max is known");
    let ada_on_b = b.resolve_principal("ada").expect("ada is known");
    assert!(!a.check_as(&max, "organization:update", "acme"), "max is a member");
    assert!(b.check_as(&ada_on_b, "organization:update", "acme"), "ada is an admin");

    // Max's principal is not ada's on `b`, nor anyone's.
    assert!(!b.check_as(&max, "stack:read", "acme/app/prod"));
    assert_eq!(code(&b.explain_as(&max, "stack:read", "acme/app/prod")), Some("foreign_handle"));
    // And `a` does not take `b`'s admin.
    assert!(!a.check_as(&ada_on_b, "organization:update", "acme"));
    assert_eq!(code(&a.explain_as(&ada_on_b, "organization:update", "acme")), Some("foreign_handle"));
    assert_ne!(Some(max.clone()), b.resolve_principal("max"), "the same login on two engines differs");
    assert_eq!(Some(max.clone()), a.resolve_principal("max"));

    // A target of `a` on `b`, with `b`'s own principal.
    let target_a = a.resolve_target("stack:read", "acme/app/prod").expect("a target");
    let target_b = b.resolve_target("stack:read", "acme/app/prod").expect("a target");
    assert!(b.check_resolved(&ada_on_b, &target_b));
    assert!(!b.check_resolved(&ada_on_b, &target_a));
    assert_eq!(code(&b.explain_resolved(&ada_on_b, &target_a)), Some("foreign_handle"));
    assert_eq!(code(&b.explain_resolved(&max, &target_b)), Some("foreign_handle"));
    assert!(b.explain_resolved(&ada_on_b, &target_b).is_allowed());
}

#[test]
fn a_handle_table_answers_only_on_its_engine() {
    let a = engine();
    let b = engine();
    // Each table's first principal handle is its first principal: max on `a`, ada on `b`.
    let mut on_a = a.handles();
    let mut on_b = b.handles();
    let max = on_a.add_principal(&a.resolve_principal("max").expect("max")).expect("a's own principal");
    let ada = on_b.add_principal(&b.resolve_principal("ada").expect("ada")).expect("b's own principal");
    assert_eq!(max, ada, "the same number on both tables");
    let update_a = on_a.add_target(&a.resolve_target("organization:update", "acme").expect("t")).expect("t");
    let update_b = on_b.add_target(&b.resolve_target("organization:update", "acme").expect("t")).expect("t");
    assert!(b.check_handles(&on_b, ada, update_b), "ada may update acme on b");
    assert!(!a.check_handles(&on_a, max, update_a), "max may not on a");
    // `a`'s table on `b` does not act as ada.
    assert!(!b.check_handles(&on_a, max, update_a));
    assert!(!a.check_handles(&on_b, ada, update_b));

    // A principal or target of another engine cannot enter a table.
    let foreign = a.resolve_principal("ada").expect("ada");
    assert_eq!(on_b.add_principal(&foreign).map_err(|d| d.code()), Err("foreign_handle"));
    let foreign_target = a.resolve_target("stack:read", "acme/app/prod").expect("t");
    assert_eq!(on_b.add_target(&foreign_target).map_err(|d| d.code()), Err("foreign_handle"));
    // Numbers the table never gave are a deny too.
    assert!(!b.check_handles(&on_b, ada + 1, update_b));
    assert!(on_b.principal(ada + 1).is_none());
}

#[test]
fn a_principal_outlives_its_engine_and_is_foreign_on_the_next() {
    let dropped = engine();
    let ada = dropped.resolve_principal("ada").expect("ada");
    let target = dropped.resolve_target("organization:update", "acme").expect("t");
    let table = {
        let mut table = dropped.handles();
        table.add_principal(&ada).expect("own principal");
        table.add_target(&target).expect("own target");
        table
    };
    drop(dropped);
    // Engines made afterwards, however many, never take the dropped engine's values as theirs.
    for _ in 0..16 {
        let next = engine();
        assert!(!next.check_as(&ada, "organization:update", "acme"));
        assert_eq!(code(&next.explain_as(&ada, "organization:update", "acme")), Some("foreign_handle"));
        let own = next.resolve_principal("ada").expect("ada");
        assert_eq!(code(&next.explain_resolved(&own, &target)), Some("foreign_handle"));
        assert!(!next.check_handles(&table, 0, 0));
    }
}

#[test]
fn a_clone_is_another_engine() {
    let original = engine();
    let ada = original.resolve_principal("ada").expect("ada");
    let copy = original.clone();
    assert!(original.check_as(&ada, "organization:update", "acme"));
    assert_eq!(code(&copy.explain_as(&ada, "organization:update", "acme")), Some("foreign_handle"));
    let own = copy.resolve_principal("ada").expect("ada");
    assert!(copy.check_as(&own, "organization:update", "acme"));
}

#[test]
fn a_principal_removed_after_resolution_is_denied() {
    let mut engine = engine();
    let max = engine.resolve_principal("max").expect("max");
    let read = engine.resolve_target("stack:read", "acme/app/prod").expect("t");
    let mut table = engine.handles();
    let max_handle = table.add_principal(&max).expect("own");
    let read_handle = table.add_target(&read).expect("own");
    assert!(engine.check_resolved(&max, &read));
    assert!(engine.check_handles(&table, max_handle, read_handle));

    engine.remove_member("ada", "acme", "max").expect("ada removes max");
    assert!(!engine.check_resolved(&max, &read));
    assert!(!engine.check_handles(&table, max_handle, read_handle));
    assert_eq!(code(&engine.explain_resolved(&max, &read)), Some("not_a_member"));
    assert_eq!(code(&engine.explain_as(&max, "stack:read", "acme/app/prod")), Some("not_a_member"));
}

#[test]
fn a_token_deleted_after_resolution_is_denied() {
    let mut engine = engine();
    let org_request = MintRequest {
        kind: Some(TokenKind::Organization),
        org: Some("acme".into()),
        role: Some("admin".into()),
        name: Some("deploy".into()),
        ..MintRequest::default()
    };
    let org_token = engine.mint_opaque("ada", &org_request, NOW).expect("ada mints an org token");
    let personal = engine.mint_opaque("max", &MintRequest::default(), NOW).expect("max mints a token");
    let by_name = engine.resolve_principal(&format!("token:{}", org_token.id)).expect("the org token");
    let by_credential = engine.authenticate(&personal.token, NOW, None).expect("max's token").principal;
    let read = engine.resolve_target("stack:read", "acme/app/prod").expect("t");
    let mut table = engine.handles();
    let org_handle = table.add_principal(&by_name).expect("own");
    let personal_handle = table.add_principal(&by_credential).expect("own");
    let read_handle = table.add_target(&read).expect("own");
    assert!(engine.check_as(&by_name, "organization:update", "acme"));
    assert!(engine.check_resolved(&by_credential, &read));
    assert!(engine.check_handles(&table, org_handle, read_handle));
    assert!(engine.check_handles(&table, personal_handle, read_handle));

    engine.delete_token("ada", &org_token.id).expect("ada deletes the org token");
    engine.delete_token("max", &personal.id).expect("max deletes his token");
    for principal in [&by_name, &by_credential] {
        assert!(!engine.check_resolved(principal, &read));
        assert_eq!(code(&engine.explain_resolved(principal, &read)), Some("unknown_principal"));
        assert_eq!(
            code(&engine.explain_as(principal, "stack:read", "acme/app/prod")),
            Some("unknown_principal")
        );
    }
    assert!(!engine.check_handles(&table, org_handle, read_handle));
    assert!(!engine.check_handles(&table, personal_handle, read_handle));
    // Max himself, resolved by login, still reads.
    let max = engine.resolve_principal("max").expect("max");
    assert!(engine.check_resolved(&max, &read));
}
