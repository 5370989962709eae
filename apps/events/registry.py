"""Handlers that react to domain events. Consumer apps register in `AppConfig.ready()`:

    from apps.events.registry import register

    @register("notifications.in_app", "task.assigned", "comment.created")
    def notify(event): ...

A handler runs inside a transaction together with its receipt row, so its database effects happen
exactly once per event. Side effects outside the database (e-mail, HTTP) must be queued from the
handler with `transaction.on_commit` and be idempotent themselves.
"""

from __future__ import annotations

from collections.abc import Callable

ALL = "*"
Handler = Callable[["DomainEvent"], None]  # noqa: F821

_handlers: dict[str, tuple[set[str], Handler]] = {}


def register(name: str, *event_types: str):
    """Decorator; no event types means every event. Names must be unique and stable."""

    def decorator(func: Handler) -> Handler:
        if name in _handlers and _handlers[name][1] is not func:
            raise ValueError(f"Event handler {name!r} is already registered")
        _handlers[name] = (set(event_types) or {ALL}, func)
        return func

    return decorator


def handlers_for(event_type: str) -> list[tuple[str, Handler]]:
    return [(name, func) for name, (types, func) in sorted(_handlers.items()) if ALL in types or event_type in types]
