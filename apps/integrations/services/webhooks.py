"""Webhooks: configuration (create, update, rotate the secret, delete) and retention. Deliveries,
tests and redeliveries are the pipeline's (apps.integrations.services.deliveries)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from auditlog.context import disable_auditlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import ValidationFailed
from apps.core.services import model_update
from apps.core.webhooks import UnsafeTarget, check_secret, new_secret, validate_target
from apps.integrations.choices import DeliveryStatus, RetryPolicy
from apps.integrations.events import WEBHOOK_EVENT_TYPES
from apps.integrations.models import Webhook, WebhookDelivery
from apps.workspaces.access import require_workspace_role
from apps.workspaces.choices import ADMIN_ROLES

# How long the previous secret still signs after a rotation.
PREVIOUS_SECRET_GRACE = timedelta(hours=24)


def _setting(name: str, default):
    return getattr(settings, name, default)


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: "whsec_" + base64 of 32 random bytes."""
    return new_secret()


def validate_url(url: str) -> str:
    """Configuration-time target check (raises ValidationFailed on `url`), the same webhook event
    consumers get: scheme, credentials, literal addresses in every spelling and resolved private
    addresses (WEBHOOK_ALLOWED_HOSTS excepted). A host name that does not resolve yet is accepted
    (its deliveries fail and are recorded until it does); every connection checks again."""
    try:
        validate_target(url)
    except UnsafeTarget as exc:
        raise ValidationFailed.field("url", str(exc)) from None
    return url


def validate_secret(secret: str) -> str:
    """A chosen secret: any text of 16+ characters, or a valid Standard Webhooks secret when it
    starts with "whsec_" (so a mangled one is not silently used as text)."""
    try:
        return check_secret(secret)
    except ValueError as exc:
        raise ValidationFailed.field("secret", str(exc)) from None


def default_name(url: str) -> str:
    """The name of a webhook registered without one (the spec's SDK example): its URL's host."""
    return (urlsplit(url).hostname or url)[:120]


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
    stored encrypted. Audited as webhook.created. Raises ValidationFailed (url, secret,
    subscribed_events)."""
    require_workspace_role(actor, workspace.pk, *ADMIN_ROLES)
    validate_url(url)
    if secret:
        validate_secret(secret)
    events = validate_events(subscribed_events)
    if not events:
        raise ValidationFailed.field("subscribed_events", "Subscribe to at least one event type.")
    generated = not secret
    plain_secret = secret or new_webhook_secret()
    # One audit entry per action: the domain entry below (with the URL and events), not also
    # django-auditlog's row-level one.
    with transaction.atomic(), disable_auditlog():
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
    unsubscribes); a new `secret` replaces the old one (which still signs for a day, as after a
    rotation); re-activating clears the failure streak.
    Raises PermissionDenied, ValidationFailed."""
    require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)
    if "url" in data:
        validate_url(data["url"])
    if data.get("secret"):
        validate_secret(data["secret"])
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
            _replace_secret(webhook, data["secret"])
        if "is_active" in data and data["is_active"] != webhook.is_active:
            webhook.is_active = data["is_active"]
            if webhook.is_active:
                webhook.consecutive_failures = 0
                webhook.disabled_at = None
                webhook.disabled_reason = ""
            else:
                webhook.disabled_at = timezone.now()
                webhook.disabled_reason = "Disabled by a workspace administrator."
        webhook.save()
    return webhook


def _replace_secret(webhook: Webhook, plain_secret: str) -> None:
    webhook.previous_secret_encrypted = webhook.secret_encrypted
    webhook.previous_secret_expires_at = timezone.now() + PREVIOUS_SECRET_GRACE
    webhook.secret_encrypted = crypto.encrypt(plain_secret)


def webhook_secrets(webhook: Webhook, *, now) -> list[str]:
    """The secrets that sign a delivery now: the current one, then the previous one during its grace."""
    secrets = [crypto.decrypt(webhook.secret_encrypted)]
    expires = webhook.previous_secret_expires_at
    if webhook.previous_secret_encrypted and expires and expires > now:
        secrets.append(crypto.decrypt(webhook.previous_secret_encrypted))
    return secrets


def webhook_rotate_secret(*, actor, webhook: Webhook) -> Webhook:
    """Replace a webhook's secret with a generated one, returned once on the object as
    `plain_secret` (owner/admin). The previous secret keeps signing too (a second signature in
    `webhook-signature`) for PREVIOUS_SECRET_GRACE, so receivers can switch without losing a
    delivery. Audited as webhook.secret_rotated. Raises PermissionDenied."""
    require_workspace_role(actor, webhook.workspace_id, *ADMIN_ROLES)
    plain_secret = new_webhook_secret()
    with transaction.atomic():
        _replace_secret(webhook, plain_secret)
        webhook.save(
            update_fields=["secret_encrypted", "previous_secret_encrypted", "previous_secret_expires_at", "updated_at"]
        )
        record_action(
            "webhook.secret_rotated",
            actor=actor,
            target=webhook,
            workspace_id=webhook.workspace_id,
            extra={"previous_secret_expires_at": webhook.previous_secret_expires_at.isoformat()},
        )
    webhook.plain_secret = plain_secret
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
        with disable_auditlog():  # the domain entry above is the one audit entry of the deletion
            webhook.delete()


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
