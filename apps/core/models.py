"""Abstract building blocks shared by every app. No business rules here."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class UUIDModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)


class AliveManager(models.Manager.from_queryset(SoftDeleteQuerySet)):
    """The default manager: trashed rows do not exist for ordinary code."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """A row that goes to the trash before it is purged.

    `deletion_id` groups every row hidden by one delete operation (the row itself and what it
    contained), so a restore brings back exactly those rows and not ones deleted separately.
    """

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    deletion_id = models.UUIDField(null=True, blank=True, db_index=True, editable=False)

    objects = AliveManager()
    all_objects = models.Manager.from_queryset(SoftDeleteQuerySet)()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class IdempotencyKey(models.Model):
    """One `Idempotency-Key` of one caller on one POST route (see apps.core.idempotency).

    The row is inserted before the view runs (the unique constraint makes the claim atomic); it is
    completed with the response's status and body, or deleted when the response is a 5xx.
    `status_code` is null while the first request is still running.
    """

    caller = models.CharField(max_length=80)  # "user:<id>" or "token:<id>"
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=1024)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # SHA-256 (hex) of the request body
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=150, blank=True, default="")
    response_body = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["caller", "method", "path", "key"], name="core_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.method} {self.path} {self.key}"
