from celery import shared_task

from apps.events.services import event_dispatch, pending_event_ids


@shared_task(bind=True, max_retries=5, default_retry_delay=10, acks_late=True)
def dispatch_event_task(self, event_id: str) -> bool:
    """Fan one event out to its handlers; retried with backoff while a handler fails."""
    if event_dispatch(event_id=event_id):
        return True
    if self.request.is_eager:
        return False  # in-process mode: the redispatch job retries, the caller's request must not fail
    raise self.retry(countdown=min(600, 10 * 2**self.request.retries))


@shared_task
def redispatch_pending_events_task() -> int:
    """Beat job: re-queue events whose dispatch was lost, so delivery is at-least-once."""
    ids = pending_event_ids()
    for event_id in ids:
        dispatch_event_task.delay(event_id)
    return len(ids)
