"""Webhook deliveries end to end: a real domain event, a real HTTP receiver on 127.0.0.1, verified
the way an integrator verifies them (the Standard Webhooks reference library)."""

import datetime as dt
import hashlib
import hmac
import json
import socket

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time
from standardwebhooks import Webhook as StandardWebhook
from standardwebhooks import WebhookVerificationError

from apps.core import webhooks as signed_http
from apps.core.webhooks import standard_secret
from apps.events.models import DomainEvent
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services.deliveries import deliveries_create_for_event
from apps.integrations.tasks import webhook_deliveries_retry_due_task
from apps.notifications.models import Notification
from tests.factories.integrations import WebhookFactory
from tests.webhook_receiver import UNSAFE_URLS


def deliver(url, body=b"{}", secret=None, timeout=5):
    return signed_http.deliver(
        url, body, secrets=[secret or SECRET], message_id="msg_1", event_type="task.created", timeout=timeout
    )


pytestmark = pytest.mark.django_db

SECRET = "receiver-shared-secret-0123456789"


def register(client, team, url, **overrides):
    response = client.post(
        "/api/v1/integration/webhooks",
        {
            "workspace_id": str(team.workspace.pk),
            "name": "Receiver",
            "url": url,
            "secret": SECRET,
            "subscribed_events": {"project.created": True},
            **overrides,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Webhook.objects.get(pk=response.json()["data"]["id"])


def create_project(client, team, name="Launch"):
    response = client.post("/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": name}, format="json")
    assert response.status_code == 201
    return response.json()["data"]


def verify(secret: str, request: dict) -> dict:
    """What a receiver does: a Standard Webhooks library, the secret in its whsec_ form."""
    return StandardWebhook(standard_secret(secret)).verify(request["body"], request["headers"])


def test_an_event_is_delivered_signed_the_standard_webhooks_way(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        project = create_project(client, team)

    assert len(receiver.requests) == 1
    payload = verify(SECRET, receiver.requests[0])
    headers = receiver.headers()
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert headers["webhook-id"] == str(delivery.pk)
    assert headers["x-pronaflow-event"] == "project.created"
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["webhook-signature"].startswith("v1,") and " " not in headers["webhook-signature"]
    plain = "sha256=" + hmac.new(SECRET.encode(), receiver.requests[0]["body"], hashlib.sha256).hexdigest()
    assert headers["x-pronaflow-signature-256"] == plain
    assert "x-pronaflow-signature" not in headers
    event = DomainEvent.objects.get(event_type="project.created")
    assert set(payload) == {"id", "type", "timestamp", "workspace_id", "data"}
    assert payload["id"] == str(event.pk) and payload["type"] == "project.created"
    sent_at = dt.datetime.fromisoformat(payload["timestamp"])  # ISO 8601, milliseconds, "Z"
    assert payload["timestamp"].endswith("Z") and abs(sent_at - event.occurred_at) < dt.timedelta(milliseconds=1)
    assert payload["workspace_id"] == str(team.workspace.pk)
    assert payload["data"]["project_id"] == project["id"] and payload["data"]["name"] == "Launch"

    assert delivery.status == "delivered" and delivery.status_code == 200 and delivery.attempt_number == 1
    assert delivery.response_time_ms is not None and delivery.delivered_at is not None
    assert delivery.response_body == "{}"
    assert delivery.request_headers["webhook-id"] == str(delivery.pk)
    assert delivery.request_headers["webhook-signature"] == "(masked)"
    assert delivery.request_headers["X-PronaFlow-Signature-256"] == "(masked)"
    webhook.refresh_from_db()
    assert webhook.last_triggered_at is not None

    history = client.get(f"/api/v1/integration/webhooks/{webhook.pk}/deliveries").json()
    assert history["total"] == 1 and history["data"][0]["status"] == "delivered"
    assert history["data"][0]["request_headers"]["webhook-signature"] == "(masked)"
    assert history["data"][0]["response_body"] == "{}"


def test_a_generated_secret_works_as_is_in_a_standard_webhooks_library(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    response = client.post(
        "/api/v1/integration/webhooks",
        {
            "workspace_id": str(team.workspace.pk),
            "name": "Lib",
            "url": receiver.url,
            "subscribed_events": {"project.created": True},
        },
        format="json",
    )
    secret = response.json()["data"]["secret"]
    assert secret.startswith("whsec_") and standard_secret(secret) == secret
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    request = receiver.requests[0]
    assert StandardWebhook(secret).verify(request["body"], request["headers"])["type"] == "project.created"
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(signed_http.new_secret()).verify(request["body"], request["headers"])


def test_a_captured_delivery_cannot_be_replayed(team, client_for, receiver, django_capture_on_commit_callbacks):
    client = client_for(team.owner)
    register(client, team, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    captured = receiver.requests[0]
    verify(SECRET, captured)

    # Replayed with a fresh timestamp: the timestamp is signed, so the signature no longer matches.
    fresh = {**captured["headers"], "webhook-timestamp": str(int(timezone.now().timestamp()) + 1)}
    with pytest.raises(WebhookVerificationError, match="No matching signature"):
        verify(SECRET, {**captured, "headers": fresh})
    # Replayed as captured, later than the receiver's tolerance (5 minutes): refused as too old.
    with freeze_time(timezone.now() + dt.timedelta(minutes=6)), pytest.raises(WebhookVerificationError, match="old"):
        verify(SECRET, captured)
    # Replayed under another message id (to slip past de-duplication): refused.
    other_id = {**captured["headers"], "webhook-id": "00000000-0000-0000-0000-000000000000"}
    with pytest.raises(WebhookVerificationError):
        verify(SECRET, {**captured, "headers": other_id})


def test_the_body_carries_only_the_catalogue_fields(team, client_for, receiver, django_capture_on_commit_callbacks):
    """The archive's `notify_team` (and any field an emitter adds) is not in the catalogue: it never
    reaches a receiver."""
    client = client_for(team.owner)
    register(client, team, receiver.url, subscribed_events={"project.created": True, "project.archived": True})
    with django_capture_on_commit_callbacks(execute=True):
        project = create_project(client, team)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/archive/projects/{project['id']}/archive",
            {"reason": "Shipped", "notify_team": False},
            format="json",
        )
    assert response.status_code in (200, 201), response.content
    archived = DomainEvent.objects.get(event_type="project.archived")
    assert "notify_team" in archived.payload  # what the emitter wrote...
    body = receiver.json()
    assert body["type"] == "project.archived"
    assert "notify_team" not in body["data"] and "notify_team" not in json.dumps(body)  # ...is not sent
    assert body["data"]["reason"] == "Shipped"
    assert set(body["data"]) <= {"project_id", "workspace_id", "name", "status", "visibility", "reason"}


def test_nothing_is_sent_before_the_transaction_commits(team, client_for, receiver):
    client = client_for(team.owner)
    register(client, team, receiver.url)
    # Without executing on-commit callbacks (the test transaction never commits), nothing is sent.
    create_project(client, team)
    assert receiver.requests == []


def test_a_failed_delivery_is_retried_with_backoff_then_succeeds(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 200]
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url, max_retries=3, retry_policy="exponential")
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)

    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "retrying" and delivery.attempt_number == 1 and delivery.status_code == 500
    assert delivery.last_error.startswith("HTTP 500")
    wait = delivery.next_retry_at - delivery.updated_at
    assert dt.timedelta(seconds=59) <= wait <= dt.timedelta(seconds=61)

    # Not due yet: the retry job leaves it alone.
    assert webhook_deliveries_retry_due_task() == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert webhook_deliveries_retry_due_task() == 1

    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempt_number == 2 and delivery.status_code == 200
    assert delivery.last_error == "" and delivery.next_retry_at is None
    assert len(receiver.requests) == 2
    first, second = receiver.requests
    assert first["body"] == second["body"]
    assert receiver.headers(0)["webhook-id"] == receiver.headers(1)["webhook-id"] == str(delivery.pk)
    verify(SECRET, second)


def test_the_retry_job_sends_a_backlog_larger_than_its_batch_each_once(
    team, client_for, receiver, django_capture_on_commit_callbacks, settings
):
    """Deliveries whose first attempt was lost (the broker was down) are all sent by one run of the
    retry job, batch after batch, not one batch per beat tick."""
    settings.WEBHOOK_BATCH_SIZE = 1  # a sending task takes only what it was given: the job's batches show
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url)
    for index in range(5):
        create_project(client, team, name=f"Launch {index}")
    for event in DomainEvent.objects.filter(event_type="project.created"):
        deliveries_create_for_event(event)  # their sending is queued on commit, which never comes here
    deliveries = WebhookDelivery.objects.filter(webhook=webhook)
    assert deliveries.count() == 5 and not receiver.requests
    deliveries.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert webhook_deliveries_retry_due_task(batch_size=2) == 5
    assert set(deliveries.values_list("status", flat=True)) == {"delivered"}
    assert sorted(receiver.headers(i)["webhook-id"] for i in range(5)) == sorted(
        str(pk) for pk in deliveries.values_list("pk", flat=True)
    )


