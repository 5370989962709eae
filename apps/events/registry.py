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
from typing import Protocol

from django.db.models import QuerySet

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


class Directory(Protocol):
    """What the event spine needs to know of the work domain (workspace membership and project
    visibility), which this app does not import: the work domain registers an implementation."""

    def audience_ids(self, event) -> QuerySet:
        """Subquery of the ids of the users who may see `event` now."""

    def member_ids(self, workspace_id) -> QuerySet:
        """Subquery of the ids of the members of a live workspace."""

    def colleague_ids(self, user) -> QuerySet:
        """Subquery of the ids of the members of the workspaces where `user` may act for others."""

    def may_act_for_others(self, user, workspace_id) -> bool:
        """Whether `user` may direct notifications at other members of the workspace (not a viewer)."""


_directory: list[Directory] = []


def register_directory(directory: Directory) -> None:
    _directory[:] = [directory]


def directory() -> Directory:
    if not _directory:
        raise LookupError("No event directory registered (the work domain registers one in ready()).")
    return _directory[0]
