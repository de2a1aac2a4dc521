//! The hand-written TypeScript contract (`src/wasm/types.d.ts`) names the same codes, levels and
//! settings as the Rust core: a string union that drifts from the engine is a broken promise to
//! JavaScript callers.

use scopegate::{BuiltinRole, Deny, EntityKind, ErrorCode, Permission, Reason, Settings, Toggle, TokenKind};

const TYPES: &str = include_str!("../src/wasm/types.d.ts");

/// The string literals of `export type <name> = "a" | "b" | …;`, in order. The declaration must be
/// made of string literals and `|` only (no other type mixed in).
fn string_union(name: &str) -> Vec<String> {
    let head = format!("export type {name} =");
    let start = TYPES.find(&head).unwrap_or_else(|| panic!("`{head}` not found in types.d.ts")) + head.len();
    assert_eq!(TYPES.matches(&head).count(), 1, "`{name}` is declared more than once");
    let body = &TYPES[start..];
    let end = body.find(';').unwrap_or_else(|| panic!("`{name}` has no terminating `;`"));
    let body = &body[..end];

    // Tokens: `|` as None, a string literal as Some; anything but whitespace is refused.
    let mut tokens: Vec<Option<String>> = Vec::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => tokens.push(Some(chars.by_ref().take_while(|&c| c != '"').collect())),
            '|' => tokens.push(None),
            c if c.is_whitespace() => {}
            other => panic!("`{name}` mixes other types into its string union (found {other:?})"),
        }
    }
    // `|`? literal (`|` literal)*
    if tokens.first() == Some(&None) {
        tokens.remove(0);
    }
    assert!(tokens.len() % 2 == 1, "`{name}`: not an alternation of literals: {tokens:?}");
    let mut literals = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        match (i % 2, token) {
            (0, Some(literal)) => literals.push(literal),
            (1, None) => {}
            (_, token) => panic!("`{name}`: unexpected {token:?} at position {i}"),
        }
    }
    literals
}

fn strings(items: impl IntoIterator<Item = &'static str>) -> Vec<String> {
    items.into_iter().map(str::to_string).collect()
}

fn assert_no_duplicates(name: &str, items: &[String]) {
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), items.len(), "`{name}` lists a member twice: {items:?}");
}

/// One value of every `Reason` variant. The match below has no wildcard, so a new variant fails to
/// compile here until it is listed (and then the union must name its code).
fn every_reason() -> Vec<Reason> {
    let all = vec![
        Reason::OrgAdmin,
        Reason::BuiltinRole { role: BuiltinRole::Member },
        Reason::CustomRole { role: "Deployer".into(), team: None },
        Reason::TeamTokenBaseline,
        Reason::DefaultPermission { level: Permission::Write },
        Reason::TeamGrant { team: "platform".into(), level: Permission::Read },
        Reason::RoleRule {
            role: "Deployer".into(),
            team: Some("platform".into()),
            permission_set: "stack-read".into(),
        },
        Reason::CreatorGrant,
        Reason::ExplicitGrant { level: Permission::Admin },
        Reason::Setting { toggle: Toggle::MembersCanCreateStacks },
        Reason::TeamAdmin { team: "platform".into() },
    ];
    // Exhaustiveness guard: each variant maps to its position in `all`.
    for (i, reason) in all.iter().enumerate() {
        let position = match reason {
            Reason::OrgAdmin => 0,
            Reason::BuiltinRole { .. } => 1,
            Reason::CustomRole { .. } => 2,
            Reason::TeamTokenBaseline => 3,
            Reason::DefaultPermission { .. } => 4,
            Reason::TeamGrant { .. } => 5,
            Reason::RoleRule { .. } => 6,
            Reason::CreatorGrant => 7,
            Reason::ExplicitGrant { .. } => 8,
            Reason::Setting { .. } => 9,
            Reason::TeamAdmin { .. } => 10,
        };
        assert_eq!(position, i);
    }
    all
}

