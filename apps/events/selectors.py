"""Reads of the event log, always scoped to what the reader may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.access import restrict
from apps.events import registry
from apps.events.models import DomainEvent, EventConsumer


def event_list(*, user) -> QuerySet:
    """Events `user` may see (the `view` rule the work domain registers for DomainEvent: events of
    the workspaces they belong to, and only of projects they can see), newest first."""
    return restrict(DomainEvent.objects, user).order_by("-occurred_at", "-id")


def event_audience_ids(event: DomainEvent) -> QuerySet:
    """Subquery of the ids of users who may see `event` right now (registered by the work domain)."""
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
