//! Walking a JSON value with paths: every problem is recorded with where it was found, and
//! reading goes on so that one load reports them all.

use serde_json::{Map, Value};

use crate::error::{SnapshotError, SnapshotErrorKind};

/// The problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<SnapshotError>);

/// At most this many problems are reported; past it, loading still fails but stays cheap.
const MAX_PROBLEMS: usize = 200;

impl Problems {
    pub fn push(&mut self, path: &str, kind: SnapshotErrorKind) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(SnapshotError { path: path.to_string(), kind });
        }
    }
}

/// A path below `parent`: `parent.field`.
pub(crate) fn field_path(parent: &str, field: &str) -> String {
    if parent.is_empty() { field.to_string() } else { format!("{parent}.{field}") }
}

/// A path below `parent`: `parent[index]`.
pub(crate) fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// A path below `parent`: `parent["key"]`.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    format!("{parent}[{}]", Value::String(shorten(key)))
}

pub(crate) use crate::model::shorten;

/// A JSON object being read, with its path.
pub(crate) struct Obj<'v> {
    pub map: &'v Map<String, Value>,
    pub path: String,
}

/// Reads `value` as an object whose fields must all be in `allowed`.
pub(crate) fn object<'v>(
    value: &'v Value,
    path: &str,
    allowed: &[&str],
    problems: &mut Problems,
) -> Option<Obj<'v>> {
    let Value::Object(map) = value else {
        problems.push(path, SnapshotErrorKind::WrongType { expected: "an object" });
        return None;
    };
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) {
            problems.push(&field_path(path, key), SnapshotErrorKind::UnknownField { field: shorten(key) });
        }
    }
    Some(Obj { map, path: path.to_string() })
}

impl<'v> Obj<'v> {
    pub fn path_of(&self, field: &str) -> String {
        field_path(&self.path, field)
    }

    /// A field; `null` counts as absent.
    pub fn get(&self, field: &str) -> Option<&'v Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// A required field.
    pub fn req(&self, field: &'static str, problems: &mut Problems) -> Option<&'v Value> {
        let value = self.get(field);
        if value.is_none() {
            problems.push(&self.path, SnapshotErrorKind::MissingField { field });
        }
        value
    }

    fn typed<T>(
        &self,
        field: &str,
        value: &'v Value,
        expected: &'static str,
        f: impl Fn(&'v Value) -> Option<T>,
        problems: &mut Problems,
    ) -> Option<T> {
        let out = f(value);
        if out.is_none() {
            problems.push(&self.path_of(field), SnapshotErrorKind::WrongType { expected });
        }
        out
    }

    /// A required string field.
    pub fn req_str(&self, field: &'static str, problems: &mut Problems) -> Option<&'v str> {
        let value = self.req(field, problems)?;
        self.typed(field, value, "a string", Value::as_str, problems)
    }

    /// An optional string field.
    pub fn opt_str(&self, field: &str, problems: &mut Problems) -> Option<&'v str> {
        let value = self.get(field)?;
        self.typed(field, value, "a string", Value::as_str, problems)
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, field: &str, problems: &mut Problems) -> Option<bool> {
        let value = self.get(field)?;
        self.typed(field, value, "a boolean", Value::as_bool, problems)
    }

    /// An optional non-negative integer field.
    pub fn opt_u64(&self, field: &str, problems: &mut Problems) -> Option<u64> {
        let value = self.get(field)?;
        self.typed(field, value, "a non-negative integer", Value::as_u64, problems)
    }

    /// An optional array field, with the path of each element.
    pub fn opt_array(&self, field: &str, problems: &mut Problems) -> Vec<(String, &'v Value)> {
        let Some(value) = self.get(field) else {
            return Vec::new();
        };
        let path = self.path_of(field);
        match value.as_array() {
            Some(items) => items.iter().enumerate().map(|(i, v)| (index_path(&path, i), v)).collect(),
            None => {
                problems.push(&path, SnapshotErrorKind::WrongType { expected: "an array" });
                Vec::new()
            }
        }
    }

    /// An optional array of strings, with the path of each element.
    pub fn opt_str_array(&self, field: &str, problems: &mut Problems) -> Vec<(String, &'v str)> {
        let mut out = Vec::new();
        for (path, value) in self.opt_array(field, problems) {
            match value.as_str() {
                Some(s) => out.push((path, s)),
                None => problems.push(&path, SnapshotErrorKind::WrongType { expected: "a string" }),
            }
        }
        out
    }

    /// An optional object of string values (`{"key": "value"}`), with the path of each entry.
    pub fn opt_str_map(&self, field: &str, problems: &mut Problems) -> Vec<(String, &'v str, &'v str)> {
        let Some(value) = self.get(field) else {
            return Vec::new();
        };
        let path = self.path_of(field);
        let Some(map) = value.as_object() else {
            problems.push(&path, SnapshotErrorKind::WrongType { expected: "an object" });
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in map {
            let entry_path = key_path(&path, key);
            match value.as_str() {
                Some(s) => out.push((entry_path, key.as_str(), s)),
                None => problems.push(&entry_path, SnapshotErrorKind::WrongType { expected: "a string" }),
            }
        }
        out
    }
}

/// The alphabets and lengths of names.
#[derive(Debug, Clone, Copy)]
pub(crate) enum NameRule {
    /// User logins: 1–39 of `A-Z a-z 0-9 - _ .`.
    Login,
    /// Organization, team, project, stack, environment, account and token-id names:
    /// 1–100 of `A-Z a-z 0-9 - _ .`.
    Identifier,
    /// Role and permission set names: 1–100 printable characters, no `/`.
    Label,
    /// Organization and team token names: 1–40 printable characters.
    TokenName,
    /// Tag keys: 1–40 of `A-Z a-z 0-9 - _ . :`.
    TagKey,
    /// Tag values, descriptions and display names: up to 256 printable characters.
    Text,
}

impl NameRule {
    fn limits(self) -> (usize, usize) {
        match self {
            Self::Login => (1, 39),
            Self::Identifier | Self::Label => (1, 100),
            Self::TokenName | Self::TagKey => (1, 40),
            Self::Text => (0, 256),
        }
    }

    fn allows(self, c: char) -> bool {
        let ident = c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        match self {
            Self::Login | Self::Identifier => ident,
            Self::TagKey => ident || c == ':',
            Self::Label => !c.is_control() && c != '/',
            Self::TokenName | Self::Text => !c.is_control(),
        }
    }

    fn describe(self) -> String {
        let (min, max) = self.limits();
        let alphabet = match self {
            Self::Login | Self::Identifier => "letters, digits, `-`, `_` and `.`",
            Self::TagKey => "letters, digits, `-`, `_`, `.` and `:`",
            Self::Label => "printable characters other than `/`",
            Self::TokenName | Self::Text => "printable characters",
        };
        format!("must be {min} to {max} characters of {alphabet}")
    }

    /// Checks a name, recording a problem at `path` when it breaks the rule.
    pub fn check(self, name: &str, path: &str, problems: &mut Problems) -> bool {
        let (min, max) = self.limits();
        let len = name.chars().count();
        let ok = (min..=max).contains(&len) && name.chars().all(|c| self.allows(c));
        if !ok {
            problems
                .push(path, SnapshotErrorKind::InvalidName { name: shorten(name), rule: self.describe() });
        }
        ok
    }

    /// Whether a name fits the rule (no problem recorded).
    pub fn accepts(self, name: &str) -> bool {
        let (min, max) = self.limits();
        let len = name.chars().count();
        (min..=max).contains(&len) && name.chars().all(|c| self.allows(c))
    }
}
