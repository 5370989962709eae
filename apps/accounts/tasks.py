"""Celery wrappers of module 1's e-mails. Ids in; the token is issued inside the task."""

from celery import shared_task

from apps.accounts import services
from apps.accounts.models import User
from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def email_verification_send_task(user_id: str) -> None:
    """E-mail a fresh verification link to a still-unverified account."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.email_verification_send(user=user)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_reset_send_task(user_id: str) -> None:
    """E-mail a fresh password-reset link to an active account."""
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        services.password_reset_send(user=user)


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def credentials_purge_expired_task() -> dict[str, int]:
    """Beat job: drop expired refresh tokens, spent e-mail tokens and long-ended sessions."""
    return services.credentials_purge_expired()
