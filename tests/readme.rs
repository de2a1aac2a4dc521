//! The README's tables stay equal to the code: the error codes with their meanings, the settings
//! as their one definition declares them, and the token action matrix with its scopes and
//! documented answers.

use scopegate::testing::{EXPIRY_POLICY_DAYS, SETTINGS, SettingKind};
use scopegate::testing::{TOKEN_MATRIX, Target};
use scopegate::{ErrorCode, Permission, Settings};

const README: &str = include_str!("../README.md");

/// The rows of the first markdown table after `heading`.
fn table_after(heading: &str) -> Vec<Vec<String>> {
    let start = README.find(heading).unwrap_or_else(|| panic!("README has no `{heading}`"));
    README[start..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| l.trim_matches('|').split(" | ").map(|c| c.trim().to_string()).collect())
        .collect()
}

#[test]
fn the_error_code_table_lists_every_code_with_its_meaning() {
    let rows = table_after("## Error codes");
    let listed: Vec<(String, String)> = rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    let expected: Vec<(String, String)> =
        ErrorCode::ALL.iter().map(|c| (format!("`{}`", c.as_str()), c.meaning().to_string())).collect();
    assert_eq!(listed, expected);
}

#[test]
fn the_matrix_table_is_the_token_matrix() {
    let rows = table_after("## Scopes per action");
    assert_eq!(rows.len(), TOKEN_MATRIX.len());
    let mark = |b: bool| if b { "✓" } else { "–" };
    for (row, m) in rows.iter().zip(TOKEN_MATRIX.iter()) {
        let target = match m.target {
            Target::Stack => "stack",
            Target::Org => "org",
            Target::Team => "team",
        };
        let expected = [
            m.row.to_string(),
            m.action.to_string(),
            format!("`{}`", m.scope),
            target.to_string(),
            mark(m.team).to_string(),
            mark(m.organization).to_string(),
            mark(m.admin).to_string(),
        ];
        assert_eq!(row.as_slice(), expected.as_slice(), "README matrix row {}", m.row);
    }
}

/// The settings table, as `scopegate::testing::SETTINGS` and `Settings::default()` say it.
fn settings_table() -> String {
    let defaults = serde_json::to_value(Settings::default()).unwrap();
    let mut out = String::from("| Setting | Type | Default | Meaning |\n|---|---|---|---|\n");
    for setting in SETTINGS {
        let ty = match setting.kind {
            SettingKind::Level(kind) => {
                let levels = Permission::ALL.iter().filter(|l| kind.accepts(**l));
                levels.map(|l| format!("`{l}`")).collect::<Vec<_>>().join(" \\| ")
            }
            SettingKind::Flag => "boolean".to_string(),
            SettingKind::ExpiryDays => format!("integer 0–{} or `null`", EXPIRY_POLICY_DAYS.end()),
        };
        let default = match &defaults[setting.name] {
            serde_json::Value::Null => "no policy".to_string(),
            serde_json::Value::String(s) => format!("`{s}`"),
            other => format!("`{other}`"),
        };
        out.push_str(&format!("| `{}` | {ty} | {default} | {} |\n", setting.name, setting.meaning()));
    }
    out
}

#[test]
fn the_settings_table_is_the_settings_definition() {
    let table = settings_table();
    assert!(README.contains(&table), "README.md's `## Settings` table should be:\n{table}");
    let section = &README[README.find("## Settings\n").unwrap()..];
    assert!(
        section.find(&table).unwrap() < section.find("\n## ").unwrap(),
        "the table is under `## Settings`"
    );
}
