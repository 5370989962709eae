"""Emitting and dispatching domain events."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.events.models import DomainEvent, HandlerReceipt
from apps.events.registry import handlers_for

logger = logging.getLogger("pronaflow.events")

MAX_DISPATCH_ATTEMPTS = 10


def emit(event_type: str, *, aggregate, actor, workspace, payload: dict, project=None) -> DomainEvent:
    """Record `event_type` about `aggregate` in the caller's transaction; dispatch after commit.

    The payload is round-tripped through JSON here, so a value that cannot be serialised fails at
    the call site, and UUIDs, dates and decimals are stored as strings. Nothing is dispatched if the
    surrounding transaction rolls back.
    """
    clean_payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = DomainEvent.objects.create(
        event_type=event_type,
        aggregate_type=type(aggregate).__name__,
        aggregate_id=str(aggregate.pk),
        workspace=workspace,
        project_id=getattr(project, "pk", project),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        payload=clean_payload,
    )
    from apps.events.tasks import dispatch_event_task

    event_id = str(event.pk)
    transaction.on_commit(lambda: dispatch_event_task.delay(event_id))
    return event


def event_dispatch(*, event_id) -> bool:
    """Run every registered handler that has not yet processed the event.

    Each handler runs in its own transaction with its receipt; a failing handler is logged and
    left for the next attempt while the others proceed. Returns True when all handlers are done.
    """
    event = DomainEvent.objects.select_related("workspace", "actor").filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return True
    DomainEvent.objects.filter(pk=event.pk).update(dispatch_attempts=event.dispatch_attempts + 1)
    done = True
    for name, handler in handlers_for(event.event_type):
        try:
            with transaction.atomic():
                HandlerReceipt.objects.create(event=event, handler=name)
                handler(event)
        except IntegrityError:
            continue  # receipt exists: this handler already processed the event
        except Exception:
            logger.exception("Event handler %s failed for event %s", name, event.pk)
            done = False
    if done:
        DomainEvent.objects.filter(pk=event.pk).update(dispatched_at=timezone.now())
    return done


def pending_event_ids(*, older_than: timedelta = timedelta(minutes=2), limit: int = 500) -> list[str]:
    """Events whose dispatch was lost (broker down, worker killed) or failed, oldest first."""
    cutoff = timezone.now() - older_than
    return [
        str(pk)
        for pk in DomainEvent.objects.filter(
            dispatched_at__isnull=True, occurred_at__lt=cutoff, dispatch_attempts__lt=MAX_DISPATCH_ATTEMPTS
        )
        .order_by("occurred_at")
        .values_list("pk", flat=True)[:limit]
    ]
