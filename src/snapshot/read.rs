//! Reading JSON text into the wire types. [`Reader`] is a small JSON reader that is itself a
//! serde `Deserializer`: the parsing is plain code, and what serde instantiates per wire type is a
//! one-line dispatch, which keeps the WebAssembly module small. It knows where each value sits (a
//! stack of segments, rendered as a path only for a problem), reports unknown and repeated fields
//! and skips them so that reading goes on, refuses an array where an object is expected (serde
//! would read a struct from one), caps array sizes and nesting, and remembers the first hard error:
//! text that is not JSON, or a wrong JSON type.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer, U64Deserializer};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

mod lex;

use super::names::{Problems, shorten};
use crate::error::{SnapshotError, SnapshotErrorKind as K};
use lex::Token;

/// Every array holds at most this many elements (users, organizations, the stacks of one
/// organization, …).
pub(crate) const MAX_ITEMS: usize = 1_000_000;
/// The whole document holds at most this many array elements.
pub(crate) const MAX_ELEMENTS: usize = 4 * MAX_ITEMS;
/// Arrays and objects nest at most this deep.
pub(super) const MAX_DEPTH: usize = 128;

/// Reading stopped; what and where is recorded in the reader.
#[derive(Debug)]
pub(crate) struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the snapshot cannot be read")
    }
}

impl std::error::Error for Stop {}

/// The wire types never raise their own errors on what this reader gives them (every field is
/// optional; repeated and unknown fields never reach them); should one, the reader reports it as a
/// wrong type where it happened. No message is built: formatting serde's would link a float
/// printer into the module.
impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
    fn invalid_type(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Stop
    }
    fn invalid_value(_: de::Unexpected<'_>, _: &dyn de::Expected) -> Self {
        Stop
    }
    fn invalid_length(_: usize, _: &dyn de::Expected) -> Self {
        Stop
    }
    fn unknown_variant(_: &str, _: &'static [&'static str]) -> Self {
        Stop
    }
    fn unknown_field(_: &str, _: &'static [&'static str]) -> Self {
        Stop
    }
    fn missing_field(_: &'static str) -> Self {
        Stop
    }
    fn duplicate_field(_: &'static str) -> Self {
        Stop
    }
}

