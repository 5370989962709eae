"""The one webhook delivery pipeline, for module 12 webhooks and module 7's webhook event consumers
alike: one delivery model (WebhookDelivery, whose target is a webhook or a consumer), one document
built from the event catalogue's reviewed fields (apps.events.webhooks), one signer, SSRF guard and
HTTP client (apps.core.webhooks), one retry scheduler, one failure streak that switches a target off
and tells its owner.

    deliveries_create_for_event(event)   webhooks subscribed to the event (the event handler)
    consumer_delivery_create(...)        a webhook consumer's delivery (the consumer channel)
    delivery_attempt(delivery_id)        one attempt (webhook_deliver_task, on the "webhooks" queue)
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
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import Conflict
from apps.core.queueing import publish_on_commit
from apps.core.webhooks import EXPONENTIAL, LOST_DISPATCH_AFTER, DeliveryResult, claim, deliver, next_retry_at
from apps.events.models import EventConsumer
from apps.events.services import emit
from apps.events.webhooks import encode, event_message, message
from apps.integrations.choices import DeliveryStatus
from apps.integrations.events import TEST_EVENT_TYPE, WEBHOOK_EVENT_TYPES
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services.webhooks import ADMIN_ROLES, webhook_secrets
from apps.workspaces.access import require_workspace_role

OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
LAST_TRIGGERED_PRECISION = timedelta(seconds=1)
# Webhook consumers have no retry settings of their own: 1 + 5 attempts, exponential backoff.
CONSUMER_RETRY_POLICY, CONSUMER_MAX_RETRIES = EXPONENTIAL, 5
OUTCOME_FIELDS = [
    "status",
    "status_code",
    "response_time_ms",
    "last_error",
    "request_headers",
    "response_body",
    "next_retry_at",
    "delivered_at",
    "updated_at",
]


@dataclass(frozen=True)
class Target:
    """What the pipeline needs of a delivery's webhook or consumer."""

    url: str
    secrets: list[str]
    retry_policy: str
    max_retries: int
    timeout: float


def _target(delivery: WebhookDelivery, now) -> Target:
    """The delivery's target; no secrets when they cannot be decrypted (a key FIELD_ENCRYPTION_KEYS
    no longer holds), which fails the attempt instead of the task."""
    try:
        if delivery.webhook_id:
            secrets = webhook_secrets(delivery.webhook, now=now)
        else:
            secrets = [crypto.decrypt(delivery.consumer.secret_encrypted)]
    except InvalidToken:
        secrets = []
    if delivery.webhook_id:
        webhook = delivery.webhook
        return Target(
            url=webhook.url,
            secrets=secrets,
            retry_policy=webhook.retry_policy,
            max_retries=webhook.max_retries,
            timeout=webhook.timeout_seconds,
        )
    return Target(
        url=delivery.consumer.config.get("url", ""),
        secrets=secrets,
        retry_policy=CONSUMER_RETRY_POLICY,
        max_retries=CONSUMER_MAX_RETRIES,
        timeout=getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10),
    )


def _queue(ids: list[str]) -> None:
    """Send after commit, on the "webhooks" queue (CELERY_TASK_ROUTES), so slow receivers never hold
    up the workers of other jobs."""
    from apps.integrations.tasks import webhook_deliver_task

    for pk in ids:  # never raises into a request: what the broker does not take, the retry job sends
        publish_on_commit(webhook_deliver_task, pk)


# --- Creating deliveries ------------------------------------------------------------------------


def deliveries_create_for_event(event) -> list[str]:
    """One pending delivery per active webhook of the event's workspace subscribed to its type
    (idempotent: the (webhook, event) pair is unique). Sending is queued after commit. Returns the
    ids of the event's open webhook deliveries."""
    if event.workspace_id is None or event.event_type not in WEBHOOK_EVENT_TYPES:
        return []
    webhooks = Webhook.objects.filter(
        workspace_id=event.workspace_id, is_active=True, subscribed_events__has_key=event.event_type
    ).values_list("pk", flat=True)
    body = event_message(event)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook_id=pk, event=event, event_type=event.event_type, body=body) for pk in webhooks],
        ignore_conflicts=True,
    )
    ids = [
        str(pk)
        for pk in WebhookDelivery.objects.filter(
            event=event, webhook__isnull=False, status__in=OPEN_STATUSES
        ).values_list("pk", flat=True)
    ]
    _queue(ids)
    return ids


def consumer_delivery_create(consumer: EventConsumer, event, _event_delivery=None) -> None:
    """The channel of module 7's webhook consumers (registered in ready()): the consumer's delivery
    of the event through this pipeline (idempotent per (consumer, event)), sent after commit."""
    delivery, created = WebhookDelivery.objects.get_or_create(
        consumer=consumer, event=event, defaults={"event_type": event.event_type, "body": event_message(event)}
    )
    if created:
        _queue([str(delivery.pk)])


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
        _queue([str(delivery.pk)])
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
        _queue([str(delivery.pk)])
    delivery.refresh_from_db()
    return delivery


# --- Attempts -----------------------------------------------------------------------------------


