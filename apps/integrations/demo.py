"""Demo data of module 12: a webhook on the demo workspace (inactive until pointed at a real
receiver), a plugin installed from the seeded marketplace, and the owner's consent for it. No API
token is created: a token's secret is shown once to its owner and never printed."""

from apps.core import crypto
from apps.integrations.models import Consent, Plugin, PluginInstallation, Webhook
from apps.integrations.services.consents import consent_grant
from apps.integrations.services.plugins import plugin_install
from apps.integrations.services.webhooks import new_webhook_secret

DEMO_WEBHOOK = "Release notes bot"


def seed(ctx: dict) -> None:
    owner = ctx["users"]["owner"]
    workspace = ctx["workspace"]
    Webhook.objects.get_or_create(
        workspace=workspace,
        name=DEMO_WEBHOOK,
        defaults={
            "created_by": owner,
            "url": "https://hooks.example.com/pronaflow/release-notes",
            "secret_encrypted": crypto.encrypt(new_webhook_secret()),
            "subscribed_events": {"task.completed": True, "project.archived": True},
            "is_active": False,
            "disabled_reason": "Demo webhook: point it at your receiver, then activate it.",
        },
    )
    plugin = Plugin.objects.filter(slug="markdown-editor").first()
    if plugin is not None and not PluginInstallation.objects.filter(plugin=plugin, workspace=workspace).exists():
        plugin_install(actor=owner, plugin=plugin, workspace=workspace, configuration={"toolbar": "full"})
    if not Consent.objects.filter(user=owner, consent_type="DATA_PROCESSING", is_current=True).exists():
        consent_grant(
            actor=owner,
            consent_type="DATA_PROCESSING",
            resource_type="workspace",
            resource_id=str(workspace.pk),
            description="Process workspace data for analytics and reports",
        )
