"""The domain-event log: a transactional outbox. Rows are written in the same transaction as the
change they describe, then dispatched to handlers after commit."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import UUIDModel


class DomainEvent(UUIDModel):
    event_type = models.CharField(max_length=64, db_index=True)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    workspace = models.ForeignKey(
        "workspaces.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
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
