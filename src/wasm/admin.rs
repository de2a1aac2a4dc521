//! The administration exports, built with the `admin` feature only (the sample site's module):
//! previews of changes, differences between states, and the decision-record writers. They are
//! kept out of the default module, whose size budget they would overrun.

use js_sys::JSON;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use super::convert::{answer, throw, thrown};
use super::{Scopegate, args};
use crate::api::{ApiError, Seconds};
use crate::engine::{AccessDiff, Decision, DecisionRecord, Engine};
use crate::error::SnapshotErrors;
use crate::snapshot::{Change, read_object, read_strict};

/// The admin build's own members and the types only they use (merged into the generated
/// `Scopegate` class; the npm package does not ship them).
#[wasm_bindgen(typescript_custom_section)]
const ADMIN_TYPES: &str = include_str!("admin.d.ts");

/// The most records one call of a writer takes.
const MAX_RECORDS: u32 = 100_000;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PreviewOptions {
    now: Option<Seconds>,
}

/// A decision in a preview: whether it allows, and its codes.
#[derive(Serialize)]
struct DecisionAnswer {
    allowed: bool,
    reasons: Vec<&'static str>,
}

impl DecisionAnswer {
    fn new(decision: &Decision) -> Self {
        let reasons = match decision {
            Decision::Allowed { reasons } => reasons.iter().map(|r| r.code()).collect(),
            Decision::Denied { deny } => vec![deny.code()],
        };
        Self { allowed: decision.is_allowed(), reasons }
    }
}

#[derive(Serialize)]
struct ScopeAnswer {
    scope: &'static str,
    allowed: bool,
    before: DecisionAnswer,
    after: DecisionAnswer,
}

#[derive(Serialize)]
struct BlockAnswer<'d> {
    principals: &'d [String],
    resources: &'d [String],
    scopes: Vec<ScopeAnswer>,
}

#[derive(Serialize)]
struct DiffAnswer<'d> {
    count: usize,
    changes: Vec<BlockAnswer<'d>>,
}

impl<'d> DiffAnswer<'d> {
    fn new(diff: &'d AccessDiff) -> Self {
        let changes = diff
            .changes
            .iter()
            .map(|c| BlockAnswer {
                principals: &c.principals,
                resources: &c.resources,
                scopes: c
                    .scopes
                    .iter()
                    .map(|s| ScopeAnswer {
                        scope: s.scope,
                        allowed: s.allowed,
                        before: DecisionAnswer::new(&s.before),
                        after: DecisionAnswer::new(&s.after),
                    })
                    .collect(),
            })
            .collect();
        Self { count: diff.len(), changes }
    }
}

#[derive(Serialize)]
struct RefusalAnswer {
    code: &'static str,
    message: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoppedAnswer<'p> {
    id: &'p str,
    kind: &'static str,
    name: Option<&'p str>,
    organization: &'p str,
    expires: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PreviewAnswer<'p> {
    allowed: bool,
    refusal: Option<RefusalAnswer>,
    #[serde(flatten)]
    diff: DiffAnswer<'p>,
    stopped_tokens: Vec<StoppedAnswer<'p>>,
}

/// A JavaScript object as JSON text, for a reader that reads text.
fn json_of(value: &JsValue, arg: &str, what: &str) -> Result<String, JsValue> {
    if !value.is_object() || value.is_array() || value.is_function() {
        let message = format!("`{arg}` must be {what}, not {}.", args::kind_of(value));
        return Err(throw(ApiError::argument(message)));
    }
    JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| throw(ApiError::argument(format!("`{arg}` could not be written as JSON."))))
}

/// The records of a writer's argument, each checked.
fn records_of(records: &JsValue) -> Result<Vec<DecisionRecord<'static>>, JsValue> {
    let Some(list) = records.dyn_ref::<js_sys::Array>().filter(|_| js_sys::Array::is_array(records)) else {
        let message = format!("`records` must be an array, not {}.", args::kind_of(records));
        return Err(throw(ApiError::argument(message)));
    };
    if list.length() > MAX_RECORDS {
        let message = format!("`records` holds {} items; a call takes at most {MAX_RECORDS}.", list.length());
        return Err(throw(ApiError::argument(message)));
    }
    let text = JSON::stringify(records)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| throw(ApiError::argument("`records` could not be written as JSON.")))?;
    // The crate's own reader (unknown members skipped, as records may carry more); a problem,
    // for the message, as the strict reading finds it.
    read_object(&text).ok_or_else(|| {
        let detail = match read_strict::<Vec<DecisionRecord<'static>>>(&text) {
            Err(problem) => format!(": {problem}"),
            Ok(_) => String::new(),
        };
        throw(ApiError::argument(format!(
            "`records` must be decision records as `onDecision` gives them{detail}."
        )))
    })
}

#[wasm_bindgen]
impl Scopegate {
    /// What `change` (a change as data: `{ op: "updateSettings", org, settings }`, …) would do
    /// if `actor` made it now, without making it.
    #[wasm_bindgen(unchecked_return_type = "AccessPreview")]
    pub fn preview(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "PreviewChange")] change: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PreviewOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let actor = args::string(&actor, "actor")?;
        let text = json_of(&change, "change", "a change object")?;
        let options: PreviewOptions = args::options(&options, "options")?;
        let change = Change::from_json(&text).map_err(|e| thrown(SnapshotErrors(vec![e])))?;
        let preview = self.engine().preview_change(&actor, args::now(options.now), &change);
        let refusal = preview.outcome.as_ref().err().map(|e| {
            let error = ApiError::from(e.clone());
            RefusalAnswer { code: error.code.as_str(), message: error.message }
        });
        let stopped_tokens = preview
            .stopped_tokens
            .iter()
            .map(|t| StoppedAnswer {
                id: &t.id,
                kind: t.kind.as_str(),
                name: t.name.as_deref(),
                organization: &t.organization,
                expires: t.expires.unwrap_or(0),
            })
            .collect();
        Ok(answer(&PreviewAnswer {
            allowed: refusal.is_none(),
            refusal,
            diff: DiffAnswer::new(&preview.diff),
            stopped_tokens,
        }))
    }

    /// Every answer that differs from this instance's state to `snapshot`'s (an object or JSON
    /// text), in blocks, as a preview gives them.
    #[wasm_bindgen(unchecked_return_type = "AccessDiff")]
    pub fn diff(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Snapshot | string")] snapshot: JsValue,
    ) -> Result<JsValue, JsValue> {
        let other = Engine::from_json(&super::snapshot_text(&snapshot)?).map_err(thrown)?;
        Ok(answer(&DiffAnswer::new(&self.engine().diff(&other))))
    }

    /// Records written as audit log events, one JSON object a line.
    #[wasm_bindgen(js_name = decisionRecordsToJsonLines)]
    pub fn decision_records_to_json_lines(
        #[wasm_bindgen(unchecked_param_type = "DecisionRecord[]")] records: JsValue,
    ) -> Result<String, JsValue> {
        Ok(records_of(&records)?.iter().map(DecisionRecord::to_json_line).collect())
    }

    /// Records written as CEF lines.
    #[wasm_bindgen(js_name = decisionRecordsToCef)]
    pub fn decision_records_to_cef(
        #[wasm_bindgen(unchecked_param_type = "DecisionRecord[]")] records: JsValue,
    ) -> Result<String, JsValue> {
        let mut out = String::new();
        for record in records_of(&records)? {
            out.push_str(&record.to_cef());
            out.push('\n');
        }
        Ok(out)
    }
}
