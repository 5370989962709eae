"""Read queries of module 1."""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import User, UserSession
from apps.accounts.services import SESSION_CACHE_SECONDS, SESSION_TOUCH_SECONDS, session_cache_key, session_touch_key

logger = logging.getLogger("pronaflow.accounts")

_ENDED = "-"


def session_list(*, user: User) -> QuerySet[UserSession]:
    """The user's active sessions (not revoked, refresh token not expired), most recent activity first."""
    return UserSession.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()).order_by(
        "-last_activity", "-created_at"
    )


def session_is_active(session_id, *, user_id) -> bool:
    """Whether the session of an access token is still live; called on every authenticated request.

    The answer is cached per session for SESSION_CACHE_SECONDS (4 s), stamped with the time the row
    was read: revocation deletes the entry, so it takes effect on the next request, and when the delete
    fails (cache refusing commands) the stale entry is ignored once older than that, whatever its TTL
    in the cache. Last activity is written at most once per SESSION_TOUCH_SECONDS. Without a working
    cache every request reads the session row instead.
    """
    try:
        session_uuid = uuid.UUID(str(session_id))
    except ValueError:
        return False
    key = session_cache_key(session_uuid)
    try:
        state = _fresh(cache.get(key))
    except Exception:
        logger.warning("Session cache unavailable; reading the session row", exc_info=True)
        state, key = None, None
    if state is None:
        row = UserSession.objects.filter(pk=session_uuid).values("user_id", "revoked_at", "expires_at").first()
        live = row is not None and row["revoked_at"] is None and row["expires_at"] > timezone.now()
        state = str(row["user_id"]) if live else _ENDED
        if key is not None:
            _cache_quietly(key, state)
    if state != str(user_id):
        return False
    if key is not None and _first_touch(session_uuid):
        UserSession.objects.filter(pk=session_uuid).update(last_activity=timezone.now())
    return True


def _fresh(entry) -> str | None:
    """The state of a cache entry `"<state>@<unix time read>"` read less than SESSION_CACHE_SECONDS
    ago, else None (absent, stale, or written in another format)."""
    if not isinstance(entry, str) or "@" not in entry:
        return None
    state, _, stamp = entry.rpartition("@")
    try:
        age = timezone.now().timestamp() - float(stamp)
    except ValueError:
        return None
    return state if 0 <= age < SESSION_CACHE_SECONDS else None


def _cache_quietly(key: str, state: str) -> None:
    try:
        cache.set(key, f"{state}@{timezone.now().timestamp()}", timeout=SESSION_CACHE_SECONDS)
    except Exception:
        logger.warning("Session cache unavailable", exc_info=True)


def _first_touch(session_id) -> bool:
    try:
        return bool(cache.add(session_touch_key(session_id), 1, timeout=SESSION_TOUCH_SECONDS))
    except Exception:
        logger.warning("Session cache unavailable", exc_info=True)
        return False