/// One level of the path to the value being read.
#[derive(Debug)]
pub(super) enum Seg<'de> {
    Field(&'static str),
    Index(usize),
    Key(Cow<'de, str>),
}

fn render(path: &[Seg<'_>], last: Option<&str>) -> String {
    let mut out = String::new();
    let field = |out: &mut String, name: &str| {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(name);
    };
    for seg in path {
        match seg {
            Seg::Field(name) => field(&mut out, name),
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
            Seg::Key(key) => {
                out.push('[');
                out.push_str(&serde_json::to_string(&shorten(key)).unwrap_or_default());
                out.push(']');
            }
        }
    }
    if let Some(name) = last {
        field(&mut out, name);
    }
    out
}

/// The reader: the text, where it is, and what it found besides the values.
#[derive(Debug)]
pub(crate) struct Reader<'de> {
    pub(super) text: &'de str,
    pub(super) pos: usize,
    pub(super) path: Vec<Seg<'de>>,
    elements: usize,
    /// Unknown fields are problems (snapshots), or are skipped while every object of the text,
    /// at any depth, must name each member once (signed-token headers and claims).
    pub(super) strict: bool,
    problems: Problems,
    first_error: Option<SnapshotError>,
}

impl<'de> Reader<'de> {
    /// A reader for a snapshot.
    pub fn new(text: &'de str) -> Self {
        let problems = Problems::default();
        Self { text, pos: 0, path: Vec::new(), elements: 0, strict: true, problems, first_error: None }
    }

    /// A reader that skips unknown fields and reports any member name an object repeats.
    pub fn lenient(text: &'de str) -> Self {
        Self { strict: false, ..Self::new(text) }
    }

    /// The problems read past, and the hard error that stopped reading (if one did).
    pub fn finish(self) -> (Problems, Option<SnapshotError>) {
        (self.problems, self.first_error)
    }

    /// Only whitespace may follow the document.
    pub fn end(&mut self) -> Result<(), Stop> {
        self.ws();
        if self.pos < self.text.len() { Err(self.syntax("trailing characters")) } else { Ok(()) }
    }

    #[cold]
    #[inline(never)]
    fn fail(&mut self, error: SnapshotError) -> Stop {
        if self.first_error.is_none() {
            self.first_error = Some(error);
        }
        Stop
    }

    /// Text that is not JSON: reported with its line and column, at the document.
    #[cold]
    #[inline(never)]
    pub(super) fn syntax(&mut self, what: &str) -> Stop {
        let before = self.text.get(..self.pos).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let detail = format!("{what} at line {line} column {column}");
        self.fail(SnapshotError { path: String::new(), kind: K::InvalidJson { detail } })
    }

    /// A value of the wrong JSON type, at its path.
    #[cold]
    #[inline(never)]
    fn wrong(&mut self, expected: &'static str) -> Stop {
        let path = render(&self.path, None);
        self.fail(SnapshotError { path, kind: K::WrongType { expected } })
    }

    /// A visitor's own error, reported where it happened.
    fn checked<T>(&mut self, result: Result<T, Stop>) -> Result<T, Stop> {
        if result.is_err() {
            self.visitor_failed();
        }
        result
    }

    #[cold]
    #[inline(never)]
    fn visitor_failed(&mut self) {
        if self.first_error.is_none() {
            self.wrong("a valid value");
        }
    }

    /// Reads `null` if it comes next.
    #[inline(never)]
    fn null(&mut self) -> Result<bool, Stop> {
        self.ws();
        if self.byte() != Some(b'n') {
            return Ok(false);
        }
        self.literal("null", Token::Null).map(|_| true)
    }

    /// Reads a string, or reports a wrong type.
    #[inline(never)]
    fn expect_str(&mut self) -> Result<Cow<'de, str>, Stop> {
        match self.token()? {
            Token::Str(s) => Ok(s),
            _ => Err(self.wrong("a string")),
        }
    }

    /// Reads the opening of an object (or array), or reports a wrong type.
    #[inline(never)]
    fn expect_open(&mut self, object: bool) -> Result<(), Stop> {
        match (self.token()?, object) {
            (Token::Object, true) | (Token::Array, false) => Ok(()),
            (_, true) => Err(self.wrong("an object")),
            (_, false) => Err(self.wrong("an array")),
        }
    }

    /// Lenient reading: reports `key` if `keys` holds it already.
    pub(super) fn repeated(&mut self, keys: &mut Vec<Cow<'de, str>>, key: Cow<'de, str>) {
        if keys.contains(&key) {
            let path = render(&self.path, Some(&key));
            self.problems.push_error(SnapshotError {
                path,
                kind: K::Duplicate { what: "field", name: shorten(&key) },
            });
        } else {
            keys.push(key);
        }
    }

    fn visit_token<V: Visitor<'de>>(&mut self, token: Token<'de>, visitor: V) -> Result<V::Value, Stop> {
        let result = match token {
            Token::Null => visitor.visit_unit(),
            Token::Bool(b) => visitor.visit_bool(b),
            Token::Unsigned(n) => visitor.visit_u64(n),
            Token::Negative(n) => visitor.visit_i64(n),
            Token::Float(x) => visitor.visit_f64(x),
            Token::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Token::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Token::Object => visitor.visit_map(Object::<false>::new(self, None)),
            Token::Array => visitor.visit_seq(Array { r: self, index: 0 }),
        };
        self.checked(result)
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let token = self.token()?;
        self.visit_token(token, visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        match self.token()? {
            Token::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.wrong("a boolean")),
        }
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        match self.token()? {
            Token::Unsigned(n) => visitor.visit_u64(n),
            _ => Err(self.wrong("a non-negative integer")),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        let result = match self.expect_str()? {
            Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
            Cow::Owned(s) => visitor.visit_string(s),
        };
        self.checked(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if self.null()? { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.expect_open(false)?;
        let result = visitor.visit_seq(Array { r: self, index: 0 });
        self.checked(result)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.expect_open(true)?;
        let result = visitor.visit_map(Object::<false>::new(self, None));
        self.checked(result)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        self.expect_open(true)?;
        let result = visitor.visit_map(Object::<true>::new(self, Some(fields)));
        self.checked(result)
    }

    /// An enum of unit variants, written as its variant's name (record kinds).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let result = match self.expect_str()? {
            Cow::Borrowed(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
            Cow::Owned(s) => visitor.visit_enum(StrDeserializer::new(&s)),
        };
        self.checked(result)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 f64 char bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct identifier
    }
}

struct Array<'r, 'de> {
    r: &'r mut Reader<'de>,
    index: usize,
}

impl Array<'_, '_> {
    /// Before an element: `false` at the end of the array; else the element's path is pushed.
    #[inline(never)]
    fn element(&mut self) -> Result<bool, Stop> {
        let r = &mut *self.r;
        r.ws();
        if r.byte() == Some(b']') {
            r.pos += 1;
            return Ok(false);
        }
        if self.index > 0 {
            r.eat(b',', "expected `,` or `]`")?;
        }
        if self.index >= MAX_ITEMS || r.elements >= MAX_ELEMENTS {
            let (what, max) = if self.index >= MAX_ITEMS {
                ("elements in one array", MAX_ITEMS)
            } else {
                ("array elements in the document", MAX_ELEMENTS)
            };
            let path = render(&r.path, None);
            return Err(r.fail(SnapshotError { path, kind: K::TooLarge { what, max } }));
        }
        r.elements += 1;
        r.path.push(Seg::Index(self.index));
        self.index += 1;
        Ok(true)
    }
}

impl<'de> SeqAccess<'de> for Array<'_, 'de> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Stop> {
        if !self.element()? {
            return Ok(None);
        }
        let value = seed.deserialize(&mut *self.r)?;
        self.r.path.pop();
        Ok(Some(value))
    }
}

