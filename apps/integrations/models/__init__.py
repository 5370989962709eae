"""Module 12 data, one module per area."""

from apps.integrations.models.consents import Consent
from apps.integrations.models.oauth import OAuthApp, OAuthConnection
from apps.integrations.models.plugins import Plugin, PluginInstallation
from apps.integrations.models.tokens import ApiToken, ApiTokenUsage
from apps.integrations.models.webhooks import Webhook, WebhookDelivery

__all__ = [
    "ApiToken",
    "ApiTokenUsage",
    "Consent",
    "OAuthApp",
    "OAuthConnection",
    "Plugin",
    "PluginInstallation",
    "Webhook",
    "WebhookDelivery",
]