def test_a_delivery_fails_for_good_after_its_last_retry(team, client_for, receiver, django_capture_on_commit_callbacks):
    receiver.statuses = [503]
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url, max_retries=1)
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    WebhookDelivery.objects.update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    webhook_deliveries_retry_due_task()

    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "failed" and delivery.attempt_number == 2 and delivery.next_retry_at is None
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1 and webhook.is_active
    assert webhook_deliveries_retry_due_task() == 0
    assert len(receiver.requests) == 2


def test_a_webhook_failing_repeatedly_is_disabled_and_its_owner_is_told(
    team, client_for, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    receiver.statuses = [500]
    client = client_for(team.admin)
    webhook = register(client, team, receiver.url, max_retries=0)
    mail.outbox.clear()
    for name in ("One", "Two"):
        with django_capture_on_commit_callbacks(execute=True):
            create_project(client_for(team.owner), team, name=name)

    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.consecutive_failures == 2
    assert webhook.disabled_at is not None and "2 deliveries" in webhook.disabled_reason
    data = client.get(f"/api/v1/integration/webhooks/{webhook.pk}").json()["data"]
    assert data["is_active"] is False and data["disabled_reason"] == webhook.disabled_reason and data["disabled_at"]
    event = DomainEvent.objects.get(event_type="webhook.disabled")
    assert event.aggregate_id == str(webhook.pk) and event.payload["owner_id"] == str(team.admin.pk)
    assert LogEntry.objects.filter(object_pk=str(webhook.pk), additional_data__action="webhook.disabled").exists()

    # Its owner (the admin who registered it) is told in-app and by e-mail, whatever their e-mail
    # choices; nobody else is, and the notice is theirs alone in the event log.
    [note] = Notification.objects.filter(type="webhook_disabled")
    assert note.user_id == team.admin.pk
    assert "Receiver" in note.title and "2 failed deliveries" in note.message and "HTTP 500" in note.message
    assert note.action_url == f"/integrations/webhooks/{webhook.pk}"
    assert [message.to for message in mail.outbox] == [[team.admin.email]]
    assert "Receiver" in mail.outbox[0].subject
    assert "webhook.disabled" in [e["event_type"] for e in client.get("/api/v1/events").json()["data"]]
    owner_types = [e["event_type"] for e in client_for(team.owner).get("/api/v1/events").json()["data"]]
    assert "webhook.disabled" not in owner_types

    with django_capture_on_commit_callbacks(execute=True):
        create_project(client_for(team.owner), team, name="Three")
    assert WebhookDelivery.objects.filter(webhook=webhook).count() == 2
    assert len(receiver.requests) == 2
    status = client.get("/api/v1/integration/status").json()["data"]["webhooks"]
    assert status["status"] == "degraded" and status["active_webhooks"] == 0

    # Enabling it again resets the streak.
    client.patch(f"/api/v1/integration/webhooks/{webhook.pk}", {"is_active": True}, format="json")
    webhook.refresh_from_db()
    assert webhook.is_active and webhook.consecutive_failures == 0 and webhook.disabled_at is None


def test_the_workspace_owner_is_told_when_the_webhook_s_creator_no_longer_administers_it(
    team, client_for, receiver, settings, django_capture_on_commit_callbacks
):
    from apps.workspaces.models import WorkspaceMember

    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    receiver.statuses = [500]
    register(client_for(team.admin), team, receiver.url, max_retries=0)
    WorkspaceMember.objects.filter(workspace=team.workspace, user=team.admin).update(role="member")
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client_for(team.owner), team)
    assert list(Notification.objects.filter(type="webhook_disabled").values_list("user_id", flat=True)) == [
        team.owner.pk
    ]


