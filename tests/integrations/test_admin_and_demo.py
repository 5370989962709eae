import pytest

from apps.integrations.models import Consent, PluginInstallation, Webhook
from tests.factories.integrations import (
    ApiTokenFactory,
    ConsentFactory,
    OAuthConnectionFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)

pytestmark = pytest.mark.django_db


def test_admin_pages_never_show_secrets(admin_client):
    token = ApiTokenFactory()
    webhook = WebhookFactory()
    connection = OAuthConnectionFactory()
    delivery = WebhookDeliveryFactory(webhook=webhook)
    pages = {
        f"/admin/integrations/apitoken/{token.pk}/change/": token.token_hash,
        f"/admin/integrations/webhook/{webhook.pk}/change/": webhook.secret_encrypted,
        f"/admin/integrations/oauthconnection/{connection.pk}/change/": connection.access_token_encrypted,
        f"/admin/integrations/webhookdelivery/{delivery.pk}/change/": webhook.secret_encrypted,
    }
    for url, secret in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert secret not in response.content.decode()
    for model in ("apitoken", "webhook", "webhookdelivery", "oauthapp", "oauthconnection", "plugin", "consent"):
        assert admin_client.get(f"/admin/integrations/{model}/").status_code == 200
    assert admin_client.get("/admin/integrations/plugininstallation/").status_code == 200


def test_the_admin_revoke_action_revokes_through_the_service(admin_client):
    token = ApiTokenFactory()
    response = admin_client.post(
        "/admin/integrations/apitoken/", {"action": "revoke", "_selected_action": [str(token.pk)]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.is_revoked and token.revoked_at is not None


def test_the_admin_consent_revoke_action_keeps_history(admin_client):
    consent = ConsentFactory()
    admin_client.post("/admin/integrations/consent/", {"action": "revoke", "_selected_action": [str(consent.pk)]})
    consent.refresh_from_db()
    assert consent.is_granted is False and consent.revoked_at is not None


def test_the_demo_seed_is_idempotent_and_prints_nothing(team, capsys):
    from apps.integrations import demo

    ctx = {"users": {"owner": team.owner, "admin": team.admin}, "workspace": team.workspace, "logins": []}
    demo.seed(ctx)
    demo.seed(ctx)
    assert capsys.readouterr().out == "" and ctx["logins"] == []
    webhook = Webhook.objects.get(workspace=team.workspace, name="Release notes bot")
    assert webhook.is_active is False
    assert PluginInstallation.objects.filter(plugin__slug="markdown-editor", workspace=team.workspace).count() == 1
    assert Consent.objects.filter(user=team.owner, consent_type="DATA_PROCESSING").count() == 1
