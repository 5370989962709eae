from django.conf import settings

from pronaflow.celery import app


def test_every_periodic_job_names_a_registered_task():
    app.loader.import_default_modules()  # runs the lazy autodiscovery of every app's tasks.py
    missing = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] not in app.tasks]
    assert not missing, f"beat entries without a task: {missing}"
