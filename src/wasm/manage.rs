//! The management methods of `Scopegate`: each checks its arguments, then applies one checked
//! change through the engine's only mutable accessor (which empties the interning cache).

use js_sys::JSON;
use wasm_bindgen::prelude::*;

use super::Scopegate;
use super::args;
use super::convert::{answer, throw};
use crate::api::{self, ApiError, Tags};

/// A settings patch as JSON text (the settings reader reads text).
fn patch_json(patch: &JsValue) -> Result<String, JsValue> {
    if !patch.is_object() || patch.is_array() {
        let message = format!("`patch` must be an object, not {}.", args::kind_of(patch));
        return Err(throw(ApiError::argument(message)));
    }
    JSON::stringify(patch)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| throw(ApiError::argument("`patch` could not be written as JSON.")))
}

/// The string arguments of an action, read in order (one copy of this per arity).
#[inline(never)]
fn strings<const N: usize>(values: [(&JsValue, &str); N]) -> Result<[String; N], JsValue> {
    let mut strings: [String; N] = std::array::from_fn(|_| String::new());
    for (slot, (value, name)) in strings.iter_mut().zip(values) {
        *slot = args::string(value, name)?;
    }
    Ok(strings)
}

#[wasm_bindgen]
impl Scopegate {
    /// Changes organization settings (organization admins).
    #[wasm_bindgen(js_name = updateSettings)]
    pub fn update_settings(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Partial<Settings>")] patch: JsValue,
    ) -> Result<(), JsValue> {
        let actor = args::string(&actor, "actor")?;
        let organization = args::string(&organization, "organization")?;
        let patch = api::settings_patch(&patch_json(&patch)?).map_err(throw)?;
        self.acted(&actor, ("update_settings", "organization:update", &organization), &mut |e, a| {
            e.update_settings(a, &organization, &patch)
        })
    }

