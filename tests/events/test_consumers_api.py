"""Event consumers: CRUD, per-type config validation, and delivery by e-mail, in-app and webhook."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook as StandardWebhook

from apps.events.models import EventConsumer, EventDelivery
from apps.integrations.models import WebhookDelivery
from apps.integrations.tasks import webhook_deliveries_retry_due_task
from apps.notifications.models import Notification
from tests.factories.notifications import EventConsumerFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory
from tests.factories.workspaces import WorkspaceFactory
from tests.helpers import assert_error
from tests.webhook_receiver import UNSAFE_URLS, Receiver

pytestmark = pytest.mark.django_db

URL = "/api/v1/event-consumers"


@pytest.fixture
def complete(world, task_event):
    """complete(task=world.task): the member completes the task (a task.completed event)."""

    def _complete(task=None):
        return task_event("task.completed", actor=world.member, task=task, status="completed")

    return _complete


@pytest.fixture
def target(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    server = Receiver().start()
    yield server
    server.close()


def test_consumers_require_authentication(api_client):
    assert api_client.get(URL).status_code == 401
    assert api_client.post(URL, {}, format="json").status_code == 401


def test_subscribe_by_email_then_list_get_patch_delete(world, client_for):
    client = client_for(world.owner)
    response = client.post(
        URL,
        {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": ["Manager@Example.com"]}},
        format="json",
    )
    assert response.status_code == 201
    created = response.json()["data"]
    assert created["event_type"] == "task.completed" and created["handler_type"] == "email"
    assert created["is_active"] is True and created["secret"] is None
    assert created["config"] == {"recipients": ["manager@example.com"]}
    listed = client.get(URL).json()["data"]
    assert [c["id"] for c in listed] == [created["id"]]
    assert {"id", "event_type", "handler_type", "is_active", "created_at"} <= set(listed[0])
    detail = f"{URL}/{created['id']}"
    assert client.get(detail).json()["data"]["id"] == created["id"]
    patched = client.patch(detail, {"is_active": False}, format="json").json()["data"]
    assert patched["is_active"] is False
    assert client.delete(detail).status_code == 204
    assert not EventConsumer.objects.exists()


def test_subscribe_with_the_spec_body_answers_201_with_the_documented_fields(world, client_for):
    body = {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": ["manager@example.com"]}}
    response = client_for(world.viewer).post(URL, body, format="json")
    assert response.status_code == 201
    created = response.json()["data"]
    assert {"id", "event_type", "handler_type", "is_active", "created_at", "config"} <= set(created)
    assert isinstance(created["is_active"], bool) and created["config"] == body["config"]


@pytest.mark.parametrize(
    ("handler_type", "expected"),
    [("email", lambda user: {"recipients": [user.email]}), ("in_app", lambda user: {"user_ids": [str(user.pk)]})],
)
def test_config_may_be_omitted_and_then_targets_the_subscriber(world, client_for, handler_type, expected):
    response = client_for(world.viewer).post(
        URL, {"event_type": "task.completed", "handler_type": handler_type}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["data"]["config"] == expected(world.viewer)
    assert EventConsumer.objects.get().config == expected(world.viewer)


def test_webhook_without_config_is_rejected_with_422(world, client_for):
    response = client_for(world.owner).post(
        URL, {"event_type": "task.completed", "handler_type": "webhook"}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="config")
    assert not EventConsumer.objects.exists()


def test_other_users_consumers_answer_404(world, client_for):
    consumer = EventConsumerFactory(owner=world.owner)
    client = client_for(world.member)
    assert client.get(f"{URL}/{consumer.pk}").status_code == 404
    assert client.patch(f"{URL}/{consumer.pk}", {"is_active": False}, format="json").status_code == 404
    assert client.delete(f"{URL}/{consumer.pk}").status_code == 404
    assert client.get(URL).json()["data"] == []
    consumer.refresh_from_db()
    assert consumer.is_active is True


@pytest.mark.parametrize(
    "body",
    [
        {"event_type": "task.exploded", "handler_type": "email", "config": {"recipients": ["a@example.com"]}},
        {"event_type": "task.completed", "handler_type": "sms", "config": {}},
        {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": []}},
        {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": ["not-an-email"]}},
        {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": ["a@example.com"], "x": 1}},
        {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": "ftp://example.com/x"}},
        {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": "http://127.0.0.1:8000/x"}},
        {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": "http://169.254.169.254/"}},
        {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": "http://localhost/x"}},
        {"event_type": "task.completed", "handler_type": "in_app", "config": {"user_ids": ["nope"]}},
        {"event_type": "task.completed", "handler_type": "in_app", "config": "everyone"},
    ],
)
def test_invalid_consumers_are_rejected_with_422_and_nothing_is_written(world, client_for, body):
    response = client_for(world.owner).post(URL, body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")
    assert not EventConsumer.objects.exists()


def test_foreign_workspace_id_is_422_naming_it_and_in_app_users_must_be_colleagues(world, client_for):
    client = client_for(world.owner)
    foreign = client.post(
        URL,
        {
            "event_type": "task.completed",
            "handler_type": "email",
            "workspace_id": str(world.outsider.workspace_memberships.get().workspace_id),
            "config": {"recipients": ["a@example.com"]},
        },
        format="json",
    )
    assert foreign.status_code == 422
    assert "workspace_id" in foreign.json()["error"]["details"]
    stranger = client.post(
        URL,
        {"event_type": "task.completed", "handler_type": "in_app", "config": {"user_ids": [str(world.outsider.pk)]}},
        format="json",
    )
    assert stranger.status_code == 422
    assert not EventConsumer.objects.exists()


def test_viewer_cannot_push_in_app_notifications_to_colleagues(world, client_for):
    response = client_for(world.viewer).post(
        URL,
        {
            "event_type": "task.completed",
            "handler_type": "in_app",
            "workspace_id": str(world.workspace.pk),
            "config": {"user_ids": [str(world.member.pk)]},
        },
        format="json",
    )
    assert response.status_code == 403
    assert not EventConsumer.objects.exists()


def test_email_consumer_receives_matching_events_once(world, complete, client_for):
    client_for(world.owner).post(
        URL,
        {"event_type": "task.completed", "handler_type": "email", "config": {"recipients": ["boss@example.com"]}},
        format="json",
    )
    mail.outbox.clear()
    event = complete()
    consumer_mails = [m for m in mail.outbox if m.to == ["boss@example.com"]]
    assert len(consumer_mails) == 1
    assert "task.completed" in consumer_mails[0].subject and "Design UI" in consumer_mails[0].body
    delivery = EventDelivery.objects.get()
    assert delivery.status == "succeeded" and delivery.event_id == event.pk
    from apps.events.services import event_dispatch

    event.__class__.objects.filter(pk=event.pk).update(dispatched_at=None)
    event_dispatch(event_id=event.pk)
    assert EventDelivery.objects.count() == 1
    assert len([m for m in mail.outbox if m.to == ["boss@example.com"]]) == 1


def test_consumer_only_receives_events_its_owner_may_see(world, complete, client_for):
    private = ProjectFactory(workspace=world.workspace, created_by=world.owner, visibility="private")
    task = TaskFactory(project=private, created_by=world.owner)
    EventConsumerFactory(owner=world.member, config={"recipients": ["m@example.com"]})
    EventConsumerFactory(owner=world.outsider, config={"recipients": ["o@example.com"]})
    complete(task=task)
    assert not EventDelivery.objects.exists()
    complete()
    assert [d.consumer.owner_id for d in EventDelivery.objects.all()] == [world.member.pk]


def test_workspace_bound_consumer_ignores_other_workspaces(world, complete, client_for):
    other_workspace = WorkspaceFactory(created_by=world.owner)
    EventConsumerFactory(owner=world.owner, workspace=other_workspace)
    complete()
    assert not EventDelivery.objects.exists()


def test_in_app_consumer_notifies_the_configured_colleagues(world, complete, client_for):
    response = client_for(world.owner).post(
        URL,
        {
            "event_type": "task.completed",
            "handler_type": "in_app",
            "workspace_id": str(world.workspace.pk),
            "config": {"user_ids": [str(world.admin.pk)]},
        },
        format="json",
    )
    assert response.status_code == 201
    complete()
    [note] = Notification.objects.filter(user=world.admin, type="event")
    assert note.title == "Event: task.completed"
    assert note.action_url == f"/tasks/{world.task.pk}"
    assert EventDelivery.objects.get().status == "succeeded"


def subscribe_webhook(client, url, event_type="task.completed"):
    response = client.post(
        URL, {"event_type": event_type, "handler_type": "webhook", "config": {"url": url}}, format="json"
    )
    assert response.status_code == 201, response.content
    return response.json()["data"]


def test_webhook_consumer_gets_a_standard_webhooks_signed_post_with_the_secret_shown_once(
    world, complete, fire, client_for, target
):
    client = client_for(world.owner)
    created = subscribe_webhook(client, target.url)
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert "secret" not in client.get(f"{URL}/{created['id']}").json()["data"]
    event = complete()
    [request] = target.requests
    payload = StandardWebhook(secret).verify(request["body"], request["headers"])
    headers = target.headers()
    delivery = WebhookDelivery.objects.get(consumer_id=created["id"])
    assert headers["webhook-id"] == str(delivery.pk) and headers["x-pronaflow-event"] == "task.completed"
    assert headers["x-pronaflow-signature-256"].startswith("sha256=")
    assert payload["id"] == str(event.pk) and payload["type"] == "task.completed"
    assert payload["data"]["title"] == "Design UI" and "payload" not in payload
    assert delivery.status == "delivered" and delivery.status_code == 200 and delivery.attempt_number == 1
    # One pipeline: the webhook consumer's delivery is a WebhookDelivery, not an EventDelivery.
    assert not EventDelivery.objects.exists()


def test_consumers_and_webhooks_receive_the_same_document(world, fire, client_for, target):
    """One message shape for module 7 consumers and module 12 webhooks, from the catalogue's fields
    only: the archive's notify_team reaches neither."""
    from tests.factories.integrations import WebhookFactory

    subscribe_webhook(client_for(world.owner), target.url, event_type="project.archived")
    WebhookFactory(workspace=world.workspace, url=target.url, subscribed_events={"project.archived": True})
    payload = {
        "project_id": str(world.project.pk),
        "workspace_id": str(world.workspace.pk),
        "name": world.project.name,
        "status": "archived",
        "visibility": "workspace",
        "reason": "Shipped",
        "notify_team": False,
    }
    fire(
        "project.archived",
        aggregate=world.project,
        actor=world.member,
        workspace=world.workspace,
        project=world.project,
        payload=payload,
    )
    assert len(target.requests) == 2
    consumer_body, webhook_body = (json.loads(request["body"]) for request in target.requests)
    assert consumer_body == webhook_body
    assert "notify_team" not in consumer_body["data"] and consumer_body["data"]["reason"] == "Shipped"
    assert target.requests[0]["body"] == target.requests[1]["body"]


