//! Stack actions: create, delete and transfer stacks, and change who holds them. Creating a
//! stack gives its creator an ADMIN grant on it (the creator grant), which stack admins may
//! remove like any other grant.

use super::{Manager, conflict, not_found};
use crate::authorize::ResourceRef;
use crate::decision::{Deny, ResourceKind};
use crate::error::ManageError;
use crate::model::{EntityKind, Permission};
use crate::snapshot::Change;
use crate::snapshot::wire::{Creator, Map, Str};
use crate::store::{EntityId, Identity, OrgId};

impl Manager<'_> {
    /// Creates a stack (`stack:create`, which built-in Members hold only while
    /// `membersCanCreateStacks` is on). The creator, a user or a machine token's own identity,
    /// receives the creator's ADMIN grant.
    pub fn create_stack(
        &mut self,
        actor: &str,
        org: &str,
        project: &str,
        stack: &str,
        tags: &[(&str, &str)],
    ) -> Result<(), ManageError> {
        let org_id = self.member_of_org(actor, "stack:create", org)?;
        self.require(actor, "stack:create", ResourceRef::Org(org_id))?;
        let creator = match self.view().actor_for(actor, org_id).ok().map(|a| a.identity) {
            Some(Identity::User(u)) => self
                .store
                .user(u)
                .map(|u| Creator { user: Some(Str::from(u.login().to_string())), token: None }),
            Some(Identity::Token(t)) => self
                .store
                .token(t)
                .map(|t| Creator { user: None, token: Some(Str::from(t.id().to_string())) }),
            _ => None,
        };
        let tags = (!tags.is_empty()).then(|| {
            Map(tags.iter().map(|(k, v)| (Str::from(k.to_string()), Str::from(v.to_string()))).collect())
        });
        self.change(Change::CreateStack {
            org: org.into(),
            project: project.into(),
            stack: stack.into(),
            tags,
            creator,
        })
    }

    /// The stack `org/project/stack` an action names, for an actor that is a member of its
    /// organization (refused with `action` otherwise, whether or not the organization exists).
    fn member_stack(
        &self,
        actor: &str,
        action: &'static str,
        stack: &str,
    ) -> Result<(OrgId, EntityId), ManageError> {
        let org = stack.split('/').next().unwrap_or_default();
        self.member_org(actor, action, org, (stack, ResourceKind::Entity(EntityKind::Stack)))?;
        self.stack_ref(stack)
    }

    pub(super) fn stack_ref(&self, stack: &str) -> Result<(OrgId, EntityId), ManageError> {
        self.view().find_entity(EntityKind::Stack, stack).ok_or_else(|| not_found("stack", stack))
    }

    /// Deletes a stack (`stack:delete`, gated by `stackAdminsCanDeleteStacks` for non-admins).
    pub fn delete_stack(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.member_stack(actor, "stack:delete", stack)?;
        self.require(actor, "stack:delete", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        self.change(Change::DeleteStack { stack: stack.into() })
    }

    /// Moves a stack to another organization: `stack:transfer` (gated by
    /// `stackAdminsCanTransferStacks` for non-admins) and the right to create stacks in the
    /// destination. Team grants and explicit grants stay behind; the creator grant travels only
    /// with a user who is a member of the destination.
    pub fn transfer_stack(&mut self, actor: &str, stack: &str, destination: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.member_stack(actor, "stack:transfer", stack)?;
        let dest_id = self.store.org_id(destination);
        if dest_id == Some(org_id) {
            return Err(conflict("stack", stack, "is already in that organization"));
        }
        self.require(actor, "stack:transfer", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        // A destination that does not exist is refused as one the actor may not create stacks
        // in, so that the answer does not tell which organizations exist.
        let creates =
            dest_id.is_some_and(|d| self.require(actor, "stack:create", ResourceRef::Org(d)).is_ok());
        if !creates {
            return Err(ManageError::Forbidden {
                action: "stack:transfer",
                actor: actor.to_string(),
                resource: stack.to_string(),
                kind: ResourceKind::Entity(EntityKind::Stack),
                deny: Deny::DestinationDenied { org: destination.to_string() },
            });
        }
        self.change(Change::TransferStack { stack: stack.into(), destination: destination.into() })
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
        let (org_id, id) = self.member_stack(actor, "stack_access:update", stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        let (stack, login, permission) = (stack.into(), login.into(), level.as_str().into());
        self.change(Change::SetStackPermission { stack, login, permission })
    }

    /// Removes the creator's ADMIN grant from a stack (`stack_access:update`: stack admins).
    pub fn remove_creator_grant(&mut self, actor: &str, stack: &str) -> Result<(), ManageError> {
        let (org_id, id) = self.member_stack(actor, "stack_access:update", stack)?;
        self.require(actor, "stack_access:update", ResourceRef::Entity(org_id, EntityKind::Stack, id))?;
        self.change(Change::RemoveCreatorGrant { stack: stack.into() })
    }
}
