//! Reading the wire types with paths. [`Track`] wraps the JSON deserializer and knows where each
//! value sits: a chain of borrowed segments on the stack ([`Path`]), turned into text only when a
//! problem is found. It reports unknown and repeated fields and skips them so that reading goes
//! on, refuses an array where an object is expected (serde would read a struct from one), caps
//! the number of array elements, and remembers where the first hard error (a wrong JSON type)
//! happened.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess, Unexpected, Visitor,
};

use super::names::{Problems, shorten};
use crate::error::{SnapshotError, SnapshotErrorKind as K};

/// Where a value sits in the document. Built on the stack as reading descends; rendered as
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

/// Every array holds at most this many elements (users, organizations, the stacks of one
/// organization, …).
pub(crate) const MAX_ITEMS: usize = 1_000_000;
/// The whole document holds at most this many array elements.
pub(crate) const MAX_ELEMENTS: usize = 4 * MAX_ITEMS;

/// What reading found besides the values: the problems it read past, the first hard error.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    problems: RefCell<Problems>,
    first_error: RefCell<Option<SnapshotError>>,
    elements: Cell<usize>,
}

impl Sink {
    fn problem(&self, at: &Path<'_>, kind: K) {
        self.problems.borrow_mut().push(at, kind);
    }

    /// Records the first hard error; the innermost reader sees it first.
    fn fail<E>(&self, at: &Path<'_>, kind: impl FnOnce() -> K, error: E) -> E {
        let mut first = self.first_error.borrow_mut();
        if first.is_none() {
            *first = Some(SnapshotError { path: at.to_string(), kind: kind() });
        }
        error
    }

    /// The problems read past, and where the first hard error happened (if one did).
    pub fn finish(self) -> (Problems, Option<SnapshotError>) {
        (self.problems.into_inner(), self.first_error.into_inner())
    }
}

/// The JSON deserializer `de`, reading the value at `at`.
#[derive(Debug)]
pub(crate) struct Track<'p, D> {
    de: D,
    at: &'p Path<'p>,
    sink: &'p Sink,
}

impl<'p, D> Track<'p, D> {
    pub fn new(de: D, at: &'p Path<'p>, sink: &'p Sink) -> Self {
        Self { de, at, sink }
    }
}

/// `fields` is set for a struct: its keys are checked and an array is refused.
struct Wrap<'p, V> {
    visitor: V,
    at: &'p Path<'p>,
    sink: &'p Sink,
    fields: Option<&'static [&'static str]>,
}

macro_rules! forward_deserialize {
    ($($method:ident => $expected:literal,)*) => { $(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            let (at, sink) = (self.at, self.sink);
            let visitor = Wrap { visitor, at, sink, fields: None };
            self.de.$method(visitor).map_err(|e| sink.fail(at, || K::WrongType { expected: $expected }, e))
        }
    )* };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Track<'_, D> {
    type Error = D::Error;

    forward_deserialize! {
        deserialize_any => "a value",
        deserialize_bool => "a boolean",
        deserialize_i8 => "an integer",
        deserialize_i16 => "an integer",
        deserialize_i32 => "an integer",
        deserialize_i64 => "an integer",
        deserialize_u8 => "a non-negative integer",
        deserialize_u16 => "a non-negative integer",
        deserialize_u32 => "a non-negative integer",
        deserialize_u64 => "a non-negative integer",
        deserialize_f32 => "a number",
        deserialize_f64 => "a number",
        deserialize_char => "a string",
        deserialize_str => "a string",
        deserialize_string => "a string",
        deserialize_bytes => "a string",
        deserialize_byte_buf => "a string",
        deserialize_option => "a value",
        deserialize_unit => "null",
        deserialize_seq => "an array",
        deserialize_map => "an object",
        deserialize_identifier => "a string",
        deserialize_ignored_any => "a value",
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: None };
        self.de
            .deserialize_unit_struct(name, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "null" }, e))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: None };
        self.de
            .deserialize_newtype_struct(name, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "a value" }, e))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: None };
        self.de
            .deserialize_tuple(len, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "an array" }, e))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: None };
        self.de
            .deserialize_tuple_struct(name, len, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "an array" }, e))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: Some(fields) };
        self.de
            .deserialize_struct(name, fields, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "an object" }, e))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, D::Error> {
        let (at, sink) = (self.at, self.sink);
        let visitor = Wrap { visitor: v, at, sink, fields: None };
        self.de
            .deserialize_enum(name, variants, visitor)
            .map_err(|e| sink.fail(at, || K::WrongType { expected: "a value" }, e))
    }

    fn is_human_readable(&self) -> bool {
        self.de.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty),)*) => { $(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.visitor.$method(v)
        }
    )* };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.visitor.expecting(f)
    }

    forward_visit! {
        visit_bool(bool),
        visit_i8(i8),
        visit_i16(i16),
        visit_i32(i32),
        visit_i64(i64),
        visit_i128(i128),
        visit_u8(u8),
        visit_u16(u16),
        visit_u32(u32),
        visit_u64(u64),
        visit_u128(u128),
        visit_f32(f32),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visitor.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_some(Track { de: d, at: self.at, sink: self.sink })
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.visitor.visit_newtype_struct(Track { de: d, at: self.at, sink: self.sink })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        if self.fields.is_some() {
            return Err(de::Error::invalid_type(Unexpected::Seq, &"an object"));
        }
        self.visitor.visit_seq(TrackSeq { seq, at: self.at, sink: self.sink, index: 0 })
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let key = Cow::Borrowed("");
        let (at, sink, fields) = (self.at, self.sink, self.fields);
        self.visitor.visit_map(TrackMap { map, at, sink, fields, seen: 0, key })
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.visitor.visit_enum(data)
    }
}