def test_failing_webhook_consumer_is_retried_with_backoff_then_fails(
    world, complete, fire, client_for, target, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    target.statuses = [500]
    created = subscribe_webhook(client_for(world.owner), target.url)
    complete()
    delivery = WebhookDelivery.objects.get(consumer_id=created["id"])
    # One attempt now; the retry is scheduled in the database, 30 s later.
    assert len(target.requests) == 1 and delivery.status == "retrying" and delivery.attempt_number == 1
    assert dt.timedelta(seconds=29) <= delivery.next_retry_at - timezone.now() <= dt.timedelta(seconds=31)
    assert webhook_deliveries_retry_due_task() == 0
    for attempt in range(2, 7):
        WebhookDelivery.objects.update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))
        assert webhook_deliveries_retry_due_task() == 1
        delivery.refresh_from_db()
        assert delivery.attempt_number == attempt
    # First attempt + 5 retries, then failed for good.
    assert len(target.requests) == 6
    assert delivery.status == "failed" and delivery.status_code == 500 and delivery.next_retry_at is None
    assert webhook_deliveries_retry_due_task() == 0
    assert len({request["headers"]["webhook-id"] for request in target.requests}) == 1
    consumer = EventConsumer.objects.get(pk=created["id"])
    assert consumer.consecutive_failures == 1 and consumer.is_active


