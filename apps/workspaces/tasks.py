"""Celery jobs of module 2: thin wrappers around services."""

from celery import shared_task

from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS
from apps.workspaces import services


@shared_task(name="apps.workspaces.tasks.invitations_expire_task", **RETRY_ON_CONNECTION_ERRORS)
def invitations_expire_task() -> int:
    """Mark pending invitations past their expiry as expired (periodic)."""
    return services.invitations_expire()
