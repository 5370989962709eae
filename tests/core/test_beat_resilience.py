"""Beat and the periodic jobs outlive a database restart: a database error in the scheduler's tick
is logged and retried, and every periodic job (and the event dispatch) retries connection errors
with backoff."""

import datetime
from unittest import mock

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django_celery_beat.schedulers import DatabaseScheduler

from apps.events.tasks import event_dispatch_task
from pronaflow.beat import ResilientDatabaseScheduler
from pronaflow.celery import app

# The scheduler closes and commits connections: a transactional database (serialised like the
# suite's other transactional tests, so the ones after it can restore it).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _down(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


@pytest.fixture
def scheduler():
    beat = ResilientDatabaseScheduler(app=app)
    beat.apply_entry = mock.Mock()  # nothing is published from the test
    return beat


def test_a_database_error_in_the_tick_is_logged_and_retried(scheduler):
    scheduler.tick()
    with mock.patch.object(DatabaseScheduler, "all_as_schedule", _down), mock.patch("pronaflow.beat.logger") as log:
        scheduler._last_full_sync = datetime.datetime.min  # the 5-minute full re-read of the schedule is due
        with pytest.raises(OperationalError):
            DatabaseScheduler.tick(scheduler)  # what django-celery-beat alone does: beat exits
        scheduler._last_full_sync = datetime.datetime.min
        assert scheduler.tick() == settings.BEAT_DB_RETRY_SECONDS
        assert scheduler.tick() == settings.BEAT_DB_RETRY_SECONDS  # still down: re-read again, still alive
    assert log.error.call_count == 2 and "database unavailable" in log.error.call_args[0][0]

    # The database is back: the schedule is read again and ticking goes on.
    scheduler.tick()
    assert scheduler._last_full_sync > datetime.datetime.min
    assert "events-redispatch" in scheduler.schedule


def test_beat_started_while_the_database_is_down_waits_for_it():
    with mock.patch.object(DatabaseScheduler, "install_default_entries", _down):
        beat = ResilientDatabaseScheduler(app=app)  # django-celery-beat alone raises here: beat exits
    beat.apply_entry = mock.Mock()
    with mock.patch.object(DatabaseScheduler, "update_from_dict", mock.Mock(side_effect=InterfaceError("down"))):
        assert beat.tick() == settings.BEAT_DB_RETRY_SECONDS
    beat.tick()  # the database is back
    assert "events-redispatch" in beat.schedule


def test_the_settings_use_the_resilient_scheduler():
    assert settings.CELERY_BEAT_SCHEDULER == "pronaflow.beat:ResilientDatabaseScheduler"


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_periodic_job_retries_connection_errors_with_backoff(entry):
    app.loader.import_default_modules()
    task = app.tasks[settings.CELERY_BEAT_SCHEDULE[entry]["task"]]
    assert OperationalError in task.autoretry_for and InterfaceError in task.autoretry_for
    assert task.retry_backoff


def test_event_dispatch_retries_a_database_outage():
    assert OperationalError in event_dispatch_task.autoretry_for
    assert event_dispatch_task.retry_backoff and event_dispatch_task.max_retries == 5


def test_every_tick_touches_the_heartbeat_file(scheduler, settings, tmp_path):
    settings.BEAT_HEARTBEAT_FILE = str(tmp_path / "beat.alive")
    with mock.patch.object(DatabaseScheduler, "all_as_schedule", _down):
        scheduler._last_full_sync = datetime.datetime.min
        scheduler.tick()  # even while the database is down: beat itself is alive
    assert (tmp_path / "beat.alive").exists()