/// One value of every `Deny` variant, guarded the same way.
fn every_deny() -> Vec<Deny> {
    let all = vec![
        Deny::UnknownPrincipal,
        Deny::UnknownScope,
        Deny::UnknownResource,
        Deny::InvalidResource,
        Deny::NotAMember,
        Deny::MissingScope { scope: "stack:read", level: None },
        Deny::SettingDisabled { toggle: Toggle::StackAdminsCanDeleteStacks },
        Deny::MachineToken,
        Deny::DestinationDenied { org: "other".into() },
    ];
    for (i, deny) in all.iter().enumerate() {
        let position = match deny {
            Deny::UnknownPrincipal => 0,
            Deny::UnknownScope => 1,
            Deny::UnknownResource => 2,
            Deny::InvalidResource => 3,
            Deny::NotAMember => 4,
            Deny::MissingScope { .. } => 5,
            Deny::SettingDisabled { .. } => 6,
            Deny::MachineToken => 7,
            Deny::DestinationDenied { .. } => 8,
        };
        assert_eq!(position, i);
    }
    all
}

/// Every toggle, guarded by an exhaustive match.
fn every_toggle() -> Vec<Toggle> {
    let all = vec![
        Toggle::MembersCanCreateStacks,
        Toggle::StackAdminsCanDeleteStacks,
        Toggle::StackAdminsCanTransferStacks,
        Toggle::MembersCanCreateTeams,
        Toggle::MembersCanCreateAccounts,
        Toggle::TeamTokensGetMemberDefaults,
    ];
    for (i, toggle) in all.iter().enumerate() {
        let position = match toggle {
            Toggle::MembersCanCreateStacks => 0,
            Toggle::StackAdminsCanDeleteStacks => 1,
            Toggle::StackAdminsCanTransferStacks => 2,
            Toggle::MembersCanCreateTeams => 3,
            Toggle::MembersCanCreateAccounts => 4,
            Toggle::TeamTokensGetMemberDefaults => 5,
        };
        assert_eq!(position, i);
    }
    all
}

#[test]
fn error_code_union_is_error_code_all_in_order() {
    let declared = string_union("ScopegateErrorCode");
    let rust: Vec<String> = ErrorCode::ALL.iter().map(|c| c.as_str().to_string()).collect();
    assert_no_duplicates("ScopegateErrorCode", &declared);
    assert_no_duplicates("ErrorCode::ALL", &rust);
    assert_eq!(declared, rust, "ScopegateErrorCode must list ErrorCode::ALL, same codes in the same order");
}

#[test]
fn reason_code_union_is_every_reason_the_engine_can_give() {
    let declared = string_union("ReasonCode");
    let rust = strings(every_reason().iter().map(Reason::code));
    assert_no_duplicates("ReasonCode", &declared);
    assert_no_duplicates("Reason codes", &rust);
    assert_eq!(declared, rust, "ReasonCode must list every Reason::code(), in declaration order");
}

#[test]
fn deny_code_union_is_every_deny_the_engine_can_give() {
    let declared = string_union("DenyCode");
    let rust = strings(every_deny().iter().map(Deny::code));
    assert_no_duplicates("DenyCode", &declared);
    assert_no_duplicates("Deny codes", &rust);
    assert_eq!(declared, rust, "DenyCode must list every Deny::code(), in declaration order");
}

