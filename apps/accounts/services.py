"""Identity and access use cases (module 1): registration, verification, login with lockout and MFA,
sessions and their tokens, password change and reset, profile, and the admin's lock/unlock.

Every write runs in its own transaction. Failed attempts are committed before the error is raised,
so a lockout counter can never be rolled back by the failure it counts. E-mails are sent by Celery
tasks scheduled on commit; the e-mailed token is created inside the task, so it never travels
through the broker and public endpoints answer in the same time whether or not an address exists.
"""

from __future__ import annotations

import base64
import hmac
import io
import ipaddress
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import qrcode
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.accounts.choices import OneTimeTokenPurpose, UserStatus
from apps.accounts.models import MFABackupCode, OneTimeToken, User, UserSession
from apps.accounts.tokens import SESSION_CLAIM, MFAChallengeToken, TokenPair, build_mfa_token, build_token_pair
from apps.core import crypto
from apps.core.audit import record_action
from apps.core.exceptions import (
    Conflict,
    InvalidRequest,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)

MFA_ISSUER = "PronaFlow"
BACKUP_CODE_COUNT = 10
BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i look-alikes
EMAIL_RESEND_SECONDS = 60  # at most one verification or reset e-mail per account per minute

INVALID_CREDENTIALS = "Invalid credentials."
INVALID_LINK = "The link is invalid or has expired."


logger = logging.getLogger("pronaflow.accounts")


def _cached(operation, default=None):
    """Run a cache operation; when the cache is down, log and carry on with `default` (fail open)."""
    try:
        return operation()
    except Exception:
        logger.warning("Cache unavailable for an identity check; continuing without it", exc_info=True)
        return default


# --- Session state cache (read on every authenticated request) -----------------------------------

SESSION_CACHE_SECONDS = 300
SESSION_TOUCH_SECONDS = 60


def session_cache_key(session_id) -> str:
    return f"accounts:session:{session_id}"


def session_touch_key(session_id) -> str:
    return f"accounts:session-touch:{session_id}"


def _forget_session_state(session_ids: list[str]) -> None:
    keys = [session_cache_key(sid) for sid in session_ids]
    _cached(lambda: cache.delete_many(keys))
    # A request between now and commit may re-cache the old state: drop it again once committed.
    transaction.on_commit(lambda: _cached(lambda: cache.delete_many(keys)))


# --- Sessions and tokens ---------------------------------------------------------------------------


def _clean_ip(ip: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(ip)) if ip else None
    except ValueError:
        return None


def user_token_pair_issue(
    *, user, user_agent: str = "", ip_address: str | None = None
) -> tuple[UserSession, TokenPair]:
    """Start a session for `user` and sign its first token pair.

    The building block of login; other modules' tests use it to get real bearer tokens. It checks
    nothing about the user: callers decide who may log in. No event; no audit row (login does that).
    """
    with transaction.atomic():
        session = UserSession(
            user=user,
            user_agent=(user_agent or "")[:512],
            ip_address=_clean_ip(ip_address),
            expires_at=timezone.now(),
        )
        pair = build_token_pair(user, session.pk)
        session.refresh_jti = pair.refresh_jti
        session.expires_at = pair.refresh_expires_at
        session.save(force_insert=True)
    return session, pair


def _blacklist_jtis(jtis: list[str]) -> None:
    outstanding = OutstandingToken.objects.filter(jti__in=jtis)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in outstanding], ignore_conflicts=True
    )


def _revoke(sessions: list[UserSession]) -> None:
    if not sessions:
        return
    now = timezone.now()
    UserSession.objects.filter(pk__in=[s.pk for s in sessions]).update(revoked_at=now)
    _blacklist_jtis([s.refresh_jti for s in sessions])
    _forget_session_state([str(s.pk) for s in sessions])
    for session in sessions:
        session.revoked_at = now