def test_the_default_streak_before_disabling_is_20_failed_deliveries(settings):
    assert settings.WEBHOOK_DISABLE_AFTER_FAILURES == 20


def test_an_event_consumer_can_subscribe_to_its_own_webhook_notices(
    team, client_for, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 1
    receiver.statuses = [500]
    client = client_for(team.admin)
    subscribed = client.post(
        "/api/v1/event-consumers",
        {"event_type": "webhook.disabled", "handler_type": "email", "config": {"recipients": ["ops@example.com"]}},
        format="json",
    )
    assert subscribed.status_code == 201, subscribed.content
    webhook = register(client, team, receiver.url, max_retries=0)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client_for(team.owner), team)
    [alert] = [message for message in mail.outbox if message.to == ["ops@example.com"]]
    assert "webhook.disabled" in alert.subject and str(webhook.pk) in alert.body


def test_a_success_resets_the_failure_streak(team, client_for, receiver, settings, django_capture_on_commit_callbacks):
    receiver.statuses = [500, 200]
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url, max_retries=0)
    for name in ("One", "Two"):
        with django_capture_on_commit_callbacks(execute=True):
            create_project(client, team, name=name)
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and webhook.is_active


def test_events_of_other_workspaces_are_never_delivered(team, client_for, receiver, django_capture_on_commit_callbacks):
    foreign = WebhookFactory(
        workspace=team.other_workspace, url=receiver.url, subscribed_events={"project.created": True}
    )
    unsubscribed = WebhookFactory(workspace=team.workspace, url=receiver.url, subscribed_events={"task.created": True})
    inactive = WebhookFactory(
        workspace=team.workspace, url=receiver.url, subscribed_events={"project.created": True}, is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client_for(team.owner), team)
    assert not WebhookDelivery.objects.filter(webhook__in=[foreign, unsubscribed, inactive]).exists()
    assert receiver.requests == []


