//! Arguments: every JavaScript value in every position becomes a Rust value or a
//! `ScopegateError` with code `invalid_argument` whose message names the argument. Strings are
//! measured before they are copied into the module's memory, so an oversized one costs nothing.

use js_sys::{JsString, Number};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::convert::throw;
pub(super) use super::de::{MAX_NAME, kind_of};
use crate::api::{ApiError, Seconds};
use crate::error::TokenError;
use crate::snapshot::shorten;
use crate::token::MAX_CREDENTIAL_BYTES;

fn wrong(arg: &str, expected: &str, value: &JsValue) -> JsValue {
    throw(ApiError::argument(format!("`{arg}` must be {expected}, not {}.", kind_of(value))))
}

fn too_long(arg: &str, length: u32) -> JsValue {
    throw(ApiError::argument(format!(
        "`{arg}` is {length} characters long; names are at most {MAX_NAME} characters."
    )))
}

fn is_nullish(value: &JsValue) -> bool {
    value.is_null_or_undefined()
}

/// The string of `value` and its length in UTF-16 units, without copying it; `None` when it
/// is not a string.
fn js_string(value: &JsValue) -> Option<(&JsString, u32)> {
    let text = value.dyn_ref::<JsString>()?;
    Some((text, text.length()))
}

/// A name in a question: the text, or for one over [`MAX_NAME`] only its first characters
/// (for the message); the engine sees no name at all then, which no snapshot holds.
#[derive(Debug)]
pub(super) struct Name {
    text: String,
    whole: bool,
}

impl Name {
    /// A name the binding itself supplies.
    pub fn known(text: &str) -> Self {
        Self { text: text.to_string(), whole: true }
    }

    /// What the engine is asked: the name, or "" (which names nothing) when it was too long.
    pub fn asked(&self) -> &str {
        if self.whole { &self.text } else { "" }
    }

    /// What messages quote: the name, or its first characters.
    pub fn shown(&self) -> &str {
        &self.text
    }

    /// Whether the name was short enough to be asked.
    pub fn whole(&self) -> bool {
        self.whole
    }
}

/// A required name in a question: a string; an oversized one is kept as its first characters.
pub(super) fn name(value: &JsValue, arg: &str) -> Result<Name, JsValue> {
    let (text, length) = js_string(value).ok_or_else(|| wrong(arg, "a string", value))?;
    if length > MAX_NAME {
        let head = text.slice(0, 65).as_string().unwrap_or_default();
        return Ok(Name { text: shorten(&head), whole: false });
    }
    Ok(Name { text: text.as_string().unwrap_or_default(), whole: true })
}

/// A required string of at most [`MAX_NAME`] characters (an argument of an action).
pub(super) fn string(value: &JsValue, arg: &str) -> Result<String, JsValue> {
    let (text, length) = js_string(value).ok_or_else(|| wrong(arg, "a string", value))?;
    if length > MAX_NAME {
        return Err(too_long(arg, length));
    }
    Ok(text.as_string().unwrap_or_default())
}

/// An optional string of at most [`MAX_NAME`] characters.
pub(super) fn opt_string(value: &JsValue, arg: &str) -> Result<Option<String>, JsValue> {
    if is_nullish(value) { Ok(None) } else { string(value, arg).map(Some) }
}

/// A required string of any length (snapshot text).
pub(super) fn text(value: &JsValue, arg: &str) -> Result<String, JsValue> {
    value.as_string().ok_or_else(|| wrong(arg, "a string", value))
}

/// A credential: a string; one longer than the credential cap is `malformed_token` before any
/// of it is copied (a UTF-16 unit is at least one UTF-8 byte). `null` and `undefined` (a request
/// without an `Authorization` header) are `malformed_token` too: no credential, not a bad argument.
pub(super) fn credential(value: &JsValue) -> Result<String, JsValue> {
    if is_nullish(value) {
        return Err(throw(TokenError::Malformed { why: "no credential was given" }.into()));
    }
    let (text, length) = js_string(value).ok_or_else(|| wrong("credential", "a string", value))?;
    if length as usize > MAX_CREDENTIAL_BYTES {
        return Err(throw(TokenError::Malformed { why: "longer than 8192 bytes" }.into()));
    }
    Ok(text.as_string().unwrap_or_default())
}

/// A required boolean.
pub(super) fn boolean(value: &JsValue, arg: &str) -> Result<bool, JsValue> {
    value.as_bool().ok_or_else(|| wrong(arg, "a boolean", value))
}

/// A handle: a whole number from 0 to 2⁵³−1 (one this instance did not make is a deny, not an
/// error; see `tagged`). Two calls that need no return slot (`Number.isInteger`, then the
/// number) instead of `as_f64`.
#[inline]
pub(super) fn handle(value: &JsValue, arg: &str) -> Result<u64, JsValue> {
    if Number::is_integer(value) {
        let n = value.unchecked_into_f64();
        if (0.0..=MAX_HANDLE).contains(&n) {
            return Ok(n as u64);
        }
    }
    Err(if value.as_f64().is_some() {
        throw(ApiError::argument(format!(
            "`{arg}` must be a handle (a whole number from 0 to 9007199254740991)."
        )))
    } else {
        wrong(arg, "a handle (a number)", value)
    })
}

/// The largest handle: `Number.MAX_SAFE_INTEGER`.
const MAX_HANDLE: f64 = 9_007_199_254_740_991.0;

/// A required plain object read into `T` (see `de`): unknown fields are refused.
pub(super) fn object<T: DeserializeOwned>(value: &JsValue, arg: &str) -> Result<T, JsValue> {
    if !value.is_object() || value.is_array() || value.is_function() {
        return Err(wrong(arg, "an object", value));
    }
    super::de::from_js(value, arg).map_err(|message| throw(ApiError::argument(message)))
}

/// An optional object (`undefined` and `null` give `T::default()`).
pub(super) fn options<T: DeserializeOwned + Default>(value: &JsValue, arg: &str) -> Result<T, JsValue> {
    if is_nullish(value) { Ok(T::default()) } else { object(value, arg) }
}

/// `now`, or the current time: the only clock read.
pub(super) fn now(given: Option<Seconds>) -> u64 {
    given.map_or_else(|| (js_sys::Date::now() / 1000.0) as u64, |s| s.0)
}