def user_sessions_revoke_all(*, user, actor=None, except_session_id=None, reason: str = "revoke_all") -> int:
    """End every active session of `user` (but `except_session_id`) and blacklist their refresh tokens.

    Used by revoke-all, password change and reset, admin force-logout and GDPR erasure. Access tokens
    of these sessions stop working on their next request. Audit: one `user.session_revoked` entry
    listing the sessions. Returns how many sessions were ended.
    """
    with transaction.atomic():
        queryset = UserSession.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if except_session_id is not None:
            queryset = queryset.exclude(pk=except_session_id)
        sessions = list(queryset)
        _revoke(sessions)
        if sessions:
            record_action(
                "user.session_revoked",
                actor=actor,
                target=user,
                extra={"session_ids": [str(s.pk) for s in sessions], "reason": reason},
            )
    return len(sessions)


def user_session_revoke(*, actor, session_id, user=None) -> UserSession:
    """End one active session of `user` (default: the actor; the current session may be ended too).

    Raises NotFound when the session is not that user's or is no longer active.
    Audit: `user.session_revoked`.
    """
    owner = user or actor
    with transaction.atomic():
        session = (
            UserSession.objects.select_for_update()
            .filter(pk=session_id, user=owner, revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if session is None:
            raise NotFound("Session not found.")
        _revoke([session])
        record_action(
            "user.session_revoked",
            actor=actor,
            target=owner,
            extra={"session_ids": [str(session.pk)], "reason": "revoke"},
        )
    return session


def _decode(raw: str, token_type: str) -> dict | None:
    """The claims of a correctly signed, unexpired token of `token_type`, else None."""
    try:
        payload = token_backend.decode(raw or "", verify=True)
    except TokenBackendError:
        return None
    if payload.get(api_settings.TOKEN_TYPE_CLAIM) != token_type or not payload.get(api_settings.JTI_CLAIM):
        return None
    return payload


def auth_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate a refresh token: the presented one is blacklisted and a new pair for the same session is signed.

    A token that is malformed, expired, blacklisted, of an ended session, or of a user who can no
    longer log in raises NotAuthenticated. Presenting an already rotated token of a live session is
    treated as theft (RFC 6819 5.2.2.3): the whole session is ended (audit `user.session_revoked`).
    """
    claims = _decode(refresh_token, "refresh")
    if claims is None or not claims.get(SESSION_CLAIM):
        raise NotAuthenticated("The refresh token is invalid or expired.")
    jti = claims[api_settings.JTI_CLAIM]
    reused = False
    with transaction.atomic():
        session = (
            UserSession.objects.select_for_update().select_related("user").filter(pk=claims[SESSION_CLAIM]).first()
        )
        valid = (
            session is not None
            and session.is_active
            and str(session.user_id) == str(claims.get(api_settings.USER_ID_CLAIM))
            and _may_log_in(session.user)
        )
        if valid and (session.refresh_jti != jti or BlacklistedToken.objects.filter(token__jti=jti).exists()):
            valid, reused = False, True
            _revoke([session])
            record_action(
                "user.session_revoked",
                actor=None,
                target=session.user,
                extra={"session_ids": [str(session.pk)], "reason": "refresh_token_reuse"},
            )
        if valid:
            _blacklist_jtis([jti])
            pair = build_token_pair(session.user, session.pk)
            session.refresh_jti = pair.refresh_jti
            session.expires_at = pair.refresh_expires_at
            session.last_activity = timezone.now()
            session.save(update_fields=["refresh_jti", "expires_at", "last_activity"])
    if reused:
        raise NotAuthenticated("The refresh token was already used; the session has been ended.")
    if not valid:
        raise NotAuthenticated("The refresh token is invalid or expired.")
    return pair


def auth_logout(*, actor, session_id=None, refresh_token: str | None = None) -> None:
    """End the caller's session: the one of the access token, and the one of `refresh_token` if given.

    A refresh token of another user, or an unreadable one, is ignored (logout never fails).
    Audit: `user.logout`.
    """
    session_ids = {str(session_id)} if session_id else set()
    claims = _decode(refresh_token, "refresh") if refresh_token else None
    if claims and str(claims.get(api_settings.USER_ID_CLAIM)) == str(actor.pk) and claims.get(SESSION_CLAIM):
        session_ids.add(str(claims[SESSION_CLAIM]))
    with transaction.atomic():
        sessions = list(
            UserSession.objects.select_for_update().filter(pk__in=session_ids, user=actor, revoked_at__isnull=True)
        )
        _revoke(sessions)
        record_action("user.logout", actor=actor, target=actor, extra={"session_ids": [str(s.pk) for s in sessions]})


# --- Lockout -----------------------------------------------------------------------------------------


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
    """Lift a lockout or suspension (admin). Audit: `user.unlocked`."""
    with transaction.atomic():
        user.failed_login_count = 0
        user.locked_until = None
        user.last_failed_login_at = None
        if user.status == UserStatus.SUSPENDED:
            user.status = UserStatus.ACTIVE if user.email_verified_at else UserStatus.PENDING_VERIFICATION
        user.save(update_fields=["failed_login_count", "locked_until", "last_failed_login_at", "status", "updated_at"])
        record_action("user.unlocked", actor=actor, target=user)
    return user


def user_lock(*, actor, user: User) -> User:
    """Suspend an account (admin): it cannot log in and every session ends. Audit: `user.locked`."""
    with transaction.atomic():
        user.status = UserStatus.SUSPENDED
        user.save(update_fields=["status", "updated_at"])
        record_action("user.locked", actor=actor, target=user)
        user_sessions_revoke_all(user=user, actor=actor, reason="account_locked")
    return user


# --- Login ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginResult:
    user: User
    tokens: TokenPair | None = None
    mfa_token: str | None = None

    @property
    def mfa_required(self) -> bool:
        return self.mfa_token is not None


def _may_log_in(user: User) -> bool:
    return user.is_active and user.status == UserStatus.ACTIVE


def _find_login_user(*, email: str | None, username: str | None) -> User | None:
    queryset = User.objects.exclude(status=UserStatus.DELETED)
    if email:
        return queryset.filter(email__iexact=email.strip()).first()
    return queryset.filter(username__iexact=(username or "").strip()).first()


def _complete_login(user: User, *, ip: str, user_agent: str, mfa: bool) -> LoginResult:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(
            failed_login_count=0, last_failed_login_at=None, locked_until=None, last_login=timezone.now()
        )
        session, pair = user_token_pair_issue(user=user, user_agent=user_agent, ip_address=ip)
        record_action(
            "user.login",
            actor=user,
            target=user,
            extra={"ip": ip, "user_agent": user_agent[:512], "session_id": str(session.pk), "mfa": mfa},
        )
    return LoginResult(user=user, tokens=pair)


def auth_login(
    *, password: str, email: str | None = None, username: str | None = None, ip: str, user_agent: str = ""
) -> LoginResult:
    """Check e-mail (or username) and password; start a session, or ask for the second factor.

    Raises NotAuthenticated (unknown login or wrong password, the same message for both),
    PermissionDenied (e-mail not verified, account suspended: only after the right password),
    RateLimited (account locked, or too many failures from this IP). Audit: `user.login`,
    `user.login_failed` (known accounts only; unknown ones are counted per IP and per login name).
    """
    _raise_if_ip_blocked(ip)
    identifier = (email or username or "").strip().lower()
    user = _find_login_user(email=email, username=username)
    if user is None:
        _raise_if_identifier_locked(identifier)
        make_password(password)  # spend the time a real check would take
        _unknown_identifier_failure(identifier, ip)
    _raise_if_locked(user)
    if not user.check_password(password):
        _fail(user, reason="password", ip=ip, error=NotAuthenticated(INVALID_CREDENTIALS))
    if user.status == UserStatus.PENDING_VERIFICATION:
        raise PermissionDenied("Confirm your e-mail address before signing in.", details={"reason": "email_unverified"})
    if not _may_log_in(user):
        raise PermissionDenied("This account is suspended.", details={"reason": "account_suspended"})
    if user.mfa_enabled:
        return LoginResult(user=user, mfa_token=build_mfa_token(user))
    return _complete_login(user, ip=ip, user_agent=user_agent, mfa=False)


def _totp_step(user: User, code: str) -> int | None:
    """The time step `code` belongs to (current one, or one either side for clock drift), or None."""
    code = (code or "").strip().replace(" ", "")
    if not user.mfa_secret or not code.isdigit():
        return None
    totp = pyotp.TOTP(crypto.decrypt(user.mfa_secret))
    now = timezone.now()
    for offset in (0, -1, 1):
        moment = now + timedelta(seconds=offset * totp.interval)
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _accept_totp(user: User, code: str) -> bool:
    """True if `code` is valid and newer than the last accepted one; records its step. Caller locks the row."""
    step = _totp_step(user, code)
    if step is None or (user.mfa_last_used_step is not None and step <= user.mfa_last_used_step):
        return False
    user.mfa_last_used_step = step
    User.objects.filter(pk=user.pk).update(mfa_last_used_step=step)
    return True


def _normalise_backup_code(code: str) -> str:
    return "".join(ch for ch in (code or "").lower() if ch.isalnum())


def _accept_backup_code(user: User, code: str) -> bool:
    normalised = _normalise_backup_code(code)
    if not normalised:
        return False
    return (
        MFABackupCode.objects.filter(
            user=user, code_hash=crypto.keyed_hash(normalised, purpose="accounts"), used_at__isnull=True
        ).update(used_at=timezone.now())
        == 1
    )


def _accept_second_factor(user: User, *, totp_code: str | None, backup_code: str | None) -> bool:
    if totp_code:
        return _accept_totp(user, totp_code)
    return _accept_backup_code(user, backup_code or "")


def auth_mfa_verify(
    *, mfa_token: str, totp_code: str | None = None, backup_code: str | None = None, ip: str, user_agent: str = ""
) -> LoginResult:
    """Second login step: exchange the MFA challenge token and a TOTP or backup code for a session.

    The challenge token is single use. Wrong codes count towards the account lockout. Raises
    NotAuthenticated (bad, expired or used challenge; wrong code) and RateLimited (locked).
    Audit: `user.login` or `user.login_failed`.
    """
    _raise_if_ip_blocked(ip)
    challenge = _decode(mfa_token, MFAChallengeToken.token_type)
    if challenge is None:
        raise NotAuthenticated("The MFA token is invalid or expired.")
    jti = challenge[api_settings.JTI_CLAIM]
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=challenge.get(api_settings.USER_ID_CLAIM)).first()
        if user is None or not user.mfa_enabled or not _may_log_in(user):
            raise NotAuthenticated("The MFA token is invalid or expired.")
        _raise_if_locked(user)
        if OutstandingToken.objects.filter(jti=jti).exists():
            raise NotAuthenticated("The MFA token was already used.")
        accepted = _accept_second_factor(user, totp_code=totp_code, backup_code=backup_code)
        if accepted:
            # Recorded as spent so the challenge cannot be replayed while it is still unexpired.
            OutstandingToken.objects.create(
                user=user,
                jti=jti,
                token="",
                created_at=timezone.now(),
                expires_at=datetime_from_epoch(challenge["exp"]),
            )
    if not accepted:
        _fail(user, reason="mfa", ip=ip, error=NotAuthenticated("Invalid authentication code."))
    return _complete_login(user, ip=ip, user_agent=user_agent, mfa=True)


# --- Registration and e-mailed tokens ------------------------------------------------------------------


def _validated_password(password: str, user: User, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed({field: list(exc.messages)}) from None


def _check_unique(*, email: str | None = None, username: str | None = None, exclude_pk=None) -> None:
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if email and others.filter(email__iexact=email).exists():
        raise Conflict("An account with this e-mail address already exists.", details={"email": ["taken"]})
    if username and others.filter(username__iexact=username).exists():
        raise Conflict("This username is taken.", details={"username": ["taken"]})


def user_register(*, email: str, username: str, password: str, full_name: str = "") -> User:
    """Create a `pending_verification` account and e-mail its verification link (after commit).

    Raises Conflict (e-mail or username taken) and ValidationFailed (password rules).
    """
    email = User.objects.normalize_email(email).strip().lower()
    username = username.strip()
    _check_unique(email=email, username=username)
    user = User(email=email, username=username, full_name=full_name.strip(), status=UserStatus.PENDING_VERIFICATION)
    _validated_password(password, user)
    user.set_password(password)
    with transaction.atomic():
        user.save(force_insert=True)
        _schedule_email("verification", user)
    return user


def _schedule_email(kind: str, user: User) -> None:
    """Queue the e-mail after commit, at most once a minute per account and kind."""
    from apps.accounts import tasks

    if not _cached(lambda: cache.add(f"accounts:mail:{kind}:{user.pk}", 1, timeout=EMAIL_RESEND_SECONDS), True):
        return
    task = tasks.email_verification_send_task if kind == "verification" else tasks.password_reset_send_task
    user_id = str(user.pk)
    transaction.on_commit(lambda: task.delay(user_id))


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


def email_verification_send(*, user: User) -> None:
    """Issue a verification token and e-mail its link, if the account still waits for one."""
    if user.status != UserStatus.PENDING_VERIFICATION:
        return
    hours = settings.EMAIL_VERIFICATION_HOURS
    raw = _token_issue(user, OneTimeTokenPurpose.EMAIL_VERIFICATION, timedelta(hours=hours))
    link = f"{settings.FRONTEND_URL}/verify-email?user_id={user.pk}&token={raw}"
    _send(
        user,
        template="verify_email",
        subject="Confirm your PronaFlow e-mail address",
        context={"link": link, "hours": hours},
    )


def email_verification_resend(*, email: str) -> None:
    """Send the verification e-mail again if `email` belongs to an unverified account; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), status=UserStatus.PENDING_VERIFICATION).first()
    if user is not None:
        with transaction.atomic():
            _schedule_email("verification", user)


