"""Publishing Celery tasks from request paths without ever failing or stalling the request.

A write commits first and queues its follow-up work afterwards (`transaction.on_commit`). When the
broker is down or hangs at that moment, the write has already happened: the client must get its
answer, and the follow-up work is recovered later by a relay (the beat job that re-dispatches
undispatched events, the one that retries due webhook deliveries, `relay_stale` for job rows such as
export jobs and report runs, ...). So publishing here:

- never raises: a broker error is logged and reported as False;
- never blocks for longer than TASK_PUBLISH_WAIT_SECONDS: the publish runs on a small thread pool
  and the caller stops waiting after that (the publish goes on in the background and usually
  succeeds: a busy machine, not a broken broker, is the common reason for a slow publish);
- publishes with `retry=False`, so Celery does not loop reconnecting inside the request;
- after a failure of the broker itself (the publish raised, or one has been stuck for longer than
  TASK_PUBLISH_HANG_SECONDS), skips publishing for TASK_PUBLISH_PAUSE_SECONDS (a circuit breaker),
  so an outage does not pile up stalled publishes: the relays pick that work up. A caller that
  merely stopped waiting does not open it: under load that sent every event of the next seconds to
  the relays, minutes late.

In eager mode (no broker, CELERY_TASK_ALWAYS_EAGER) the task runs in the caller's thread, as before;
its exceptions are logged, not raised.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

logger = logging.getLogger("pronaflow.queueing")

# Errors of a database or broker that is restarting (or a deadlock victim): worth retrying.
CONNECTION_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, ConnectionError, TimeoutError)

# `@shared_task(**RETRY_ON_CONNECTION_ERRORS)`: periodic jobs and the event dispatch retry a database
# or broker outage with exponential backoff (up to 5 s, 10 s, 20 s, ... jittered, at most 5 minutes;
# the task's max_retries, Celery's default 3) instead of failing until the next beat tick or relay
# pass. Use only for idempotent tasks.
RETRY_ON_CONNECTION_ERRORS = {
    "autoretry_for": CONNECTION_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}

_executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="task-publish")
_lock = threading.Lock()
_paused_until = 0.0  # time.monotonic() before which publishing is skipped
_in_flight: dict[Future, float] = {}  # publishes not finished yet -> time.monotonic() they started


def _pause() -> None:
    global _paused_until
    with _lock:
        _paused_until = time.monotonic() + float(getattr(settings, "TASK_PUBLISH_PAUSE_SECONDS", 5.0))


def publishing_paused() -> bool:
    """Whether a recent broker failure makes `publish` skip the broker for now (the circuit is open)."""
    return time.monotonic() < _paused_until


def publishing_resume() -> None:
    """Close the circuit at once and forget stuck publishes (tests; an operator who knows the broker
    is back)."""
    global _paused_until
    with _lock:
        _paused_until = 0.0
        _in_flight.clear()


def publish(task, *args, **kwargs) -> bool:
    """Queue `task(*args, **kwargs)`; True when the broker accepted it, False when it refused it or
    did not confirm it in time (a slow publish goes on in the background).

    `task` is a Celery task (anything with `apply_async` and `app`). Waits at most
    TASK_PUBLISH_WAIT_SECONDS (seconds, default 0.5) for the broker; never raises: failures and
    timeouts are logged with the task name, and the caller relies on its relay to queue it later.
    In eager mode the task runs here and its exceptions are logged, not raised.
    """
    name = getattr(task, "name", repr(task))
    if task.app.conf.task_always_eager:
        try:
            task.apply_async(args=args, kwargs=kwargs)
            return True
        except Exception:
            logger.exception("Task %s failed in-process; left to its relay", name)
            return False
    if publishing_paused() or _broker_hangs():
        logger.warning("Broker recently unavailable: %s not queued now; left to its relay", name)
        return False
    future = _executor.submit(task.apply_async, args=args, kwargs=kwargs, retry=False)
    with _lock:
        _in_flight[future] = time.monotonic()
    future.add_done_callback(lambda done: _finished(done, name))
    try:
        future.result(timeout=float(getattr(settings, "TASK_PUBLISH_WAIT_SECONDS", 0.5)))
        return True
    except FutureTimeout:
        logger.warning("Broker slow to confirm %s; still publishing in the background (else its relay)", name)
    except Exception:  # noqa: BLE001 - any broker error; _finished logged it and opened the circuit
        logger.debug("Publish of %s failed", name)
    return False


def _finished(future: Future, name: str) -> None:
    """A publish ended: forget it, and open the circuit when the broker refused it."""
    with _lock:
        _in_flight.pop(future, None)
    if future.exception() is not None:
        _pause()
        logger.error("Broker refused %s; left to its relay", name, exc_info=future.exception())


def _broker_hangs() -> bool:
    """Whether a publish has been running for longer than TASK_PUBLISH_HANG_SECONDS (default 2, the
    broker's socket timeout): the broker hangs, so the circuit opens without waiting for it."""
    limit = float(getattr(settings, "TASK_PUBLISH_HANG_SECONDS", 2.0))
    with _lock:
        oldest = min(_in_flight.values(), default=None)
    if oldest is None or time.monotonic() - oldest <= limit:
        return False
    _pause()
    return True


def publish_on_commit(task, *args, **kwargs) -> None:
    """Queue `task(*args, **kwargs)` once the current transaction commits (at once outside one),
    through `publish`: nothing is queued for a rolled-back write, and nothing raised or stalled by
    the broker reaches the committed request. Returns None."""
    transaction.on_commit(lambda: publish(task, *args, **kwargs))


def relay_stale(queryset, *, task, stamp: str, grace_seconds: float | None = None, batch_size: int = 500) -> int:
    """The relay of job rows whose publish was lost: queue `task(str(pk))` again for the rows of
    `queryset` (already narrowed to the waiting status, e.g. pending) whose `stamp` field (when the
    task was last handed to the broker) is older than `grace_seconds` (default
    TASK_RELAY_GRACE_SECONDS, 300), at most `batch_size` per call, oldest first.

    Safe to run concurrently: rows are claimed with FOR UPDATE SKIP LOCKED and their `stamp` moved
    to now in the same transaction, so a second relay neither waits nor queues them again; a row
    locked by its running task is skipped too. The tasks must be idempotent (a late duplicate of
    the lost message does no harm). Publishes after commit through `publish` (never raises; what
    the broker refuses is tried again a grace period later). Returns how many rows were queued.
    """
    if grace_seconds is None:
        grace_seconds = float(getattr(settings, "TASK_RELAY_GRACE_SECONDS", 300))
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True)
            .filter(**{f"{stamp}__lt": now - dt.timedelta(seconds=grace_seconds)})
            .order_by(stamp)
            .values_list("pk", flat=True)[:batch_size]
        )
        if not ids:
            return 0
        queryset.model._base_manager.filter(pk__in=ids).update(**{stamp: now})
        for pk in ids:
            publish_on_commit(task, str(pk))
        logger.warning("Relay: %d %s task(s) queued again", len(ids), getattr(task, "name", task))
    return len(ids)
