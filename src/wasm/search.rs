//! Questions over many, each one boundary crossing: resource search, subject search and batch
//! evaluation. The core answers each item as `check` (or `explain`) would.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::Scopegate;
use super::args;
use super::convert::{answer, throw};
use crate::api::{
    ApiError, EvaluateItem, EvaluateOptions, ResourcePageAnswer, SearchResourcesOptions,
    SearchSubjectsOptions, SubjectAnswer,
};
use crate::engine::Semantics;

/// The most items one `evaluate` call takes (AuthZEN batches are small; this bounds the work).
const MAX_ITEMS: u32 = 10_000;

#[wasm_bindgen]
impl Scopegate {
    /// Every resource of `organization` on which `principal` may use `scope`: the stacks,
    /// environments or accounts for an entity scope, the teams (`org/team`) for a team scope, or
    /// the organization itself. `{ ids, nextCursor? }` in creation order; `options.tags` keeps
    /// only resources carrying every tag, `options.limit` pages with `options.cursor`. Unknown
    /// names give no ids.
    #[wasm_bindgen(js_name = searchResources, unchecked_return_type = "ResourcePage")]
    pub fn search_resources(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] principal: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] scope: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SearchResourcesOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let principal = args::name(&principal, "principal")?;
        let scope = args::name(&scope, "scope")?;
        let organization = args::name(&organization, "organization")?;
        let options: SearchResourcesOptions = args::options(&options, "options")?;
        let query = options.into_query();
        let page =
            self.engine().search_resources(principal.asked(), scope.asked(), organization.asked(), &query);
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
    /// `[scope, resource]` pairs, with `options.principal` for items that name none. With
    /// `options.semantics` `deny_on_first_deny` or `permit_on_first_permit`, the answers stop
    /// at the deciding item (AuthZEN 1.0); `execute_all` (the default) decides every item. Each
    /// answer equals `check`.
    #[wasm_bindgen(unchecked_return_type = "boolean[]")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "EvaluationItem[]")] items: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "EvaluateOptions")] options: JsValue,
    ) -> Result<JsValue, JsValue> {
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
        let mut questions = Vec::new();
        for i in 0..list.length() {
            let value = list.get(i);
            let arg = format!("items[{i}]");
            let item = if Array::is_array(&value) {
                let pair = Array::from(&value);
                if pair.length() != 2 {
                    let message = format!("`{arg}` must be a `[scope, resource]` pair or an object.");
                    return Err(throw(ApiError::argument(message)));
                }
                let scope = args::string(&pair.get(0), &format!("{arg}[0]"))?;
                let resource = args::string(&pair.get(1), &format!("{arg}[1]"))?;
                EvaluateItem { principal: None, scope, resource }
            } else {
                args::object::<EvaluateItem>(&value, &arg)?
            };
            let principal = item.principal.or_else(|| options.principal.clone()).ok_or_else(|| {
                throw(ApiError::argument(format!(
                    "`{arg}` names no principal, and `options.principal` is not given."
                )))
            })?;
            questions.push((principal, item.scope, item.resource));
        }
        let answers = self
            .engine()
            .evaluate(questions.iter().map(|(p, s, r)| (p.as_str(), s.as_str(), r.as_str())), semantics);
        Ok(answer(&answers))
    }
}
