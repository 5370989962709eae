import datetime as dt

import pytest
from django.utils import timezone

from tests.factories.integrations import (
    ApiTokenFactory,
    OAuthConnectionFactory,
    PluginInstallationFactory,
    WebhookDeliveryFactory,
    WebhookFactory,
)
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_the_status_counts_only_what_the_caller_may_see(team, client_for):
    ApiTokenFactory.create_batch(2, user=team.owner)
    ApiTokenFactory(user=team.owner, is_revoked=True)
    ApiTokenFactory(user=team.owner, expires_at=timezone.now() - dt.timedelta(days=1))
    ApiTokenFactory(user=team.admin)
    webhook = WebhookFactory(workspace=team.workspace)
    WebhookFactory(workspace=team.workspace, is_active=False)
    WebhookFactory(workspace=team.other_workspace)
    WebhookDeliveryFactory.create_batch(2, webhook=webhook)
    WebhookDeliveryFactory(webhook=webhook, status="delivered")
    OAuthConnectionFactory(user=team.owner)
    OAuthConnectionFactory(user=team.admin)
    PluginInstallationFactory(workspace=team.workspace)
    PluginInstallationFactory(workspace=team.other_workspace)

    response = client_for(team.owner).get("/api/v1/integration/status")

    assert response.status_code == 200
    assert response.json()["data"] == {
        "api_tokens": {"status": "operational", "active_tokens": 2},
        "webhooks": {
            "status": "operational",
            "active_webhooks": 1,
            "pending_deliveries": 2,
            "failed_deliveries_24h": 0,
        },
        "oauth": {"status": "operational", "active_connections": 1},
        "plugins": {"status": "operational", "installed_plugins": 1},
    }
    member_view = client_for(team.member).get("/api/v1/integration/status").json()["data"]
    assert member_view["webhooks"]["active_webhooks"] == 0 and member_view["plugins"]["installed_plugins"] == 1


def test_the_status_needs_authentication(api_client):
    assert api_client.get("/api/v1/integration/status").status_code == 401


def test_the_health_check_reports_components(api_client, db):
    response = api_client.get("/api/v1/integration/health")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["status"] == "healthy"
    assert data["components"] == {"database": "healthy", "redis": "healthy", "email_service": "healthy"}


def test_the_health_check_answers_503_when_a_component_is_down(api_client, db, redis_down):
    response = api_client.get("/api/v1/integration/health")
    body = assert_error(response, 503, "SERVICE_UNAVAILABLE")
    assert body["error"]["details"]["components"]["redis"] == "unhealthy"


def test_a_token_with_read_integrations_reads_the_status(team, token_client):
    token = ApiTokenFactory(user=team.owner, scopes=["read:integrations"])
    assert token_client(token.raw).get("/api/v1/integration/status").status_code == 200
    webhooks_only = ApiTokenFactory(user=team.owner, scopes=["read:webhooks"])
    assert token_client(webhooks_only.raw).get("/api/v1/integration/status").status_code == 403
    assert token_client(webhooks_only.raw).get("/api/v1/integration/webhooks").status_code == 200
