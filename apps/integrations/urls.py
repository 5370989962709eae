"""Module 12 routes, under /api/v1/integration/. Literal segments come before id segments."""

from django.urls import path

from apps.integrations.views import consents, oauth, plugins, status, tokens, webhooks

app_name = "integrations"

P = "integration/"

urlpatterns = [
    path(P + "tokens", tokens.TokenListCreateView.as_view(), name="token-list"),
    path(P + "tokens/scopes", tokens.TokenScopesView.as_view(), name="token-scopes"),
    path(P + "tokens/<uuid:token_id>", tokens.TokenDetailView.as_view(), name="token-detail"),
    path(P + "tokens/<uuid:token_id>/usage", tokens.TokenUsageView.as_view(), name="token-usage"),
    path(P + "webhooks", webhooks.WebhookListCreateView.as_view(), name="webhook-list"),
    path(P + "webhooks/<uuid:webhook_id>", webhooks.WebhookDetailView.as_view(), name="webhook-detail"),
    path(P + "webhooks/<uuid:webhook_id>/test", webhooks.WebhookTestView.as_view(), name="webhook-test"),
    path(
        P + "webhooks/<uuid:webhook_id>/rotate-secret",
        webhooks.WebhookRotateSecretView.as_view(),
        name="webhook-rotate-secret",
    ),
    path(
        P + "webhooks/<uuid:webhook_id>/deliveries",
        webhooks.WebhookDeliveryListView.as_view(),
        name="webhook-deliveries",
    ),
    path(
        P + "webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>",
        webhooks.WebhookDeliveryDetailView.as_view(),
        name="webhook-delivery-detail",
    ),
    path(
        P + "webhooks/<uuid:webhook_id>/deliveries/<uuid:delivery_id>/redeliver",
        webhooks.WebhookRedeliverView.as_view(),
        name="webhook-delivery-redeliver",
    ),
    path(P + "oauth/apps", oauth.OAuthAppListView.as_view(), name="oauth-app-list"),
    path(P + "oauth/apps/<uuid:app_id>", oauth.OAuthAppDetailView.as_view(), name="oauth-app-detail"),
    path(P + "oauth/connections", oauth.OAuthConnectionListCreateView.as_view(), name="oauth-connection-list"),
    path(
        P + "oauth/connections/<uuid:connection_id>",
        oauth.OAuthConnectionDetailView.as_view(),
        name="oauth-connection-detail",
    ),
    path(P + "plugins", plugins.PluginListView.as_view(), name="plugin-list"),
    path(P + "plugins/installed", plugins.PluginInstalledListView.as_view(), name="plugin-installed"),
    path(P + "plugins/<uuid:plugin_id>", plugins.PluginDetailView.as_view(), name="plugin-detail"),
    path(P + "plugins/<uuid:plugin_id>/install", plugins.PluginInstallView.as_view(), name="plugin-install"),
    path(P + "plugins/<uuid:installation_id>/config", plugins.PluginConfigView.as_view(), name="plugin-config"),
    path(P + "consents", consents.ConsentListCreateView.as_view(), name="consent-list"),
    path(P + "consents/status", consents.ConsentStatusView.as_view(), name="consent-status"),
    path(P + "consents/<uuid:consent_id>", consents.ConsentDetailView.as_view(), name="consent-detail"),
    path(P + "status", status.IntegrationStatusView.as_view(), name="status"),
    path(P + "health", status.IntegrationHealthView.as_view(), name="health"),
]
