from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS
from apps.events.services import event_dispatch, pending_event_keys

# An event not dispatched this long after it occurred lost its dispatch task (or failed).
REDISPATCH_AFTER = timedelta(minutes=2)


@shared_task(bind=True, max_retries=5, default_retry_delay=10, acks_late=True, **RETRY_ON_CONNECTION_ERRORS)
def event_dispatch_task(self, event_id: str) -> bool:
    """Fan one event out to its handlers; retried with backoff while a handler fails."""
    if event_dispatch(event_id=event_id):
        return True
    if self.request.is_eager:
        return False  # in-process mode: the redispatch job retries, the caller's request must not fail
    raise self.retry(countdown=min(600, 10 * 2**self.request.retries))


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def events_redispatch_pending_task(batch_size: int = 500) -> int:
    """Beat job: re-queue events whose dispatch was lost (pending for 2 minutes), so delivery is
    at-least-once. Walks the whole backlog in batches of `batch_size`: one batch per run left a
    broker outage of more than 500 events a minute more to recover per 500. Returns how many."""
    before, after, queued = timezone.now() - REDISPATCH_AFTER, None, 0
    while True:
        batch = pending_event_keys(before=before, after=after, limit=batch_size)
        for _, event_id in batch:
            event_dispatch_task.delay(event_id)
        queued += len(batch)
        if len(batch) < batch_size:
            return queued
        after = batch[-1]


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def events_purge_old_task() -> int:
    """Beat job: delete events older than EVENT_RETENTION_DAYS (their receipts and deliveries go
    with them; notifications they caused stay)."""
    from apps.events.services import events_purge_old

    return events_purge_old()


def _deliver_with_retries(task, send, delivery_id: str) -> bool:
    from apps.events.consumers import delivery_mark_failed

    if send(delivery_id=delivery_id):
        return True
    if task.request.is_eager:
        # In-process mode (no broker): retry inline, without the backoff a worker would apply.
        for _ in range(task.max_retries):
            if send(delivery_id=delivery_id):
                return True
        delivery_mark_failed(delivery_id=delivery_id)
        return False
    if task.request.retries >= task.max_retries:
        delivery_mark_failed(delivery_id=delivery_id)
        return False
    raise task.retry(countdown=min(3600, 30 * 2**task.request.retries))


@shared_task(bind=True, max_retries=5, acks_late=True)
def consumer_email_deliver_task(self, delivery_id: str) -> bool:
    """Send one consumer e-mail; retried with backoff while the mail server refuses it."""
    from apps.events.consumers import delivery_email_send

    return _deliver_with_retries(self, delivery_email_send, delivery_id)
