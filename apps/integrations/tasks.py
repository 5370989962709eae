"""Celery tasks of module 12: ids in, thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS
from apps.integrations.services.deliveries import delivery_attempt, due_delivery_keys
from apps.integrations.services.webhooks import integrations_purge_old


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliver_task(delivery_id: str) -> str | None:
    """One attempt of one delivery (to a webhook or a webhook event consumer), on the "webhooks"
    queue; retries are scheduled in the database (next_retry_at) and picked up by
    webhook_deliveries_retry_due_task."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def webhook_deliveries_retry_due_task(batch_size: int = 500) -> int:
    """Beat job: queue every delivery whose retry is due (or whose first attempt was lost), the
    whole backlog in batches of `batch_size` (not one batch a minute). Returns how many."""
    now, after, queued = timezone.now(), None, 0
    while True:
        batch = due_delivery_keys(now=now, after=after, limit=batch_size)
        for _, delivery_id in batch:
            webhook_deliver_task.delay(delivery_id)
        queued += len(batch)
        if len(batch) < batch_size:
            return queued
        after = batch[-1]


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def integration_records_purge_old_task() -> dict[str, int]:
    """Beat job: retention of finished webhook deliveries and API-token usage buckets."""
    return integrations_purge_old()