def test_a_retried_consumer_delivery_succeeds_and_ends_the_streak(world, complete, fire, client_for, target):
    target.statuses = [503, 200]
    created = subscribe_webhook(client_for(world.owner), target.url)
    EventConsumer.objects.filter(pk=created["id"]).update(consecutive_failures=3)
    complete()
    WebhookDelivery.objects.update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert webhook_deliveries_retry_due_task() == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and delivery.attempt_number == 2 and delivery.last_error == ""
    assert target.requests[0]["body"] == target.requests[1]["body"]
    assert EventConsumer.objects.get(pk=created["id"]).consecutive_failures == 0


def test_an_inactive_consumer_is_not_retried(world, complete, fire, client_for, target):
    target.statuses = [500]
    created = subscribe_webhook(client_for(world.owner), target.url)
    complete()
    EventConsumer.objects.filter(pk=created["id"]).update(is_active=False)
    WebhookDelivery.objects.update(next_retry_at=timezone.now() - dt.timedelta(seconds=1))
    assert webhook_deliveries_retry_due_task() == 0
    assert len(target.requests) == 1


def test_a_failing_webhook_consumer_is_disabled_and_its_owner_told(
    world, complete, fire, client_for, target, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 2
    target.statuses = [500]
    client = client_for(world.viewer)
    created = subscribe_webhook(client, target.url)
    mail.outbox.clear()
    for _ in range(2):
        complete(task=TaskFactory(project=world.project, created_by=world.owner))
        for _retry in range(5):
            WebhookDelivery.objects.filter(status="retrying").update(next_retry_at=timezone.now())
            with django_capture_on_commit_callbacks(execute=True):
                webhook_deliveries_retry_due_task()
    data = client.get(f"{URL}/{created['id']}").json()["data"]
    assert data["is_active"] is False and data["consecutive_failures"] == 2
    assert data["disabled_at"] and "2 deliveries" in data["disabled_reason"]
    [note] = Notification.objects.filter(type="webhook_disabled")
    assert note.user_id == world.viewer.pk and note.action_url == f"/event-consumers/{created['id']}"
    assert [m.to for m in mail.outbox if "disabled" in m.subject.lower()] == [[world.viewer.email]]
    # Enabling it again resets the streak.
    client.patch(f"{URL}/{created['id']}", {"is_active": True}, format="json")
    consumer = EventConsumer.objects.get(pk=created["id"])
    assert consumer.is_active and consumer.consecutive_failures == 0 and consumer.disabled_at is None


def test_webhook_to_a_private_address_is_refused_at_delivery_time(world, complete, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    from apps.core import crypto

    consumer = EventConsumerFactory(
        owner=world.owner,
        handler_type="webhook",
        config={"url": "http://127.0.0.1:9/hook"},
        secret_encrypted=crypto.encrypt("whsec_x"),
    )
    complete()
    delivery = WebhookDelivery.objects.get(consumer=consumer)
    assert delivery.status == "retrying" and delivery.next_retry_at is not None
    assert "private" in delivery.last_error.lower()


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_webhook_urls_are_refused_on_create(world, client_for, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    response = client_for(world.owner).post(
        URL, {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": url}}, format="json"
    )
    assert response.status_code == 422, (url, response.content)
    assert "config" in response.json()["error"]["details"]
    assert not EventConsumer.objects.exists()


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_unsafe_webhook_urls_are_refused_on_update(world, client_for, settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    consumer = EventConsumerFactory(
        owner=world.owner, handler_type="webhook", config={"url": "https://hooks.example.com/x"}
    )
    response = client_for(world.owner).patch(f"{URL}/{consumer.pk}", {"config": {"url": url}}, format="json")
    assert response.status_code == 422, (url, response.content)
    consumer.refresh_from_db()
    assert consumer.config == {"url": "https://hooks.example.com/x"}


def test_a_host_name_resolving_to_a_private_address_is_refused_for_consumers(world, client_for, settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    monkeypatch.setattr(
        "apps.core.webhooks.socket.getaddrinfo", lambda host, port, **kw: [(2, 1, 6, "", ("10.1.2.3", port))]
    )
    response = client_for(world.owner).post(
        URL,
        {"event_type": "task.completed", "handler_type": "webhook", "config": {"url": "https://in.example.com/x"}},
        format="json",
    )
    assert response.status_code == 422
