"""Fixed-window rate limiting backed by the cache (Redis in production).

Identity: an API token's own bucket and tier when the request authenticated with one (module 12
sets `rate_limit_tier` and `rate_limit_key` on its token object), else the user (tier "default"),
else the client IP (tier "public"). Every /api/ response names its tier in X-RateLimit-Tier.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from rest_framework.throttling import BaseThrottle

from apps.core.cache import redis_client
from apps.core.http import client_ip

logger = logging.getLogger("pronaflow.ratelimit")

# X-RateLimit-Tier of requests that are not made with an API token (which carry their own tier).
USER_TIER, PUBLIC_TIER = "default", "public"

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@lru_cache(maxsize=64)
def parse_rate(rate: str) -> tuple[int, int]:
    """'100/min' -> (100, 60). Cached: the same few settings strings are parsed on every request."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window ends
    tier: str | None = None

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0

    @property
    def retry_after(self) -> int:
        return max(1, self.reset - int(time.time()))


def _policy(request) -> tuple[str, str, str | None]:
    """(bucket key, rate, tier) for a Django request (DRF copies `user` and `auth` onto it)."""
    auth = getattr(request, "auth", None)
    tier = getattr(auth, "rate_limit_tier", None)
    if tier:
        return f"token:{auth.rate_limit_key}", settings.RATE_LIMIT_TIERS[tier], tier
    user = request.__dict__.get("user")  # never force the lazy session user of the admin
    if user is not None and not isinstance(user, SimpleLazyObject) and user.is_authenticated:
        return f"user:{user.pk}", settings.RATE_LIMIT_USER, USER_TIER
    return f"ip:{client_ip(request)}", settings.RATE_LIMIT_ANON, PUBLIC_TIER


@dataclass(frozen=True)
class Window:
    """The current fixed window of one bucket: its cache key (`bucket`, without the cache's prefix)
    and the numbers the response headers show."""

    bucket: str
    limit: int
    period: int  # seconds; the bucket's key lives period + 1 s
    reset: int  # epoch seconds when the window ends
    tier: str | None

    def state(self, count: int) -> RateLimitState:
        """The state after `count` requests in this window."""
        return RateLimitState(limit=self.limit, remaining=self.limit - count, reset=self.reset, tier=self.tier)

    def open_state(self) -> RateLimitState:
        """The state answered when the store is down: the request is allowed (fail open)."""
        return self.state(0)


def window_for(key: str, rate: str, tier: str | None) -> Window:
    """The current window of bucket `key` limited to `rate` ('100/min')."""
    limit, period = parse_rate(rate)
    now = int(time.time())
    window = now - now % period
    return Window(bucket=f"rl:{key}:{window}", limit=limit, period=period, reset=window + period, tier=tier)


def user_window(user) -> Window:
    """The window of a user authenticated with a session token (not an API token: those carry their own
    tier): what `hit()` would count for that request. For callers that count it themselves in one
    round trip with other cache work (JWT authentication), then hand the state over with `counted()`."""
    return window_for(f"user:{user.pk}", settings.RATE_LIMIT_USER, USER_TIER)


def counted(request, state: RateLimitState) -> None:
    """Record that `request` (a Django request) was counted already: the throttle and the header
    middleware then use `state` instead of counting it again."""
    request.rate_limit = state


# KEYS: the bucket. ARGV: its TTL (s). The window's count after this request, in one round trip.
_HIT_SCRIPT = "redis.call('SET', KEYS[1], '0', 'NX', 'EX', ARGV[1]) return redis.call('INCR', KEYS[1])"
_hit_script = None  # redis-py's Script (EVALSHA, loaded once per server)


def hit(request) -> RateLimitState:
    """Counts one request against its bucket: one Redis round trip (a Lua script) when the cache is
    Redis, else the cache's add and incr. Fails open (logged) when the cache is down."""
    global _hit_script
    window = window_for(*_policy(request))
    try:
        client = redis_client()
        if client is None:
            cache.add(window.bucket, 0, timeout=window.period + 1)
            count = cache.incr(window.bucket)
        else:
            if _hit_script is None:
                _hit_script = client.register_script(_HIT_SCRIPT)
            key = cache.make_and_validate_key(window.bucket)
            count = _hit_script([key], [window.period + 1], client=client)
    except Exception:
        logger.warning("Rate-limit store unavailable; request allowed", exc_info=True)
        return window.open_state()
    return window.state(count)


def rate_limit_state_for(request) -> RateLimitState:
    """The state the throttle recorded, or a fresh count for requests that never reached it."""
    state = getattr(request, "rate_limit", None)
    return state if state is not None else hit(request)


def apply_rate_limit_headers(response, state: RateLimitState) -> None:
    response["X-RateLimit-Limit"] = str(state.limit)
    response["X-RateLimit-Remaining"] = str(max(0, state.remaining))
    response["X-RateLimit-Reset"] = str(state.reset)
    if state.tier:
        response["X-RateLimit-Tier"] = state.tier
    if state.exceeded and not response.has_header("Retry-After"):
        response["Retry-After"] = str(state.retry_after)


class ApiRateThrottle(BaseThrottle):
    """DRF throttle over `hit()`; the state is kept on the request for the header middleware."""

    def allow_request(self, request, view) -> bool:
        # Counted already when the authentication did it in its own cache round trip (`counted()`).
        state = getattr(request._request, "rate_limit", None)
        self.state = state if state is not None else hit(request._request)
        request._request.rate_limit = self.state
        return not self.state.exceeded

    def wait(self) -> float:
        return float(self.state.retry_after)
