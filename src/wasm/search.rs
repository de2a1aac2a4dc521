//! Questions over many, each one boundary crossing: resource search, subject search and batch
//! evaluation. The core answers each item as `check` (or `explain`) would.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use super::Scopegate;
use super::args;
use super::convert::{answer, throw};
use crate::api::{
    ApiError, EvaluateOptions, ResourcePageAnswer, SearchResourcesOptions, SearchSubjectsOptions,
    SubjectAnswer,
};
use crate::engine::Semantics;

/// The most items one `evaluate` call takes (AuthZEN batches are small; this bounds the work).
const MAX_ITEMS: u32 = 10_000;

#[wasm_bindgen]
impl Scopegate {
    /// Every resource of `organization` on which `principal` may use `scope`: the stacks,
    /// environments or accounts for an entity scope, the teams (`org/team`) for a team scope, or
    /// the organization itself. `{ ids, nextCursor? }` in creation order; `options.tags` keeps
    /// only resources carrying every tag, `options.hasTags` those carrying each tag key,
    /// `options.limit` pages with `options.cursor`. `principal` may be a handle. Unknown names
    /// and handles give no ids.
    #[wasm_bindgen(js_name = searchResources, unchecked_return_type = "ResourcePage")]
    pub fn search_resources(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | number")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SearchResourcesOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        // A principal string, or a handle (from `principalHandle` or `authenticate`): a signed
        // token known only by its claims has no name to search by.
        let handle = match principal.as_f64() {
            Some(_) => Some(args::handle(&principal, "principal")?),
            None => None,
        };
        let name = match handle {
            Some(_) => None,
            None => Some(args::name(&principal, "principal")?),
        };
        let scope = args::name(&scope, "scope")?;
        let organization = args::name(&organization, "organization")?;
        let options: SearchResourcesOptions = args::options(&options, "options")?;
        let query = options.into_query();
        let engine = self.engine();
        let page = match (handle.and_then(|h| self.principal_of(h)), &name) {
            (Some(who), _) => engine.search_resources_as(&who, scope.asked(), organization.asked(), &query),
            (None, Some(name)) => {
                engine.search_resources(name.asked(), scope.asked(), organization.asked(), &query)
            }
            (None, None) => Default::default(),
        };
        Ok(answer(&ResourcePageAnswer::new(&page)))
    }

    /// Every member (and with `options.tokens`, every organization and team token) that may use
    /// `scope` on `resource`, each with the reasons `explain` gives: `[{ principal, name, kind,
    /// reasons }]`. An unknown scope or resource gives an empty list.
    #[wasm_bindgen(js_name = searchSubjects, unchecked_return_type = "Subject[]")]
    pub fn search_subjects(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] resource: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SearchSubjectsOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let scope = args::name(&scope, "scope")?;
        let resource = args::name(&resource, "resource")?;
        let options: SearchSubjectsOptions = args::options(&options, "options")?;
        let subjects =
            self.engine().search_subjects(scope.asked(), resource.asked(), options.tokens.unwrap_or(false));
        Ok(answer(&subjects.iter().map(SubjectAnswer::new).collect::<Vec<_>>()))
    }

    /// Decides a batch in order: `items` are `{ principal?, scope, resource }` objects or
    /// `[scope, resource]` pairs, with `options.principal` for items that name none (other keys of
    /// an item are not read). With `options.semantics` `deny_on_first_deny` or
    /// `permit_on_first_permit`, the answers stop at the deciding item (AuthZEN 1.0);
    /// `execute_all` (the default) decides every item. Each answer is `check`'s, through the same
    /// interned names.
    #[wasm_bindgen(unchecked_return_type = "boolean[]")]
    pub fn evaluate(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "EvaluationItem[]")] items: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: JsValue,
    ) -> Result<Vec<JsValue>, JsValue> {
        let options: EvaluateOptions = args::options(&options, "options")?;
        let semantics = match options.semantics.as_deref() {
            None => Semantics::ExecuteAll,
            Some(name) => Semantics::parse(name).ok_or_else(|| {
                throw(ApiError::argument(
                    "`options.semantics` must be `execute_all`, `deny_on_first_deny` or `permit_on_first_permit`.",
                ))
            })?,
        };
        let Some(list) = items.dyn_ref::<Array>().filter(|_| Array::is_array(&items)) else {
            let what = args::kind_of(&items);
            return Err(throw(ApiError::argument(format!("`items` must be an array, not {what}."))));
        };
        if list.length() > MAX_ITEMS {
            let message = format!("`items` holds {} items; a batch is at most {MAX_ITEMS}.", list.length());
            return Err(throw(ApiError::argument(message)));
        }
        let shared = options.principal.map(|p| JsValue::from_str(&p));
        // Every item is read and checked before any is decided: a malformed batch answers nothing.
        let keys = Keys::new();
        let mut questions = Vec::with_capacity(list.length() as usize);
        for i in 0..list.length() {
            questions.push(item(&list.get(i), i, shared.as_ref(), &keys)?);
        }
        let mut answers = Vec::with_capacity(questions.len());
        for (principal, scope, resource) in &questions {
            let allowed = self.interned.check(principal, scope, resource)?;
            answers.push(JsValue::from_bool(allowed));
            if semantics.stops_at(allowed) {
                break;
            }
        }
        Ok(answers)
    }
}

