"""Lockout: failed sign-ins counted per account, per unknown login name and per IP, and the
admin's lock (suspend) and unlock of an account."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.accounts.choices import UserStatus
from apps.accounts.models import User
from apps.accounts.services._common import _cached
from apps.accounts.services.sessions import user_sessions_revoke_all
from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, NotAuthenticated, RateLimited

INVALID_CREDENTIALS = "Invalid credentials."


def _lockout_seconds() -> int:
    return settings.LOGIN_LOCKOUT_MINUTES * 60


def _ip_window() -> tuple[str, int]:
    period = _lockout_seconds()
    now = int(time.time())
    window = now - now % period
    return str(window), window + period - now


def _ip_key(ip: str) -> str:
    window, _ = _ip_window()
    return f"accounts:login-fail:ip:{ip}:{window}"


def _raise_if_ip_blocked(ip: str) -> None:
    if (_cached(lambda: cache.get(_ip_key(ip))) or 0) >= settings.LOGIN_IP_FAILURE_LIMIT:
        raise RateLimited("Too many failed sign-in attempts from this address.", retry_after=_ip_window()[1])


def _count_ip_failure(ip: str) -> None:
    key = _ip_key(ip)

    def count():
        cache.add(key, 0, timeout=_lockout_seconds() + 1)
        cache.incr(key)

    _cached(count)


def _locked_error(seconds: float) -> RateLimited:
    return RateLimited(
        "Too many failed attempts: the account is temporarily locked.",
        retry_after=int(seconds) + 1,
        details={"reason": "account_locked"},
    )


def _raise_if_locked(user: User) -> None:
    if user.is_locked:
        raise _locked_error((user.locked_until - timezone.now()).total_seconds())


def _register_failure(user: User, *, reason: str, ip: str | None) -> bool:
    """Count a failed attempt against `user` (committed at once); True when it locked the account.

    Failures older than the lockout window are forgotten, so the count is of recent attempts.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    with transaction.atomic():
        row = User.objects.select_for_update().only("failed_login_count", "last_failed_login_at").get(pk=user.pk)
        recent = row.last_failed_login_at is not None and row.last_failed_login_at > now - window
        count = (row.failed_login_count if recent else 0) + 1
        locked = count >= settings.LOGIN_LOCKOUT_ATTEMPTS
        fields = {"last_failed_login_at": now, "failed_login_count": 0 if locked else count}
        if locked:
            fields["locked_until"] = now + window
        User.objects.filter(pk=user.pk).update(**fields)
        for name, value in fields.items():
            setattr(user, name, value)
        record_action(
            "user.login_failed",
            actor=None,
            target=user,
            extra={"reason": reason, "ip": ip, "attempts": count, "locked": locked},
        )
    if ip:
        _count_ip_failure(ip)
    return locked


def _fail(user: User, *, reason: str, ip: str | None, error: Exception) -> None:
    """Record the failure, then raise `error`: the failure that locks the account still answers as
    a failure (401); the attempts after it meet the lock (429)."""
    _register_failure(user, reason=reason, ip=ip)
    raise error


def _unknown_identifier_failure(identifier: str, ip: str) -> None:
    """An unknown login is counted like a real account's failures, so lockout reveals nothing."""
    digest = crypto.sha256_hex(identifier)
    lock_key, count_key = f"accounts:login-lock:id:{digest}", f"accounts:login-fail:id:{digest}"
    seconds = _lockout_seconds()
    _count_ip_failure(ip)

    def count() -> int:
        cache.add(count_key, 0, timeout=seconds)
        return cache.incr(count_key)

    if _cached(count, default=0) >= settings.LOGIN_LOCKOUT_ATTEMPTS:
        _cached(lambda: cache.delete(count_key))
        _cached(lambda: cache.set(lock_key, time.time() + seconds, timeout=seconds))
    raise NotAuthenticated(INVALID_CREDENTIALS)


def _raise_if_identifier_locked(identifier: str) -> None:
    until = _cached(lambda: cache.get(f"accounts:login-lock:id:{crypto.sha256_hex(identifier)}"))
    if until and until > time.time():
        raise _locked_error(until - time.time())


def user_unlock(*, actor, user: User) -> User:
    """Lift a lockout or suspension (admin); `is_active` follows (Django's flag, read by the admin).

    Raises nothing. Audit: `user.unlocked`; emits no domain event."""
    with transaction.atomic():
        user.failed_login_count = 0
        user.locked_until = None
        user.last_failed_login_at = None
        if user.status == UserStatus.SUSPENDED:
            user.status = UserStatus.ACTIVE if user.email_verified_at else UserStatus.PENDING_VERIFICATION
            user.is_active = True
        user.save(
            update_fields=[
                "failed_login_count",
                "locked_until",
                "last_failed_login_at",
                "status",
                "is_active",
                "updated_at",
            ]
        )
        record_action("user.unlocked", actor=actor, target=user)
    return user


def user_lock(*, actor, user: User) -> User:
    """Suspend an account (admin): status `suspended` and `is_active` off, so it can sign in neither
    to the API nor to the admin, and every session (API and admin) ends. Audit: `user.locked`.

    Raises Conflict (409) when `actor` is `user`: nobody locks themselves out. The ended sessions add
    a `user.session_revoked` entry; emits no domain event.
    """
    if actor is not None and actor.pk == user.pk:
        raise Conflict("You cannot lock your own account.")
    with transaction.atomic():
        user.status = UserStatus.SUSPENDED
        user.is_active = False
        user.save(update_fields=["status", "is_active", "updated_at"])
        record_action("user.locked", actor=actor, target=user)
        user_sessions_revoke_all(user=user, actor=actor, reason="account_locked")
    return user
