"""What other apps do when an account is erased (GDPR), without the erasing app importing them.

The archive app erases an account (`apps.archive.services.gdpr.user_erase`); apps above it that hold
credentials or integrations acting for the person (API tokens, OAuth connections, webhooks) register
a step here in `AppConfig.ready()`, and erasure runs every step in its own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

_STEPS: dict[str, Callable[..., dict[str, int]]] = {}


def register_erasure_step(name: str, step: Callable[..., dict[str, int]]) -> None:
    """Register `step(*, user) -> {what: count}` under `name` (re-registering replaces it). A step
    runs inside the erasure's transaction, must be idempotent and must not raise for a user with
    nothing to revoke."""
    _STEPS[name] = step


def erasure_steps_run(*, user) -> dict[str, int]:
    """Run every registered step for `user` (the account being erased); returns the merged counts,
    e.g. {"api_tokens_revoked": 2, "webhooks_deactivated": 1}. Errors propagate (the erasure rolls
    back)."""
    counts: dict[str, int] = {}
    for step in _STEPS.values():
        counts.update(step(user=user))
    return counts
