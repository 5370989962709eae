"""Every write of module 2: workspaces, memberships, ownership and invitations.

Services check the rights themselves (apps.workspaces.policies), so the API, the admin and
management commands share one set of rules; each runs in one transaction and emits its domain
events there (dispatched after commit, never on rollback).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.choices import UserStatus
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from apps.core.services import model_update
from apps.events.services import emit
from apps.workspaces import hooks, policies
from apps.workspaces.choices import InvitationStatus, WorkspaceRole, WorkspaceType
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember

logger = logging.getLogger("pronaflow.workspaces")

WORKSPACE_FIELDS = ("name", "description", "type")
SETTINGS_FIELDS = ("timezone", "work_days", "default_task_status", "allow_member_invitations")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _user_joined(*, actor, workspace, member, via: str) -> None:
    emit(
        "user.joined",
        aggregate=member,
        actor=actor,
        workspace=workspace,
        payload={"workspace_id": workspace.pk, "user_id": member.user_id, "role": member.role, "via": via},
    )


# --- Workspaces ----------------------------------------------------------------------------


@transaction.atomic
def workspace_create(*, actor, name: str, description: str = "", type: str = WorkspaceType.TEAM) -> Workspace:
    """Create a workspace whose owner is `actor`. Emits `workspace.created`."""
    workspace = Workspace.objects.create(name=name, description=description, type=type, created_by=actor)
    WorkspaceMember.objects.create(workspace=workspace, user=actor, role=WorkspaceRole.OWNER)
    emit(
        "workspace.created",
        aggregate=workspace,
        actor=actor,
        workspace=workspace,
        payload={"workspace_id": workspace.pk, "name": workspace.name, "created_by_id": actor.pk},
    )
    return workspace


@transaction.atomic
def workspace_update(*, actor, workspace: Workspace, data: dict) -> Workspace:
    """Edit name, description and type (owner, admin; 403 otherwise)."""
    policies.require_manager(actor, workspace)
    _, changes = model_update(instance=workspace, fields=WORKSPACE_FIELDS, data=data, save=False)
    if changes:
        workspace.save()
    return workspace


@transaction.atomic
def workspace_settings_update(*, actor, workspace: Workspace, data: dict) -> Workspace:
    """Edit timezone, work days, default task status, member invitations (owner, admin; 403).

    The hooks registered with `apps.workspaces.hooks` run in the same transaction with the changes
    (say, report schedules following a new time zone).
    """
    policies.require_manager(actor, workspace)
    _, changes = model_update(instance=workspace, fields=SETTINGS_FIELDS, data=data, save=False)
    if changes:
        workspace.save()
        hooks.settings_changed(workspace=workspace, changes=changes)
    return workspace


# --- Members -------------------------------------------------------------------------------


def _resolve_user(*, user_id=None, email: str | None = None):
    users = apps.get_model("accounts.User").objects.exclude(status__in=[UserStatus.SUSPENDED, UserStatus.DELETED])
    user = users.filter(pk=user_id).first() if user_id else users.filter(email__iexact=email or "").first()
    if user is None:
        raise NotFound("User not found.")
    return user


def _check_grantable(actor_role: str, role: str) -> None:
    if role == WorkspaceRole.OWNER:
        raise ValidationFailed.field("role", "Ownership is given through the ownership transfer endpoint.")
    if role not in policies.grantable_roles(actor_role):
        raise PermissionDenied(f"You cannot give the role '{role}'.")


@transaction.atomic
def workspace_member_add(
    *, actor, workspace: Workspace, user_id=None, email: str | None = None, role: str
) -> WorkspaceMember:
    """Add an existing user (by id or e-mail) with `role` (owner, admin).

    404 unknown user; 409 already a member; 422 role `owner`. Emits `user.joined` (via "added").
    """
    actor_role = policies.require_manager(actor, workspace)
    _check_grantable(actor_role, role)
    user = _resolve_user(user_id=user_id, email=email)
    if WorkspaceMember.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict("This user is already a member of the workspace.")
    member = WorkspaceMember.objects.create(workspace=workspace, user=user, role=role)
    _user_joined(actor=actor, workspace=workspace, member=member, via="added")
    return member


@transaction.atomic
def member_update_role(*, actor, workspace: Workspace, member: WorkspaceMember, role: str) -> WorkspaceMember:
    """Change a member's role (owner, admin). The owner cannot be demoted (409: transfer first)."""
    actor_role = policies.require_manager(actor, workspace)
    _check_grantable(actor_role, role)
    member = WorkspaceMember.objects.select_for_update().get(pk=member.pk)
    if member.role == WorkspaceRole.OWNER:
        raise Conflict("The owner cannot be demoted; transfer the ownership first.")
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def member_remove(*, actor, workspace: Workspace, member: WorkspaceMember) -> None:
    """Remove a member (owner, admin) or leave (anyone for themselves).

    The owner cannot be removed nor leave (409: transfer the ownership first). The member's
    project memberships in this workspace go with the workspace membership.
    """
    if member.user_id != actor.pk:
        policies.require_manager(actor, workspace)
    member = WorkspaceMember.objects.select_for_update().get(pk=member.pk)
    if member.role == WorkspaceRole.OWNER:
        raise Conflict("The owner cannot leave or be removed; transfer the ownership first.")
    apps.get_model("projects.ProjectMember").objects.filter(
        project__workspace=workspace, user_id=member.user_id
    ).delete()
    member.delete()


