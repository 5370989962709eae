"""Webhooks: configuration, delivery attempts, retries with backoff, automatic deactivation."""

from __future__ import annotations

import json
import logging
import secrets
import socket
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import ValidationFailed
from apps.core.services import model_update
from apps.core.webhooks import UnsafeTarget, check_target, deliver, private_targets_allowed
from apps.integrations.choices import DeliveryStatus, RetryPolicy
from apps.integrations.events import WEBHOOK_EVENT_TYPES
from apps.integrations.models import Webhook, WebhookDelivery
from apps.workspaces.access import require_workspace_role
from apps.workspaces.choices import ADMIN_ROLES

logger = logging.getLogger("pronaflow.integrations")

OPEN_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
LOST_DISPATCH_AFTER = timedelta(minutes=2)


def _setting(name: str, default):
    return getattr(settings, name, default)


def new_webhook_secret() -> str:
    return f"whsec_{secrets.token_urlsafe(32)}"


def validate_url(url: str) -> str:
    """Configuration-time target check (raises ValidationFailed on `url`): scheme, credentials,
    literal and resolved private addresses. A host name that does not resolve yet is accepted (its
    deliveries fail and are recorded until it does); delivery checks again, against what the host
    resolves to at that moment."""
    try:
        check_target(url, resolve=False)
        if not private_targets_allowed() and _resolves(url):
            check_target(url)
    except UnsafeTarget as exc:
        raise ValidationFailed.field("url", str(exc)) from None
    return url


def _resolves(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):
        return False
    return True


def validate_events(events: dict, *, current: dict | None = None) -> dict:
    """Merge an {event type: bool} map into `current`: true subscribes, false unsubscribes.
    Unknown types and non-boolean values raise ValidationFailed; the result is {type: True, ...}."""
    if not isinstance(events, dict):
        raise ValidationFailed.field("subscribed_events", "Expected an object of event type -> true/false.")
    unknown = sorted(key for key in events if key not in WEBHOOK_EVENT_TYPES)
    if unknown:
        raise ValidationFailed.field(
            "subscribed_events",
            f"Unknown event type(s): {', '.join(unknown)}. Known: {', '.join(WEBHOOK_EVENT_TYPES)}.",
        )
    if any(not isinstance(value, bool) for value in events.values()):
        raise ValidationFailed.field("subscribed_events", "Each event type maps to true or false.")
    merged = dict(current or {})
    for key, value in events.items():
        if value:
            merged[key] = True
        else:
            merged.pop(key, None)
    return dict(sorted(merged.items()))


def webhook_create(
    *,
    actor,
    workspace,
    name: str,
    url: str,
    subscribed_events: dict,
    secret: str | None = None,
    retry_policy: str = RetryPolicy.EXPONENTIAL,
    max_retries: int = 3,
    timeout_seconds: int = 10,
) -> Webhook:
    """Register a webhook on `workspace` (owner/admin: PermissionDenied otherwise). Without a
    `secret` one is generated and returned once on the object as `plain_secret`; the secret is
    stored encrypted. Audited as webhook.created. Raises ValidationFailed (url, subscribed_events)."""
    require_workspace_role(actor, workspace.pk, *ADMIN_ROLES)
    validate_url(url)
    events = validate_events(subscribed_events)
    if not events:
        raise ValidationFailed.field("subscribed_events", "Subscribe to at least one event type.")
    generated = not secret
    plain_secret = secret or new_webhook_secret()
    with transaction.atomic():
        webhook = Webhook.objects.create(
            workspace=workspace,
            created_by=actor,
            name=name,
            url=url,
            secret_encrypted=crypto.encrypt(plain_secret),
            subscribed_events=events,
            retry_policy=retry_policy,
            max_retries=max_retries,
            timeout_seconds=timeout_seconds,
        )
        record_action(
            "webhook.created",
            actor=actor,
            target=webhook,
            workspace_id=workspace.pk,
            extra={"url": url, "subscribed_events": sorted(events)},
        )
    webhook.plain_secret = plain_secret if generated else None
    return webhook


