"""Read queries of module 1."""

from __future__ import annotations

import logging
import threading
import uuid

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.utils import timezone

from apps.accounts.models import User, UserSession
from apps.accounts.services import (
    SESSION_CACHE_SECONDS,
    SESSION_TOUCH_SECONDS,
    session_cache_key,
    session_state_key,
    session_touch_key,
)
from apps.core.api.throttling import RateLimitState, Window
from apps.core.cache import redis_client
from apps.core.db import prepared_cursor

logger = logging.getLogger("pronaflow.accounts")

_ENDED = "-"


_USER_PROBE = uuid.UUID(int=0)  # the id the user statement is compiled with, then replaced
_user_statements: dict[tuple, tuple] = {}  # (thread, alias) -> (sql, params, id's index, compiler)


def user_by_id(user_id) -> User | None:
    """The user with that id (what `User.objects.get(pk=user_id)` loads), or None; the same errors
    for a malformed id (Django's ValidationError), without building and compiling the query each call:
    the statement and its compiler are made once per process, thread and database (the user is read
    on every authenticated request)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each attribute of the `connection` proxy is a lookup
    key = (threading.get_ident(), db.alias)
    statement = _user_statements.get(key)
    if statement is None:
        compiler = User.objects.filter(pk=_USER_PROBE).order_by().query.get_compiler(using=db.alias)
        sql, params = compiler.as_sql()
        start, end = compiler.klass_info["select_fields"][0], compiler.klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in compiler.select[start:end]]
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        # Found as the backend binds it (PostgreSQL a UUID, SQLite its hex string).
        probe = User._meta.pk.get_db_prep_value(_USER_PROBE, db)
        statement = (sql, list(params), list(params).index(probe), compiler, converters, names, start, end)
        if len(_user_statements) >= 256:
            _user_statements.clear()
        _user_statements[key] = statement
    sql, params, index, compiler, converters, names, start, end = statement
    params = list(params)
    params[index] = User._meta.pk.get_db_prep_value(user_id, db)
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    if converters:
        (row,) = compiler.apply_converters([row], converters)
    return User.from_db(db.alias, names, tuple(row)[start:end])


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


# --- One round trip per request: session state, session touch and the rate-limit count -------------

# KEYS: session state, session touch[, rate-limit bucket]. ARGV: expected state (the user id), now
# (unix seconds), SESSION_CACHE_SECONDS, SESSION_TOUCH_SECONDS, an entry to store first ('' = read
# it)[, the bucket's TTL]. The state entry is "<user id or '-'>@<unix time the row was read>"; one
# older than SESSION_CACHE_SECONDS, absent or in another format is a miss. Answers {status, touched,
# count}: 0 miss (nothing counted: read the row and call again with the entry to store), 1 live (the
# touch key added when `touched`, the request counted in the bucket), 2 ended (nothing counted).
_SESSION_SCRIPT = """
local entry = ARGV[5]
if entry ~= '' then
  redis.call('SET', KEYS[1], entry, 'EX', ARGV[3])
else
  entry = redis.call('GET', KEYS[1])
  if not entry then return {0, 0, 0} end
end
local at = string.find(entry, '@', 1, true)
if not at then return {0, 0, 0} end
local stamp = tonumber(string.sub(entry, at + 1))
local age = tonumber(ARGV[2]) - (stamp or -1e18)
if not stamp or age < 0 or age >= tonumber(ARGV[3]) then return {0, 0, 0} end
local state = string.sub(entry, 1, at - 1)
if state == '-' then return {2, 0, 0} end
if state ~= ARGV[1] then return {0, 0, 0} end
local touched = 0
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[4]) then touched = 1 end
local count = 0
if KEYS[3] then
  redis.call('SET', KEYS[3], '0', 'NX', 'EX', ARGV[6])
  count = redis.call('INCR', KEYS[3])
end
return {1, touched, count}
"""
_script = None  # redis-py's Script (EVALSHA, loading the script once per server); any client may run it


def session_check(session_id, *, user_id, window: Window | None = None) -> tuple[bool, RateLimitState | None]:
    """`session_is_active` and, when `window` is given, the rate-limit count of the request, in one
    Redis round trip (a Lua script) when the session's state is cached: `(live, state)`, where `state`
    is the counted window's state, or None when nothing was counted (the session is not live, or the
    cache is not Redis: the throttle counts as before).

    The rules are `session_is_active`'s: the state is trusted for SESSION_CACHE_SECONDS after the row
    was read and revocation deletes it, so a revoked session is refused within that time whatever
    the cache did; last activity is written once per SESSION_TOUCH_SECONDS. When Redis fails, the row
    is read and the request allowed by the rate limit (fail open), as `session_is_active` and `hit`
    do apart.
    """
    try:
        session_uuid = uuid.UUID(str(session_id))
    except ValueError:
        return False, None
    client = redis_client()
    if client is None:
        return session_is_active(session_uuid, user_id=user_id), None
    expected = str(user_id)
    keys = [cache.make_and_validate_key(session_state_key(session_uuid))]
    keys.append(cache.make_and_validate_key(session_touch_key(session_uuid)))
    extra = []
    if window is not None:
        keys.append(cache.make_and_validate_key(window.bucket))
        extra.append(window.period + 1)
    global _script
    if _script is None:
        _script = client.register_script(_SESSION_SCRIPT)
    now = timezone.now().timestamp()
    args = [expected, now, SESSION_CACHE_SECONDS, SESSION_TOUCH_SECONDS]
    state = None
    try:
        status, touched, count = _script(keys, [*args, "", *extra], client=client)
        if status == 0:
            state = _session_row_state(session_uuid)
            status, touched, count = _script(keys, [*args, f"{state}@{now}", *extra], client=client)
    except Exception:
        logger.warning("Session cache unavailable; reading the session row", exc_info=True)
        live = (state or _session_row_state(session_uuid)) == expected
        return live, window.open_state() if live and window is not None else None
    if status == 0:  # stored but not trusted (the read took longer than the cache's trust): the row decides
        return state == expected, None
    if status != 1:
        return False, None
    if touched:
        UserSession.objects.filter(pk=session_uuid).update(last_activity=timezone.now())
    return True, window.state(count) if window is not None else None


def _session_row_state(session_uuid) -> str:
    """The session's state from its row: the user id while live, else '-'."""
    row = UserSession.objects.filter(pk=session_uuid).values("user_id", "revoked_at", "expires_at").first()
    live = row is not None and row["revoked_at"] is None and row["expires_at"] > timezone.now()
    return str(row["user_id"]) if live else _ENDED
