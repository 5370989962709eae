"""Write helpers every app's services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], save: bool = True
) -> tuple[M, dict[str, dict[str, Any]]]:
    """Copy `data[name]` onto `instance` for every name in `fields` that `data` holds and whose
    value differs from the instance's (names `data` lacks are left alone).

    Returns `(instance, changes)`: `changes` maps each changed field to `{"old": ..., "new": ...}`,
    in `fields` order, and is empty (falsy) when nothing changed - it doubles as `has_updated`.
    With `save=True` a changed instance is saved with `update_fields` = the changed fields plus
    `updated_at` when the model has one; with `save=False` the caller saves (or changes more
    first). Raises nothing itself; the save raises what the database raises.
    """
    changes = {}
    for name in fields:
        if name in data and getattr(instance, name) != data[name]:
            changes[name] = {"old": getattr(instance, name), "new": data[name]}
            setattr(instance, name, data[name])
    if save and changes:
        update_fields = list(changes)
        if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return instance, changes