def webhook_update(*, actor, webhook: Webhook, data: dict) -> Webhook:
    """Change a webhook (owner/admin of its workspace). `subscribed_events` merges (false
    unsubscribes); a new `secret` replaces the old one; re-activating clears the failure streak.
    Raises PermissionDenied, ValidationFailed."""
    require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)
    if "url" in data:
        validate_url(data["url"])
    with transaction.atomic():
        model_update(
            instance=webhook,
            fields=("name", "url", "retry_policy", "max_retries", "timeout_seconds"),
            data=data,
            save=False,
        )
        if "subscribed_events" in data:
            webhook.subscribed_events = validate_events(data["subscribed_events"], current=webhook.subscribed_events)
            if not webhook.subscribed_events:
                raise ValidationFailed.field("subscribed_events", "Subscribe to at least one event type.")
        if data.get("secret"):
            webhook.secret_encrypted = crypto.encrypt(data["secret"])
        if "is_active" in data and data["is_active"] != webhook.is_active:
            webhook.is_active = data["is_active"]
            if webhook.is_active:
                webhook.consecutive_failures = 0
                webhook.deactivated_at = None
                webhook.deactivation_reason = ""
            else:
                webhook.deactivated_at = timezone.now()
                webhook.deactivation_reason = "Deactivated by a workspace administrator."
        webhook.save()
    return webhook


def webhook_delete(*, actor, webhook: Webhook) -> None:
    """Delete a webhook and its delivery history (owner/admin). Audited as webhook.deleted."""
    require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)
    with transaction.atomic():
        record_action(
            "webhook.deleted",
            actor=actor,
            target=webhook,
            workspace_id=webhook.workspace_id,
            extra={"url": webhook.url},
        )
        webhook.delete()


# --- Deliveries -------------------------------------------------------------------------------


def delivery_body(event) -> dict:
    """The JSON document a receiver gets for a domain event (ids as strings)."""
    body = {
        "event_id": str(event.pk),
        "event_type": event.event_type,
        "occurred_at": event.occurred_at,
        "workspace_id": str(event.workspace_id),
        "actor_id": str(event.actor_id) if event.actor_id else None,
        "data": event.payload,
    }
    return json.loads(json.dumps(body, cls=DjangoJSONEncoder))


def deliveries_create_for_event(event) -> list[str]:
    """One pending delivery per active webhook of the event's workspace subscribed to its type
    (idempotent: the (webhook, event) pair is unique). Sending is queued after commit. Returns the
    ids of the event's open deliveries."""
    if event.workspace_id is None or event.event_type not in WEBHOOK_EVENT_TYPES:
        return []
    webhooks = Webhook.objects.filter(
        workspace_id=event.workspace_id, is_active=True, subscribed_events__has_key=event.event_type
    ).values_list("pk", flat=True)
    body = delivery_body(event)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook_id=pk, event=event, event_type=event.event_type, body=body) for pk in webhooks],
        ignore_conflicts=True,
    )
    ids = [
        str(pk)
        for pk in WebhookDelivery.objects.filter(event=event, status__in=OPEN_STATUSES).values_list("pk", flat=True)
    ]
    if ids:
        from apps.integrations.tasks import webhook_deliver_task

        transaction.on_commit(lambda: [webhook_deliver_task.delay(pk) for pk in ids])
    return ids


