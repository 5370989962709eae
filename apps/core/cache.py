"""The raw Redis client behind Django's default cache, for the few per-request paths that need
more than one command in one round trip (session state with the rate limit, the rate limit alone)."""

from __future__ import annotations

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

_clients: dict[int, tuple] = {}  # id(connection pool) -> (pool, its redis-py client)


def redis_client():
    """The redis-py client of the default cache's connection pool, or None when the cache is not
    Redis (SQLite fall-back, local memory in tests). One client per pool, made once: Django's
    get_client() builds a new one per call (redis-py fills its response callbacks each time), which
    showed as ~3 % of a list request. Keys given to it must go through `cache.make_and_validate_key`
    so that they are the keys Django's cache API reads."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    cache_client = backend._cache
    pool = cache_client._get_connection_pool(True)
    known = _clients.get(id(pool))
    if known is not None and known[0] is pool:
        return known[1]
    if len(_clients) >= 64:  # caches reconfigured (tests): forget old pools
        _clients.clear()
    client = cache_client._client(connection_pool=pool)
    _clients[id(pool)] = (pool, client)
    return client
