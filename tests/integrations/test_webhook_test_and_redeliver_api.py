"""POST /integration/webhooks/{id}/test, GET .../deliveries/{delivery_id} and
POST .../deliveries/{delivery_id}/redeliver, against a real receiver on 127.0.0.1."""

import pytest
from auditlog.models import LogEntry
from standardwebhooks import Webhook as StandardWebhook

from apps.core.webhooks import new_secret
from apps.integrations.models import WebhookDelivery
from tests.factories.integrations import WebhookDeliveryFactory, WebhookFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/webhooks"


@pytest.fixture
def secret():
    return new_secret()


@pytest.fixture
def webhook(team, receiver, secret):
    from apps.core import crypto

    return WebhookFactory(
        workspace=team.workspace,
        url=receiver.url,
        secret_encrypted=crypto.encrypt(secret),
        subscribed_events={"project.created": True},
        max_retries=2,
    )


def test_a_test_message_is_sent_signed_and_listed(
    team, client_for, receiver, webhook, secret, django_capture_on_commit_callbacks
):
    client = client_for(team.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}/{webhook.pk}/test")
    assert response.status_code == 202, response.content
    queued = response.json()["data"]
    assert queued["event_type"] == "webhook.test" and queued["webhook_id"] == str(webhook.pk)

    [request] = receiver.requests
    payload = StandardWebhook(secret).verify(request["body"], request["headers"])
    assert payload["type"] == "webhook.test" and payload["data"]["webhook_id"] == str(webhook.pk)
    assert payload["data"]["subscribed_events"] == ["project.created"]
    assert receiver.headers()["webhook-id"] == queued["id"] == payload["id"]
    assert receiver.headers()["x-pronaflow-event"] == "webhook.test"

    detail = client.get(f"{URL}/{webhook.pk}/deliveries/{queued['id']}").json()["data"]
    assert detail["status"] == "delivered" and detail["status_code"] == 200 and detail["attempt_number"] == 1
    assert client.get(f"{URL}/{webhook.pk}/deliveries").json()["total"] == 1


def test_an_inactive_webhook_can_be_tested_and_a_failed_test_leaves_it_alone(
    team, client_for, receiver, webhook, django_capture_on_commit_callbacks
):
    webhook.is_active = False
    webhook.consecutive_failures = 5
    webhook.save()
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.owner).post(f"{URL}/{webhook.pk}/test")
    assert response.status_code == 202
    delivery = WebhookDelivery.objects.get(pk=response.json()["data"]["id"])
    # Attempted once (no retries for a test), failed, and outside the failure streak.
    assert delivery.status == "failed" and delivery.attempt_number == 1 and delivery.next_retry_at is None
    assert delivery.last_error.startswith("HTTP 500") and len(receiver.requests) == 1
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 5 and not webhook.is_active and webhook.last_triggered_at is None


