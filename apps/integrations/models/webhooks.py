"""Workspace webhooks, and the deliveries of the one webhook pipeline (to webhooks and to module 7's
webhook event consumers alike)."""

from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import TimeStampedModel, UUIDModel
from apps.integrations.choices import DeliveryStatus, RetryPolicy


class Webhook(WorkspaceScopedAudit, UUIDModel, TimeStampedModel):
    """An outside URL that receives the workspace's events it subscribes to, signed with its secret
    (encrypted at rest, never shown after creation or rotation). For a day after a rotation the
    previous secret signs too, so receivers can switch without losing deliveries."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="webhooks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=120)
    url = models.URLField(max_length=2000)
    secret_encrypted = models.TextField(editable=False)
    previous_secret_encrypted = models.TextField(blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Event type -> True for each subscribed type (only subscribed types are stored).
    subscribed_events = models.JSONField(default=dict)
    retry_policy = models.CharField(max_length=16, choices=RetryPolicy.choices, default=RetryPolicy.EXPONENTIAL)
    max_retries = models.PositiveSmallIntegerField(default=3)
    timeout_seconds = models.PositiveSmallIntegerField(default=10)
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(
        default=0, help_text="Deliveries in a row that failed after their last retry."
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    last_triggered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "is_active"])]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(UUIDModel, TimeStampedModel):
    """One event sent (or being sent) to one target: a webhook, or a webhook event consumer (module
    7). Unique per (target, event), so a re-dispatched event never calls a receiver twice. Its id is
    the message id (`webhook-id`), the same on every retry and redelivery. The fields of the last
    attempt are kept: status code, time, error, the request headers (signatures masked) and the first
    8 KB of the answer."""

    webhook = models.ForeignKey(Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    consumer = models.ForeignKey(
        "events.EventConsumer", null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_deliveries"
    )
    event = models.ForeignKey("events.DomainEvent", null=True, on_delete=models.SET_NULL, related_name="+")
    event_type = models.CharField(max_length=64)
    body = models.JSONField(default=dict, help_text="The JSON document POSTed to the receiver.")
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempt_number = models.PositiveSmallIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_time_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    request_headers = models.JSONField(default=dict, blank=True)
    response_body = models.TextField(blank=True)
    redelivery = models.BooleanField(
        default=False, help_text="Sent again on request: a single attempt, outside the failure streak."
    )
    next_retry_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event"], name="webhook_delivery_unique"),
            models.UniqueConstraint(fields=["consumer", "event"], name="webhook_delivery_consumer_unique"),
            models.CheckConstraint(
                condition=models.Q(webhook__isnull=False, consumer__isnull=True)
                | models.Q(webhook__isnull=True, consumer__isnull=False),
                name="webhook_delivery_one_target",
            ),
        ]
        indexes = [
            models.Index(fields=["webhook", "-created_at"]),
            models.Index(
                fields=["next_retry_at"],
                name="webhook_delivery_due_idx",
                condition=models.Q(status__in=["pending", "retrying"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.webhook_id or self.consumer_id}: {self.status}"
