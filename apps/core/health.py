"""Component checks for /health (and module 12's integration health)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger("pronaflow.health")

HEALTHY, UNHEALTHY = "healthy", "unhealthy"


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    cache.set("health:probe", "ok", timeout=5)
    if cache.get("health:probe") != "ok":
        raise RuntimeError("cache did not return the probe value")


def check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process: no broker to reach
    from pronaflow.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=1)


def check_email() -> None:
    if not settings.EMAIL_BACKEND:
        raise RuntimeError("no e-mail backend configured")
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
        raise RuntimeError("SMTP backend without a host")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "redis": check_cache,
    "broker": check_broker,
    "email_service": check_email,
}


def run_checks(names=None) -> dict[str, str]:
    """{component: 'healthy' | 'unhealthy'}; failures are logged, never raised."""
    results = {}
    for name, check in CHECKS.items():
        if names is not None and name not in names:
            continue
        try:
            check()
            results[name] = HEALTHY
        except Exception:
            logger.warning("Health check %s failed", name, exc_info=True)
            results[name] = UNHEALTHY
    return results
