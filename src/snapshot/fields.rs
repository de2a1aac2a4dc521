//! The fields of every wire object, read from the serde definitions themselves (a deserializer
//! that walks the types and records each struct's fields), for the checks that keep the JSON
//! Schema, the TypeScript declarations and the README equal to the wire format.

use serde::Deserialize as _;
use serde::de::value::Error;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::wire;

/// One wire object: its name as the schema's `$defs` spell it (`permissionSet`) and its JSON
/// fields in order, each with whether the format requires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectFields {
    /// The object's name: the Rust type name with a lowercase first letter.
    pub name: String,
    /// `(field, required)`, in declaration order.
    pub fields: Vec<(&'static str, bool)>,
}

/// Every object reachable from the document, the document first.
pub fn object_fields() -> Vec<ObjectFields> {
    let mut found = Vec::new();
    let _ = wire::Snapshot::deserialize(Probe { found: &mut found, required: None });
    found
}

struct Probe<'f> {
    found: &'f mut Vec<ObjectFields>,
    /// Set while probing a field's value: becomes `true` when the value is a [`wire::Req`].
    required: Option<&'f mut bool>,
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }
    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_bool(false)
    }
    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_u64(0)
    }
    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_borrowed_str("")
    }
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        if let Some(required) = self.required {
            *required = format!("{}", &visitor as &dyn de::Expected) == wire::REQUIRED;
        }
        visitor.visit_some(Probe { found: self.found, required: None })
    }
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_seq(ProbeSeq { found: self.found, done: false })
    }
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_map(ProbeMap { found: self.found, fields: &[], next: 0, owner: None })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        let mut chars = name.chars();
        let name: String = chars.next().map(|c| c.to_ascii_lowercase()).into_iter().chain(chars).collect();
        let owner = match self.found.iter().position(|o| o.name == name) {
            Some(owner) => owner,
            None => {
                let list = fields.iter().map(|f| (*f, false)).collect();
                self.found.push(ObjectFields { name, fields: list });
                self.found.len() - 1
            }
        };
        visitor.visit_map(ProbeMap { found: self.found, fields, next: 0, owner: Some(owner) })
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u128 f32 f64 char string bytes byte_buf unit unit_struct
        newtype_struct tuple tuple_struct enum identifier ignored_any
    }
}

struct ProbeSeq<'f> {
    found: &'f mut Vec<ObjectFields>,
    done: bool,
}

impl<'de> SeqAccess<'de> for ProbeSeq<'_> {
    type Error = Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        seed.deserialize(Probe { found: self.found, required: None }).map(Some)
    }
}

struct ProbeMap<'f> {
    found: &'f mut Vec<ObjectFields>,
    fields: &'static [&'static str],
    next: usize,
    /// The struct being read, in `found`.
    owner: Option<usize>,
}

impl<'de> MapAccess<'de> for ProbeMap<'_> {
    type Error = Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
        match self.fields.get(self.next) {
            Some(field) => seed.deserialize(de::value::BorrowedStrDeserializer::new(field)).map(Some),
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let field = self.fields.get(self.next).copied().unwrap_or_default();
        self.next += 1;
        let mut required = false;
        let value = seed.deserialize(Probe { found: self.found, required: Some(&mut required) })?;
        let owner = self.owner.and_then(|o| self.found.get_mut(o));
        if let Some(slot) = owner.and_then(|o| o.fields.iter_mut().find(|(f, _)| *f == field)) {
            slot.1 = required;
        }
        Ok(value)
    }
}
