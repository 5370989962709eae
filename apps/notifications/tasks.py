from celery import shared_task

from apps.notifications import emails, services


@shared_task(acks_late=True)
def send_email_notifications_task(ids: list[str]) -> int:
    """Send immediate notification e-mails (ids of EmailNotification rows); idempotent."""
    return emails.email_notifications_send(ids=ids)


@shared_task
def send_due_digests_task() -> int:
    """Beat job (every 5 minutes): hourly/daily/weekly digests and after-quiet-hours summaries."""
    return emails.digests_send_due()


@shared_task
def purge_old_notifications_task() -> int:
    """Beat job: delete read notifications older than NOTIFICATION_RETENTION_DAYS."""
    return services.notifications_purge_read()
