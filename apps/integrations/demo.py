"""Demo data of module 12: a webhook on the demo workspace (inactive until pointed at a real
receiver), a plugin installed from the seeded marketplace, and the owner's consent for it. No usable
API token is created: a token's secret is shown once to its owner and never printed.

For the admin dashboard, a history: two weeks of deliveries of past events to the demo webhook and
to a CI hook whose last days failed and which was switched off (both webhooks are inactive and no
delivery is left pending or retrying, so a worker never sends to their example/.invalid hosts),
and the hourly use of three history-only tokens, one per tier, whose secrets were thrown away
(nobody can sign in with them)."""

import datetime as dt
import hashlib
import random
import secrets

from django.utils import timezone

from apps.core import crypto
from apps.integrations.choices import DeliveryStatus, TokenTier
from apps.integrations.models import (
    ApiToken,
    ApiTokenUsage,
    Consent,
    Plugin,
    PluginInstallation,
    Webhook,
    WebhookDelivery,
)
from apps.integrations.services.consents import consent_grant
from apps.integrations.services.plugins import plugin_install
from apps.integrations.services.webhooks import new_webhook_secret

DEMO_WEBHOOK = "Release notes bot"
FAILING_WEBHOOK = "CI status hook"
HISTORY_TOKENS = {TokenTier.FREE: "Hobby script", TokenTier.PRO: "CI bot", TokenTier.ENTERPRISE: "Data warehouse sync"}
HISTORY_DAYS = 14


def seed(ctx: dict) -> None:
    owner = ctx["users"]["owner"]
    workspace = ctx["workspace"]
    Webhook.objects.get_or_create(
        workspace=workspace,
        name=DEMO_WEBHOOK,
        defaults={
            "created_by": owner,
            "url": "https://hooks.example.com/pronaflow/release-notes",
            "secret_encrypted": crypto.encrypt(new_webhook_secret()),
            "subscribed_events": {"task.completed": True, "project.archived": True},
            "is_active": False,
            "disabled_reason": "Demo webhook: point it at your receiver, then activate it.",
        },
    )
    plugin = Plugin.objects.filter(slug="markdown-editor").first()
    if plugin is not None and not PluginInstallation.objects.filter(plugin=plugin, workspace=workspace).exists():
        plugin_install(actor=owner, plugin=plugin, workspace=workspace, configuration={"toolbar": "full"})
    if not Consent.objects.filter(user=owner, consent_type="DATA_PROCESSING", is_current=True).exists():
        consent_grant(
            actor=owner,
            consent_type="DATA_PROCESSING",
            resource_type="workspace",
            resource_id=str(workspace.pk),
            description="Process workspace data for analytics and reports",
        )
    _history(ctx)


def _history(ctx: dict) -> None:
    owner, workspace, events = ctx["users"]["owner"], ctx["workspace"], ctx.get("history_events") or []
    rng, now = random.Random(13), timezone.now()
    failing, created = Webhook.objects.get_or_create(
        workspace=workspace,
        name=FAILING_WEBHOOK,
        defaults={
            "created_by": owner,
            "url": "https://ci.pronaflow.invalid/hooks/status",
            "secret_encrypted": crypto.encrypt(new_webhook_secret()),
            "subscribed_events": {"task.completed": True, "task.updated": True},
            # History only: switched off after its failures, so no worker ever sends to the .invalid host.
            "consecutive_failures": 3,
            "is_active": False,
            "disabled_at": now - dt.timedelta(hours=12),
            "disabled_reason": "Demo history: switched off after failed deliveries (a .invalid host).",
        },
    )
    if created and events:
        release_notes = Webhook.objects.get(workspace=workspace, name=DEMO_WEBHOOK)
        deliveries = []
        for event in events:
            webhook = failing if rng.random() < 0.4 else release_notes
            age = (now - event.occurred_at).days
            status = DeliveryStatus.DELIVERED
            if webhook is failing and age <= 3:
                status = DeliveryStatus.FAILED  # nothing left retrying: the demo queues no real sends
            elif rng.random() < 0.1:
                status = DeliveryStatus.FAILED
            deliveries.append(
                WebhookDelivery(
                    webhook=webhook,
                    event=event,
                    event_type=event.event_type,
                    body={"event": event.event_type, "demo_history": True},
                    status=status,
                    attempt_number=1 if status == DeliveryStatus.DELIVERED else 3,
                    status_code=200 if status == DeliveryStatus.DELIVERED else 503,
                    response_time_ms=rng.randint(40, 900),
                    last_error="" if status == DeliveryStatus.DELIVERED else "503 Service Unavailable",
                    delivered_at=event.occurred_at if status == DeliveryStatus.DELIVERED else None,
                )
            )
        WebhookDelivery.objects.bulk_create(deliveries)
        for delivery in deliveries:  # demo only: the history's timestamps are those of its events
            occurred = delivery.event.occurred_at
            WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=occurred, updated_at=occurred)
    for tier, name in HISTORY_TOKENS.items():
        if ApiToken.objects.filter(user=owner, name=name).exists():
            continue
        token = ApiToken.objects.create(
            user=owner,
            name=name,
            # A digest of random bytes nobody kept: the token has usage history but cannot be used.
            token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            hash_version=0,
            token_prefix="prona_demo",
            scopes=["read:tasks"],
            tier=tier,
            expires_at=now + dt.timedelta(days=90),
            last_used_at=now - dt.timedelta(hours=1),
        )
        ApiTokenUsage.objects.bulk_create(
            ApiTokenUsage(
                token=token,
                hour=(now - dt.timedelta(days=days_ago)).replace(minute=0, second=0, microsecond=0),
                method="GET",
                endpoint="/api/v1/tasks",
                count=rng.randint(20, 400) * (1 + list(HISTORY_TOKENS).index(tier)),
            )
            for days_ago in range(HISTORY_DAYS)
        )
