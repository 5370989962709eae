"""Celery beat's scheduler: django-celery-beat's database scheduler that outlives database outages.

django-celery-beat catches database errors while it checks for schedule changes and while it saves
run times, but not while it re-reads the schedule (every 5 minutes, or after a change) nor inside
an entry's `is_due`: there a PostgreSQL restart raised out of `tick()` and beat exited for good
(`CRITICAL beat raised exception OperationalError`). Here a database error in a tick is logged, the
broken connection is dropped, and beat sleeps BEAT_DB_RETRY_SECONDS before trying again with a full
re-read of the schedule. Beat started while the database is down waits for it the same way instead
of exiting at start-up.

With BEAT_HEARTBEAT_FILE set, every tick touches that file, so a health check can tell a live beat
from a stuck one (docker-compose.yml: the file is younger than two minutes).
"""

from __future__ import annotations

import datetime
import logging
import os

from django.conf import settings
from django.db import Error as DatabaseError
from django.db import close_old_connections
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger("pronaflow.beat")


class ResilientDatabaseScheduler(DatabaseScheduler):
    """DatabaseScheduler whose start-up and tick never raise a database error (module docstring)."""

    _setup_pending = False

    def setup_schedule(self) -> None:
        """Install the default and CELERY_BEAT_SCHEDULE entries; with the database down, log it and
        leave that to the first tick that reaches the database."""
        try:
            super().setup_schedule()
            self._setup_pending = False
        except DatabaseError as exc:
            logger.error("Beat: database unavailable at start-up (%r); waiting for it", exc)
            close_old_connections()
            self._setup_pending = True
            self._initial_read = True

    def tick(self, *args, **kwargs) -> float:
        """One scheduling step; returns the seconds to sleep before the next (Celery's contract).

        On a database error (any django.db.Error) logs it, closes the connection and returns
        BEAT_DB_RETRY_SECONDS (default 5) with the schedule marked for a full re-read.
        """
        self._heartbeat()
        try:
            if self._setup_pending:
                super().setup_schedule()
                self._setup_pending = False
            return super().tick(*args, **kwargs)
        except DatabaseError as exc:
            delay = float(getattr(settings, "BEAT_DB_RETRY_SECONDS", 5.0))
            logger.error("Beat: database unavailable (%r); retrying in %s s", exc, delay)
            close_old_connections()
            self._heap = None  # rebuilt from the re-read schedule
            if self._schedule is None or self._setup_pending:
                self._initial_read = True
            else:
                self._last_full_sync = datetime.datetime.min  # force the next full re-read
            return delay

    @staticmethod
    def _heartbeat() -> None:
        path = getattr(settings, "BEAT_HEARTBEAT_FILE", "")
        if not path:
            return
        try:
            with open(path, "a"):
                os.utime(path)
        except OSError:
            logger.warning("Beat: cannot touch the heartbeat file %s", path, exc_info=True)
