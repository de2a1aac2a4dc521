//! Live policy in JavaScript: signed deltas in (`applyDelta`), deltas out (`changesSince`),
//! revisions as `bigint`, and `subscribe`. Listeners are kept in a JavaScript `Map` owned by the
//! instance (emptied when it is freed) and called in a microtask after each change, when the
//! instance is no longer borrowed, so that a listener may ask it anything or change it again.

use js_sys::{BigInt, Function, Map, Object, Reflect};
use wasm_bindgen::prelude::*;

use super::Scopegate;
use super::args;
use super::convert::{throw, thrown};
use crate::api::{self, ApiError, ApplyDeltaOptions, ChangesOptions};

#[wasm_bindgen]
extern "C" {
    /// The global `queueMicrotask` (browsers, Node, workerd).
    #[wasm_bindgen(js_name = queueMicrotask)]
    fn queue_microtask(callback: &JsValue);

    /// The global `reportError` (browsers, workerd); absent in Node, where it throws.
    #[wasm_bindgen(catch, js_name = reportError)]
    fn report_error(error: &JsValue) -> Result<(), JsValue>;

    /// `console.error`, where there is no `reportError`.
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(error: &JsValue);
}

/// The largest revision a JavaScript number holds exactly: `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A revision: a `bigint`, a whole `number` up to 2⁵³−1, or a string of decimal digits, each
/// from 0 to 2⁶⁴−1. Anything else (negative, fractional, too large, another type) is
/// `invalid_argument`.
pub(super) fn revision(value: &JsValue, arg: &str) -> Result<u64, JsValue> {
    let digits = if value.is_bigint() {
        value.dyn_ref::<BigInt>().and_then(|b| b.to_string(10).ok()).and_then(|s| s.as_string())
    } else if let Some(n) = value.as_f64() {
        // A whole number in range: its digits, without float formatting (which is large).
        (n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(&n)).then(|| (n as u64).to_string())
    } else {
        value.as_string().filter(|s| s.len() <= 20)
    };
    digits
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| {
            throw(ApiError::argument(format!(
                "`{arg}` must be a revision (a bigint, a whole number up to 9007199254740991 or a string of digits, from 0 to 18446744073709551615), not {}.",
                describe(value)
            )))
        })
}

fn describe(value: &JsValue) -> &'static str {
    if value.is_bigint() || value.is_string() || value.as_f64().is_some() {
        "a negative, fractional or too large one"
    } else {
        args::kind_of(value)
    }
}

/// Calls every listener of `listeners` (as they are now) with `revision`. An error thrown by
/// one does not stop the others: it is reported (`reportError`, else `console.error`).
fn dispatch(listeners: &Map, revision: &JsValue) {
    for listener in js_sys::Array::from(&listeners.values()) {
        if let Some(f) = listener.dyn_ref::<Function>() {
            if let Err(e) = f.call1(&JsValue::UNDEFINED, revision) {
                if report_error(&e).is_err() {
                    console_error(&e);
                }
            }
        }
    }
}

impl Scopegate {
    /// Runs `change` on the engine; when it raised the revision, queues the notification of
    /// the listeners with the new revision.
    #[inline]
    pub(super) fn changing<T, E>(
        &mut self,
        change: impl FnOnce(&mut crate::engine::Engine) -> Result<T, E>,
    ) -> Result<T, E> {
        let before = self.engine().revision();
        let result = change(self.interned.engine_mut());
        self.notify(before);
        result
    }

    /// Queues the notification of the listeners when the revision is no longer `before`.
    #[inline(never)]
    pub(super) fn notify(&self, before: u64) {
        let after = self.engine().revision();
        if after != before && self.listeners.size() > 0 {
            let listeners = self.listeners.clone();
            let revision: JsValue = BigInt::from(after).into();
            let callback = Closure::once_into_js(move || dispatch(&listeners, &revision));
            queue_microtask(&callback);
        }
    }
}

impl Drop for Scopegate {
    fn drop(&mut self) {
        // An unsubscribe function kept by a caller holds the map: empty it, so that it holds
        // no listener once the instance is gone.
        self.listeners.clear();
    }
}

