"""Versioned user consents (GDPR). Each grant is a new version; revoking keeps the row."""

from django.conf import settings
from django.db import models

from apps.core.models import UUIDModel
from apps.integrations.choices import ConsentType


class Consent(UUIDModel):
    """One version of a user's consent for (consent_type, resource_type, resource_id). Only the
    latest version of a key is `is_current`; earlier versions are its history."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents")
    consent_type = models.CharField(max_length=32, choices=ConsentType.choices)
    resource_type = models.CharField(max_length=64, blank=True)
    resource_id = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    is_granted = models.BooleanField(default=True)
    is_current = models.BooleanField(default=True)
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "consent_type", "resource_type", "resource_id", "version"],
                name="consent_version_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "consent_type", "resource_type", "resource_id"],
                condition=models.Q(is_current=True),
                name="consent_one_current",
            ),
        ]
        indexes = [models.Index(fields=["user", "is_current", "consent_type"])]

    def __str__(self) -> str:
        return f"{self.consent_type} {self.resource_type}:{self.resource_id} v{self.version} ({self.user_id})"