/// A value's seed, reading at `at`.
struct TrackSeed<'p, S> {
    seed: S,
    at: &'p Path<'p>,
    sink: &'p Sink,
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for TrackSeed<'_, S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.seed.deserialize(Track { de: d, at: self.at, sink: self.sink })
    }
}

struct TrackSeq<'p, A> {
    seq: A,
    at: &'p Path<'p>,
    sink: &'p Sink,
    index: usize,
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for TrackSeq<'_, A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, A::Error> {
        let elements = self.sink.elements.get() + 1;
        if self.index >= MAX_ITEMS || elements > MAX_ELEMENTS {
            let (what, max) = if self.index >= MAX_ITEMS {
                ("elements in one array", MAX_ITEMS)
            } else {
                ("array elements in the document", MAX_ELEMENTS)
            };
            let error = de::Error::custom("too many elements");
            return Err(self.sink.fail(self.at, || K::TooLarge { what, max }, error));
        }
        self.sink.elements.set(elements);
        let at = Path::Index(self.at, self.index);
        self.index += 1;
        self.seq.next_element_seed(TrackSeed { seed, at: &at, sink: self.sink })
    }

    fn size_hint(&self) -> Option<usize> {
        self.seq.size_hint()
    }
}

struct TrackMap<'p, 'de, A> {
    map: A,
    at: &'p Path<'p>,
    sink: &'p Sink,
    /// A struct's fields; `None` for a map, whose keys are all taken.
    fields: Option<&'static [&'static str]>,
    /// The struct fields read so far, by position in `fields`.
    seen: u64,
    /// The key whose value comes next.
    key: Cow<'de, str>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TrackMap<'_, 'de, A> {
    type Error = A::Error;

    fn next_key_seed<K2: DeserializeSeed<'de>>(&mut self, seed: K2) -> Result<Option<K2::Value>, A::Error> {
        loop {
            let Some(key) = self.map.next_key_seed(KeySeed)? else { return Ok(None) };
            if let Some(fields) = self.fields {
                let position = fields.iter().position(|f| *f == key);
                let bit = position.and_then(|p| 1u64.checked_shl(u32::try_from(p).unwrap_or(u32::MAX)));
                let repeated = bit.is_some_and(|b| self.seen & b != 0);
                if position.is_none() || repeated {
                    let at = Path::Field(self.at, &key);
                    let kind = if repeated {
                        K::Duplicate { what: "field", name: shorten(&key) }
                    } else {
                        K::UnknownField { field: shorten(&key) }
                    };
                    self.sink.problem(&at, kind);
                    self.map.next_value::<IgnoredAny>()?;
                    continue;
                }
                self.seen |= bit.unwrap_or(0);
            }
            self.key = key;
            let value = match &self.key {
                Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(k)),
                Cow::Owned(k) => seed.deserialize(StrDeserializer::<A::Error>::new(k)),
            };
            return value.map(Some);
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let at = match self.fields {
            Some(_) => Path::Field(self.at, &self.key),
            None => Path::Key(self.at, &self.key),
        };
        self.map.next_value_seed(TrackSeed { seed, at: &at, sink: self.sink })
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Reads a key as a string, borrowed where it has no escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_string()))
    }
}
