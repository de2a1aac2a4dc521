//! Stack actions: create, delete and transfer stacks, and change who holds them (model-facts
//! C.4 gates, F.20 creator grants).

use super::{Manager, conflict, invalid_name, not_found};
use crate::authorize::ResourceRef;
use crate::decision::{Deny, ResourceKind};
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::snapshot::NameRule;
use crate::store::{EntityId, Identity, OrgId};

impl Manager<'_> {
    /// Creates a stack (C.4 create gate). The creator, a user or a machine token's own
    /// identity, receives the creator's ADMIN grant.
    pub fn create_stack(
        &mut self,
        actor: &str,
        org: &str,
        project: &str,
        stack: &str,
        tags: &[(&str, &str)],
    ) -> Result<(), ManageError> {
        let org_id = self.org_id(org)?;
        self.require(actor, "stack:create", ResourceRef::Org(org_id))?;
        invalid_name(NameRule::Identifier, "project", project)?;
        invalid_name(NameRule::Identifier, "stack", stack)?;
        for (key, value) in tags {
            if !NameRule::TagKey.accepts(key) || !NameRule::Text.accepts(value) {
                let why = format!("`{}` is not a valid tag", crate::snapshot::shorten(key));
                return Err(ManageError::InvalidArgument { what: "tags", why });
            }
        }
        let creator =
            self.view().actor_for(actor, org_id).ok().map(|a| a.identity).filter(|i| *i != Identity::Claims);
        let name = format!("{project}/{stack}");
        let tags = tags.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect();
        self.store
            .add_entity(org_id, EntityKind::Stack, &name, tags, creator)
            .map_err(|_| conflict("stack", &name, "already exists"))?;
        Ok(())
    }

    fn stack_ref(&self, stack: &str) -> Result<(OrgId, EntityId), ManageError> {
        self.view().find_entity(EntityKind::Stack, stack).ok_or_else(|| not_found("stack", stack))
    }

    /// Deletes a stack (`stack:delete`, gated by `stackAdminsCanDeleteStacks` for non-admins).
    pub fn delete_stack(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.stack_ref(stack)?;
        self.require(actor, "stack:delete", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        self.store.remove_entity(org_id, EntityKind::Stack, id);
        Ok(())
    }

    /// Moves a stack to another organization: `stack:transfer` (gated by
    /// `stackAdminsCanTransferStacks` for non-admins) and the right to create stacks in the
    /// destination. Team grants and explicit grants stay behind; the creator grant travels only
    /// with a user who is a member of the destination.
    pub fn transfer_stack(&mut self, actor: &str, stack: &str, destination: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.stack_ref(stack)?;
        let dest_id = self.org_id(destination)?;
        if dest_id == org_id {
            return Err(conflict("stack", stack, "is already in that organization"));
        }
        self.require(actor, "stack:transfer", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        self.require(actor, "stack:create", ResourceRef::Org(dest_id)).map_err(|_| {
            ManageError::Forbidden {
                action: "stack:transfer",
                actor: actor.to_string(),
                resource: stack.to_string(),
                kind: ResourceKind::Entity(EntityKind::Stack),
                deny: Deny::DestinationDenied { org: destination.to_string() },
            }
        })?;
        self.store
            .move_entity(org_id, EntityKind::Stack, id, dest_id)
            .map_err(|_| conflict("stack", stack, "already exists in the destination"))?;
        Ok(())
    }

    /// Sets a user's explicit permission on a stack (`stack_access:update`: stack admins).
    /// `Permission::None` removes it.
    pub fn set_stack_permission(
        &mut self,
        actor: &str,
        stack: &str,
        login: &str,
        level: Permission,
    ) -> Result<(), ManageError> {
        let (org_id, id) = self.stack_ref(stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        if level == Permission::Open {
            let why = "`open` is not a stack permission".to_string();
            return Err(ManageError::InvalidArgument { what: "permission", why });
        }
        let (user, _) = self.member_of(org_id, login)?;
        self.store
            .set_explicit_grant(org_id, EntityKind::Stack, id, user, level)
            .map_err(|_| conflict("member", login, "is a billing manager, who holds no stack access"))
    }

    /// Removes the creator's ADMIN grant from a stack (`stack_access:update`, F.20).
    pub fn remove_creator_grant(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.stack_ref(stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        // Removing a grant never breaks the Billing Manager rule.
        let _ = self.store.set_creator(org_id, EntityKind::Stack, id, None);
        Ok(())
    }
}