/// The property names an item is read by, made once per batch.
struct Keys {
    principal: JsValue,
    scope: JsValue,
    resource: JsValue,
    first: JsValue,
    second: JsValue,
}

impl Keys {
    fn new() -> Self {
        Self {
            principal: JsValue::from_str("principal"),
            scope: JsValue::from_str("scope"),
            resource: JsValue::from_str("resource"),
            first: JsValue::from_f64(0.0),
            second: JsValue::from_f64(1.0),
        }
    }
}

/// One item of a batch as its three strings (checked to be strings; not copied).
fn item(
    value: &JsValue,
    i: u32,
    shared: Option<&JsValue>,
    keys: &Keys,
) -> Result<(JsValue, JsValue, JsValue), JsValue> {
    let arg = || format!("items[{i}]");
    let field = |name: &str, key: &JsValue| -> Result<JsValue, JsValue> {
        let read = Reflect::get(value, key)
            .map_err(|_| throw(ApiError::argument(format!("`{}.{name}` could not be read.", arg()))))?;
        if read.is_string() || read.is_undefined() {
            Ok(read)
        } else {
            let what = args::kind_of(&read);
            Err(throw(ApiError::argument(format!("`{}.{name}` must be a string, not {what}.", arg()))))
        }
    };
    let (principal, scope, resource) = if Array::is_array(value) {
        let pair = Array::from(value);
        if pair.length() != 2 {
            let message = format!("`{}` must be a `[scope, resource]` pair or an object.", arg());
            return Err(throw(ApiError::argument(message)));
        }
        (JsValue::UNDEFINED, field("0", &keys.first)?, field("1", &keys.second)?)
    } else if value.is_object() {
        (
            field("principal", &keys.principal)?,
            field("scope", &keys.scope)?,
            field("resource", &keys.resource)?,
        )
    } else {
        let what = args::kind_of(value);
        return Err(throw(ApiError::argument(format!("`{}` must be an object, not {what}.", arg()))));
    };
    for (name, read) in [("scope", &scope), ("resource", &resource)] {
        if read.is_undefined() {
            return Err(throw(ApiError::argument(format!("`{}` names no {name}.", arg()))));
        }
    }
    let principal = match (principal.is_undefined(), shared) {
        (false, _) => principal,
        (true, Some(shared)) => shared.clone(),
        (true, None) => {
            let message = format!("`{}` names no principal, and `options.principal` is not given.", arg());
            return Err(throw(ApiError::argument(message)));
        }
    };
    Ok((principal, scope, resource))
}
