//! A JSON value read as it is written, for the few fields whose type and range are checked after
//! reading (the snapshot version, settings, signed-token headers and claims): a bad value there is
//! a problem to report with its field, not a stop.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// A loosely read JSON value; `Absent` is a field that is not there at all.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Loose<'a> {
    /// The field is not there.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i64),
    /// A number with a fraction or exponent.
    Float(f64),
    /// A string, borrowed from the input where it has no escapes.
    Str(Cow<'a, str>),
    /// An array.
    Array(Vec<Loose<'a>>),
    /// An object (its fields are not kept).
    Object,
}

impl Loose<'_> {
    /// Whether the field is not there.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The same value, owning its strings.
    pub fn into_owned(self) -> Loose<'static> {
        match self {
            Self::Absent => Loose::Absent,
            Self::Null => Loose::Null,
            Self::Bool(b) => Loose::Bool(b),
            Self::Unsigned(n) => Loose::Unsigned(n),
            Self::Negative(n) => Loose::Negative(n),
            Self::Float(x) => Loose::Float(x),
            Self::Str(s) => Loose::Str(Cow::Owned(s.into_owned())),
            Self::Array(items) => Loose::Array(items.into_iter().map(Loose::into_owned).collect()),
            Self::Object => Loose::Object,
        }
    }
}

impl fmt::Display for Loose<'_> {
    /// The value as a message shows it: scalars as JSON (strings cut to 64 characters), arrays
    /// and objects by their kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Absent => f.write_str("nothing"),
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Unsigned(n) => write!(f, "{n}"),
            Self::Negative(n) => write!(f, "{n}"),
            // serde_json's number formatting (core's would add its own float printer).
            Self::Float(x) => match serde_json::Number::from_f64(*x) {
                Some(n) => write!(f, "{n}"),
                None => f.write_str("a number"),
            },
            Self::Str(s) => {
                let cut: String = s.chars().take(64).collect();
                // As a JSON string (serde_json's writer: core's `Debug` quoting would add the
                // Unicode printability tables to the module).
                f.write_str(&serde_json::to_string(&cut).unwrap_or_default())
            }
            Self::Array(_) => f.write_str("an array"),
            Self::Object => f.write_str("an object"),
        }
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = Loose<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Loose::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(u64::try_from(v).map_or(Loose::Negative(v), Loose::Unsigned))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Loose::Unsigned(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Loose::Float(v))
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Owned(v.to_string())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Loose::Str(Cow::Owned(v)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Loose::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Loose::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Loose::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Loose::Object)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Loose<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LooseVisitor)
    }
}

impl Serialize for Loose<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => s.serialize_unit(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::Unsigned(n) => s.serialize_u64(*n),
            Self::Negative(n) => s.serialize_i64(*n),
            Self::Float(x) => s.serialize_f64(*x),
            Self::Str(v) => s.serialize_str(v),
            Self::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object => s.collect_map(std::iter::empty::<((), ())>()),
        }
    }
}