def test_creating_deliveries_twice_for_one_event_is_idempotent(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    register(client, team, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    event = DomainEvent.objects.get(event_type="project.created")
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_create_for_event(event)
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_deliveries_reuse_one_client_and_keep_the_connection_alive(receiver):
    for _ in range(3):
        assert deliver(receiver.url).ok
    assert signed_http.http_client() is signed_http.http_client()
    assert len({request["client"] for request in receiver.requests}) == 1  # one TCP connection


def test_a_redirect_is_not_followed_and_counts_as_a_failure(receiver):
    receiver.statuses = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data"
    result = deliver(receiver.url)
    assert not result.ok and result.status_code == 302 and "not followed" in result.error
    assert len(receiver.requests) == 1


def test_the_first_8_kb_of_the_answer_are_kept(receiver):
    receiver.answer = b"x" * 20000
    result = deliver(receiver.url)
    assert result.ok and result.response_body == "x" * 8192


@pytest.mark.parametrize("url", [url for url in UNSAFE_URLS if url.startswith("http")])
def test_every_unsafe_target_is_refused_at_send_time(settings, monkeypatch, url):
    """What validation refuses on create and update is refused again when sending (for a row
    written some other way, or a host that changed), without any connection."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    monkeypatch.setattr(
        "apps.core.webhooks.socket.getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))],
    )
    result = deliver(url, timeout=1)
    assert not result.ok and result.status_code is None and result.response_time_ms is None, result


def test_a_host_name_rebound_to_a_private_address_is_refused_when_connecting(settings, monkeypatch, receiver):
    """The name resolved to a public address when the webhook was saved; by the time of the delivery
    it resolves to loopback (DNS rebinding). The check runs on the connection itself."""
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    port = receiver.server.server_address[1]
    monkeypatch.setattr(
        "apps.core.webhooks.socket.getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))],
    )
    result = deliver(f"http://rebound.example.com:{port}/hook", timeout=2)
    assert not result.ok and "resolves to a loopback" in result.error
    assert receiver.requests == []


def test_an_allowed_private_host_is_delivered_to(settings, monkeypatch, receiver):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.0/8"]
    assert deliver(receiver.url).ok
    assert len(receiver.requests) == 1


def test_during_a_secret_rotation_both_secrets_sign_for_a_day(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url)
    rotated = client.post(f"/api/v1/integration/webhooks/{webhook.pk}/rotate-secret")
    assert rotated.status_code == 200
    data = rotated.json()["data"]
    new_secret = data["secret"]
    assert new_secret.startswith("whsec_") and data["previous_secret_expires_at"]
    assert LogEntry.objects.filter(object_pk=str(webhook.pk), additional_data__action="webhook.secret_rotated").exists()
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team, name="During")
    request = receiver.requests[-1]
    assert len(receiver.headers()["webhook-signature"].split(" ")) == 2
    assert verify(SECRET, request)  # receivers still on the old secret
    assert StandardWebhook(new_secret).verify(request["body"], request["headers"])  # and those that switched
    with freeze_time(timezone.now() + dt.timedelta(hours=25)), django_capture_on_commit_callbacks(execute=True):
        create_project(client, team, name="After")
    request = receiver.requests[-1]
    assert " " not in receiver.headers()["webhook-signature"]
    with freeze_time(timezone.now() + dt.timedelta(hours=25)):
        assert StandardWebhook(new_secret).verify(request["body"], request["headers"])
        with pytest.raises(WebhookVerificationError):
            verify(SECRET, request)


def test_retention_purges_old_finished_deliveries_and_usage_only(team, settings):
    from apps.integrations.models import ApiTokenUsage
    from apps.integrations.tasks import integration_records_purge_old_task
    from tests.factories.integrations import ApiTokenFactory, WebhookDeliveryFactory

    settings.WEBHOOK_DELIVERY_RETENTION_DAYS = 30
    webhook = WebhookFactory(workspace=team.workspace)
    old = timezone.now() - dt.timedelta(days=31)
    old_done = WebhookDeliveryFactory(webhook=webhook, status="delivered")
    old_open = WebhookDeliveryFactory(webhook=webhook, status="retrying")
    recent = WebhookDeliveryFactory(webhook=webhook, status="failed")
    WebhookDelivery.objects.filter(pk__in=[old_done.pk, old_open.pk]).update(created_at=old)
    token = ApiTokenFactory(user=team.owner)
    ApiTokenUsage.objects.create(token=token, hour=timezone.now() - dt.timedelta(days=500), method="GET", endpoint="/")
    ApiTokenUsage.objects.create(token=token, hour=timezone.now(), method="GET", endpoint="/")

    assert integration_records_purge_old_task() == {"deliveries": 1, "usage": 1}
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {old_open.pk, recent.pk}
    assert ApiTokenUsage.objects.count() == 1


def test_deliveries_stored_before_the_pipeline_are_rewritten_in_the_message_shape(team):
    """Rows queued with the former body and the raw payload: their retries and redeliveries must send
    what new deliveries send (data migration)."""
    import importlib

    from django.apps import apps as django_apps

    from tests.factories.integrations import WebhookDeliveryFactory

    migration = importlib.import_module("apps.integrations.migrations.0004_delivery_bodies_and_token_prefixes")
    former = {
        "event_id": "e1",
        "event_type": "project.archived",
        "occurred_at": "2026-01-02T03:04:05Z",
        "workspace_id": "w1",
        "actor_id": "a1",
        "data": {"project_id": "p", "name": "Launch", "reason": "Shipped", "notify_team": False},
    }
    archived = WebhookDeliveryFactory(webhook__workspace=team.workspace, event_type="project.archived", body=former)
    current = {"id": "t", "type": "webhook.test", "timestamp": "x", "workspace_id": "w1", "data": {"a": 1}}
    test = WebhookDeliveryFactory(webhook=archived.webhook, event_type="webhook.test", body=current)
    migration.message_shape(django_apps, None)
    archived.refresh_from_db()
    test.refresh_from_db()
    assert archived.body == {
        "id": "e1",
        "type": "project.archived",
        "timestamp": "2026-01-02T03:04:05Z",
        "workspace_id": "w1",
        "data": {"project_id": "p", "name": "Launch", "reason": "Shipped"},
    }
    assert test.body == current


def test_a_secret_that_cannot_be_decrypted_fails_the_attempt_not_the_task(
    team, client_for, receiver, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url)
    Webhook.objects.filter(pk=webhook.pk).update(secret_encrypted="not a Fernet token")
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "retrying" and "cannot be decrypted" in delivery.last_error
    assert receiver.requests == []