#[test]
fn level_kind_and_setting_unions_match_the_model() {
    assert_eq!(string_union("Permission"), strings(Permission::ALL.iter().map(|p| p.as_str())));
    assert_eq!(string_union("EntityKind"), strings(EntityKind::ALL.iter().map(|k| k.as_str())));
    let kinds = [TokenKind::Personal, TokenKind::Organization, TokenKind::Team];
    assert_eq!(string_union("TokenKind"), strings(kinds.iter().map(|k| k.as_str())));
    for kind in kinds {
        assert_eq!(TokenKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(string_union("SettingName"), strings(every_toggle().iter().map(|t| t.as_str())));
}

#[test]
fn settings_interface_has_the_fields_the_binding_returns() {
    let start = TYPES.find("export interface Settings {").expect("Settings interface")
        + "export interface Settings {".len();
    let body = &TYPES[start..start + TYPES[start..].find('}').expect("end of Settings")];
    let declared: Vec<String> = body
        .lines()
        .filter_map(|line| {
            line.trim().split_once(':').map(|(name, _)| name.trim().trim_end_matches('?').to_string())
        })
        .filter(|name| !name.is_empty())
        .collect();
    let returned = scopegate::api::settings_json(&Settings::default());
    let returned: Vec<String> = returned.as_object().expect("settings object").keys().cloned().collect();
    let mut declared_sorted = declared.clone();
    declared_sorted.sort();
    let mut returned_sorted = returned;
    returned_sorted.sort();
    assert_eq!(declared_sorted, returned_sorted);
    // Every setting name is also a key the snapshot loader accepts.
    let (_, settings_fields) = scopegate::snapshot::OBJECT_FIELDS
        .iter()
        .find(|(object, _)| *object == "settings")
        .expect("the loader's settings fields");
    for name in &declared {
        assert!(settings_fields.contains(&name.as_str()), "`{name}` is not a snapshot setting");
    }
}

/// The answers serialize in the shapes `types.d.ts` declares: an allow has reasons and no `deny`
/// key, a deny has no reasons and a `deny` with a whole-sentence message.
#[test]
fn explanations_serialize_as_the_discriminated_union() {
    use scopegate::Decision;
    use scopegate::api::Explanation;
    use scopegate::engine::Question;
    let catalog = scopegate::catalog::Catalog::new();
    let question = Question::new(&catalog, Some("max"), "stack:delete", "acme/app/prod");
    let allowed = Decision::Allowed { reasons: vec![Reason::CreatorGrant] };
    let value = serde_json::to_value(Explanation::new(&allowed, &question)).unwrap();
    assert_eq!(value["allowed"], true);
    assert_eq!(value["reasons"][0]["code"], "creator_grant");
    assert!(value.get("deny").is_none(), "{value}");
    let denied = Decision::Denied {
        deny: Deny::MissingScope { scope: "stack:delete", level: Some(Permission::Write) },
    };
    let value = serde_json::to_value(Explanation::new(&denied, &question)).unwrap();
    assert_eq!(value["allowed"], false);
    assert_eq!(value["reasons"], serde_json::json!([]));
    assert_eq!(value["deny"]["code"], "missing_scope");
    assert_eq!(value["deny"]["scope"], "stack:delete");
    assert_eq!(value["deny"]["permission"], "write");
    assert_eq!(
        value["deny"]["message"],
        "`max` needs `stack:delete` on stack `acme/app/prod`, and no role or grant gives it (effective permission `write`)."
    );
    assert!(value["deny"].get("setting").is_none(), "absent fields are left out: {value}");
}

/// A refused management action's details carry the deny as an object, not as text.
#[test]
fn forbidden_details_carry_the_deny_as_an_object() {
    let error = scopegate::ManageError::Forbidden {
        action: "organization:update",
        actor: "max".into(),
        resource: "acme".into(),
        kind: scopegate::engine::ResourceKind::Organization,
        deny: scopegate::Deny::MissingScope { scope: "organization:update", level: None },
    };
    let api: scopegate::api::ApiError = error.into();
    let details = api.details.unwrap();
    assert_eq!(details["deny"]["code"], "missing_scope");
    assert_eq!(details["deny"]["scope"], "organization:update");
    assert_eq!(details["action"], "organization:update");
    assert_eq!(
        details["deny"]["message"],
        "`max` needs `organization:update` on organization `acme`, and no role or grant gives it."
    );
    assert_eq!(
        api.message,
        "`max` may not use `organization:update` on organization `acme`: no role or grant gives it."
    );
}
