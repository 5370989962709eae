"""Sessions and their tokens: the session-state cache, issuing a token pair, refresh-token
rotation with reuse detection, logout and revocation (one session or all of a user's)."""

from __future__ import annotations

import ipaddress

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from apps.accounts.models import User, UserSession
from apps.accounts.services._common import _cached
from apps.accounts.tokens import SESSION_CLAIM, TokenPair, build_token_pair
from apps.core.audit import record_action
from apps.core.exceptions import NotAuthenticated, NotFound

# --- Session state cache (read on every authenticated request) -----------------------------------

# How long a session's cached state is trusted. Revocation deletes the entry at once, but a cache that
# refuses the delete (or a request that re-caches the old state) cannot keep a revoked session alive
# for longer than this: entries carry the time they were read and older ones are read again.
SESSION_CACHE_SECONDS = 4
SESSION_TOUCH_SECONDS = 60


def session_cache_key(session_id) -> str:
    """The cache key of a session's state, read by `selectors.session_is_active` and dropped on revocation."""
    return f"accounts:session:{session_id}"


def session_state_key(session_id) -> str:
    """The cache key of a session's state as the one-round-trip check (`selectors.session_check`)
    stores it: plain text `"<state>@<unix time read>"`, readable by its Lua script, under a key of its
    own so processes still running `session_is_active` (pickled values) never read it."""
    return f"accounts:session-state:{session_id}"


def session_touch_key(session_id) -> str:
    """The cache key that limits last-activity writes to one per SESSION_TOUCH_SECONDS."""
    return f"accounts:session-touch:{session_id}"


def _forget_session_state(session_ids: list[str]) -> None:
    keys = [key(sid) for sid in session_ids for key in (session_cache_key, session_state_key)]
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
    Raises nothing of its own.
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

    Used by revoke-all, password change and reset, admin force-logout, lock and GDPR erasure. Access
    tokens of these sessions stop working on their next request, and so does every admin (cookie)
    session of the user: `User.session_version` is bumped. Audit: one `user.session_revoked` entry
    listing the sessions. Returns how many sessions were ended. Raises nothing; emits no domain event.
    """
    with transaction.atomic():
        queryset = UserSession.objects.select_for_update().filter(
            user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        if except_session_id is not None:
            queryset = queryset.exclude(pk=except_session_id)
        sessions = list(queryset)
        _revoke(sessions)
        # Admin (cookie) sessions carry the version in their auth hash: they end on their next request.
        User.objects.filter(pk=user.pk).update(session_version=F("session_version") + 1)
        user.session_version = User.objects.values_list("session_version", flat=True).get(pk=user.pk)
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
    Audit: `user.session_revoked`; emits no domain event.
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


def _may_log_in(user: User) -> bool:
    """Whether `user` may log in and keep a session (`User.may_sign_in`)."""
    return user.may_sign_in


def user_session_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate a refresh token: the presented one is blacklisted and a new pair for the same session is signed.

    A token that is malformed, expired, blacklisted, of an ended session, or of a user who can no
    longer log in raises NotAuthenticated. Presenting an already rotated token of a live session is
    treated as theft (RFC 6819 5.2.2.3): the whole session is ended (audit `user.session_revoked`).
    A normal rotation writes no audit entry; emits no domain event.
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


def user_logout(*, actor, session_id=None, refresh_token: str | None = None) -> None:
    """End the caller's session: the one of the access token, and the one of `refresh_token` if given.

    A refresh token of another user, or an unreadable one, is ignored (logout never fails).
    Raises nothing. Audit: `user.logout`; emits no domain event.
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
