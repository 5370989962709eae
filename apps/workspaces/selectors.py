"""Reads of workspaces, memberships and invitations, always scoped through `apps.core.access.restrict`."""

from __future__ import annotations

from django.db.models import Case, CharField, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from apps.core.access import restrict
from apps.core.exceptions import NotFound
from apps.workspaces.choices import InvitationStatus
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember


def _with_counts(queryset: QuerySet, user) -> QuerySet:
    """Annotate the caller's `role` and `members_count` as subqueries (no extra round trips)."""
    my_role = WorkspaceMember.objects.filter(workspace_id=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    members = (
        WorkspaceMember.objects.filter(workspace_id=OuterRef("pk"))
        .order_by()
        .values("workspace_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        role=Subquery(my_role, output_field=CharField()),
        members_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
    )


def workspace_list(*, actor) -> QuerySet:
    """The live workspaces `actor` belongs to, with `role` and `members_count`."""
    return _with_counts(restrict(Workspace.objects, actor), actor)


def workspace_get(*, actor, workspace_id) -> Workspace:
    """One workspace `actor` belongs to; 404 for a missing, deleted or foreign id."""
    workspace = _with_counts(restrict(Workspace.objects, actor), actor).filter(pk=workspace_id).first()
    if workspace is None:
        raise NotFound("Workspace not found.")
    return workspace


def member_list(*, workspace) -> QuerySet:
    return WorkspaceMember.objects.filter(workspace=workspace).select_related("user").order_by("joined_at", "pk")


def member_get(*, workspace, user_id) -> WorkspaceMember:
    member = WorkspaceMember.objects.filter(workspace=workspace, user_id=user_id).select_related("user").first()
    if member is None:
        raise NotFound("Member not found.")
    return member


def invitation_list(*, workspace) -> QuerySet:
    """Invitations of `workspace`; a pending one past its expiry reads as `expired`."""
    return (
        Invitation.objects.filter(workspace=workspace)
        .annotate(
            effective_status=Case(
                When(status=InvitationStatus.PENDING, expires_at__lte=timezone.now(), then=Value("expired")),
                default=F("status"),
                output_field=CharField(),
            )
        )
        .order_by("-created_at", "pk")
    )


def invitation_get(*, workspace, invitation_id) -> Invitation:
    invitation = Invitation.objects.filter(workspace=workspace, pk=invitation_id).first()
    if invitation is None:
        raise NotFound("Invitation not found.")
    return invitation
