//! A [`Change`] performed as an actor: the management action that makes it, with that action's
//! authorization question. Previews run changes through here, so that a previewed change is
//! refused exactly when the action would be.

use super::Manager;
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::snapshot::{Change, shorten};

/// The change's name as a record writes it (`update_settings`), the scope its action asks for,
/// and the resource it asks on; `None` for a change no management action makes (keys, token
/// records, revocations: those come from the snapshot's producer).
pub(crate) fn authority(change: &Change) -> Option<(&'static str, &'static str, String)> {
    let team = |org: &str, team: &str| format!("{org}/{team}");
    Some(match change {
        Change::UpdateSettings { org, .. } => ("update_settings", "organization:update", org.clone()),
        Change::AddMember { org, .. } => ("add_member", "org_member:add", org.clone()),
        Change::RemoveMember { org, .. } => ("remove_member", "org_member:delete", org.clone()),
        Change::SetMemberRole { org, .. } => ("set_member_role", "org_member:update", org.clone()),
        Change::CreateTeam { org, .. } => ("create_team", "team:create", org.clone()),
        Change::DeleteTeam { org, team: t } => ("delete_team", "team:delete", team(org, t)),
        Change::SetTeamMember { org, team: t, .. } => ("set_team_member", "team:update", team(org, t)),
        Change::RemoveTeamMember { org, team: t, .. } => ("remove_team_member", "team:update", team(org, t)),
        Change::SetTeamPermission { org, team: t, .. } => {
            ("set_team_permission", "team:update", team(org, t))
        }
        Change::SetTeamRole { org, .. } => ("set_team_role", "role:update", org.clone()),
        Change::CreateStack { org, .. } => ("create_stack", "stack:create", org.clone()),
        Change::DeleteStack { stack } => ("delete_stack", "stack:delete", stack.clone()),
        Change::TransferStack { stack, .. } => ("transfer_stack", "stack:transfer", stack.clone()),
        Change::SetStackPermission { stack, .. } => {
            ("set_stack_permission", "stack_access:update", stack.clone())
        }
        Change::RemoveCreatorGrant { stack } => {
            ("remove_creator_grant", "stack_access:update", stack.clone())
        }
        Change::DeleteToken { id } => ("delete_token", "token:delete", id.clone()),
        _ => return None,
    })
}

fn invalid(what: &'static str, why: impl Into<String>) -> ManageError {
    ManageError::InvalidArgument { what, why: why.into() }
}

fn entity_kind(text: &str) -> Result<EntityKind, ManageError> {
    EntityKind::parse(text)
        .ok_or_else(|| invalid("kind", format!("`{}` is not an entity kind", shorten(text))))
}

fn level(text: &str) -> Result<Permission, ManageError> {
    Permission::parse(text)
        .ok_or_else(|| invalid("permission", format!("`{}` is not a permission", shorten(text))))
}

impl Manager<'_> {
    /// Performs `change` as `actor` through the management action that makes it, with that
    /// action's authorization question. A change that only a snapshot's producer makes (a key,
    /// a token record, a revocation) is refused with `invalid_argument`.
    pub fn perform(&mut self, actor: &str, change: &Change) -> Result<(), ManageError> {
        match change {
            Change::UpdateSettings { org, settings } => {
                let mut refused = None;
                let patch = settings.read(&mut |what, problem| {
                    refused.get_or_insert(invalid(what, problem.to_string()));
                });
                match refused {
                    Some(refused) => Err(refused),
                    None => self.update_settings(actor, org, &patch),
                }
            }
            Change::AddMember { org, login, role } => self.add_member(actor, org, login, role),
            Change::RemoveMember { org, login } => self.remove_member(actor, org, login),
            Change::SetMemberRole { org, login, role } => self.set_member_role(actor, org, login, role),
            Change::CreateTeam { org, team, admin: None } => self.create_team(actor, org, team),
            Change::CreateTeam { admin: Some(_), .. } => {
                Err(invalid("admin", "a team an action creates is administered by the actor who creates it"))
            }
            Change::DeleteTeam { org, team } => self.delete_team(actor, org, team),
            Change::SetTeamMember { org, team, login, admin } => {
                self.set_team_member(actor, org, team, login, *admin)
            }
            Change::RemoveTeamMember { org, team, login } => self.remove_team_member(actor, org, team, login),
            Change::SetTeamPermission { org, team, kind, entity, permission } => {
                let (kind, permission) = (entity_kind(kind)?, level(permission)?);
                self.set_team_permission(actor, org, team, kind, entity, permission)
            }
            Change::SetTeamRole { org, team, role, assigned } => {
                self.set_team_role(actor, org, team, role, *assigned)
            }
            Change::CreateStack { org, project, stack, tags, creator: None } => {
                let tags: Vec<(&str, &str)> =
                    tags.iter().flat_map(|m| m.0.iter()).map(|(k, v)| (&**k, &**v)).collect();
                self.create_stack(actor, org, project, stack, &tags)
            }
            Change::CreateStack { creator: Some(_), .. } => {
                Err(invalid("creator", "a stack an action creates has the actor as its creator"))
            }
            Change::DeleteStack { stack } => self.delete_stack(actor, stack),
            Change::TransferStack { stack, destination } => self.transfer_stack(actor, stack, destination),
            Change::SetStackPermission { stack, login, permission } => {
                self.set_stack_permission(actor, stack, login, level(permission)?)
            }
            Change::RemoveCreatorGrant { stack } => self.remove_creator_grant(actor, stack),
            Change::DeleteToken { id } => self.delete_token(actor, id),
            _ => Err(invalid(
                "change",
                "keys, token records and revocations come from the snapshot's producer, not from a management action",
            )),
        }
    }
}
