"""Delivery of events to event consumers (module 7's subscriptions).

The `events.consumers` handler runs for every event: it finds the active consumers whose owner
may see the event, records one EventDelivery per consumer (unique, so re-dispatch never
duplicates) and hands it to the channel of the consumer's handler type. E-mail and webhook
channels live here; the in-app channel is registered by the notifications app, so the event spine
never imports its consumers.
"""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.core import crypto
from apps.events import webhooks
from apps.events.catalogue import EVENT_TYPES, public_payload
from apps.events.choices import DeliveryStatus, HandlerType
from apps.events.models import DomainEvent, EventConsumer, EventDelivery
from apps.events.registry import register
from apps.events.selectors import consumers_for_event

logger = logging.getLogger("pronaflow.events")

Channel = Callable[[EventConsumer, DomainEvent, EventDelivery], None]
_channels: dict[str, Channel] = {}


def register_channel(handler_type: str, channel: Channel) -> None:
    """Called from AppConfig.ready() of the app that implements a handler type."""
    _channels[handler_type] = channel


def event_body(event: DomainEvent, delivery_id: str | None = None) -> dict:
    """The public representation of an event sent to consumers."""
    body = {
        "event_id": str(event.pk),
        "event_type": event.event_type,
        "aggregate_type": event.aggregate_type,
        "aggregate_id": event.aggregate_id,
        "occurred_at": event.occurred_at,
        "workspace_id": str(event.workspace_id) if event.workspace_id else None,
        "project_id": str(event.project_id) if event.project_id else None,
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "payload": public_payload(event.event_type, event.payload),
    }
    if delivery_id:
        body = {"delivery_id": delivery_id, **body}
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


@register("events.consumers")
def deliver_to_consumers(event: DomainEvent) -> None:
    consumers = list(consumers_for_event(event))
    if not consumers:
        return
    deliveries = EventDelivery.objects.bulk_create(
        [EventDelivery(consumer=consumer, event=event) for consumer in consumers]
    )
    for consumer, delivery in zip(consumers, deliveries, strict=True):
        channel = _channels.get(consumer.handler_type)
        if channel is None:
            logger.error("No channel registered for handler type %s", consumer.handler_type)
            continue
        channel(consumer, event, delivery)


def _email_channel(consumer: EventConsumer, event: DomainEvent, delivery: EventDelivery) -> None:
    from apps.events.tasks import consumer_email_deliver_task

    delivery_id = str(delivery.pk)
    transaction.on_commit(lambda: consumer_email_deliver_task.delay(delivery_id))


def _webhook_channel(consumer: EventConsumer, event: DomainEvent, delivery: EventDelivery) -> None:
    from apps.events.tasks import consumer_webhook_deliver_task

    delivery_id = str(delivery.pk)
    transaction.on_commit(lambda: consumer_webhook_deliver_task.delay(delivery_id))


register_channel(HandlerType.EMAIL, _email_channel)
register_channel(HandlerType.WEBHOOK, _webhook_channel)


def _pending_delivery(delivery_id) -> EventDelivery | None:
    return (
        EventDelivery.objects.select_for_update(of=("self",))
        .select_related("consumer", "event")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )


def delivery_email_send(*, delivery_id) -> bool:
    """Send a pending e-mail delivery to the consumer's recipients; marks it succeeded in the same
    transaction, so a failed send stays pending (and is retried) and a sent one never repeats."""
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return True
        consumer, event = delivery.consumer, delivery.event
        delivery.attempts += 1
        known = EVENT_TYPES.get(event.event_type)
        context = {
            "event": event_body(event, str(delivery.pk)),
            "description": known.description if known else event.event_type,
            "payload_items": sorted(public_payload(event.event_type, event.payload).items()),
            "frontend_url": settings.FRONTEND_URL,
        }
        subject = f"[PronaFlow] {event.event_type}: {known.description if known else ''}".strip()
        message = EmailMultiAlternatives(
            subject=subject[:200],
            body=render_to_string("emails/notifications/event_consumer.txt", context),
            to=list(consumer.config.get("recipients", [])),
        )
        message.attach_alternative(render_to_string("emails/notifications/event_consumer.html", context), "text/html")
        try:
            message.send()
        except (OSError, smtplib.SMTPException) as exc:  # mail server down or refusing: retry later
            EventDelivery.objects.filter(pk=delivery.pk).update(attempts=delivery.attempts, last_error=str(exc)[:1000])
            logger.warning("E-mail delivery %s failed: %s", delivery.pk, exc)
            return False
        delivery.status = DeliveryStatus.SUCCEEDED
        delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["attempts", "status", "delivered_at"])
        return True


def delivery_webhook_send(*, delivery_id) -> bool:
    """POST a pending webhook delivery, signed with the consumer's secret. Returns True when done
    (succeeded or nothing to do), False when the attempt failed and may be retried."""
    with transaction.atomic():
        delivery = _pending_delivery(delivery_id)
        if delivery is None:
            return True
        consumer, event = delivery.consumer, delivery.event
        body = json.dumps(event_body(event, str(delivery.pk)), separators=(",", ":")).encode()
        result = webhooks.deliver(
            url=consumer.config.get("url", ""),
            secret=crypto.decrypt(consumer.secret_encrypted),
            body=body,
            event_type=event.event_type,
            delivery_id=str(delivery.pk),
        )
        delivery.attempts += 1
        delivery.response_status = result.status_code
        delivery.last_error = result.error
        if result.ok:
            delivery.status = DeliveryStatus.SUCCEEDED
            delivery.delivered_at = timezone.now()
        delivery.save(update_fields=["attempts", "response_status", "last_error", "status", "delivered_at"])
        return result.ok


def delivery_mark_failed(*, delivery_id) -> None:
    """After the last retry: the delivery stays visible as failed."""
    EventDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)
