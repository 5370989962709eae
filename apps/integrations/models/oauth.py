"""OAuth providers (a catalogue managed by staff) and users' connections to them."""

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, UUIDModel


class OAuthApp(UUIDModel, TimeStampedModel):
    provider_name = models.SlugField(max_length=64, unique=True)
    display_name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    authorize_url = models.URLField()
    token_url = models.URLField(blank=True)
    scopes = models.JSONField(default=list, help_text="Provider scopes PronaFlow requests.")
    icon_url = models.URLField(blank=True)
    documentation_url = models.URLField(blank=True)
    is_enabled = models.BooleanField(default=True, help_text="Disabled providers refuse new connections.")

    class Meta:
        ordering = ["display_name"]
        verbose_name = "OAuth app"

    def __str__(self) -> str:
        return self.display_name


class OAuthConnection(UUIDModel, TimeStampedModel):
    """A user's link to a provider account. The provider tokens are encrypted at rest and never
    leave the server through the API."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oauth_connections")
    oauth_app = models.ForeignKey(OAuthApp, on_delete=models.PROTECT, related_name="connections")
    external_user_id = models.CharField(max_length=255)
    access_token_encrypted = models.TextField(editable=False)
    refresh_token_encrypted = models.TextField(blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    last_verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "OAuth connection"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "oauth_app", "external_user_id"], name="oauth_connection_unique_account"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.oauth_app_id} ({self.external_user_id})"
