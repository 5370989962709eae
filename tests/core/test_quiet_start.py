"""`make run` starts quietly: with tasks run in-process, Celery's line per task run is not logged."""

import logging

from django.conf import settings


def test_in_process_task_runs_log_only_their_problems():
    assert settings.CELERY_TASK_ALWAYS_EAGER
    assert logging.getLogger("celery.app.trace").getEffectiveLevel() == logging.WARNING
    assert not settings.CELERY_BROKER_URL.startswith("memory://") or "localhost" in settings.CELERY_BROKER_URL
