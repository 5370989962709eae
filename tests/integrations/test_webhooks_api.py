import socket

import pytest
from auditlog.models import LogEntry

from apps.core import crypto
from apps.integrations.models import Webhook
from apps.workspaces.choices import WorkspaceRole
from tests.factories.integrations import WebhookDeliveryFactory, WebhookFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import assert_error
from tests.webhook_receiver import UNSAFE_URLS

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/webhooks"


def body(team, **overrides):
    return {
        "workspace_id": str(team.workspace.pk),
        "name": "Slack Notifications",
        "url": "https://hooks.example.com/services/pronaflow",
        "secret": "webhook_secret_key_0123",
        "subscribed_events": {"task.created": True, "task.completed": True, "project.updated": False},
        "retry_policy": "exponential",
        "max_retries": 5,
        "timeout_seconds": 30,
        **overrides,
    }


def test_an_admin_registers_a_webhook_and_its_secret_is_never_returned(team, client_for, allow_private_targets):
    client = client_for(team.admin)
    response = client.post(URL, body(team), format="json")

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["subscribed_events"] == {"task.completed": True, "task.created": True}
    assert data["is_active"] is True and data["workspace_id"] == str(team.workspace.pk)
    assert data["secret"] is None
    webhook = Webhook.objects.get(pk=data["id"])
    assert "webhook_secret_key_0123" not in webhook.secret_encrypted
    assert crypto.decrypt(webhook.secret_encrypted) == "webhook_secret_key_0123"
    for page in (client.get(URL).json(), client.get(f"{URL}/{webhook.pk}").json()):
        items = page["data"] if isinstance(page["data"], list) else [page["data"]]
        assert "webhook_secret_key_0123" not in str(page) and webhook.secret_encrypted not in str(page)
        assert all({"secret", "secret_encrypted", "previous_secret_encrypted"}.isdisjoint(item) for item in items)
    assert LogEntry.objects.filter(object_pk=str(webhook.pk), additional_data__action="webhook.created").exists()
    assert LogEntry.objects.filter(object_pk=str(webhook.pk)).count() == 1  # one entry per action, not two


