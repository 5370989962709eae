"""E-mailed single-use tokens (e-mail verification, password reset): issuing and consuming them,
and scheduling and sending the e-mail that carries the link."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.accounts.models import OneTimeToken, User
from apps.accounts.services._common import _cached
from apps.core import crypto
from apps.core.exceptions import InvalidRequest
from apps.core.queueing import publish_on_commit

EMAIL_RESEND_SECONDS = 60  # at most one verification or reset e-mail per account per minute
INVALID_LINK = "The link is invalid or has expired."


def _schedule_email(kind: str, user: User) -> None:
    """Queue the e-mail after commit, at most once a minute per account and kind."""
    from apps.accounts import tasks

    if not _cached(lambda: cache.add(f"accounts:mail:{kind}:{user.pk}", 1, timeout=EMAIL_RESEND_SECONDS), True):
        return
    task = tasks.email_verification_send_task if kind == "verification" else tasks.password_reset_send_task
    user_id = str(user.pk)
    publish_on_commit(task, user_id)


def _token_issue(user: User, purpose: str, lifetime: timedelta) -> str:
    """A fresh single-use token for `purpose`; earlier unused ones of the same purpose stop working."""
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        OneTimeToken.objects.filter(user=user, purpose=purpose, used_at__isnull=True).update(used_at=now)
        OneTimeToken.objects.create(
            user=user, purpose=purpose, token_hash=crypto.sha256_hex(raw), expires_at=now + lifetime
        )
    return raw


def _token_consume(user_id, purpose: str, raw: str) -> User:
    """Mark the token used and return its user (row locked). Caller holds a transaction."""
    row = (
        OneTimeToken.objects.select_for_update()
        .filter(user_id=user_id, purpose=purpose, token_hash=crypto.sha256_hex(raw or ""))
        .first()
    )
    now = timezone.now()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidRequest(INVALID_LINK, details={"token": ["invalid_or_expired"]})
    OneTimeToken.objects.filter(user_id=user_id, purpose=purpose, used_at__isnull=True).update(used_at=now)
    return User.objects.select_for_update().get(pk=user_id)


def _send(user: User, *, template: str, subject: str, context: dict) -> None:
    context = {"user": user, "frontend_url": settings.FRONTEND_URL, **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    message.send()
