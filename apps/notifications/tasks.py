from celery import shared_task

from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS
from apps.notifications import emails, services


@shared_task(acks_late=True)
def email_notifications_send_task(ids: list[str]) -> int:
    """Send immediate notification e-mails (ids of EmailNotification rows); idempotent."""
    return emails.email_notifications_send(ids=ids)


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def digests_send_due_task() -> int:
    """Beat job (every 5 minutes): hourly/daily/weekly digests and after-quiet-hours summaries."""
    return emails.digests_send_due()


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def notifications_purge_old_task() -> int:
    """Beat job: delete read notifications older than NOTIFICATION_RETENTION_DAYS."""
    return services.notifications_purge_read()
