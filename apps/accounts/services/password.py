"""Passwords: the strength rules, change inside a session, and reset by an e-mailed link."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from apps.accounts.choices import OneTimeTokenPurpose, UserStatus
from apps.accounts.models import User
from apps.accounts.services.emails import _schedule_email, _send, _token_consume, _token_issue
from apps.accounts.services.lockout import _fail, _raise_if_locked
from apps.accounts.services.sessions import _may_log_in, user_sessions_revoke_all
from apps.core.audit import record_action
from apps.core.exceptions import ValidationFailed


def _validated_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({field: list(exc.messages)}) from None


def _verify_password_or_fail(user: User, password: str, *, field: str, ip: str | None) -> None:
    """Re-authentication inside a session: wrong passwords count towards the lockout."""
    _raise_if_locked(user)
    if not user.check_password(password or ""):
        _fail(user, reason=field, ip=ip, error=ValidationFailed.field(field, "The password is incorrect."))


def password_change(*, actor: User, current_password: str, new_password: str, session_id=None, ip=None) -> int:
    """Change the caller's password and end their other sessions; returns how many were ended.

    Raises ValidationFailed (wrong current password, password rules) and RateLimited (locked).
    Audit: `user.password_changed`, and `user.session_revoked` when other sessions end (a wrong
    current password writes `user.login_failed`); emits no domain event.
    """
    _verify_password_or_fail(actor, current_password, field="current_password", ip=ip)
    _validated_password(new_password, actor, field="new_password")
    with transaction.atomic():
        actor.set_password(new_password)
        actor.save(update_fields=["password", "updated_at"])
        record_action("user.password_changed", actor=actor, target=actor)
        return user_sessions_revoke_all(
            user=actor, actor=actor, except_session_id=session_id, reason="password_changed"
        )


def password_reset_request(*, email: str) -> None:
    """E-mail a reset link if `email` belongs to an active account; silent otherwise.

    Raises nothing. Writes no audit action; emits no domain event.
    """
    user = User.objects.filter(email__iexact=email.strip(), status=UserStatus.ACTIVE, is_active=True).first()
    if user is not None:
        with transaction.atomic():
            _schedule_email("password_reset", user)


def password_reset_send(*, user: User) -> None:
    """Issue a reset token (PASSWORD_RESET_MINUTES, single use) and e-mail its link.

    Nothing is sent to an account that may not log in. Raises nothing of its own (mail transport
    errors propagate, so the Celery task retries). Writes no audit action; emits no domain event.
    """
    if not _may_log_in(user):
        return
    minutes = settings.PASSWORD_RESET_MINUTES
    raw = _token_issue(user, OneTimeTokenPurpose.PASSWORD_RESET, timedelta(minutes=minutes))
    link = f"{settings.FRONTEND_URL}/reset-password?user_id={user.pk}&token={raw}"
    _send(
        user,
        template="password_reset",
        subject="Reset your PronaFlow password",
        context={"link": link, "minutes": minutes},
    )


def password_reset_confirm(*, user_id, token: str, new_password: str) -> User:
    """Set a new password with the e-mailed token; ends every session and lifts any lockout.

    Raises InvalidRequest (bad token) and ValidationFailed (password rules; the token stays unused).
    Audit: `user.password_reset`, and `user.session_revoked` when sessions end; emits no domain event.
    """
    with transaction.atomic():
        user = _token_consume(user_id, OneTimeTokenPurpose.PASSWORD_RESET, token)
        _validated_password(new_password, user, field="new_password")
        user.set_password(new_password)
        user.failed_login_count = 0
        user.last_failed_login_at = None
        user.locked_until = None
        user.save(
            update_fields=["password", "failed_login_count", "last_failed_login_at", "locked_until", "updated_at"]
        )
        record_action("user.password_reset", actor=user, target=user)
        user_sessions_revoke_all(user=user, actor=user, reason="password_reset")
    return user