@transaction.atomic
def ownership_transfer(*, actor, workspace: Workspace, new_owner_id) -> WorkspaceMember:
    """Make another member the owner; the old owner becomes admin (owner only; 403).

    422 when `new_owner_id` is not another member of the workspace.
    """
    policies.require_owner(actor, workspace)
    members = {
        m.user_id: m
        for m in WorkspaceMember.objects.select_for_update().filter(
            workspace=workspace, user_id__in=[actor.pk, new_owner_id]
        )
    }
    new_owner = members.get(new_owner_id) if new_owner_id != actor.pk else None
    if new_owner is None:
        raise ValidationFailed.field("new_owner_id", "Must be another member of this workspace.")
    old_owner = members[actor.pk]
    old_owner.role = WorkspaceRole.ADMIN
    old_owner.save(update_fields=["role"])
    previous_role = new_owner.role
    new_owner.role = WorkspaceRole.OWNER
    new_owner.save(update_fields=["role"])
    record_action(
        "workspace.ownership_transferred",
        actor=actor,
        target=workspace,
        workspace_id=workspace.pk,
        changes={"owner_id": [str(actor.pk), str(new_owner.user_id)]},
        extra={"new_owner_previous_role": previous_role},
    )
    return new_owner


# --- Invitations ---------------------------------------------------------------------------


def _send_invitation_email(invitation_id, token: str) -> None:
    invitation = Invitation.objects.select_related("workspace", "invited_by").get(pk=invitation_id)
    context = {
        "workspace_name": invitation.workspace.name,
        "inviter_name": invitation.invited_by.get_full_name() if invitation.invited_by else "A PronaFlow user",
        "role": invitation.get_role_display(),
        "accept_url": f"{settings.FRONTEND_URL}/invitations/accept?token={token}",
        "expires_at": invitation.expires_at,
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to join {invitation.workspace.name} on PronaFlow",
        body=render_to_string("emails/workspaces/invitation.txt", context),
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("emails/workspaces/invitation.html", context), "text/html")
    message.send()


@transaction.atomic
def invitation_create(*, actor, workspace: Workspace, email: str, role: str) -> Invitation:
    """Invite `email` with `role` and e-mail a single-use link (after commit).

    Owners and admins invite; members too when the workspace allows it (members and viewers only).
    Only the SHA-256 of the token is stored. A new invitation supersedes a pending one for the same
    address. 409 when the address already belongs to a member; 422 role `owner`.
    """
    actor_role = policies.require_can_invite(actor, workspace)
    _check_grantable(actor_role, role)
    email = email.strip().lower()
    if WorkspaceMember.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise Conflict("This address already belongs to a member of the workspace.")
    Invitation.objects.filter(workspace=workspace, email=email, status=InvitationStatus.PENDING).update(
        status=InvitationStatus.CANCELLED, updated_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        workspace=workspace,
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_EXPIRY_DAYS),
    )
    invitation_id = invitation.pk
    transaction.on_commit(lambda: _send_invitation_email(invitation_id, token), robust=True)
    return invitation


@transaction.atomic
def invitation_cancel(*, actor, workspace: Workspace, invitation: Invitation) -> Invitation:
    """Cancel a pending invitation (whoever may invite; 403). 409 when it is no longer pending."""
    policies.require_can_invite(actor, workspace)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(f"The invitation is {invitation.status}, not pending.")
    invitation.status = InvitationStatus.CANCELLED
    invitation.save(update_fields=["status", "updated_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, actor, token: str) -> WorkspaceMember:
    """Join the workspace of the invitation carrying `token`.

    404 unknown token (or deleted workspace); 403 when the signed-in user's e-mail is not the
    invited address; 409 when the invitation was used, cancelled or has expired, or the user is
    already a member. Emits `user.joined` (via "invitation").
    """
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("workspace")
        .filter(token_hash=hash_token(token), workspace__deleted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise NotFound("Invitation not found.")
    if invitation.email.lower() != (actor.email or "").lower():
        raise PermissionDenied("This invitation was sent to another e-mail address.")
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(f"This invitation is no longer valid ({invitation.status}).")
    if invitation.expires_at <= timezone.now():
        raise Conflict("This invitation has expired.")
    workspace = invitation.workspace
    if WorkspaceMember.objects.filter(workspace=workspace, user=actor).exists():
        raise Conflict("You are already a member of this workspace.")
    member = WorkspaceMember.objects.create(workspace=workspace, user=actor, role=invitation.role)
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
    _user_joined(actor=actor, workspace=workspace, member=member, via="invitation")
    return member


@transaction.atomic
def invitations_expire() -> int:
    """Mark pending invitations past their expiry as `expired`; returns how many."""
    return Invitation.objects.filter(status=InvitationStatus.PENDING, expires_at__lte=timezone.now()).update(
        status=InvitationStatus.EXPIRED, updated_at=timezone.now()
    )