def email_verify(*, user_id, token: str) -> User:
    """Confirm the address with the e-mailed token (single use, EMAIL_VERIFICATION_HOURS).

    Raises InvalidRequest for an unknown, used or expired token (the same answer for all).
    """
    with transaction.atomic():
        user = _token_consume(user_id, OneTimeTokenPurpose.EMAIL_VERIFICATION, token)
        user.email_verified_at = timezone.now()
        fields = ["email_verified_at", "updated_at"]
        if user.status == UserStatus.PENDING_VERIFICATION:
            user.status = UserStatus.ACTIVE
            fields.append("status")
        user.save(update_fields=fields)
        record_action("user.email_verified", actor=user, target=user)
    return user


def password_reset_request(*, email: str) -> None:
    """E-mail a reset link if `email` belongs to an active account; silent otherwise."""
    user = User.objects.filter(email__iexact=email.strip(), status=UserStatus.ACTIVE, is_active=True).first()
    if user is not None:
        with transaction.atomic():
            _schedule_email("password_reset", user)


def password_reset_send(*, user: User) -> None:
    """Issue a reset token (PASSWORD_RESET_MINUTES, single use) and e-mail its link."""
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
    Audit: `user.password_reset`.
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


# --- Signed-in user ---------------------------------------------------------------------------------


