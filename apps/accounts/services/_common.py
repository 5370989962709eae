"""What every identity use case shares: the module logger and fail-open cache access."""

from __future__ import annotations

import logging

logger = logging.getLogger("pronaflow.accounts")


def _cached(operation, default=None):
    """Run a cache operation; when the cache is down, log and carry on with `default` (fail open)."""
    try:
        return operation()
    except Exception:
        logger.warning("Cache unavailable for an identity check; continuing without it", exc_info=True)
        return default
