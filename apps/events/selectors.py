"""Reads of the event log, always scoped to what the reader may see."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from apps.core.access import restrict
from apps.events import registry
from apps.events.catalogue import OWNER_ONLY_EVENT_TYPES
from apps.events.models import DomainEvent, EventConsumer


def event_list(*, user) -> QuerySet:
    """Events `user` may see (the `view` rule the work domain registers for DomainEvent: events of
    the workspaces they belong to, and only of projects they can see), newest first; notices about
    one user's objects (the catalogue's owner audience) only to that user."""
    return (
        restrict(DomainEvent.objects, user)
        .exclude(Q(event_type__in=OWNER_ONLY_EVENT_TYPES) & ~Q(payload__owner_id=str(user.pk)))
        .order_by("-occurred_at", "-id")
    )


def event_audience_ids(event: DomainEvent) -> QuerySet:
    """Subquery of the ids of users who may see `event` right now (registered by the work domain). A
    notice about one user's object (the catalogue's owner audience) has that user alone as its
    audience, also without a workspace."""
    if event.event_type in OWNER_ONLY_EVENT_TYPES:
        owners = get_user_model().objects.filter(pk=event.payload.get("owner_id"))
        if event.workspace_id is not None:
            owners = owners.filter(pk__in=registry.directory().member_ids(event.workspace_id))
        return owners.values("pk")
    return registry.directory().audience_ids(event)


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
