"""Personal API tokens (`prona_...`) and their aggregated usage."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.core.models import TimeStampedModel, UUIDModel
from apps.integrations.choices import TokenTier


class ApiToken(UUIDModel, TimeStampedModel):
    """A bearer token acting as its owner, limited to its scopes. Only a digest of the secret is
    stored (scheme `hash_version`: 0 a bare SHA-256, n HMAC-SHA256 under pepper version n; see
    apps.integrations.services.tokens), with a short prefix so people can tell their tokens apart.
    Revoked tokens are kept for the audit trail."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hash_version = models.PositiveSmallIntegerField(editable=False)
    token_prefix = models.CharField(max_length=16, editable=False)
    scopes = models.JSONField(default=list)
    tier = models.CharField(
        max_length=16,
        choices=TokenTier.choices,
        default=TokenTier.FREE,
        help_text="Rate-limit tier; set by staff (RATE_LIMIT_TIERS).",
    )
    expires_at = models.DateTimeField()
    is_active = models.BooleanField(default=True)
    is_revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_active and not self.is_revoked and not self.is_expired

    # Read by apps.core.api.throttling: every token has its own bucket at its tier's rate.
    @property
    def rate_limit_tier(self) -> str:
        return self.tier

    @property
    def rate_limit_key(self) -> str:
        return str(self.pk)


class ApiTokenUsage(models.Model):
    """Requests of one token in one hour, per method and route template (one upserted row per
    combination, so recording a request is a single indexed statement)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="usage")
    hour = models.DateTimeField()
    method = models.CharField(max_length=8)
    endpoint = models.CharField(max_length=255)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-hour"]
        constraints = [
            models.UniqueConstraint(fields=["token", "hour", "method", "endpoint"], name="api_token_usage_unique")
        ]

    def __str__(self) -> str:
        return f"{self.token_id} {self.hour:%Y-%m-%d %H}:00 {self.method} {self.endpoint}: {self.count}"
