"""Reads of the event log, always scoped to what the reader may see."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from apps.core import tenancy
from apps.events.catalogue import OWNER_ONLY_EVENT_TYPES
from apps.events.models import DomainEvent, EventConsumer


def event_list(*, user) -> QuerySet:
    """Events of the workspaces `user` belongs to, and only of projects they can see (trashed
    projects included, as long as the user could see them); notices about one user's objects only
    to that user."""
    project_model = apps.get_model("projects", "Project")
    visible_project_ids = tenancy.visible_projects(user, project_model.all_objects.all()).values("id")
    return (
        DomainEvent.objects.filter(workspace_id__in=tenancy.member_workspace_ids(user))
        .filter(Q(project_id__isnull=True) | Q(project_id__in=visible_project_ids))
        .exclude(Q(event_type__in=OWNER_ONLY_EVENT_TYPES) & ~Q(payload__owner_id=str(user.pk)))
        .order_by("-occurred_at", "-id")
    )


def event_audience_ids(event: DomainEvent) -> QuerySet:
    """Subquery of the ids of users who may see `event` right now: members of its (live) workspace,
    narrowed for private projects to workspace admins and project members. A notice about one
    user's object (the catalogue's owner audience) has that user alone as its audience, also without
    a workspace. Other events without a workspace have no audience."""
    member_model = apps.get_model("workspaces", "WorkspaceMember")
    if event.event_type in OWNER_ONLY_EVENT_TYPES:
        owners = apps.get_model("accounts", "User").objects.filter(pk=event.payload.get("owner_id"))
        if event.workspace_id is not None:
            owners = owners.filter(
                pk__in=member_model.objects.filter(workspace_id=event.workspace_id).values("user_id")
            )
        return owners.values("pk")
    if event.workspace_id is None:
        return member_model.objects.none().values("user_id")
    members = member_model.objects.filter(workspace_id=event.workspace_id, workspace__deleted_at__isnull=True)
    if event.project_id:
        project = apps.get_model("projects", "Project").all_objects.filter(pk=event.project_id).first()
        if project is None or project.workspace_id != event.workspace_id:
            return members.none().values("user_id")
        if project.visibility != "workspace":
            project_members = apps.get_model("projects", "ProjectMember").objects.filter(project_id=project.pk)
            members = members.filter(Q(role__in=tenancy.ADMIN_ROLES) | Q(user_id__in=project_members.values("user_id")))
    return members.values("user_id")


def consumer_list(*, user) -> QuerySet:
    return EventConsumer.objects.filter(owner_id=user.pk).order_by("-created_at", "-id")


def consumers_for_event(event: DomainEvent) -> QuerySet:
    """Active consumers that subscribed to this event type and whose owner may see the event."""
    if event.workspace_id is None:
        return EventConsumer.objects.none()
    return (
        EventConsumer.objects.filter(is_active=True, event_type__in=[event.event_type, "*"])
        .filter(Q(workspace_id=event.workspace_id) | Q(workspace__isnull=True))
        .filter(owner_id__in=event_audience_ids(event), owner__is_active=True)
        .select_related("owner")
    )