/// An object being read: a struct's (`STRUCT`, its fields by position) or a map's (keys as
/// strings); two types, so that neither carries the other's key handling.
struct Object<'r, 'de, const STRUCT: bool> {
    r: &'r mut Reader<'de>,
    /// A struct's fields; `None` for a map, whose keys are all taken.
    fields: Option<&'static [&'static str]>,
    /// The struct fields read so far, by position in `fields`.
    seen: u64,
    /// The member names read so far, when reading leniently.
    keys: Vec<Cow<'de, str>>,
    first: bool,
    /// Where the value that comes next sits.
    next: Option<Seg<'de>>,
}

/// What an object gives its visitor next: a struct field by position, or a map key.
enum Next<'de> {
    End,
    Field(usize),
    Key(Cow<'de, str>),
}

impl<'r, 'de, const STRUCT: bool> Object<'r, 'de, STRUCT> {
    fn new(r: &'r mut Reader<'de>, fields: Option<&'static [&'static str]>) -> Self {
        Self { r, fields, seen: 0, keys: Vec::new(), first: true, next: None }
    }

    /// The next key, or `None` at the end of the object.
    fn key(&mut self) -> Result<Option<Cow<'de, str>>, Stop> {
        let r = &mut *self.r;
        r.ws();
        if r.byte() == Some(b'}') {
            r.pos += 1;
            return Ok(None);
        }
        if !std::mem::replace(&mut self.first, false) {
            r.eat(b',', "expected `,` or `}`")?;
            r.ws();
        }
        if r.byte() != Some(b'"') {
            return Err(r.syntax("expected a string key"));
        }
        r.pos += 1;
        let key = r.string()?;
        r.eat(b':', "expected `:`")?;
        Ok(Some(key))
    }

    #[inline(never)]
    fn enter(&mut self) {
        let next = self.next.take().unwrap_or(Seg::Index(0));
        self.r.path.push(next);
    }

    /// The next member the visitor takes: unknown and repeated fields are reported (or, read
    /// leniently, skipped) and their values skipped. Not generic, so not copied per wire type.
    #[inline(never)]
    fn next(&mut self) -> Result<Next<'de>, Stop> {
        loop {
            let Some(key) = self.key()? else { return Ok(Next::End) };
            if !self.r.strict {
                let before = self.r.problems.0.len();
                self.r.repeated(&mut self.keys, key.clone());
                if self.r.problems.0.len() > before {
                    self.r.skip()?;
                    continue;
                }
            }
            let Some(fields) = self.fields else {
                self.next = Some(Seg::Key(key.clone()));
                return Ok(Next::Key(key));
            };
            let position = fields.iter().position(|f| **f == *key);
            let bit = position.and_then(|p| 1u64.checked_shl(u32::try_from(p).unwrap_or(u32::MAX)));
            match (position, position.and_then(|p| fields.get(p)), bit) {
                (Some(p), Some(field), Some(bit)) if self.seen & bit == 0 => {
                    self.seen |= bit;
                    self.next = Some(Seg::Field(field));
                    return Ok(Next::Field(p));
                }
                (_, found, _) => {
                    let r = &mut *self.r;
                    if r.strict {
                        let path = render(&r.path, Some(&key));
                        let kind = if found.is_some() {
                            K::Duplicate { what: "field", name: shorten(&key) }
                        } else {
                            K::UnknownField { field: shorten(&key) }
                        };
                        r.problems.push_error(SnapshotError { path, kind });
                    }
                    r.skip()?;
                }
            }
        }
    }
}

impl<'de, const STRUCT: bool> MapAccess<'de> for Object<'_, 'de, STRUCT> {
    type Error = Stop;

    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Stop> {
        match (STRUCT, self.next()?) {
            (_, Next::End) => Ok(None),
            // The derived field visitors take a field by its position.
            (true, Next::Field(p)) => seed.deserialize(U64Deserializer::new(p as u64)).map(Some),
            (false, Next::Key(Cow::Borrowed(k))) => {
                seed.deserialize(BorrowedStrDeserializer::new(k)).map(Some)
            }
            (false, Next::Key(Cow::Owned(k))) => seed.deserialize(StrDeserializer::new(&k)).map(Some),
            _ => Ok(None),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Stop> {
        self.enter();
        let value = seed.deserialize(&mut *self.r)?;
        self.r.path.pop();
        Ok(value)
    }
}
