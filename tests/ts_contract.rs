//! The hand-written TypeScript contract (`src/wasm/types.d.ts`, `src/wasm/snapshot.d.ts`) names the
//! same codes, levels, settings and snapshot fields as the Rust core: a declaration that drifts
//! from the engine is a broken promise to JavaScript callers.

use scopegate::testing::{SETTINGS, SettingKind};
use scopegate::{BuiltinRole, Deny, EntityKind, ErrorCode, Permission, Reason, Settings, Toggle, TokenKind};

const TYPES: &str = include_str!("../src/wasm/types.d.ts");
const SNAPSHOT_TYPES: &str = include_str!("../src/wasm/snapshot.d.ts");

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
            // `Reason` is non-exhaustive outside the crate; `Reason::code` is the exhaustive
            // match, and a variant listed here without a position fails the assert.
            _ => usize::MAX,
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
        Deny::ForeignHandle,
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
            Deny::ForeignHandle => 9,
            // `Deny` is non-exhaustive outside the crate, as `Reason` above.
            _ => usize::MAX,
        };
        assert_eq!(position, i);
    }
    all
}

/// Every toggle: `Toggle::ALL`, which the settings table generates with the enum.
fn every_toggle() -> Vec<Toggle> {
    let all = Toggle::ALL.to_vec();
    assert!(all.contains(&Toggle::TeamTokensGetMemberDefaults) && all.len() >= 6);
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

/// The members of `export interface <name> { … }` in `text`, as `(name, optional, type)`.
fn interface(text: &str, name: &str) -> Vec<(String, bool, String)> {
    let head = format!("export interface {name} {{");
    let start = text.find(&head).unwrap_or_else(|| panic!("`{head}` not found")) + head.len();
    let body = &text[start..start + text[start..].find("\n}").expect("end of the interface")];
    body.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("/*") && !line.starts_with('*'))
        .map(|line| {
            let (field, ty) =
                line.split_once(':').unwrap_or_else(|| panic!("`{name}`: unreadable member {line:?}"));
            let ty = ty.trim().trim_end_matches(';').trim().to_string();
            (field.trim_end_matches('?').to_string(), field.ends_with('?'), ty)
        })
        .collect()
}

/// The TypeScript type of a setting's value.
fn setting_type(kind: SettingKind) -> &'static str {
    match kind {
        SettingKind::Level(EntityKind::Environment) => "Permission",
        SettingKind::Level(_) => "Exclude<Permission, \"open\">",
        SettingKind::Flag => "boolean",
        SettingKind::ExpiryDays => "number | null",
    }
}

#[test]
fn settings_interface_is_the_settings_definition() {
    let expected: Vec<(String, bool, String)> =
        SETTINGS.iter().map(|s| (s.name.to_string(), false, setting_type(s.kind).to_string())).collect();
    assert_eq!(
        interface(TYPES, "Settings"),
        expected,
        "types.d.ts `Settings`, one member per setting in order"
    );
    // `settings()` answers with exactly these fields.
    let returned = serde_json::to_value(Settings::default()).expect("settings serialize");
    let returned: Vec<&str> =
        returned.as_object().expect("settings object").keys().map(String::as_str).collect();
    let mut names: Vec<&str> = SETTINGS.iter().map(|s| s.name).collect();
    names.sort_unstable();
    assert_eq!(returned, names);
}

/// snapshot.d.ts declares every wire object (`Snapshot`, `SnapshotUser`, …) with exactly its fields,
/// required where the wire type requires them, in order; and its settings as the definition types
/// them.
#[test]
fn snapshot_declarations_are_the_wire_objects() {
    let objects = scopegate::testing::object_fields();
    let declared = SNAPSHOT_TYPES.matches("export interface ").count();
    assert_eq!(declared, objects.len(), "one interface per wire object, no other");
    for object in &objects {
        let mut name = object.name.clone();
        name[..1].make_ascii_uppercase();
        let ts = if name == "Snapshot" { name } else { format!("Snapshot{name}") };
        let members: Vec<(String, bool)> = interface(SNAPSHOT_TYPES, &ts)
            .into_iter()
            .map(|(field, optional, _)| (field, !optional))
            .collect();
        let wire: Vec<(String, bool)> =
            object.fields.iter().map(|(f, required)| (f.to_string(), *required)).collect();
        assert_eq!(members, wire, "snapshot.d.ts `{ts}`: (field, required) as in the wire type");
    }
    let settings: Vec<(String, bool, String)> = SETTINGS
        .iter()
        .map(|s| {
            let ty = match s.kind {
                SettingKind::ExpiryDays => "number | null",
                kind => setting_type(kind),
            };
            (s.name.to_string(), true, ty.to_string())
        })
        .collect();
    assert_eq!(interface(SNAPSHOT_TYPES, "SnapshotSettings"), settings);
}

/// The answers serialize in the shapes `types.d.ts` declares: an allow has reasons and no `deny`
/// key, a deny has no reasons and a `deny` with a whole-sentence message.
#[test]
fn explanations_serialize_as_the_discriminated_union() {
    use scopegate::Decision;
    use scopegate::testing::Explanation;
    let engine = scopegate::Engine::from_json(r#"{"version": 1}"#).unwrap();
    let question = engine.question(Some("max"), "stack:delete", "acme/app/prod");
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
        kind: scopegate::ResourceKind::Organization,
        deny: scopegate::Deny::MissingScope { scope: "organization:update", level: None },
    };
    let api: scopegate::testing::ApiError = error.into();
    let details = serde_json::to_value(api.details.unwrap()).unwrap();
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
