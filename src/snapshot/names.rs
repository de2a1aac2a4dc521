//! Paths and problems found in a snapshot, and the rules for names.

use std::fmt;

use crate::error::{SnapshotError, SnapshotErrorKind};

/// Where a value sits in the document. Built on the stack as checking descends; rendered as
/// `organizations[0].teams[2].stacks["app/prod"]` only for a problem.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document itself (the empty path).
    Root,
    /// `parent.field`.
    Field(&'a Path<'a>, &'a str),
    /// `parent[index]`.
    Index(&'a Path<'a>, usize),
    /// `parent["key"]`: a key of a map.
    Key(&'a Path<'a>, &'a str),
}

impl<'a> Path<'a> {
    pub fn field(&'a self, name: &'a str) -> Path<'a> {
        Path::Field(self, name)
    }
    pub fn index(&'a self, index: usize) -> Path<'a> {
        Path::Index(self, index)
    }
    pub fn key(&'a self, key: &'a str) -> Path<'a> {
        Path::Key(self, key)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Path::Root => Ok(()),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
            Path::Key(parent, key) => {
                let key = serde_json::to_string(&shorten(key)).unwrap_or_default();
                write!(f, "{parent}[{key}]")
            }
        }
    }
}

/// The problems found so far.
#[derive(Debug, Default)]
pub(crate) struct Problems(pub Vec<SnapshotError>);

/// At most this many problems are reported; past it, loading still fails but stays cheap.
const MAX_PROBLEMS: usize = 200;

impl Problems {
    /// Records a problem at `path` (rendered here: paths are text only for problems).
    pub fn push(&mut self, path: &Path<'_>, kind: SnapshotErrorKind) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(SnapshotError { path: path.to_string(), kind });
        }
    }

    /// Records a problem whose path is already text.
    pub fn push_error(&mut self, error: SnapshotError) {
        if self.0.len() < MAX_PROBLEMS {
            self.0.push(error);
        }
    }
}

pub(crate) use crate::model::shorten;

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
    pub fn check(self, name: &str, path: &Path<'_>, problems: &mut Problems) -> bool {
        let ok = self.accepts(name);
        if !ok {
            problems
                .push(path, SnapshotErrorKind::InvalidName { name: shorten(name), rule: self.describe() });
        }
        ok
    }

    /// Whether a name fits the rule (no problem recorded).
    pub fn accepts(self, name: &str) -> bool {
        let (min, max) = self.limits();
        if name.is_ascii() {
            // Most names: one byte per character.
            return (min..=max).contains(&name.len()) && name.bytes().all(|b| self.allows(char::from(b)));
        }
        let len = name.chars().count();
        (min..=max).contains(&len) && name.chars().all(|c| self.allows(c))
    }
}
