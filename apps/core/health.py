"""Component checks for /health (and module 12's integration health).

A check raises when its component is down ("unhealthy"), returns None when it is up ("healthy"),
or returns another state for a component that is deliberately absent ("not configured",
"in-process"), which does not make the service unhealthy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("pronaflow.health")

HEALTHY, UNHEALTHY = "healthy", "unhealthy"
NOT_CONFIGURED, IN_PROCESS = "not configured", "in-process"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> str | None:
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return NOT_CONFIGURED  # no REDIS_URL: a per-process memory cache, nothing to reach
    cache.set("health:probe", "ok", timeout=5)
    if cache.get("health:probe") != "ok":
        raise RuntimeError("cache did not return the probe value")
    return None


def check_broker() -> str | None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if settings.CELERY_BROKER_URL.startswith("memory://"):
            return IN_PROCESS  # no broker configured: tasks run in the web process
        return None  # tasks run in-process: no broker to reach
    # The app Django started (pronaflow/__init__.py); core imports no project module.
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return None


def check_email() -> None:
    if not settings.EMAIL_BACKEND:
        raise RuntimeError("no e-mail backend configured")
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
        raise RuntimeError("SMTP backend without a host")


CHECKS: dict[str, Callable[[], str | None]] = {
    "database": check_database,
    "redis": check_cache,
    "broker": check_broker,
    "email_service": check_email,
}


def run_checks(names=None) -> dict[str, str]:
    """{component: 'healthy' | 'unhealthy' | 'not configured' | 'in-process'} for the components
    in `names` (all when None); failures are logged, never raised."""
    results = {}
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            results[name] = check() or HEALTHY
        except Exception:
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = UNHEALTHY
    return results