def _verify_password_or_fail(user: User, password: str, *, field: str, ip: str | None) -> None:
    """Re-authentication inside a session: wrong passwords count towards the lockout."""
    _raise_if_locked(user)
    if not user.check_password(password or ""):
        _fail(user, reason=field, ip=ip, error=ValidationFailed.field(field, "The password is incorrect."))


def password_change(*, actor: User, current_password: str, new_password: str, session_id=None, ip=None) -> int:
    """Change the caller's password and end their other sessions; returns how many were ended.

    Raises ValidationFailed (wrong current password, password rules) and RateLimited (locked).
    Audit: `user.password_changed`.
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


def user_profile_update(*, actor: User, data: dict) -> User:
    """PATCH /auth/me: full_name and username. Raises Conflict for a taken username."""
    fields = []
    if "username" in data and data["username"] != actor.username:
        _check_unique(username=data["username"], exclude_pk=actor.pk)
        actor.username = data["username"]
        fields.append("username")
    if "full_name" in data:
        actor.full_name = data["full_name"].strip()
        fields.append("full_name")
    if fields:
        with transaction.atomic():
            actor.save(update_fields=[*fields, "updated_at"])
    return actor


# --- MFA ----------------------------------------------------------------------------------------------


def _qr_data_url(uri: str) -> str:
    buffer = io.BytesIO()
    qrcode.make(uri).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def mfa_enable(*, actor: User) -> dict:
    """Start TOTP set-up: a new secret (encrypted at rest), its otpauth URI and QR code.

    MFA stays off until `mfa_confirm`. Raises Conflict when MFA is already on.
    """
    if actor.mfa_enabled:
        raise Conflict("MFA is already enabled.")
    secret = pyotp.random_base32()
    with transaction.atomic():
        actor.mfa_secret = crypto.encrypt(secret)
        actor.mfa_last_used_step = None
        actor.save(update_fields=["mfa_secret", "mfa_last_used_step", "updated_at"])
    uri = pyotp.TOTP(secret).provisioning_uri(name=actor.email, issuer_name=MFA_ISSUER)
    return {"secret": secret, "otpauth_uri": uri, "qr_code": _qr_data_url(uri)}


def _new_backup_codes(user: User) -> list[str]:
    MFABackupCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(BACKUP_CODE_COUNT):
        raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    MFABackupCode.objects.bulk_create(
        [
            MFABackupCode(user=user, code_hash=crypto.keyed_hash(_normalise_backup_code(c), purpose="accounts"))
            for c in codes
        ]
    )
    return codes


def mfa_confirm(*, actor: User, totp_code: str) -> list[str]:
    """Turn MFA on with a code from the authenticator; returns the 10 one-time backup codes.

    Raises Conflict (already on, or set-up not started) and ValidationFailed (wrong code).
    Audit: `user.mfa_enabled`.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if user.mfa_enabled:
            raise Conflict("MFA is already enabled.")
        if not user.mfa_secret:
            raise Conflict("Start MFA set-up with /auth/mfa/enable first.")
        if not _accept_totp(user, totp_code):
            raise ValidationFailed.field("totp_code", "Invalid authentication code.")
        user.mfa_enabled = True
        user.save(update_fields=["mfa_enabled", "updated_at"])
        codes = _new_backup_codes(user)
        record_action("user.mfa_enabled", actor=actor, target=user)
    actor.mfa_enabled = True
    return codes


