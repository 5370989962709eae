"""Delivery of events to event consumers (module 7's subscriptions).

The `events.consumers` handler runs for every event: it finds the active consumers whose owner
may see the event, records one EventDelivery per consumer (unique, so re-dispatch never
duplicates) and hands it to the channel of the consumer's handler type. The e-mail channel lives
here; the in-app channel is registered by the notifications app and the webhook channel by the
integrations app (its delivery pipeline, shared with module 12 webhooks, keeps its own record of
each delivery), so the event spine never imports its consumers.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.events.catalogue import EVENT_TYPES
from apps.events.choices import DeliveryStatus, HandlerType
from apps.events.models import DomainEvent, EventConsumer, EventDelivery
from apps.events.registry import register
from apps.events.selectors import consumers_for_event
from apps.events.webhooks import event_message

logger = logging.getLogger("pronaflow.events")

Channel = Callable[[EventConsumer, DomainEvent, EventDelivery | None], None]
_channels: dict[str, tuple[Channel, bool]] = {}


def register_channel(handler_type: str, channel: Channel, *, records_delivery: bool = True) -> None:
    """Called from AppConfig.ready() of the app that implements a handler type. A channel that keeps
    its own record of deliveries (`records_delivery=False`) is called with None instead of an
    EventDelivery and must be idempotent per (consumer, event) itself."""
    _channels[handler_type] = (channel, records_delivery)


@register("events.consumers")
def deliver_to_consumers(event: DomainEvent) -> None:
    consumers = list(consumers_for_event(event))
    if not consumers:
        return
    recorded = [c for c in consumers if _channels.get(c.handler_type, (None, True))[1]]
    deliveries = dict(
        zip(
            recorded,
            EventDelivery.objects.bulk_create([EventDelivery(consumer=c, event=event) for c in recorded]),
            strict=True,
        )
    )
    for consumer in consumers:
        channel, _records = _channels.get(consumer.handler_type, (None, True))
        if channel is None:
            logger.error("No channel registered for handler type %s", consumer.handler_type)
            continue
        delivery = deliveries.get(consumer)
        # One consumer's bad data (a config that is not an object, a vanished target) fails its own
        # delivery, not the handler: raising here would roll back every consumer's delivery and
        # fail the event's dispatch again on every retry.
        try:
            with transaction.atomic():
                channel(consumer, event, delivery)
        except Exception as exc:
            logger.exception("Event consumer %s failed for event %s", consumer.pk, event.pk)
            if delivery is not None:
                EventDelivery.objects.filter(pk=delivery.pk).update(
                    status=DeliveryStatus.FAILED, attempts=1, last_error=f"{type(exc).__name__}: {exc}"[:1000]
                )


def _recipients(consumer: EventConsumer) -> list[str]:
    """The consumer's e-mail recipients; ValueError when its stored config has no list of them."""
    config = consumer.config
    recipients = config.get("recipients") if isinstance(config, dict) else None
    if not isinstance(recipients, list) or not all(isinstance(address, str) for address in recipients):
        raise ValueError("The consumer's config has no list of recipients.")
    return recipients


def _email_channel(consumer: EventConsumer, event: DomainEvent, delivery: EventDelivery) -> None:
    from apps.events.tasks import consumer_email_deliver_task

    _recipients(consumer)  # a config without recipients fails this delivery now, not its retries

    delivery_id = str(delivery.pk)
    transaction.on_commit(lambda: consumer_email_deliver_task.delay(delivery_id))


register_channel(HandlerType.EMAIL, _email_channel)


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
        try:
            recipients = _recipients(consumer)
        except ValueError as exc:  # changed since dispatch: no retry can help
            EventDelivery.objects.filter(pk=delivery.pk).update(
                attempts=delivery.attempts, status=DeliveryStatus.FAILED, last_error=str(exc)
            )
            return True
        known = EVENT_TYPES.get(event.event_type)
        document = event_message(event)
        context = {
            "event": {
                "event_type": document["type"],
                "occurred_at": document["timestamp"],
                "workspace_id": document["workspace_id"],
                "delivery_id": str(delivery.pk),
            },
            "description": known.description if known else event.event_type,
            "payload_items": sorted(document["data"].items()),
            "frontend_url": settings.FRONTEND_URL,
        }
        subject = f"[PronaFlow] {event.event_type}: {known.description if known else ''}".strip()
        message = EmailMultiAlternatives(
            subject=subject[:200],
            body=render_to_string("emails/notifications/event_consumer.txt", context),
            to=list(recipients),
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


def delivery_mark_failed(*, delivery_id) -> None:
    """After the last retry: the delivery stays visible as failed."""
    EventDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(status=DeliveryStatus.FAILED)
