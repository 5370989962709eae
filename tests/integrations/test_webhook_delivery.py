"""Webhook deliveries end to end: a real domain event, a real HTTP receiver on 127.0.0.1."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from apps.core.webhooks import deliver, sign, verify
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services.webhooks import deliveries_create_for_event, retry_delay
from apps.integrations.tasks import webhook_deliveries_retry_due_task
from tests.factories.integrations import WebhookFactory

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


def test_an_event_is_delivered_signed_to_the_receiver(team, client_for, receiver, django_capture_on_commit_callbacks):
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        project = create_project(client, team)

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    headers = {key.lower(): value for key, value in request["headers"].items()}
    expected = "sha256=" + hmac.new(SECRET.encode(), request["body"], hashlib.sha256).hexdigest()
    assert headers["x-pronaflow-signature"] == expected
    assert headers["x-pronaflow-event"] == "project.created"
    assert abs(int(headers["x-pronaflow-timestamp"]) - timezone.now().timestamp()) < 60
    payload = receiver.json()
    assert payload["event_type"] == "project.created"
    assert payload["workspace_id"] == str(team.workspace.pk)
    assert payload["data"]["project_id"] == project["id"] and payload["data"]["name"] == "Launch"

    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert headers["x-pronaflow-delivery"] == str(delivery.pk)
    assert delivery.status == "delivered" and delivery.status_code == 200 and delivery.attempt_number == 1
    assert delivery.response_time_ms is not None and delivery.delivered_at is not None
    webhook.refresh_from_db()
    assert webhook.last_triggered_at is not None

    history = client.get(f"/api/v1/integration/webhooks/{webhook.pk}/deliveries").json()
    assert history["total"] == 1 and history["data"][0]["status"] == "delivered"


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
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]


def test_backoff_grows_exponentially_or_linearly(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    assert [retry_delay("exponential", n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert [retry_delay("linear", n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 90, 120]
    settings.WEBHOOK_RETRY_MAX_SECONDS = 100
    assert retry_delay("exponential", 10).total_seconds() == 100


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


def test_a_webhook_failing_repeatedly_is_deactivated(
    team, client_for, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_MAX_CONSECUTIVE_FAILURES = 2
    receiver.statuses = [500]
    client = client_for(team.owner)
    webhook = register(client, team, receiver.url, max_retries=0)
    for name in ("One", "Two"):
        with django_capture_on_commit_callbacks(execute=True):
            create_project(client, team, name=name)

    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.consecutive_failures == 2
    assert webhook.deactivated_at is not None and "2 deliveries" in webhook.deactivation_reason
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team, name="Three")
    assert WebhookDelivery.objects.filter(webhook=webhook).count() == 2
    assert len(receiver.requests) == 2
    status = client.get("/api/v1/integration/status").json()["data"]["webhooks"]
    assert status["status"] == "degraded" and status["active_webhooks"] == 0


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
    from apps.events.models import DomainEvent

    client = client_for(team.owner)
    register(client, team, receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        create_project(client, team)
    event = DomainEvent.objects.get(event_type="project.created")
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_create_for_event(event)
    assert WebhookDelivery.objects.count() == 1
    assert len(receiver.requests) == 1


def test_delivery_to_a_private_address_is_refused_at_send_time(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    result = deliver("http://127.0.0.1:9/hook", b"{}", SECRET, timeout=1)
    assert not result.ok and result.status_code is None and "not accepted" in result.error


def test_sign_and_verify_agree():
    body = json.dumps({"a": 1}).encode()
    signature = sign(body, SECRET)
    assert signature.startswith("sha256=") and verify(body, SECRET, signature)
    assert not verify(body + b" ", SECRET, signature)


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
