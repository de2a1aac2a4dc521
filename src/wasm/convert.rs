//! Values across the boundary: the thrown error shape, answers out, and the field names of a
//! request type for refusing unknown ones.

use std::cell::Cell;

use js_sys::{Error as JsError, JSON, Reflect};
use serde::Serialize;
use serde::de::{self, Deserialize, Visitor};
use wasm_bindgen::JsValue;

use crate::api::ApiError;

/// The thrown value: a real `Error` whose `name` is `ScopegateError`, with `code` and `details`.
pub(super) fn throw(error: ApiError) -> JsValue {
    let js = JsError::new(&error.message);
    js.set_name("ScopegateError");
    let _ = Reflect::set(&js, &"code".into(), &error.code.as_str().into());
    if let Some(details) = &error.details {
        let _ = Reflect::set(&js, &"details".into(), &answer(details));
    }
    js.into()
}

/// Any error the core reports, thrown.
pub(super) fn thrown(error: impl Into<ApiError>) -> JsValue {
    throw(error.into())
}

/// An answer as plain JavaScript data (objects, arrays, `null` for `None`).
///
/// JSON text and one `JSON.parse` measured faster than building the value field by field with
/// `serde_wasm_bindgen::to_value`: PLACEHOLDER.
pub(super) fn answer<T: Serialize + ?Sized>(value: &T) -> JsValue {
    match serde_json::to_string(value) {
        Ok(text) => JSON::parse(&text).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

/// The field names a derived `Deserialize` struct reads, as its `deserialize_struct` call
/// announces them (camelCase, as JavaScript writes them); `None` for a type that is no struct
/// (a map takes any key).
pub(super) fn fields_of<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    let fields = Cell::new(None);
    let _ = T::deserialize(FieldsProbe(&fields));
    fields.get()
}

struct FieldsProbe<'a>(&'a Cell<Option<&'static [&'static str]>>);

impl<'de> de::Deserializer<'de> for FieldsProbe<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(Some(fields));
        Err(de::Error::custom("fields read"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}
