"""Access as one primitive per model, in the manner of NetBox's `RestrictedQuerySet.restrict()`.

Each domain app declares, beside its models, which rows a user may `view`, `change` or `delete` (and
any action of its own, e.g. `edit_tasks` on projects) as a rules object whose methods take the user
and return a `Q` over the model; it registers that object in its `AppConfig.ready()`:

    access.register(Task, TaskRules())

Core keeps only this registry and the generic helpers below; it names no model, role or status of
another app. Rules build subqueries, so scoping adds no round trip. Anonymous users see nothing.

- `restrict(queryset, user, action)`: the rows of `queryset` the user may act on.
- `get_or_404(queryset, user, pk, action)`: one row, or `NotFound` whether it is missing or not theirs
  (existence never leaks; the spec answers 404 for another workspace's ids).
- `can(user, obj, action)`: the same rule as a yes/no for a loaded object (one query).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.db.models import Model, Q, QuerySet

from apps.core.exceptions import NotFound, PermissionDenied


class Rules(Protocol):
    """What an app registers per model: one method per action, `(user) -> Q` over that model."""

    def view(self, user) -> Q: ...


_rules: dict[type[Model], Rules] = {}


def register(model: type[Model], rules: Rules) -> None:
    """Declare the access rules of `model` (called from the owning app's `AppConfig.ready()`)."""
    _rules[model] = rules


def registered_models() -> list[type[Model]]:
    return list(_rules)


def rule(model: type[Model], action: str) -> Callable[..., Q]:
    """The registered `(user) -> Q` of `model` for `action`; a missing rule is a programming error."""
    concrete = model._meta.concrete_model
    try:
        rules = _rules[concrete]
    except KeyError:
        raise LookupError(f"No access rules registered for {concrete._meta.label}.") from None
    method = getattr(rules, action, None)
    if method is None:
        raise LookupError(f"{concrete._meta.label} has no access rule for '{action}'.")
    return method


def is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def restrict(queryset, user, action: str = "view") -> QuerySet:
    """The rows of `queryset` that `user` may `action`; none for anonymous users."""
    queryset = queryset.all()  # a manager works as well as a queryset
    if not is_authenticated(user):
        return queryset.none()
    return queryset.filter(rule(queryset.model, action)(user))


def get_or_404(queryset, user, pk, action: str = "view", *, message: str | None = None):
    """One row of `queryset` that `user` may `action`, or NotFound (missing and foreign look alike)."""
    obj = restrict(queryset, user, action).filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise NotFound(message or f"{queryset.model._meta.verbose_name.capitalize()} not found.")
    return obj


def can(user, obj: Model, action: str) -> bool:
    """Whether `user` may `action` the loaded row `obj` (deleted rows included: rules see all rows)."""
    if not is_authenticated(user):
        return False
    model = type(obj)._meta.concrete_model
    manager = getattr(model, "all_objects", model._default_manager)
    return manager.filter(pk=obj.pk).filter(rule(model, action)(user)).exists()


def require(allowed: bool, message: str = "You do not have permission to perform this action.") -> None:
    """Raise PermissionDenied (403) unless `allowed`: rights, once the row is known to be visible."""
    if not allowed:
        raise PermissionDenied(message)