def test_without_a_secret_one_is_generated_and_shown_once(team, client_for, allow_private_targets):
    payload = body(team)
    del payload["secret"]
    data = client_for(team.owner).post(URL, payload, format="json").json()["data"]
    assert data["secret"].startswith("whsec_")
    webhook = Webhook.objects.get(pk=data["id"])
    assert crypto.decrypt(webhook.secret_encrypted) == data["secret"]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_private_loopback_and_non_http_targets_are_refused(team, client_for, url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = client_for(team.owner).post(URL, body(team, url=url), format="json")
    assert response.status_code == 422, (url, response.content)
    assert "url" in response.json()["error"]["details"]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_private_loopback_and_non_http_targets_are_refused_on_update(team, client_for, url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    webhook = WebhookFactory(workspace=team.workspace)
    response = client_for(team.owner).patch(f"{URL}/{webhook.pk}", {"url": url}, format="json")
    assert response.status_code == 422, (url, response.content)
    assert "url" in response.json()["error"]["details"]
    webhook.refresh_from_db()
    assert webhook.url == "https://hooks.example.com/pronaflow"


@pytest.mark.parametrize(
    "url", ["http://8.8.8.8/hook", "http://[2606:4700::1111]/hook", "http://[64:ff9b::808:808]/hook"]
)
def test_public_address_literals_are_accepted(team, client_for, url, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = client_for(team.owner).post(URL, body(team, url=url), format="json")
    assert response.status_code == 201, response.content


def test_a_host_name_resolving_to_a_private_address_is_refused(team, client_for, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    monkeypatch.setattr(
        "apps.core.webhooks.socket.getaddrinfo",
        lambda host, port, **kw: [(2, 1, 6, "", ("10.1.2.3", port))],
    )
    response = client_for(team.owner).post(URL, body(team, url="https://internal.example.com/hook"), format="json")
    assert response.status_code == 422


def test_a_host_name_that_does_not_resolve_yet_is_accepted(team, client_for, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False

    def no_dns(host, port, **kw):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr("apps.core.webhooks.socket.getaddrinfo", no_dns)
    url = "https://hooks.slack.com/services/YOUR/WEBHOOK/URL"
    response = client_for(team.owner).post(URL, body(team, url=url), format="json")
    assert response.status_code == 201
    assert response.json()["data"]["url"] == url


def test_the_documented_body_without_workspace_id_registers_on_the_workspace_i_administer(
    team, client_for, allow_private_targets
):
    payload = body(team)
    del payload["workspace_id"]
    response = client_for(team.admin).post(URL, payload, format="json")
    assert response.status_code == 201
    data = response.json()["data"]
    documented = {"id", "name", "url", "is_active", "subscribed_events", "created_at"}
    assert documented <= set(data)
    assert data["workspace_id"] == str(team.workspace.pk)
    assert Webhook.objects.get(pk=data["id"]).workspace_id == team.workspace.pk


def test_without_workspace_id_someone_administering_several_workspaces_must_name_one(
    team, client_for, allow_private_targets
):
    WorkspaceMemberFactory(workspace=team.other_workspace, user=team.owner, role=WorkspaceRole.ADMIN)
    payload = body(team)
    del payload["workspace_id"]
    response = client_for(team.owner).post(URL, payload, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="workspace_id")
    assert not Webhook.objects.exists()


def test_without_workspace_id_a_member_who_administers_nothing_gets_403(team, client_for, allow_private_targets):
    payload = body(team)
    del payload["workspace_id"]
    response = client_for(team.member).post(URL, payload, format="json")
    assert_error(response, 403, "FORBIDDEN")
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"subscribed_events": {"task.exploded": True}}, "subscribed_events"),
        ({"subscribed_events": {}}, "subscribed_events"),
        ({"subscribed_events": {"task.created": False}}, "subscribed_events"),
        ({"subscribed_events": {"task.created": "yes"}}, "subscribed_events"),
        ({"subscribed_events": {"task.created": 1}}, "subscribed_events"),
        ({"subscribed_events": ["task.created"]}, "subscribed_events"),
        ({"retry_policy": "random"}, "retry_policy"),
        ({"max_retries": 99}, "max_retries"),
        ({"timeout_seconds": 0}, "timeout_seconds"),
        ({"secret": "short"}, "secret"),
        ({"secret": "whsec_not-base64-at-all!!"}, "secret"),
        ({"secret": "whsec_c2hvcnQga2V5IG9mIDE3IGJ5dGVz"}, "secret"),
        ({"name": ""}, "name"),
    ],
)
def test_invalid_webhooks_answer_422(team, client_for, allow_private_targets, overrides, field):
    response = client_for(team.owner).post(URL, body(team, **overrides), format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field=field)
    assert not Webhook.objects.exists()


def test_members_cannot_register_webhooks(team, client_for, allow_private_targets):
    assert client_for(team.member).post(URL, body(team), format="json").status_code == 403
    assert not Webhook.objects.exists()


def test_a_foreign_workspace_id_answers_422_naming_it_and_writes_nothing(team, client_for, allow_private_targets):
    response = client_for(team.owner).post(URL, body(team, workspace_id=str(team.other_workspace.pk)), format="json")
    assert response.status_code == 422
    assert "workspace_id" in response.json()["error"]["details"]
    assert not Webhook.objects.exists()


def test_anonymous_requests_answer_401(api_client):
    assert api_client.get(URL).status_code == 401


def test_webhooks_are_visible_to_workspace_admins_only(team, client_for):
    webhook = WebhookFactory(workspace=team.workspace)
    WebhookFactory(workspace=team.other_workspace)
    assert [item["id"] for item in client_for(team.admin).get(URL).json()["data"]] == [str(webhook.pk)]
    assert client_for(team.member).get(URL).json()["data"] == []
    assert client_for(team.member).get(f"{URL}/{webhook.pk}").status_code == 404
    assert client_for(team.outsider).patch(f"{URL}/{webhook.pk}", {"name": "x"}).status_code == 404
    assert client_for(team.outsider).delete(f"{URL}/{webhook.pk}").status_code == 404
    assert client_for(team.outsider).get(f"{URL}/{webhook.pk}/deliveries").status_code == 404


def test_the_webhook_list_filters_by_is_active_in_constant_queries(team, client_for, django_assert_max_num_queries):
    WebhookFactory.create_batch(12, workspace=team.workspace)
    WebhookFactory.create_batch(3, workspace=team.workspace, is_active=False)
    client = client_for(team.owner)
    with django_assert_max_num_queries(3):
        response = client.get(URL, {"is_active": "true", "page_size": 100})
    assert response.json()["pagination"]["total"] == 12
    assert client.get(URL, {"is_active": "false"}).json()["pagination"]["total"] == 3
    assert client.get(URL, {"is_active": "sometimes"}).status_code == 400


def test_patch_merges_subscriptions_and_reactivation_clears_the_failure_streak(team, client_for):
    webhook = WebhookFactory(
        workspace=team.workspace,
        subscribed_events={"task.created": True, "task.completed": True},
        is_active=False,
        consecutive_failures=5,
    )
    response = client_for(team.admin).patch(
        f"{URL}/{webhook.pk}",
        {
            "name": "Slack Notifications (Updated)",
            "subscribed_events": {"task.created": True, "task.completed": False, "project.updated": True},
            "is_active": True,
        },
        format="json",
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["subscribed_events"] == {"project.updated": True, "task.created": True}
    assert data["is_active"] is True and data["consecutive_failures"] == 0
    assert client_for(team.member).patch(f"{URL}/{webhook.pk}", {"name": "x"}).status_code == 404
    invalid = client_for(team.admin).patch(f"{URL}/{webhook.pk}", {"subscribed_events": {"nope": True}}, format="json")
    assert invalid.status_code == 422


def test_deleting_a_webhook_is_audited(team, client_for):
    webhook = WebhookFactory(workspace=team.workspace)
    before = LogEntry.objects.filter(object_pk=str(webhook.pk)).count()
    assert client_for(team.owner).delete(f"{URL}/{webhook.pk}").status_code == 204
    assert not Webhook.objects.filter(pk=webhook.pk).exists()
    assert LogEntry.objects.filter(object_pk=str(webhook.pk), additional_data__action="webhook.deleted").exists()
    assert LogEntry.objects.filter(object_pk=str(webhook.pk)).count() == before + 1  # one entry, not two


def test_the_delivery_history_filters_by_status_with_limit_offset_and_total(
    team, client_for, django_assert_max_num_queries
):
    webhook = WebhookFactory(workspace=team.workspace)
    WebhookDeliveryFactory.create_batch(60, webhook=webhook, status="delivered", status_code=200)
    WebhookDeliveryFactory.create_batch(4, webhook=webhook, status="failed", status_code=500, last_error="HTTP 500")
    WebhookDeliveryFactory(webhook=WebhookFactory(workspace=team.workspace))
    client = client_for(team.owner)
    url = f"{URL}/{webhook.pk}/deliveries"

    with django_assert_max_num_queries(4):
        page = client.get(url).json()
    assert page["total"] == 64 and len(page["data"]) == 50 and "pagination" not in page
    assert set(page["data"][0]) >= {"id", "webhook_id", "event_type", "status", "attempt_number", "status_code"}
    failed = client.get(url, {"status": "failed"}).json()
    assert failed["total"] == 4 and {item["status"] for item in failed["data"]} == {"failed"}
    assert failed["data"][0]["last_error"] == "HTTP 500"
    tail = client.get(url, {"limit": 10, "offset": 60}).json()
    assert tail["total"] == 64 and len(tail["data"]) == 4
    assert client.get(url, {"status": "exploded"}).status_code == 400
    assert client.get(url, {"offset": -1}).status_code == 400


def test_the_spec_s_sdk_example_registers_a_webhook(team, client_for, allow_private_targets):
    """client.webhooks.create({url, events: [...]}): a list of types, no name, no workspace_id."""
    response = client_for(team.admin).post(
        URL, {"url": "https://your-app.com/webhook", "events": ["task.created", "task.completed"]}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["name"] == "your-app.com" and data["workspace_id"] == str(team.workspace.pk)
    assert data["subscribed_events"] == {"task.completed": True, "task.created": True}
    assert data["secret"].startswith("whsec_")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"events": ["task.exploded"]}, "subscribed_events"),
        ({"events": []}, "events"),
        ({"events": ["task.created"], "subscribed_events": {"task.created": True}}, "events"),
        ({}, "subscribed_events"),
    ],
)
def test_invalid_event_lists_answer_422(team, client_for, allow_private_targets, payload, field):
    response = client_for(team.owner).post(
        URL, {"workspace_id": str(team.workspace.pk), "url": "https://hooks.example.com/x", **payload}, format="json"
    )
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["details"]
    assert not Webhook.objects.exists()


@pytest.mark.parametrize("policy", ["exponential", "linear", "fixed"])
def test_every_retry_policy_is_accepted(team, client_for, allow_private_targets, policy):
    response = client_for(team.owner).post(URL, body(team, retry_policy=policy, max_retries=10), format="json")
    assert response.status_code == 201
    assert response.json()["data"]["retry_policy"] == policy


def test_rotating_the_secret_shows_the_new_one_once(team, client_for):
    webhook = WebhookFactory(workspace=team.workspace)
    old = crypto.decrypt(webhook.secret_encrypted)
    response = client_for(team.admin).post(f"{URL}/{webhook.pk}/rotate-secret")
    assert response.status_code == 200
    data = response.json()["data"]
    webhook.refresh_from_db()
    assert crypto.decrypt(webhook.secret_encrypted) == data["secret"] != old
    assert crypto.decrypt(webhook.previous_secret_encrypted) == old
    assert data["previous_secret_expires_at"] is not None
    assert "secret" not in client_for(team.admin).get(f"{URL}/{webhook.pk}").json()["data"]
    assert client_for(team.member).post(f"{URL}/{webhook.pk}/rotate-secret").status_code == 404
