"""The one webhook delivery pipeline, for module 12 webhooks and module 7's webhook event consumers
alike: one delivery model (WebhookDelivery, whose target is a webhook or a consumer), one document
built from the event catalogue's reviewed fields (apps.events.webhooks), one signer, SSRF guard and
HTTP client (apps.core.webhooks), one retry scheduler, one failure streak that switches a target off
and tells its owner.

    deliveries_create_for_event(event)   webhooks subscribed to the event (the event handler)
    consumer_delivery_create(...)        a webhook consumer's delivery (the consumer channel)
    deliveries_send(ids=[...])           a batch of attempts (webhook_deliver_task, "webhooks" queue;
                                         apps.integrations.services.sending)
    due_delivery_keys(...)               retries that are due, batch by batch (the beat job)
    webhook_test(...), delivery_redeliver(...)

Retries: a failed attempt (any non-2xx, a redirect, a timeout, a connection error or an unsafe
target) is tried again after the target's backoff (`next_retry_at`) until 1 + max_retries attempts
are spent; the delivery then fails for good and counts in its target's failure streak. After
WEBHOOK_DISABLE_AFTER_FAILURES failed deliveries in a row the target is switched off, audited, and a
webhook.disabled event tells its owner (in-app and by e-mail, through the notifications app).
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from apps.core.audit import record_action
from apps.core.exceptions import Conflict
from apps.core.webhooks import LOST_DISPATCH_AFTER
from apps.events.models import EventConsumer
from apps.events.webhooks import event_message, message
from apps.integrations.choices import DeliveryStatus
from apps.integrations.events import TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services.sending import OPEN_STATUSES, queue_deliveries
from apps.integrations.services.webhooks import ADMIN_ROLES
from apps.workspaces.access import require_workspace_role

# --- Creating deliveries ------------------------------------------------------------------------


def deliveries_create_for_event(event) -> list[str]:
    """One pending delivery per active webhook of the event's workspace subscribed to its type
    (idempotent: webhooks that already have a delivery of the event are skipped, and the (webhook,
    event) pair is unique). Sending is queued after commit, as one task per batch. Two statements.
    Returns the ids of the deliveries created."""
    if event.workspace_id is None or event.event_type not in WEBHOOK_EVENT_TYPES:
        return []
    webhooks = (
        Webhook.objects.filter(
            workspace_id=event.workspace_id, is_active=True, subscribed_events__has_key=event.event_type
        )
        .filter(~Exists(WebhookDelivery.objects.filter(webhook=OuterRef("pk"), event=event)))
        .values_list("pk", flat=True)
    )
    body = event_message(event)
    created = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook_id=pk, event=event, event_type=event.event_type, body=body) for pk in webhooks],
        ignore_conflicts=True,  # a concurrent dispatch of the same event: its task sends the row
    )
    ids = [str(delivery.pk) for delivery in created]
    queue_deliveries(ids)
    return ids


def consumer_delivery_create(consumer: EventConsumer, event, _event_delivery=None) -> None:
    """The channel of module 7's webhook consumers (registered in ready()): the consumer's delivery
    of the event through this pipeline (idempotent per (consumer, event)), sent after commit."""
    delivery, created = WebhookDelivery.objects.get_or_create(
        consumer=consumer, event=event, defaults={"event_type": event.event_type, "body": event_message(event)}
    )
    if created:
        queue_deliveries([str(delivery.pk)])


def webhook_test(*, actor, webhook: Webhook) -> WebhookDelivery:
    """Send a signed `webhook.test` message to a webhook now (owner/admin of its workspace), active
    or not, so its receiver and secret can be checked before (re)activating it. It is a delivery
    like any other, listed in the history, attempted once (no retries) and outside the failure
    streak. Returns the delivery as it stands after the commit (already attempted when tasks run
    in-process). Raises PermissionDenied."""
    require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)
    delivery_id = uuid.uuid4()
    body = message(
        event_id=delivery_id,
        event_type=TEST_EVENT_TYPE,
        timestamp=timezone.now(),
        workspace_id=webhook.workspace_id,
        data={
            "webhook_id": str(webhook.pk),
            "name": webhook.name,
            "subscribed_events": sorted(webhook.subscribed_events),
            "message": "A test message from PronaFlow: verify its signature as for any delivery.",
        },
    )
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            pk=delivery_id, webhook=webhook, event_type=TEST_EVENT_TYPE, body=body
        )
        queue_deliveries([str(delivery.pk)])
    delivery.refresh_from_db()
    return delivery


def delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivered or failed webhook delivery again (owner/admin, or staff allowed to change
    deliveries, from the admin console): one more attempt of the same
    message (the same body and `webhook-id`, a fresh timestamp and signature), queued now. It leaves
    the failure streak alone. Audited as webhook.redelivered. Returns the delivery as it stands after
    the commit. Raises PermissionDenied; Conflict while the delivery is still open, or when the
    webhook is inactive (a test message may be sent again regardless)."""
    webhook = delivery.webhook
    if not (getattr(actor, "is_staff", False) and actor.has_perm("integrations.change_webhookdelivery")):
        require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)  # staff act from the admin console
    if delivery.status in OPEN_STATUSES:
        raise Conflict("The delivery is still being attempted; redeliver it once it is delivered or failed.")
    if not webhook.is_active and delivery.event_type != TEST_EVENT_TYPE:
        raise Conflict("The webhook is inactive: send a test message, then reactivate it (PATCH is_active).")
    with transaction.atomic():
        updated = WebhookDelivery.objects.filter(pk=delivery.pk, status=delivery.status).update(
            status=DeliveryStatus.PENDING, next_retry_at=None, redelivery=True, updated_at=timezone.now()
        )
        if not updated:
            raise Conflict("The delivery changed meanwhile; try again.")
        record_action(
            "webhook.redelivered",
            actor=actor,
            target=webhook,
            workspace_id=webhook.workspace_id,
            extra={"delivery_id": str(delivery.pk), "previous_status": delivery.status},
        )
        queue_deliveries([str(delivery.pk)])
    delivery.refresh_from_db()
    return delivery


# --- Retries ------------------------------------------------------------------------------------


def due_delivery_keys(*, now, after: tuple | None = None, limit: int = 500) -> list[tuple]:
    """One batch of the deliveries due at `now`: open deliveries of active targets (and open test
    messages) whose retry is due, plus pending ones whose first attempt was lost (queued over
    LOST_DISPATCH_AFTER ago and never claimed). (created_at, id as str) pairs, oldest first, strictly
    after the key `after` (the last pair of the previous batch)."""
    due = (
        WebhookDelivery.objects.filter(status__in=OPEN_STATUSES)
        .filter(Q(webhook__is_active=True) | Q(consumer__is_active=True) | Q(event_type=TEST_EVENT_TYPE))
        .filter(
            Q(next_retry_at__lte=now)
            | Q(next_retry_at__isnull=True, status=DeliveryStatus.PENDING, created_at__lt=now - LOST_DISPATCH_AFTER)
        )
    )
    if after is not None:
        due = due.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], pk__gt=after[1]))
    return [
        (created_at, str(pk))
        for created_at, pk in due.order_by("created_at", "pk").values_list("created_at", "pk")[:limit]
    ]
