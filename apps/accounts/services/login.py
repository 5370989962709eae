"""Login: e-mail (or username) and password, then the second factor when MFA is on."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch

from apps.accounts.choices import UserStatus
from apps.accounts.models import User
from apps.accounts.services.lockout import (
    INVALID_CREDENTIALS,
    _fail,
    _raise_if_identifier_locked,
    _raise_if_ip_blocked,
    _raise_if_locked,
    _unknown_identifier_failure,
)
from apps.accounts.services.mfa import _accept_second_factor
from apps.accounts.services.sessions import _decode, _may_log_in, user_token_pair_issue
from apps.accounts.tokens import MFAChallengeToken, TokenPair, build_mfa_token
from apps.core.audit import record_action
from apps.core.exceptions import NotAuthenticated, PermissionDenied


@dataclass(frozen=True)
class LoginResult:
    user: User
    tokens: TokenPair | None = None
    mfa_token: str | None = None

    @property
    def mfa_required(self) -> bool:
        return self.mfa_token is not None


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


def user_login(
    *, password: str, email: str | None = None, username: str | None = None, ip: str, user_agent: str = ""
) -> LoginResult:
    """Check e-mail (or username) and password; start a session, or ask for the second factor.

    Raises NotAuthenticated (unknown login or wrong password, the same message for both),
    PermissionDenied (e-mail not verified, account suspended: only after the right password),
    RateLimited (account locked, or too many failures from this IP). Audit: `user.login`,
    `user.login_failed` (known accounts only; unknown ones are counted per IP and per login name).
    Emits no domain event.
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


def mfa_challenge_verify(
    *, mfa_token: str, totp_code: str | None = None, backup_code: str | None = None, ip: str, user_agent: str = ""
) -> LoginResult:
    """Second login step: exchange the MFA challenge token and a TOTP or backup code for a session.

    The challenge token is single use. Wrong codes count towards the account lockout. Raises
    NotAuthenticated (bad, expired or used challenge; wrong code) and RateLimited (locked).
    Audit: `user.login` or `user.login_failed`; emits no domain event.
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