def mfa_disable(
    *, actor: User, password: str, totp_code: str | None = None, backup_code: str | None = None, ip=None
) -> None:
    """Turn MFA off: needs the password and a current TOTP (or backup) code; wrong ones count towards lockout.

    Raises Conflict (MFA is off), ValidationFailed, RateLimited. Audit: `user.mfa_disabled`.
    """
    if not actor.mfa_enabled:
        raise Conflict("MFA is not enabled.")
    _verify_password_or_fail(actor, password, field="password", ip=ip)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        accepted = _accept_second_factor(user, totp_code=totp_code, backup_code=backup_code)
        if accepted:
            user.mfa_enabled = False
            user.mfa_secret = ""
            user.mfa_last_used_step = None
            user.save(update_fields=["mfa_enabled", "mfa_secret", "mfa_last_used_step", "updated_at"])
            MFABackupCode.objects.filter(user=user).delete()
            record_action("user.mfa_disabled", actor=actor, target=user)
    if not accepted:
        field = "totp_code" if totp_code else "backup_code"
        _fail(actor, reason="mfa", ip=ip, error=ValidationFailed.field(field, "Invalid authentication code."))
    actor.mfa_enabled = False


def mfa_backup_codes_regenerate(*, actor: User) -> list[str]:
    """Replace the backup codes (the old ones stop working). Raises Conflict when MFA is off.

    Audit: `user.mfa_backup_codes_regenerated`.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        if not user.mfa_enabled:
            raise Conflict("MFA is not enabled.")
        codes = _new_backup_codes(user)
        record_action("user.mfa_backup_codes_regenerated", actor=actor, target=user)
    return codes


ENDED_SESSION_RETENTION = timedelta(days=30)


def credentials_purge_expired() -> dict[str, int]:
    """Delete credential rows that can no longer be used: expired refresh tokens (and their
    blacklist entries), e-mailed tokens that expired or were used, and sessions ended more than
    30 days ago. Run daily by beat. Returns the number of rows removed per kind."""
    now = timezone.now()
    with transaction.atomic():
        refresh_tokens, _ = OutstandingToken.objects.filter(expires_at__lte=now).delete()
        one_time, _ = OneTimeToken.objects.filter(expires_at__lte=now).delete()
        used, _ = OneTimeToken.objects.filter(used_at__isnull=False).delete()
        cutoff = now - ENDED_SESSION_RETENTION
        sessions, _ = UserSession.objects.filter(expires_at__lte=cutoff).delete()
        revoked, _ = UserSession.objects.filter(revoked_at__lte=cutoff).delete()
    return {"refresh_tokens": refresh_tokens, "one_time_tokens": one_time + used, "sessions": sessions + revoked}
