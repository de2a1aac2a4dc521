//! Decision records in JavaScript: `onDecision` and `setRequestId` (the previews, differences
//! and written forms of records are the admin build's: `admin`). Without a listener, no record is
//! built and no JavaScript is called: the questions take their usual path.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::prelude::*;

use super::convert::{answer, throw, thrown};
use super::{Scopegate, args};
use crate::api::ApiError;
use crate::engine::{Decision, DecisionRecord, DecisionSink, Engine, RecordContext};
use crate::error::ManageError;
use crate::snapshot::shorten;

#[wasm_bindgen(typescript_custom_section)]
const RECORD_TYPES: &str = include_str!("records.d.ts");

/// The longest request id (a UUID is 36 characters; a trace id 55).
const MAX_REQUEST_ID: usize = 128;

/// The listeners of one instance, and the request id its records carry.
#[derive(Debug, Default)]
pub(super) struct Recorder {
    listeners: Rc<RefCell<Vec<(u32, Function)>>>,
    next: u32,
    request_id: Option<String>,
}

impl Recorder {
    /// Whether any listener is set: one read, no allocation.
    #[inline]
    pub fn on(&self) -> bool {
        self.listeners.try_borrow().is_ok_and(|l| !l.is_empty())
    }

    fn context(&self) -> RecordContext {
        let now = (js_sys::Date::now() / 1000.0) as u64;
        RecordContext { now, request_id: self.request_id.clone(), source_ip: None }
    }

    /// `check`, recorded.
    pub fn check(&self, engine: &Engine, (p, s, r): (&str, &str, &str)) -> bool {
        engine.with_sink(self, self.context()).check(p, s, r)
    }

    /// `explain`, recorded when a listener is set.
    pub fn explain(&self, engine: &Engine, (p, s, r): (&str, &str, &str)) -> Decision {
        if self.on() {
            engine.with_sink(self, self.context()).explain(p, s, r)
        } else {
            engine.explain(p, s, r)
        }
    }

    /// `authenticate`, recorded when a listener is set.
    pub fn authenticate(
        &self,
        engine: &Engine,
        credential: &str,
        now: u64,
        org: Option<&str>,
    ) -> Result<crate::Authenticated, crate::TokenError> {
        if self.on() {
            engine.with_sink(self, self.context()).authenticate(credential, now, org)
        } else {
            engine.authenticate(credential, now, org)
        }
    }
}

impl DecisionSink for Recorder {
    fn record(&self, record: &DecisionRecord<'_>) {
        let Ok(listeners) = self.listeners.try_borrow() else { return };
        let listeners: Vec<Function> = listeners.iter().map(|(_, f)| f.clone()).collect();
        let value = answer(record);
        for listener in listeners {
            // A listener that throws does not stop the decision or the other listeners.
            let _ = listener.call1(&JsValue::UNDEFINED, &value);
        }
    }
}

impl Scopegate {
    /// Runs a management action as `actor`; with a listener, recorded under `(action, scope,
    /// resource)`. `apply` is a trait object, so that this path and the recording one are
    /// compiled once for every action rather than once per action.
    pub(super) fn acted(
        &mut self,
        actor: &str,
        (action, scope, resource): (&str, &str, &str),
        apply: &mut dyn FnMut(&mut Engine, &str) -> Result<(), ManageError>,
    ) -> Result<(), JsValue> {
        // Subscribers hear of the change once it is applied (`live`).
        let before = self.engine().revision();
        let result = if self.records.on() {
            let context = self.records.context();
            let records = &self.records;
            let engine = self.interned.engine_mut();
            engine.with_sink_mut(records, context).act(actor, (action, scope, resource), apply)
        } else {
            apply(self.interned.engine_mut(), actor)
        };
        self.notify(before);
        result.map_err(thrown)
    }
}

#[wasm_bindgen]
impl Scopegate {
    /// Calls `listener` with one record per `check`, `explain`, `authenticate` and management
    /// action made on this instance. Returns the function that removes it.
    #[wasm_bindgen(js_name = onDecision, unchecked_return_type = "() => void")]
    pub fn on_decision(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "(record: DecisionRecord) => void")] listener: JsValue,
    ) -> Result<JsValue, JsValue> {
        let Some(listener) = listener.dyn_ref::<Function>() else {
            let message = format!("`listener` must be a function, not {}.", args::kind_of(&listener));
            return Err(throw(ApiError::argument(message)));
        };
        let id = self.records.next;
        self.records.next = id.wrapping_add(1);
        if let Ok(mut listeners) = self.records.listeners.try_borrow_mut() {
            listeners.push((id, listener.clone()));
        }
        let listeners = Rc::downgrade(&self.records.listeners);
        let remove = Closure::once_into_js(move || {
            if let Some(listeners) = listeners.upgrade()
                && let Ok(mut listeners) = listeners.try_borrow_mut()
            {
                listeners.retain(|(i, _)| *i != id);
            }
        });
        Ok(remove)
    }

    /// The request id the records carry from now on (`requestID`); `null` or `undefined` for none.
    #[wasm_bindgen(js_name = setRequestId)]
    pub fn set_request_id(
        &mut self,
        #[wasm_bindgen(js_name = requestId, unchecked_param_type = "string | null | undefined")]
        request_id: JsValue,
    ) -> Result<(), JsValue> {
        let id = args::opt_string(&request_id, "requestId")?;
        if let Some(id) = &id {
            let fine = !id.is_empty()
                && id.len() <= MAX_REQUEST_ID
                && id.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\');
            if !fine {
                let message = format!(
                    "`requestId` `{}` must be 1 to {MAX_REQUEST_ID} printable ASCII characters, without quotes, backslashes or spaces.",
                    shorten(id)
                );
                return Err(throw(ApiError::argument(message)));
            }
        }
        self.records.request_id = id;
        Ok(())
    }
}