#[wasm_bindgen]
impl Scopegate {
    /// Applies a signed delta (`{ version: 1, baseRevision, revision, changes, notAfter? }`) if
    /// `signature` (base64url Ed25519 over the exact text) verifies with `publicKey`, it has not
    /// expired, and its `baseRevision` is this instance's revision; all changes or none.
    /// Returns the new revision.
    #[wasm_bindgen(js_name = applyDelta, unchecked_return_type = "bigint")]
    pub fn apply_delta(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] signature: JsValue,
        #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string")] public_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ApplyDeltaOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = args::text(&text, "text")?;
        let signature = args::string(&signature, "signature")?;
        let key = api::public_key(&args::string(&public_key, "publicKey")?).map_err(throw)?;
        let options: ApplyDeltaOptions = args::options(&options, "options")?;
        let now = args::now(options.now);
        let revision = self.changing(|e| e.apply_delta(&text, &signature, &key, now)).map_err(thrown)?;
        Ok(BigInt::from(revision).into())
    }

    /// The delta from `revision` to the current revision, as the text an origin signs with
    /// `Scopegate.signSnapshot` and publishes; `options.notAfter` (seconds) sets its expiry.
    /// Throws `changes_unavailable` when the instance does not hold those changes.
    #[wasm_bindgen(js_name = changesSince)]
    pub fn changes_since(
        &self,
        #[wasm_bindgen(unchecked_param_type = "bigint | number | string")] revision: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ChangesOptions")] options: JsValue,
    ) -> Result<String, JsValue> {
        let since = self::revision(&revision, "revision")?;
        let options: ChangesOptions = args::options(&options, "options")?;
        let mut delta = self.engine().changes_since(since).map_err(thrown)?;
        delta.not_after = options.not_after.map(|s| s.0);
        Ok(delta.to_json())
    }

    /// Calls `listener(revision)` after every change (a management action or an applied delta),
    /// in a microtask, with the revision that change reached. Returns the function that
    /// unsubscribes it.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "(revision: bigint) => void")] listener: JsValue,
    ) -> Result<JsValue, JsValue> {
        if !listener.is_function() {
            let message = format!("`listener` must be a function, not {}.", args::kind_of(&listener));
            return Err(throw(ApiError::argument(message)));
        }
        // A new key per subscription: the same function subscribed twice is called twice.
        let key: JsValue = Object::new().into();
        self.listeners.set(&key, &listener);
        let delete: Function = Reflect::get(&Map::new(), &"delete".into())?.dyn_into()?;
        Ok(delete.bind1(&self.listeners, &key).into())
    }
}

/// `authenticate`'s options read directly when they are the common, valid shape (a plain object
/// with a whole `now` and/or a short `organization` string): several times cheaper than the
/// general reader, which every other value goes to (and which words the errors).
pub(super) fn quick_authenticate_options(value: &JsValue) -> Option<api::AuthenticateOptions> {
    if value.is_null_or_undefined() {
        return Some(api::AuthenticateOptions::default());
    }
    if !value.is_object() || value.is_array() || value.is_function() {
        return None;
    }
    let mut options = api::AuthenticateOptions::default();
    // The same keys the general reader reads (`Reflect.ownKeys`); a symbol key goes to it.
    for key in Reflect::own_keys(value).ok()?.iter() {
        let field = Reflect::get(value, &key).ok()?;
        match key.as_string()?.as_str() {
            "now" if field.is_undefined() => {}
            "now" => {
                let n = field.as_f64().filter(|n| n.fract() == 0.0 && (0.0..=MAX_SAFE).contains(n))?;
                options.now = Some(api::Seconds(n as u64));
            }
            "organization" if field.is_null_or_undefined() => {}
            "organization" => {
                let text = field.dyn_ref::<js_sys::JsString>()?;
                if text.length() > args::MAX_NAME {
                    return None;
                }
                options.organization = text.as_string();
            }
            _ => return None,
        }
    }
    Some(options)
}
