//! Values across the boundary: the thrown error shape and answers out.

use js_sys::{Error as JsError, JSON, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::api::ApiError;

#[inline(never)]
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
#[inline(never)]
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
