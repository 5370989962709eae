"""Emitting and dispatching domain events."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from apps.core.queueing import publish_on_commit
from apps.core.services import model_update
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
    from apps.events.tasks import event_dispatch_task

    # A broker that is down or hangs must neither fail nor stall the committed write: the outbox
    # relay (events_redispatch_pending_task) dispatches whatever was not queued.
    publish_on_commit(event_dispatch_task, str(event.pk))
    return event


def event_dispatch(*, event_id) -> bool:
    """Run every registered handler that has not yet processed the event.

    Each handler runs in its own savepoint with its receipt; a failing handler is logged and left
    for the next attempt while the others proceed. All handlers share one transaction, so a
    dispatch costs one commit (one WAL flush) instead of one per handler; their on-commit work
    (live pushes, e-mail and webhook tasks) follows that commit. Returns True when all are done.
    """
    event = DomainEvent.objects.select_related("workspace", "actor").filter(pk=event_id).first()
    if event is None or event.dispatched_at is not None:
        return True
    # Committed on its own: attempts count even when the dispatch below dies with its connection.
    DomainEvent.objects.filter(pk=event.pk).update(dispatch_attempts=event.dispatch_attempts + 1)
    done = True
    with transaction.atomic():
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


def pending_event_keys(*, before, after: tuple | None = None, limit: int = 500) -> list[tuple]:
    """One batch of the events pending since before `before`: (occurred_at, id as str) pairs, oldest
    first, strictly after the key `after` (the last pair of the previous batch), so a relay walks a
    backlog of any size batch by batch without seeing an event twice."""
    pending = DomainEvent.objects.filter(
        dispatched_at__isnull=True, occurred_at__lt=before, dispatch_attempts__lt=MAX_DISPATCH_ATTEMPTS
    )
    if after is not None:
        pending = pending.filter(Q(occurred_at__gt=after[0]) | Q(occurred_at=after[0], pk__gt=after[1]))
    return [
        (occurred_at, str(pk))
        for occurred_at, pk in pending.order_by("occurred_at", "pk").values_list("occurred_at", "pk")[:limit]
    ]


def events_purge_old(*, days: int | None = None, batch_size: int = 5000) -> int:
    """Delete events older than `days` (default EVENT_RETENTION_DAYS) in batches, so a large
    backlog never holds long locks. Returns the number of events deleted."""
    from django.conf import settings

    cutoff = timezone.now() - timedelta(days=days if days is not None else settings.EVENT_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(DomainEvent.objects.filter(occurred_at__lt=cutoff).values_list("pk", flat=True)[:batch_size])
        if not ids:
            return deleted
        with transaction.atomic():
            DomainEvent.objects.filter(pk__in=ids).delete()
        deleted += len(ids)


def consumer_create(*, actor, event_type: str, handler_type: str, config: dict, workspace=None):
    """Subscribe `actor` to `event_type` (validated by the caller, including `config`, and
    `workspace` already resolved through the actor's visible workspaces). For webhooks a signing
    secret is generated; it is returned on the object as `plain_secret`, the only time it is shown.
    Emits no event. Raises PermissionDenied when a workspace viewer targets other users in-app."""
    from apps.core import crypto
    from apps.core import webhooks as signed_http
    from apps.core.access import require
    from apps.events import registry
    from apps.events.choices import HandlerType
    from apps.events.models import EventConsumer

    if handler_type == HandlerType.IN_APP and workspace is not None and config.get("user_ids") != [str(actor.pk)]:
        require(
            registry.directory().may_act_for_others(actor, workspace.pk),
            "This action needs one of these workspace roles: owner, admin, member.",
        )
    with transaction.atomic():
        consumer = EventConsumer(
            owner=actor, workspace=workspace, event_type=event_type, handler_type=handler_type, config=config
        )
        plain_secret = None
        if handler_type == HandlerType.WEBHOOK:
            plain_secret = signed_http.new_secret()
            consumer.secret_encrypted = crypto.encrypt(plain_secret)
        consumer.save()
    consumer.plain_secret = plain_secret
    return consumer


def consumer_update(*, actor, consumer, data: dict):
    """Change a consumer's event type, config or active flag (validated upstream). Only its owner
    reaches it: the view resolves it through the owner's consumers (404 otherwise). Switching it back
    on clears the failure streak that switched it off."""
    with transaction.atomic():
        if data.get("is_active") and not consumer.is_active:
            consumer.consecutive_failures = 0
            consumer.disabled_at = None
            consumer.disabled_reason = ""
        model_update(instance=consumer, fields=("event_type", "config", "is_active"), data=data, save=False)
        consumer.save()
    return consumer


def consumer_delete(*, actor, consumer) -> None:
    """Remove a subscription and its delivery history."""
    with transaction.atomic():
        consumer.delete()
