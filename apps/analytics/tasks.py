"""Celery jobs of module 11: thin wrappers around services (ids in)."""

from celery import shared_task

from apps.analytics import burndown, services
from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS


@shared_task(name="apps.analytics.tasks.report_run_task")
def report_run_task(execution_id: str) -> str | None:
    """Compute a queued execution (POST /reports/{id}/execute). Idempotent; returns its status."""
    execution = services.report_execution_run(execution_id=execution_id)
    return execution.status if execution else None


@shared_task(name="apps.analytics.tasks.report_execute_scheduled_task", **RETRY_ON_CONNECTION_ERRORS)
def report_execute_scheduled_task(report_id: str) -> str | None:
    """Run a scheduled report as its creator (started by its django-celery-beat PeriodicTask);
    returns the status. A report deleted or paused since the beat fired is skipped (None)."""
    execution = services.report_run_scheduled(report_id=report_id)
    return execution.status if execution else None


@shared_task(name="apps.analytics.tasks.burndown_snapshots_record_task", **RETRY_ON_CONNECTION_ERRORS)
def burndown_snapshots_record_task() -> int:
    """Hourly beat job: record yesterday's burndown snapshot of every project whose workspace day
    has closed (rows already there are left alone). Returns the number of rows written."""
    return burndown.burndown_snapshots_record()


@shared_task(name="apps.analytics.tasks.report_runs_relay_task", **RETRY_ON_CONNECTION_ERRORS)
def report_runs_relay_task() -> int:
    """Beat job (every minute): queue again report runs still processing, untouched since their
    publish was lost (see `services.report_runs_relay`). Returns how many were queued."""
    return services.report_runs_relay()
