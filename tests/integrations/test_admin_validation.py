"""Admin change forms of integrations apply the API's validation: what the API refuses (SSRF targets,
unknown event types, out-of-range retries, configurations that are not objects) is a form error
there too, and the API's readers survive rows written before that."""

import pytest

from apps.integrations.models import Plugin, PluginInstallation, Webhook
from tests.admin_forms import change_form_data
from tests.factories.integrations import PluginFactory, PluginInstallationFactory, WebhookFactory

pytestmark = pytest.mark.django_db


def post_change(client, staff, obj, **changes):
    url = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"
    return client.post(url, change_form_data(staff, obj, **changes))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"url": "http://127.0.0.1:8383/ssrf"}, "url"),
        ({"url": "http://[::ffff:127.0.0.1]/x"}, "url"),
        ({"subscribed_events": {"nope.x": "yes"}}, "subscribed_events"),
        ({"subscribed_events": {"nope.x": True}}, "Unknown event type"),
        ({"subscribed_events": {"task.created": False}}, "at least one event type"),
        ({"subscribed_events": ["task.created"]}, "Must be a JSON object"),
        ({"max_retries": 999}, "max_retries"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
    ],
)
def test_the_webhook_form_refuses_what_the_api_refuses(admin_client, staff, changes, message):
    webhook = WebhookFactory(subscribed_events={"task.created": True})
    before = Webhook.objects.values().get(pk=webhook.pk)
    response = post_change(admin_client, staff, webhook, **changes)
    assert response.status_code == 200  # the form again, with its errors
    page = response.content.decode()
    assert "errornote" in page and message in page
    assert Webhook.objects.values().get(pk=webhook.pk) == before


def test_the_webhook_form_saves_valid_changes_as_the_api_would_store_them(admin_client, staff):
    webhook = WebhookFactory(subscribed_events={"task.created": True})
    response = post_change(
        admin_client, staff, webhook, subscribed_events={"task.updated": True, "task.created": False}, max_retries=10
    )
    assert response.status_code == 302
    webhook.refresh_from_db()
    assert webhook.subscribed_events == {"task.updated": True} and webhook.max_retries == 10


def test_the_plugin_installation_form_refuses_a_configuration_that_is_not_an_object(admin_client, staff):
    installation = PluginInstallationFactory(configuration={"theme": "dark"})
    response = post_change(admin_client, staff, installation, configuration=[1, 2])
    assert response.status_code == 200 and "Must be a JSON object" in response.content.decode()
    installation.refresh_from_db()
    assert installation.configuration == {"theme": "dark"}


def test_the_plugin_installation_form_applies_the_manifest_schema(admin_client, staff):
    schema = {"type": "object", "properties": {"theme": {"enum": ["dark", "light"]}}}
    installation = PluginInstallationFactory(
        plugin=PluginFactory(manifest={"config_schema": schema}), configuration={"theme": "dark"}
    )
    response = post_change(admin_client, staff, installation, configuration={"theme": "neon"})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert post_change(admin_client, staff, installation, configuration={"theme": "light"}).status_code == 302
    installation.refresh_from_db()
    assert installation.configuration == {"theme": "light"}


def test_the_plugin_form_refuses_a_manifest_that_is_not_an_object(admin_client, staff):
    plugin = PluginFactory(manifest={"config_schema": {"type": "object"}})
    response = post_change(admin_client, staff, plugin, manifest=[1])
    assert response.status_code == 200 and "Must be a JSON object" in response.content.decode()
    assert Plugin.objects.get(pk=plugin.pk).manifest == {"config_schema": {"type": "object"}}


def test_installed_plugins_read_a_stored_non_object_configuration_as_empty(team, client_for):
    installation = PluginInstallationFactory(workspace=team.workspace)
    PluginInstallation.objects.filter(pk=installation.pk).update(configuration=[1, 2])
    Plugin.objects.filter(pk=installation.plugin_id).update(manifest=[3])
    client = client_for(team.owner)
    response = client.get("/api/v1/integration/plugins/installed", {"workspace_id": str(team.workspace.pk)})
    assert response.status_code == 200
    assert response.json()["data"][0]["configuration"] == {}
    detail = client.get(f"/api/v1/integration/plugins/{installation.plugin_id}")
    assert detail.status_code == 200 and detail.json()["data"]["manifest"] == {}
