"""Celery tasks of module 12: ids in, thin wrappers around services."""

from celery import shared_task

from apps.integrations.services.deliveries import delivery_attempt, due_delivery_ids
from apps.integrations.services.webhooks import integrations_purge_old


@shared_task(acks_late=True, ignore_result=True)
def deliver_webhook_task(delivery_id: str) -> str | None:
    """One attempt of one delivery (to a webhook or a webhook event consumer), on the "webhooks"
    queue; retries are scheduled in the database (next_retry_at) and picked up by
    retry_due_webhook_deliveries_task."""
    return delivery_attempt(delivery_id=delivery_id)


@shared_task
def retry_due_webhook_deliveries_task() -> int:
    """Beat job: queue every delivery whose retry is due (or whose first attempt was lost)."""
    ids = due_delivery_ids()
    for delivery_id in ids:
        deliver_webhook_task.delay(delivery_id)
    return len(ids)


@shared_task
def purge_old_integration_records_task() -> dict[str, int]:
    """Beat job: retention of finished webhook deliveries and API-token usage buckets."""
    return integrations_purge_old()
