//! Request objects read with serde straight from JavaScript values. Every property is read once
//! through a call that catches (so a throwing getter or proxy is an invalid argument, not an
//! exception through the module), every key is handed to the type (so `deny_unknown_fields`
//! refuses unknown ones), strings are measured before they are copied, and errors name the
//! field. Numbers are never formatted in messages, which keeps float formatting out of the
//! module.

use std::fmt;

use js_sys::{Array, JsString, Number, Reflect};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Expected, MapAccess, Unexpected, Visitor};
use wasm_bindgen::{JsCast, JsValue};

/// The longest name (principal, scope, resource, login, team, …) in UTF-16 code units. No name
/// a snapshot can hold comes near it; a question naming a longer one is a deny, an action
/// naming one is `invalid_argument`.
pub(super) const MAX_NAME: u32 = 4096;

/// What a value is, for messages: "a number", "null", "an array", …
pub(super) fn kind_of(value: &JsValue) -> &'static str {
    if value.is_undefined() {
        "undefined"
    } else if value.is_null() {
        "null"
    } else if value.is_string() {
        "a string"
    } else if value.as_bool().is_some() {
        "a boolean"
    } else if value.as_f64().is_some() {
        "a number"
    } else if value.is_bigint() {
        "a BigInt"
    } else if value.is_symbol() {
        "a symbol"
    } else if value.is_function() {
        "a function"
    } else if value.is_array() {
        "an array"
    } else {
        "an object"
    }
}

/// Deeper nesting than any request has is refused.
const MAX_DEPTH: u32 = 8;

/// Reads `value` into `T`; the message of an error is a whole sentence naming `arg`.
pub(super) fn from_js<T: DeserializeOwned>(value: &JsValue, arg: &str) -> Result<T, String> {
    T::deserialize(Js { value, depth: 0 }).map_err(|e| {
        let path = if e.path.is_empty() { arg.to_string() } else { format!("{arg}.{}", e.path) };
        format!("`{path}` {}.", e.message)
    })
}

/// A deserialization error: what was wrong, and the field path where (`signingKey.kid`).
#[derive(Debug)]
pub(super) struct Error {
    path: String,
    message: String,
}

impl Error {
    fn new(message: impl Into<String>) -> Self {
        Self { path: String::new(), message: message.into() }
    }

    /// The same error, one field further out.
    fn within(mut self, key: &str) -> Self {
        self.path = if self.path.is_empty() { key.to_string() } else { format!("{key}.{}", self.path) };
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// What an unexpected value was, in words (numbers are not formatted).
fn what(unexpected: &Unexpected<'_>) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "a whole number",
        Unexpected::Float(_) => "a number with a fraction",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

impl de::Error for Error {
    #[cold]
    #[inline(never)]
    fn custom<T: fmt::Display>(message: T) -> Self {
        Self::new(message.to_string())
    }

    #[cold]
    #[inline(never)]
    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::new(format!("must be {expected}, not {}", what(&unexpected)))
    }

    #[cold]
    #[inline(never)]
    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::new(format!("must be {expected}, not {}", what(&unexpected)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let names: Vec<String> = expected.iter().map(|f| format!("`{f}`")).collect();
        Self::new(format!(
            "has an unknown field `{}`; the fields are {}",
            crate::snapshot::shorten(field),
            names.join(", ")
        ))
    }

    fn missing_field(field: &'static str) -> Self {
        Self::new(format!("needs the field `{field}`"))
    }
}

fn unreadable() -> Error {
    Error::new("could not be read (a getter or proxy threw)")
}

/// One JavaScript value being read.
struct Js<'a> {
    value: &'a JsValue,
    depth: u32,
}

/// What a value is, read once (one copy of this, whatever the target type).
enum Read {
    Unit,
    Bool(bool),
    Str(String),
    Number(u64),
    Map(Array),
}

#[inline(never)]
fn read(value: &JsValue, depth: u32) -> Result<Read, Error> {
    if value.is_null_or_undefined() {
        return Ok(Read::Unit);
    }
    if let Some(b) = value.as_bool() {
        return Ok(Read::Bool(b));
    }
    if let Some(text) = value.dyn_ref::<JsString>() {
        if text.length() > MAX_NAME {
            return Err(Error::new(format!("is longer than {MAX_NAME} characters")));
        }
        return Ok(Read::Str(text.as_string().unwrap_or_default()));
    }
    // Every number in a request is a count of seconds: a whole number, at least 0.
    if let Some(n) = value.as_f64() {
        if Number::is_safe_integer(value) && n >= 0.0 {
            return Ok(Read::Number(n as u64));
        }
        return Err(Error::new("must be a whole number of at least 0"));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::new("is nested too deeply"));
    }
    // No request holds an array: refusing them here keeps the sequence half of every derived
    // visitor out of the module.
    if value.is_object() && !value.is_array() && !value.is_function() {
        return Reflect::own_keys(value).map(Read::Map).map_err(|_| unreadable());
    }
    Err(Error::new(format!("must not be {}", kind_of(value))))
}

impl<'de> de::Deserializer<'de> for Js<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        let depth = self.depth + 1;
        match read(self.value, self.depth)? {
            Read::Unit => visitor.visit_unit(),
            Read::Bool(b) => visitor.visit_bool(b),
            Read::Str(s) => visitor.visit_string(s),
            Read::Number(n) => visitor.visit_u64(n),
            Read::Map(keys) => {
                visitor.visit_map(Fields { object: self.value, keys, next: 0, current: None, depth })
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.value.is_null_or_undefined() { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The own string keys of an object and their values (a `undefined` value counts as absent).
struct Fields<'a> {
    object: &'a JsValue,
    keys: Array,
    next: u32,
    current: Option<(String, JsValue)>,
    depth: u32,
}

impl Fields<'_> {
    /// The next own string key with a value that is not `undefined`.
    #[inline(never)]
    fn advance(&mut self) -> Result<Option<&str>, Error> {
        while self.next < self.keys.length() {
            let key = self.keys.get(self.next);
            self.next += 1;
            let Some(name) = key.as_string() else { continue };
            let value = Reflect::get(self.object, &key).map_err(|_| unreadable().within(&name))?;
            if value.is_undefined() {
                continue;
            }
            return Ok(Some(&self.current.insert((name, value)).0));
        }
        Ok(None)
    }
}

impl<'de> MapAccess<'de> for Fields<'_> {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.advance()? {
            Some(name) => seed.deserialize(de::value::StrDeserializer::<Error>::new(name)).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (name, value) = self.current.take().ok_or_else(|| Error::new("has no value to read"))?;
        seed.deserialize(Js { value: &value, depth: self.depth }).map_err(|e| e.within(&name))
    }
}
