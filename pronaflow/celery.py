"""Celery bootstrap: configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pronaflow.settings")

app = Celery("pronaflow")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(sender=None, **kwargs) -> None:
    """In a worker, database connections live across tasks as they do across requests (CONN_MAX_AGE,
    health checks): Celery's Django fixup would otherwise open a new one for every task (settings'
    CELERY_DB_REUSE_MAX keeps it from closing them), which costs more than a webhook delivery
    itself. Tasks run in-process (eager) share the caller's connection and transaction: untouched."""
    if getattr(getattr(sender, "request", None), "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