def delivery_attempt(*, delivery_id) -> str | None:
    """Send one attempt of an open delivery and record its outcome: delivered; retrying (after the
    target's backoff) while attempts remain; failed after the last one, which counts in the target's
    failure streak (see _fail). A test message or a redelivery is a single attempt outside the
    streak. Returns the new status, or None when the delivery was not due, already taken, or its
    target is inactive. Never raises for receiver errors.

    Three statements on the common path: one read, the claim, one write (the target is written only
    when its failure streak ends, and its last_triggered_at at most once a second)."""
    now = timezone.now()
    delivery = WebhookDelivery.objects.select_related("webhook", "consumer").filter(pk=delivery_id).first()
    if delivery is None or not _sendable(delivery, now):
        return None
    # Take it for this attempt: a conditional update on the state just read, so two workers (the
    # task and the retry job) never send the same attempt.
    as_read = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=delivery.status, attempt_number=delivery.attempt_number
    )
    if not claim(as_read, now=now, attempt_field="attempt_number", updated_at=now):
        return None
    delivery.attempt_number += 1
    single = delivery.redelivery or delivery.event_type == TEST_EVENT_TYPE
    target = _target(delivery, now)
    if not target.secrets:
        result = DeliveryResult(
            False, None, None, "The signing secret cannot be decrypted: check FIELD_ENCRYPTION_KEYS."
        )
    else:
        result = deliver(
            target.url,
            encode(delivery.body),
            secrets=target.secrets,
            message_id=str(delivery.pk),
            event_type=delivery.event_type,
            timeout=target.timeout,
        )
    finished = timezone.now()
    delivery.status_code = result.status_code
    delivery.response_time_ms = result.response_time_ms
    delivery.last_error = result.error
    delivery.request_headers = result.request_headers
    delivery.response_body = result.response_body
    delivery.next_retry_at = None
    if result.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = finished
    else:
        if not single:
            delivery.next_retry_at = next_retry_at(
                policy=target.retry_policy,
                attempt=delivery.attempt_number,
                max_retries=target.max_retries,
                now=finished,
            )
        delivery.status = DeliveryStatus.RETRYING if delivery.next_retry_at else DeliveryStatus.FAILED
    if delivery.status == DeliveryStatus.FAILED and not single:
        _fail(delivery, finished)
    else:
        delivery.save(update_fields=OUTCOME_FIELDS)
        if not single:
            _touch(delivery, finished, succeeded=result.ok)
    return delivery.status


def _sendable(delivery: WebhookDelivery, now) -> bool:
    """Open, due, and for an active target (a test message goes to an inactive webhook too)."""
    if delivery.status not in OPEN_STATUSES or (delivery.next_retry_at and delivery.next_retry_at > now):
        return False
    target = delivery.webhook or delivery.consumer
    return target.is_active or delivery.event_type == TEST_EVENT_TYPE


def _touch(delivery: WebhookDelivery, now, *, succeeded: bool) -> None:
    """Record on the target that it was triggered (webhooks, to LAST_TRIGGERED_PRECISION) and, after
    a success, that its failure streak is over; no statement at all when neither is news."""
    target = delivery.webhook or delivery.consumer
    changes, news = {}, Q(pk__in=[])
    if succeeded and target.consecutive_failures:
        changes["consecutive_failures"], news = 0, Q(consecutive_failures__gt=0)
    if delivery.webhook_id:
        last = target.last_triggered_at
        if last is None or last < now - LAST_TRIGGERED_PRECISION:
            changes["last_triggered_at"] = now
            news |= Q(last_triggered_at__isnull=True) | Q(last_triggered_at__lt=now - LAST_TRIGGERED_PRECISION)
    if changes:
        type(target).objects.filter(pk=target.pk).filter(news).update(**changes)


def _fail(delivery: WebhookDelivery, now) -> None:
    """A delivery failed for good: save it and, under the target's row lock, add it to the failure
    streak; WEBHOOK_DISABLE_AFTER_FAILURES in a row switch the target off (audited) and emit
    webhook.disabled for its owner."""
    model = Webhook if delivery.webhook_id else EventConsumer
    with transaction.atomic():
        target = model.objects.select_for_update().get(pk=delivery.webhook_id or delivery.consumer_id)
        delivery.save(update_fields=OUTCOME_FIELDS)
        target.consecutive_failures += 1
        fields = ["consecutive_failures", "updated_at"]
        if model is Webhook:
            target.last_triggered_at = now
            fields.append("last_triggered_at")
        limit = getattr(settings, "WEBHOOK_DISABLE_AFTER_FAILURES", 20)
        if target.is_active and target.consecutive_failures >= limit:
            target.is_active = False
            target.disabled_at = now
            target.disabled_reason = f"{target.consecutive_failures} deliveries in a row failed."
            fields += ["is_active", "disabled_at", "disabled_reason"]
            _announce_disabled(target, last_error=delivery.last_error)
        target.save(update_fields=fields)


def _announce_disabled(target, *, last_error: str) -> None:
    if isinstance(target, Webhook):
        kind, workspace, name, owner_id = "webhook", target.workspace, target.name, _webhook_owner_id(target)
    else:
        kind, workspace, owner_id = "event_consumer", target.workspace, target.owner_id
        name = f"{target.event_type} -> {target.config.get('url', '')}"
    record_action(
        f"{kind}.disabled",
        actor=None,
        target=target,
        workspace_id=target.workspace_id,
        extra={"consecutive_failures": target.consecutive_failures, "reason": target.disabled_reason},
    )
    emit(
        "webhook.disabled",
        aggregate=target,
        actor=None,
        workspace=workspace,
        payload={
            "target": kind,
            "target_id": target.pk,
            "workspace_id": target.workspace_id,
            "owner_id": owner_id,
            "name": name,
            "consecutive_failures": target.consecutive_failures,
            "reason": target.disabled_reason,
            "last_error": last_error,
        },
    )


def _webhook_owner_id(webhook: Webhook):
    """Who is told about the webhook: its creator while they still administer the workspace, else
    the workspace's owner (there is one)."""
    from django.apps import apps

    members = apps.get_model("workspaces", "WorkspaceMember").objects.filter(workspace_id=webhook.workspace_id)
    if webhook.created_by_id and members.filter(user_id=webhook.created_by_id, role__in=ADMIN_ROLES).exists():
        return webhook.created_by_id
    return members.filter(role="owner").values_list("user_id", flat=True).first()


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
