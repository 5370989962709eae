"""Celery tasks of module 12: ids in, thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS
from apps.integrations.services.deliveries import due_delivery_keys
from apps.integrations.services.sending import deliveries_send, queue_deliveries
from apps.integrations.services.webhooks import integrations_purge_old


@shared_task(acks_late=True, ignore_result=True)
def webhook_deliver_task(delivery_ids: list[str] | str) -> dict[str, str]:
    """One batch of attempts on the "webhooks" queue (deliveries to webhooks and to webhook event
    consumers): the given deliveries first, topped up with any other due ones up to
    WEBHOOK_BATCH_SIZE. `delivery_ids` is a list of ids (a single id, as queued before batching, is
    accepted). Retries are scheduled in the database (next_retry_at) and picked up by
    webhook_deliveries_retry_due_task. Returns {delivery id: new status}."""
    ids = [delivery_ids] if isinstance(delivery_ids, str) else list(delivery_ids)
    return deliveries_send(ids=ids)


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def webhook_deliveries_retry_due_task(batch_size: int = 500) -> int:
    """Beat job: queue every delivery whose retry is due (or whose first attempt was lost), the
    whole backlog read in batches of `batch_size` (not one batch a minute), one task per sending
    batch. Returns how many deliveries were queued."""
    now, after, queued = timezone.now(), None, 0
    while True:
        batch = due_delivery_keys(now=now, after=after, limit=batch_size)
        queue_deliveries([delivery_id for _, delivery_id in batch], on_commit=False)
        queued += len(batch)
        if len(batch) < batch_size:
            return queued
        after = batch[-1]


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def integration_records_purge_old_task() -> dict[str, int]:
    """Beat job: retention of finished webhook deliveries and API-token usage buckets."""
    return integrations_purge_old()
