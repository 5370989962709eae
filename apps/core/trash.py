"""Soft delete, restore and purge for every trashable resource, implemented once.

Each app registers its trashable models in `AppConfig.ready()` with the querysets of what a row
contains (a project contains its lists, tasks and comments). Deleting marks the row and its alive
contents with one `deletion_id`; restoring un-marks exactly the rows of that deletion; purging
deletes the row for good (database cascades remove the contents).

Module 8 (archive) listens through `add_listener` to keep its TrashItem rows in step, inside the
same transaction, so core domain apps never import it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone

from apps.core.exceptions import Conflict, InvalidRequest


@dataclass(frozen=True)
class TrashSpec:
    resource_type: str
    model: type[Model]
    name: Callable[[Model], str]
    # Querysets (on `all_objects`) of the rows this row contains, to hide and restore with it.
    contents: Callable[[Model], list[QuerySet]] = field(default=lambda obj: [])
    # The container whose deletion would hide this row (restoring into a deleted parent is refused).
    parent: Callable[[Model], Model | None] = field(default=lambda obj: None)
    # The workspace id of the row, for scoping trash listings.
    workspace_id: Callable[[Model], object] = field(default=lambda obj: obj.workspace_id)
    # The owning app's lifecycle services, so `DELETE /<resource>/{id}` and the trash endpoints do the
    # same thing: `delete(*, actor, obj, force=False) -> deletion id` checks the right to delete
    # (403), refuses conflicts (409), calls `soft_delete` and emits the app's events;
    # `restore(*, actor, obj) -> obj` checks what restoring needs, calls `restore` and emits events.
    delete: Callable[..., uuid.UUID] | None = None
    restore: Callable[..., Model] | None = None


_specs: dict[str, TrashSpec] = {}
_listeners: list[Callable[..., None]] = []


def register(spec: TrashSpec) -> None:
    _specs[spec.resource_type] = spec


def spec_for(resource_type: str) -> TrashSpec:
    try:
        return _specs[resource_type]
    except KeyError:
        raise InvalidRequest(
            "Unknown resource type.",
            details={"field": "resource_type", "reason": f"One of: {', '.join(sorted(_specs))}"},
        ) from None


def spec_for_model(model: type[Model]) -> TrashSpec:
    return next(spec for spec in _specs.values() if spec.model is model)


def resource_types() -> list[str]:
    return sorted(_specs)


def add_listener(listener: Callable[..., None]) -> None:
    """listener(event, spec, obj, actor, deletion_id) with event in {"deleted", "restored", "purged"}."""
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(event: str, spec: TrashSpec, obj: Model, actor, deletion_id) -> None:
    for listener in _listeners:
        listener(event, spec, obj, actor, deletion_id)


def soft_delete(obj: Model, *, actor) -> uuid.UUID:
    """Hide `obj` and its alive contents under one new deletion id; returns that id."""
    spec = spec_for_model(type(obj))
    if obj.deleted_at is not None:
        raise Conflict("This resource is already in the trash.")
    deletion_id, now = uuid.uuid4(), timezone.now()
    marks = {
        "deleted_at": now,
        "deleted_by": actor if getattr(actor, "is_authenticated", False) else None,
        "deletion_id": deletion_id,
    }
    with transaction.atomic():
        for queryset in spec.contents(obj):
            queryset.filter(deleted_at__isnull=True).update(**marks)
        type(obj).all_objects.filter(pk=obj.pk).update(**marks)
        for name, value in marks.items():
            setattr(obj, name, value)
        _notify("deleted", spec, obj, actor, deletion_id)
    return deletion_id


def restore(obj: Model, *, actor) -> Model:
    """Bring back `obj` and every row hidden by the same deletion. 409 if its container is deleted."""
    spec = spec_for_model(type(obj))
    if obj.deleted_at is None:
        raise Conflict("This resource is not in the trash.")
    parent = spec.parent(obj)
    if parent is not None and getattr(parent, "deleted_at", None) is not None:
        container = spec_for_model(type(parent)).resource_type
        raise Conflict(f"The {container} that contains this item is in the trash; restore it first.")
    deletion_id = obj.deletion_id
    clear = {"deleted_at": None, "deleted_by": None, "deletion_id": None}
    with transaction.atomic():
        for queryset in spec.contents(obj):
            queryset.filter(deletion_id=deletion_id).update(**clear)
        type(obj).all_objects.filter(pk=obj.pk).update(**clear)
        for name, value in clear.items():
            setattr(obj, name, value)
        _notify("restored", spec, obj, actor, deletion_id)
    return obj


def purge(obj: Model, *, actor) -> None:
    """Delete `obj` for good; the database cascades remove what it contained."""
    spec = spec_for_model(type(obj))
    with transaction.atomic():
        _notify("purged", spec, obj, actor, obj.deletion_id)
        obj.delete()


def first_deleted(*containers: Model | None) -> Model | None:
    """The first container that is in the trash (for TrashSpec.parent)."""
    return next((c for c in containers if c is not None and getattr(c, "deleted_at", None) is not None), None)