def test_a_failed_delivery_is_redelivered_as_a_new_attempt_with_the_same_webhook_id(
    team, client_for, receiver, webhook, secret, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    receiver.statuses = [500, 200]
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": "Launch"}, format="json")
    delivery = WebhookDelivery.objects.get(webhook=webhook)
    assert delivery.status == "retrying" and delivery.attempt_number == 1
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_retry_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 202, response.content
    assert response.json()["data"]["id"] == str(delivery.pk)
    data = client.get(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}").json()["data"]
    assert data["status"] == "delivered" and data["attempt_number"] == 2 and data["redelivery"] is True

    first, resent = receiver.requests
    assert resent["body"] == first["body"]
    assert receiver.headers(0)["webhook-id"] == receiver.headers(1)["webhook-id"] == str(delivery.pk)
    assert StandardWebhook(secret).verify(resent["body"], resent["headers"])["type"] == "project.created"
    assert WebhookDelivery.objects.count() == 1
    assert LogEntry.objects.filter(object_pk=str(webhook.pk), additional_data__action="webhook.redelivered").exists()


def test_a_failed_redelivery_is_one_attempt_outside_the_failure_streak(
    team, client_for, receiver, webhook, django_capture_on_commit_callbacks
):
    receiver.statuses = [500]
    delivery = WebhookDeliveryFactory(webhook=webhook, status="delivered", attempt_number=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.owner).post(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 202
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempt_number == 2 and delivery.next_retry_at is None
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 0 and webhook.is_active


@pytest.mark.parametrize("status", ["pending", "retrying"])
def test_an_open_delivery_cannot_be_redelivered(team, client_for, webhook, status):
    delivery = WebhookDeliveryFactory(webhook=webhook, status=status)
    response = client_for(team.owner).post(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "CONFLICT"
    assert WebhookDelivery.objects.count() == 1


def test_an_inactive_webhook_answers_409_to_a_redelivery_but_not_to_a_test(team, client_for, webhook):
    webhook.is_active = False
    webhook.save()
    delivered = WebhookDeliveryFactory(webhook=webhook, status="delivered")
    client = client_for(team.owner)
    response = client.post(f"{URL}/{webhook.pk}/deliveries/{delivered.pk}/redeliver")
    assert response.status_code == 409 and "inactive" in response.json()["error"]["message"]
    test = WebhookDeliveryFactory(webhook=webhook, status="failed", event_type="webhook.test")
    assert client.post(f"{URL}/{webhook.pk}/deliveries/{test.pk}/redeliver").status_code == 202
    assert WebhookDelivery.objects.get(pk=test.pk).status == "pending"


def test_only_workspace_administrators_reach_test_and_redeliver(team, client_for, api_client, webhook):
    delivery = WebhookDeliveryFactory(webhook=webhook, status="delivered")
    other = WebhookDeliveryFactory(webhook=WebhookFactory(workspace=team.workspace), status="delivered")
    paths = [
        f"{URL}/{webhook.pk}/test",
        f"{URL}/{webhook.pk}/rotate-secret",
        f"{URL}/{webhook.pk}/deliveries/{delivery.pk}/redeliver",
    ]
    for path in paths:
        assert api_client.post(path).status_code == 401
        for user in (team.member, team.viewer, team.outsider):
            assert client_for(user).post(path).status_code == 404, (path, user)
    assert api_client.get(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}").status_code == 401
    assert client_for(team.member).get(f"{URL}/{webhook.pk}/deliveries/{delivery.pk}").status_code == 404
    # A delivery of another webhook, through this webhook's path: 404.
    owner = client_for(team.owner)
    assert owner.get(f"{URL}/{webhook.pk}/deliveries/{other.pk}").status_code == 404
    assert owner.post(f"{URL}/{webhook.pk}/deliveries/{other.pk}/redeliver").status_code == 404
    assert WebhookDelivery.objects.count() == 2
    before = webhook.secret_encrypted
    webhook.refresh_from_db()
    assert webhook.secret_encrypted == before and not webhook.previous_secret_encrypted


def test_a_chosen_standard_webhooks_secret_is_used_as_its_key(
    team, client_for, receiver, secret, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    created = client.post(
        URL,
        {
            "workspace_id": str(team.workspace.pk),
            "name": "Chosen",
            "url": receiver.url,
            "secret": secret,
            "subscribed_events": {"task.created": True},
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["data"]["secret"] is None
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{URL}/{created.json()['data']['id']}/test")
    request = receiver.requests[0]
    assert StandardWebhook(secret).verify(request["body"], request["headers"])["type"] == "webhook.test"


def test_staff_redeliver_a_failed_delivery_from_the_admin_console(
    client, receiver, webhook, secret, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.factories.accounts import UserFactory

    receiver.statuses = [200]
    delivery = WebhookDeliveryFactory(webhook=webhook, status="failed", attempt_number=3)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))  # staff, no workspace role
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:integrations_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [str(delivery.pk)]},
            follow=True,
        )
    assert "1 delivery(ies) queued again." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempt_number == 4
    assert receiver.headers(0)["webhook-id"] == str(delivery.pk)
