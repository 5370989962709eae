"""Deliveries sent in batches: one claim takes many due deliveries, two claimers never share one, a
batch costs the same statements whatever its size, and one delivery's failure (or a slow receiver)
never touches the others of its batch."""

import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from apps.events.models import DomainEvent
from apps.integrations.models import Webhook, WebhookDelivery
from apps.integrations.services import sending
from apps.integrations.services.sending import deliveries_send
from apps.integrations.tasks import webhook_deliver_task
from tests.factories.integrations import WebhookDeliveryFactory, WebhookFactory
from tests.webhook_receiver import Receiver


@pytest.fixture
def receivers(allow_private_targets):
    """receivers(n) -> n started receivers, closed after the test."""
    started = []

    def make(count=1):
        for _ in range(count):
            started.append(Receiver().start())
        return started[-count:]

    yield make
    for server in started:
        server.close()


def queued(webhook, count):
    return [WebhookDeliveryFactory(webhook=webhook, body={"id": f"m{index}", "data": {}}) for index in range(count)]


@pytest.mark.django_db
def test_one_task_sends_a_whole_batch_and_tops_it_up_with_other_due_deliveries(receivers, settings):
    settings.WEBHOOK_BATCH_SIZE = 10
    (receiver,) = receivers()
    webhook = WebhookFactory(url=receiver.url)
    deliveries = queued(webhook, 12)
    not_due = WebhookDeliveryFactory(webhook=webhook, next_retry_at=timezone.now() + timezone.timedelta(minutes=5))
    inactive = WebhookDeliveryFactory(webhook=WebhookFactory(url=receiver.url, is_active=False))

    # The task names the last delivery: it goes first, the batch is filled with the oldest due ones.
    statuses = webhook_deliver_task([str(deliveries[-1].pk)])

    assert len(statuses) == 10 and set(statuses.values()) == {"delivered"}
    assert str(deliveries[-1].pk) in statuses
    assert str(not_due.pk) not in statuses and str(inactive.pk) not in statuses
    assert len(receiver.requests) == 10
    rest = {str(delivery.pk): "delivered" for delivery in deliveries if str(delivery.pk) not in statuses}
    assert webhook_deliver_task([]) == rest and len(rest) == 2
    assert WebhookDelivery.objects.filter(webhook=webhook, status="delivered", attempt_number=1).count() == 12
    assert WebhookDelivery.objects.get(pk=not_due.pk).status == "pending"
    assert WebhookDelivery.objects.get(pk=inactive.pk).attempt_number == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_claimers_never_send_the_same_delivery(receivers, settings):
    settings.WEBHOOK_BATCH_SIZE = 7
    (receiver,) = receivers()
    webhook = WebhookFactory(url=receiver.url)
    deliveries = queued(webhook, 60)
    start = threading.Barrier(2)
    sent: list[list[str]] = [[], []]

    def claimer(index):
        try:
            start.wait()
            while batch := deliveries_send():
                sent[index].extend(batch)
        finally:
            connection.close()

    threads = [threading.Thread(target=claimer, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not set(sent[0]) & set(sent[1])
    assert sorted(sent[0] + sent[1]) == sorted(str(delivery.pk) for delivery in deliveries)
    received = Counter(request["headers"]["webhook-id"] for request in receiver.requests)
    assert len(received) == 60 and set(received.values()) == {1}
    assert WebhookDelivery.objects.filter(status="delivered", attempt_number=1).count() == 60


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 40])
def test_a_batch_costs_the_same_statements_whatever_its_size(receivers, settings, size, django_assert_max_num_queries):
    settings.WEBHOOK_BATCH_SIZE = 50
    fast, other = receivers(2)
    webhooks = [WebhookFactory(url=fast.url, consecutive_failures=3), WebhookFactory(url=other.url)]
    deliveries = [delivery for webhook in webhooks for delivery in queued(webhook, size // 2)]

    # The claim and the read of the rows taken, the outcomes (one update), the streak and
    # last_triggered_at (one update each, for every webhook of the batch), in one transaction
    # (a savepoint here, inside the test's transaction).
    with django_assert_max_num_queries(7):
        statuses = deliveries_send(ids=[delivery.pk for delivery in deliveries])

    assert len(statuses) == size and set(statuses.values()) == {"delivered"}
    assert len(fast.requests) + len(other.requests) == size
    assert set(Webhook.objects.values_list("consecutive_failures", flat=True)) == {0}
    assert Webhook.objects.filter(last_triggered_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_failures_inside_a_batch_are_recorded_per_delivery(receivers, settings, monkeypatch):
    ok, failing = receivers(2)
    failing.statuses = [500]
    unreachable = Receiver()
    closed_url = unreachable.url  # bound, never served: connection refused
    unreachable.server.server_close()
    good = WebhookDeliveryFactory(webhook=WebhookFactory(url=ok.url))
    refused_500 = WebhookDeliveryFactory(webhook=WebhookFactory(url=failing.url))
    refused_connection = WebhookDeliveryFactory(webhook=WebhookFactory(url=closed_url))
    undecryptable = WebhookDeliveryFactory(webhook=WebhookFactory(url=ok.url))
    Webhook.objects.filter(pk=undecryptable.webhook_id).update(secret_encrypted="not a Fernet token")
    crashing = WebhookDeliveryFactory(webhook=WebhookFactory(url=ok.url))
    real_deliver = sending.deliver

    def deliver(url, body, **kwargs):
        if kwargs["message_id"] == str(crashing.pk):
            raise RuntimeError("a bug while sending")
        return real_deliver(url, body, **kwargs)

    monkeypatch.setattr(sending, "deliver", deliver)
    everything = [good, refused_500, refused_connection, undecryptable, crashing]

    statuses = deliveries_send(ids=[delivery.pk for delivery in everything])

    assert statuses == {
        str(good.pk): "delivered",
        str(refused_500.pk): "retrying",
        str(refused_connection.pk): "retrying",
        str(undecryptable.pk): "retrying",
        str(crashing.pk): "retrying",
    }
    rows = {row.pk: row for row in WebhookDelivery.objects.all()}
    assert rows[good.pk].status_code == 200 and rows[good.pk].delivered_at is not None
    assert rows[refused_500.pk].status_code == 500 and rows[refused_500.pk].last_error.startswith("HTTP 500")
    assert rows[refused_connection.pk].status_code is None and "ConnectError" in rows[refused_connection.pk].last_error
    assert "cannot be decrypted" in rows[undecryptable.pk].last_error
    assert rows[crashing.pk].last_error == "Internal error while sending: RuntimeError"
    for delivery in everything[1:]:
        row = rows[delivery.pk]
        assert row.attempt_number == 1 and row.next_retry_at > timezone.now() and row.delivered_at is None
    # Only the receivers that were reached saw a request, one each.
    assert [request["headers"]["webhook-id"] for request in ok.requests] == [str(good.pk)]
    assert len(failing.requests) == 1


@pytest.mark.django_db
def test_a_slow_receiver_holds_neither_the_other_receivers_nor_its_batch(
    receivers, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_BATCH_HOLD_SECONDS = 0.3
    slow, fast = receivers(2)
    slow.delay = 1.0
    slow_deliveries = queued(WebhookFactory(url=slow.url), 3)
    fast_deliveries = queued(WebhookFactory(url=fast.url), 3)

    started = time.monotonic()
    with django_capture_on_commit_callbacks() as callbacks:
        statuses = deliveries_send(ids=[delivery.pk for delivery in slow_deliveries + fast_deliveries])
    elapsed = time.monotonic() - started

    assert elapsed < 2.8  # one slow answer (1 s), not three
    assert len(fast.requests) == 3 and all(statuses[str(delivery.pk)] == "delivered" for delivery in fast_deliveries)
    assert len(slow.requests) == 1
    sent = [delivery for delivery in slow_deliveries if str(delivery.pk) in statuses]
    assert [statuses[str(delivery.pk)] for delivery in sent] == ["delivered"]
    assert slow.requests[0]["headers"]["webhook-id"] == str(sent[0].pk)
    # The two the slow receiver did not get to are given back, due at once, and queued again.
    given_back = WebhookDelivery.objects.filter(pk__in=[d.pk for d in slow_deliveries if d not in sent])
    assert len(given_back) == 2
    assert all(row.status == "pending" and row.attempt_number == 0 for row in given_back)
    assert all(row.next_retry_at <= timezone.now() for row in given_back)
    assert len(callbacks) == 1
    callbacks[0]()
    assert len(slow.requests) >= 2


@pytest.mark.django_db
def test_a_webhook_reaching_its_failure_limit_inside_a_batch_is_disabled_once(receivers, settings):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    (receiver,) = receivers()
    receiver.statuses = [500]
    webhook = WebhookFactory(url=receiver.url, max_retries=0)
    queued(webhook, 4)

    statuses = deliveries_send()

    assert list(statuses.values()) == ["failed"] * 4
    webhook.refresh_from_db()
    assert not webhook.is_active and webhook.consecutive_failures == 4 and webhook.disabled_at is not None
    notice = DomainEvent.objects.get(event_type="webhook.disabled")
    assert notice.payload["consecutive_failures"] == 4 and notice.payload["last_error"].startswith("HTTP 500")
