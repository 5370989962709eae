"""Celery tasks of the core app."""

from celery import shared_task

from apps.core.idempotency import idempotency_keys_expire


@shared_task
def idempotency_key_expire_task() -> int:
    """Beat job (hourly): delete Idempotency-Key records older than IDEMPOTENCY_KEY_TTL_HOURS."""
    return idempotency_keys_expire()
