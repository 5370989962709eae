from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "apps.integrations"
    label = "integrations"
    verbose_name = "Integrations"

    def ready(self) -> None:
        from apps.accounts.erasure import register_erasure_step
        from apps.core.audit import register_audited
        from apps.integrations import schema  # noqa: F401  (registers the OpenAPI bearer scheme)
        from apps.integrations.models import ApiToken, Consent, OAuthConnection, PluginInstallation, Webhook
        from apps.integrations.webhooks import handlers  # noqa: F401  (registers the event handler)

        register_audited(ApiToken, exclude_fields=["token_hash", "last_used_at", "updated_at"])
        register_audited(
            Webhook,
            exclude_fields=[
                "secret_encrypted",
                "previous_secret_encrypted",
                "last_triggered_at",
                "consecutive_failures",
                "updated_at",
            ],
        )
        register_audited(OAuthConnection, exclude_fields=["access_token_encrypted", "refresh_token_encrypted"])
        register_audited(PluginInstallation)
        register_audited(Consent)
        from apps.integrations.services.erasure import user_integrations_revoke

        register_erasure_step("integrations", user_integrations_revoke)