def retry_delay(policy: str, attempt: int) -> timedelta:
    """Wait before the retry that follows failed attempt number `attempt` (1-based)."""
    base = _setting("WEBHOOK_RETRY_BASE_SECONDS", 60)
    seconds = base * 2 ** (attempt - 1) if policy == RetryPolicy.EXPONENTIAL else base * attempt
    return timedelta(seconds=min(seconds, _setting("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600)))


def _claim(delivery_id, now) -> bool:
    """Take the delivery for one attempt: a conditional update, so two workers (the task and the
    retry job) never send the same attempt. The lease (next_retry_at) expires if the worker dies."""
    return bool(
        WebhookDelivery.objects.filter(pk=delivery_id, status__in=OPEN_STATUSES, webhook__is_active=True)
        .filter(Q(next_retry_at__isnull=True) | Q(next_retry_at__lte=now))
        .update(
            next_retry_at=now + timedelta(seconds=_setting("WEBHOOK_DELIVERY_LEASE_SECONDS", 120)),
            attempt_number=F("attempt_number") + 1,
            updated_at=now,
        )
    )


def webhook_delivery_attempt(*, delivery_id) -> str | None:
    """Send one attempt of a delivery and record its outcome: delivered; retrying (next_retry_at
    after the webhook's backoff) while attempts remain (1 + max_retries in all); failed after the
    last one. WEBHOOK_MAX_CONSECUTIVE_FAILURES failed deliveries in a row deactivate the webhook
    (audited as webhook.deactivated). Returns the new status, or None when the delivery was not due
    or already taken. Never raises for receiver errors."""
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)
    webhook = delivery.webhook
    raw = json.dumps(delivery.body, separators=(",", ":"), sort_keys=True).encode()
    result = deliver(
        webhook.url,
        raw,
        crypto.decrypt(webhook.secret_encrypted),
        headers={"X-PronaFlow-Event": delivery.event_type, "X-PronaFlow-Delivery": str(delivery.pk)},
        timeout=webhook.timeout_seconds,
    )
    finished = timezone.now()
    with transaction.atomic():
        webhook = Webhook.objects.select_for_update().get(pk=webhook.pk)
        delivery.status_code = result.status_code
        delivery.response_time_ms = result.response_time_ms
        webhook.last_triggered_at = finished
        if result.ok:
            delivery.status = DeliveryStatus.DELIVERED
            delivery.delivered_at = finished
            delivery.next_retry_at = None
            delivery.last_error = ""
            webhook.consecutive_failures = 0
        else:
            delivery.last_error = result.error
            if delivery.attempt_number <= webhook.max_retries:
                delivery.status = DeliveryStatus.RETRYING
                delivery.next_retry_at = finished + retry_delay(webhook.retry_policy, delivery.attempt_number)
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_retry_at = None
                webhook.consecutive_failures += 1
                _deactivate_if_failing(webhook, finished)
        delivery.save(
            update_fields=[
                "status",
                "status_code",
                "response_time_ms",
                "last_error",
                "next_retry_at",
                "delivered_at",
                "updated_at",
            ]
        )
        webhook.save(
            update_fields=[
                "last_triggered_at",
                "consecutive_failures",
                "is_active",
                "deactivated_at",
                "deactivation_reason",
                "updated_at",
            ]
        )
    return delivery.status


def _deactivate_if_failing(webhook: Webhook, now) -> None:
    limit = _setting("WEBHOOK_MAX_CONSECUTIVE_FAILURES", 5)
    if webhook.is_active and webhook.consecutive_failures >= limit:
        webhook.is_active = False
        webhook.deactivated_at = now
        webhook.deactivation_reason = f"{webhook.consecutive_failures} deliveries in a row failed."
        record_action(
            "webhook.deactivated",
            actor=None,
            target=webhook,
            workspace_id=webhook.workspace_id,
            extra={"consecutive_failures": webhook.consecutive_failures},
        )


def due_delivery_ids(*, limit: int = 500) -> list[str]:
    """Open deliveries of active webhooks whose retry is due, plus pending ones whose first attempt
    was lost (queued over two minutes ago and never claimed), oldest first."""
    now = timezone.now()
    return [
        str(pk)
        for pk in WebhookDelivery.objects.filter(status__in=OPEN_STATUSES, webhook__is_active=True)
        .filter(
            Q(next_retry_at__lte=now)
            | Q(next_retry_at__isnull=True, status=DeliveryStatus.PENDING, created_at__lt=now - LOST_DISPATCH_AFTER)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    ]


def integrations_purge_old(*, batch_size: int = 5000) -> dict[str, int]:
    """Retention: delete finished webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS and
    API-token usage buckets older than API_TOKEN_USAGE_RETENTION_DAYS, in batches (short locks).
    Returns the number of rows deleted per kind."""
    from apps.integrations.models import ApiTokenUsage

    now = timezone.now()
    plans = {
        "deliveries": WebhookDelivery.objects.filter(
            status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
            created_at__lt=now - timedelta(days=_setting("WEBHOOK_DELIVERY_RETENTION_DAYS", 90)),
        ),
        "usage": ApiTokenUsage.objects.filter(
            hour__lt=now - timedelta(days=_setting("API_TOKEN_USAGE_RETENTION_DAYS", 400))
        ),
    }
    deleted = {}
    for kind, queryset in plans.items():
        deleted[kind] = 0
        while True:
            ids = list(queryset.values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                queryset.model.objects.filter(pk__in=ids).delete()
            deleted[kind] += len(ids)
    return deleted
