"""Celery jobs of module 11: thin wrappers around services (ids in)."""

from celery import shared_task

from apps.analytics import services
from apps.analytics.choices import ExecutionTrigger
from apps.analytics.models import Report
from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS


@shared_task(name="apps.analytics.tasks.report_run_task")
def report_run_task(execution_id: str) -> str | None:
    """Compute a queued execution (POST /reports/{id}/execute). Idempotent; returns its status."""
    execution = services.report_execution_run(execution_id=execution_id)
    return execution.status if execution else None


@shared_task(name="apps.analytics.tasks.report_execute_scheduled_task", **RETRY_ON_CONNECTION_ERRORS)
def report_execute_scheduled_task(report_id: str) -> str | None:
    """Run a scheduled report (started by its django-celery-beat PeriodicTask); returns the status.

    A report deleted since the beat fired is skipped.
    """
    report = Report.objects.select_related("workspace").filter(pk=report_id).first()
    if report is None:
        return None
    execution = services.report_run_now(actor=None, report=report, trigger=ExecutionTrigger.SCHEDULED)
    return execution.status if execution else None
