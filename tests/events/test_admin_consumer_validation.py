"""The event-consumer admin form applies the API's validation, and one consumer's bad stored config
fails only its own delivery: the event still reaches every other consumer and handler."""

import pytest
from django.core import mail

from apps.events.models import DomainEvent, EventConsumer, EventDelivery
from tests.admin_forms import change_form_data
from tests.factories.notifications import EventConsumerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def complete(world, task_event):
    return lambda: task_event("task.completed", actor=world.member, status="completed")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"handler_type": "webhook", "config": {"url": "http://[::ffff:127.0.0.1]"}}, "url:"),
        ({"handler_type": "webhook", "config": {"url": "http://127.0.0.1:8383/ssrf"}}, "url:"),
        ({"event_type": "nope.nope"}, "Unknown event type"),
        ({"config": [1]}, "Must be a JSON object"),
        ({"config": {"recipients": ["not-an-address"]}}, "is not an e-mail address"),
        ({"config": {"recipients": ["a@example.com"], "extra": 1}}, "Unknown keys"),
    ],
)
def test_the_consumer_form_refuses_what_the_api_refuses(admin_client, staff, world, changes, message):
    consumer = EventConsumerFactory(owner=world.owner)
    before = EventConsumer.objects.values().get(pk=consumer.pk)
    response = admin_client.post(
        f"/admin/events/eventconsumer/{consumer.pk}/change/", change_form_data(staff, consumer, **changes)
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "errornote" in page and message in page
    assert EventConsumer.objects.values().get(pk=consumer.pk) == before


def test_the_consumer_form_saves_a_valid_change(admin_client, staff, world):
    consumer = EventConsumerFactory(owner=world.owner)
    response = admin_client.post(
        f"/admin/events/eventconsumer/{consumer.pk}/change/",
        change_form_data(staff, consumer, event_type="task.created", config={"recipients": ["x@example.com"]}),
    )
    assert response.status_code == 302
    consumer.refresh_from_db()
    assert consumer.event_type == "task.created" and consumer.config == {"recipients": ["x@example.com"]}


@pytest.mark.parametrize(
    ("handler_type", "config"), [("email", [1]), ("in_app", [1]), ("webhook", [1]), ("in_app", {"user_ids": 7})]
)
def test_a_consumer_with_a_bad_stored_config_fails_alone(world, complete, handler_type, config):
    bad = EventConsumerFactory(owner=world.owner, handler_type=handler_type)
    EventConsumer.objects.filter(pk=bad.pk).update(config=config)
    good = EventConsumerFactory(owner=world.owner, config={"recipients": ["boss@example.com"]})
    mail.outbox.clear()

    event = complete()

    assert DomainEvent.objects.get(pk=event.pk).dispatched_at is not None
    assert EventDelivery.objects.get(consumer=good).status == "succeeded"
    assert [m.to for m in mail.outbox if m.to == ["boss@example.com"]] == [["boss@example.com"]]
    failed = EventDelivery.objects.filter(consumer=bad).first()
    if failed is not None:  # the webhook channel keeps its own record of deliveries
        assert failed.status == "failed" and failed.last_error
