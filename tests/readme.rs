//! The README's tables stay equal to the code: the error codes with their meanings, and the
//! token action matrix with its scopes and documented answers.

use scopegate::ErrorCode;
use scopegate::catalog::{TOKEN_MATRIX, Target};

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
