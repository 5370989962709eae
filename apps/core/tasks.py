"""Celery tasks of the core app."""

from celery import shared_task

from apps.core.idempotency import idempotency_keys_expire
from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def idempotency_key_expire_task() -> int:
    """Beat job (hourly): delete Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_HOURS."""
    return idempotency_keys_expire()
