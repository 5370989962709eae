"""Change guards: a hook registry through which downstream apps may veto task changes.

The tasks app must not import the apps built on top of it (scheduling locks a project's plan), so
those apps register a guard in their `AppConfig.ready()`:

    register_change_guard(fn)   # fn(task_or_project, fields) raises a DomainError to refuse

and the task services call `check_change(task_or_project, fields)` before writing. `fields` names
what is about to change (model field names such as "start_date", or "dependencies").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

ChangeGuard = Callable[[object, frozenset[str]], None]

_guards: list[ChangeGuard] = []


def register_change_guard(fn: ChangeGuard) -> None:
    """Add `fn` to the guards every task change is checked against (idempotent)."""
    if fn not in _guards:
        _guards.append(fn)


def check_change(task_or_project, fields: Iterable[str]) -> None:
    """Ask every registered guard whether `fields` of `task_or_project` may change; a guard
    refuses by raising (e.g. `Conflict`, 409). Nothing to check when `fields` is empty."""
    fields = frozenset(fields)
    if not fields:
        return
    for guard in _guards:
        guard(task_or_project, fields)
