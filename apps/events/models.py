"""The domain-event log: a transactional outbox. Rows are written in the same transaction as the
change they describe, then dispatched to handlers after commit."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import UUIDModel
from apps.events.choices import DeliveryStatus, HandlerType


class DomainEvent(UUIDModel):
    event_type = models.CharField(max_length=64, db_index=True)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    workspace = models.ForeignKey(
        settings.TENANT_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Denormalised so visibility (private projects) can be checked without decoding payloads.
    project_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    dispatch_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["workspace", "-occurred_at"]),
            models.Index(
                fields=["occurred_at"], name="event_undispatched_idx", condition=models.Q(dispatched_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.aggregate_type}:{self.aggregate_id}"


class HandlerReceipt(models.Model):
    """One row per (event, handler) that ran: what makes a re-dispatch a no-op for that handler."""

    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="receipts")
    handler = models.CharField(max_length=120)
    processed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "handler"], name="handler_receipt_unique")]

    def __str__(self) -> str:
        return f"{self.handler} <- {self.event_id}"


class EventConsumer(UUIDModel):
    """A user's subscription to an event type, delivered by e-mail, in-app or webhook.

    It belongs to its creator and, when `workspace` is set, to that workspace only; without it,
    events of every workspace the creator belongs to at delivery time. Only events the creator may
    see at that moment reach it.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_consumers")
    workspace = models.ForeignKey(
        settings.TENANT_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event_type = models.CharField(max_length=64, help_text="An event type of the catalogue, or * for all.")
    handler_type = models.CharField(max_length=16, choices=HandlerType.choices)
    config = models.JSONField(default=dict, blank=True)
    # Webhook signing key, encrypted at rest (apps.core.crypto); shown once at creation.
    secret_encrypted = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    # Webhook consumers are delivered by the integrations app's pipeline, which switches a consumer
    # off after too many failed deliveries in a row, as it does module 12 webhooks.
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["event_type", "is_active"]), models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} -> {self.handler_type} ({self.owner_id})"


class EventDelivery(UUIDModel):
    """One event delivered (or being delivered) to one e-mail or in-app consumer; unique, so retries
    never duplicate. Webhook consumers' deliveries are the integrations pipeline's WebhookDelivery."""

    consumer = models.ForeignKey(EventConsumer, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(DomainEvent, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "event deliveries"
        constraints = [models.UniqueConstraint(fields=["consumer", "event"], name="event_delivery_unique")]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.consumer_id}: {self.status}"