    /// An organization's settings, with defaults filled in; `undefined` for an unknown one.
    #[wasm_bindgen(unchecked_return_type = "Settings | undefined")]
    pub fn settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
    ) -> Result<JsValue, JsValue> {
        let organization = args::name(&organization, "organization")?;
        let settings = self.engine().settings(organization.asked());
        Ok(settings.map_or(JsValue::UNDEFINED, |s| answer(&s)))
    }

    /// Adds a member with a role (`admin`, `member`, `billing-manager` or a custom role).
    #[wasm_bindgen(js_name = addMember)]
    pub fn add_member(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] role: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&login, "login"), (&role, "role")];
        let [actor, org, login, role] = strings(values)?;
        self.acted(&actor, ("add_member", "org_member:add", &org), &mut |e, a| {
            e.add_member(a, &org, &login, &role)
        })
    }

    /// Removes a member from the organization and its teams.
    #[wasm_bindgen(js_name = removeMember)]
    pub fn remove_member(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&login, "login")];
        let [actor, org, login] = strings(values)?;
        self.acted(&actor, ("remove_member", "org_member:delete", &org), &mut |e, a| {
            e.remove_member(a, &org, &login)
        })
    }

    /// Changes a member's role.
    #[wasm_bindgen(js_name = setMemberRole)]
    pub fn set_member_role(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] role: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&login, "login"), (&role, "role")];
        let [actor, org, login, role] = strings(values)?;
        self.acted(&actor, ("set_member_role", "org_member:update", &org), &mut |e, a| {
            e.set_member_role(a, &org, &login, &role)
        })
    }

    /// Creates a team; a user who creates one becomes its team admin.
    #[wasm_bindgen(js_name = createTeam)]
    pub fn create_team(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&team, "team")];
        let [actor, org, team] = strings(values)?;
        self.acted(&actor, ("create_team", "team:create", &org), &mut |e, a| e.create_team(a, &org, &team))
    }

    /// Deletes a team and its tokens.
    #[wasm_bindgen(js_name = deleteTeam)]
    pub fn delete_team(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&team, "team")];
        let [actor, org, team] = strings(values)?;
        self.acted(&actor, ("delete_team", "team:delete", &format!("{org}/{team}")), &mut |e, a| {
            e.delete_team(a, &org, &team)
        })
    }

    /// Adds a member to a team, or sets whether they administer it.
    #[wasm_bindgen(js_name = setTeamMember)]
    pub fn set_team_member(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
        #[wasm_bindgen(js_name = teamAdmin, unchecked_param_type = "boolean")] team_admin: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&team, "team"), (&login, "login")];
        let team_admin = args::boolean(&team_admin, "teamAdmin")?;
        let [actor, org, team, login] = strings(values)?;
        self.acted(&actor, ("set_team_member", "team:update", &format!("{org}/{team}")), &mut |e, a| {
            e.set_team_member(a, &org, &team, &login, team_admin)
        })
    }

    /// Removes a member from a team.
    #[wasm_bindgen(js_name = removeTeamMember)]
    pub fn remove_team_member(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&team, "team"), (&login, "login")];
        let [actor, org, team, login] = strings(values)?;
        self.acted(&actor, ("remove_team_member", "team:update", &format!("{org}/{team}")), &mut |e, a| {
            e.remove_team_member(a, &org, &team, &login)
        })
    }

    /// Sets a team's permission on a stack, environment or account (`none` removes it).
    #[wasm_bindgen(js_name = setTeamPermission)]
    pub fn set_team_permission(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
        #[wasm_bindgen(unchecked_param_type = "EntityKind")] kind: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] entity: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
    ) -> Result<(), JsValue> {
        let values =
            [(&actor, "actor"), (&organization, "organization"), (&team, "team"), (&entity, "entity")];
        let kind = api::entity_kind(&args::string(&kind, "kind")?).map_err(throw)?;
        let level = api::permission(&args::string(&permission, "permission")?).map_err(throw)?;
        let [actor, org, team, entity] = strings(values)?;
        self.acted(&actor, ("set_team_permission", "team:update", &format!("{org}/{team}")), &mut |e, a| {
            e.set_team_permission(a, &org, &team, kind, &entity, level)
        })
    }

    /// Assigns a custom role to a team, or removes it.
    #[wasm_bindgen(js_name = setTeamRole)]
    pub fn set_team_role(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] team: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] role: JsValue,
        #[wasm_bindgen(unchecked_param_type = "boolean")] assigned: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&organization, "organization"), (&team, "team"), (&role, "role")];
        let assigned = args::boolean(&assigned, "assigned")?;
        let [actor, org, team, role] = strings(values)?;
        self.acted(&actor, ("set_team_role", "role:update", &org), &mut |e, a| {
            e.set_team_role(a, &org, &team, &role, assigned)
        })
    }

    /// Creates a stack; its creator receives an admin grant on it.
    #[wasm_bindgen(js_name = createStack)]
    pub fn create_stack(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] organization: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] project: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Record<string, string>")] tags: JsValue,
    ) -> Result<(), JsValue> {
        let values =
            [(&actor, "actor"), (&organization, "organization"), (&project, "project"), (&stack, "stack")];
        let tags: Tags = args::options(&tags, "tags")?;
        let tags: Vec<(&str, &str)> = tags.0.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let [actor, org, project, stack] = strings(values)?;
        self.acted(&actor, ("create_stack", "stack:create", &org), &mut |e, a| {
            e.create_stack(a, &org, &project, &stack, &tags)
        })
    }

    /// Deletes a stack (`org/project/stack`).
    #[wasm_bindgen(js_name = deleteStack)]
    pub fn delete_stack(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
    ) -> Result<(), JsValue> {
        let [actor, stack] = strings([(&actor, "actor"), (&stack, "stack")])?;
        self.acted(&actor, ("delete_stack", "stack:delete", &stack), &mut |e, a| e.delete_stack(a, &stack))
    }

    /// Moves a stack to another organization.
    #[wasm_bindgen(js_name = transferStack)]
    pub fn transfer_stack(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] destination: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&stack, "stack"), (&destination, "destination")];
        let [actor, stack, dest] = strings(values)?;
        self.acted(&actor, ("transfer_stack", "stack:transfer", &stack), &mut |e, a| {
            e.transfer_stack(a, &stack, &dest)
        })
    }

    /// Sets a user's explicit permission on a stack (`none` removes it).
    #[wasm_bindgen(js_name = setStackPermission)]
    pub fn set_stack_permission(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] login: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Permission")] permission: JsValue,
    ) -> Result<(), JsValue> {
        let values = [(&actor, "actor"), (&stack, "stack"), (&login, "login")];
        let level = api::permission(&args::string(&permission, "permission")?).map_err(throw)?;
        let [actor, stack, login] = strings(values)?;
        self.acted(&actor, ("set_stack_permission", "stack_access:update", &stack), &mut |e, a| {
            e.set_stack_permission(a, &stack, &login, level)
        })
    }

    /// Removes the creator's admin grant from a stack.
    #[wasm_bindgen(js_name = removeCreatorGrant)]
    pub fn remove_creator_grant(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string")] actor: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] stack: JsValue,
    ) -> Result<(), JsValue> {
        let [actor, stack] = strings([(&actor, "actor"), (&stack, "stack")])?;
        self.acted(&actor, ("remove_creator_grant", "stack_access:update", &stack), &mut |e, a| {
            e.remove_creator_grant(a, &stack)
        })
    }
}
