"""The lifecycle registry: soft delete, restore and purge for every trashable resource.

Each app registers its trashable models in `AppConfig.ready()` with a `TrashSpec` naming its own
lifecycle services (`delete`, `restore`), so `DELETE /<resource>/{id}` and the trash endpoints of
module 8 do the same thing. What a row contains is registered by the apps that own the contents
(`register_contents`), so an upstream app never imports a downstream one: the tasks app says "a
project contains its lists and tasks", the collaboration app "a task contains its comments".

Deleting marks the row and its alive contents with one `deletion_id`; restoring un-marks exactly the
rows of that deletion; purging deletes the row and everything it contains for good, in one
transaction, so no soft-deleted row is left that no trash item reaches.

Module 8 (archive) listens through `add_listener` to keep its TrashItem rows in step, inside the
same transaction, so domain apps never import it.
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
    # The container whose deletion would hide this row (restoring into a deleted parent is refused).
    parent: Callable[[Model], Model | None] = field(default=lambda obj: None)
    # The workspace id of the row, for scoping trash listings.
    workspace_id: Callable[[Model], object] = field(default=lambda obj: obj.workspace_id)
    # The owning app's lifecycle services, so `DELETE /<resource>/{id}` and the trash endpoints do the
    # same thing: `delete(*, actor, obj, force=False) -> deletion id` checks the right to delete
    # (403), refuses conflicts (409), calls `soft_delete` and emits the app's events;
    # `restore(*, actor, obj) -> obj` refuses conflicts, calls `restore` and emits the app's events
    # (the right to restore is the model's registered `delete` access rule, checked by the caller).
    delete: Callable[..., uuid.UUID] | None = None
    restore: Callable[..., Model] | None = None


_specs: dict[str, TrashSpec] = {}
_contents: dict[type[Model], list[tuple[type[Model], Callable[[Model], QuerySet]]]] = {}
_listeners: list[Callable[..., None]] = []


def register(spec: TrashSpec) -> None:
    _specs[spec.resource_type] = spec


def register_contents(container: type[Model], model: type[Model], contents: Callable[[Model], QuerySet]) -> None:
    """Declare that rows of `container` contain the `model` rows `contents(obj)` (a queryset on
    `all_objects`): they are hidden, restored and purged with it. Called by the app owning `model`."""
    _contents.setdefault(container, []).append((model, contents))


def contents_of(obj: Model) -> list[QuerySet]:
    return [contents(obj) for _, contents in _contents.get(type(obj), [])]


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


def purge_order() -> list[str]:
    """Resource types, contents before their containers (for expiry jobs that purge in bulk)."""
    depth: dict[type[Model], int] = {}

    def level(model: type[Model]) -> int:
        if model not in depth:
            depth[model] = 0  # guards against a cycle in the registrations
            inner = [content_model for content_model, _ in _contents.get(model, [])]
            depth[model] = 1 + max((level(m) for m in inner), default=-1)
        return depth[model]

    return sorted(_specs, key=lambda rt: (level(_specs[rt].model), rt))


def add_listener(listener: Callable[..., None]) -> None:
    """listener(event, spec, obj, actor, deletion_id, contained) with event in {"deleted",
    "restored", "purged"}; `contained` lists the (model, pk) pairs purged with `obj` (purge only)."""
    if listener not in _listeners:
        _listeners.append(listener)


def _notify(event: str, spec: TrashSpec, obj: Model, actor, deletion_id, contained=()) -> None:
    for listener in _listeners:
        listener(event, spec, obj, actor, deletion_id, contained)


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
        for queryset in contents_of(obj):
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
        for queryset in contents_of(obj):
            queryset.filter(deletion_id=deletion_id).update(**clear)
        type(obj).all_objects.filter(pk=obj.pk).update(**clear)
        for name, value in clear.items():
            setattr(obj, name, value)
        _notify("restored", spec, obj, actor, deletion_id)
    return obj


def purge(obj: Model, *, actor) -> None:
    """Delete `obj` and every row it contains for good, in one transaction.

    Contents are deleted explicitly, not left to database cascades: a task list's tasks reference it
    with SET NULL and would otherwise survive as soft-deleted rows no trash item reaches. Rows
    trashed on their own before their container go too (their trash items with them)."""
    spec = spec_for_model(type(obj))
    with transaction.atomic():
        # Ids first: deleting a container can detach its contents (SET NULL) before they are read.
        contained = [(qs.model, pk) for qs in contents_of(obj) for pk in qs.values_list("pk", flat=True)]
        _notify("purged", spec, obj, actor, obj.deletion_id, contained)
        for model in dict.fromkeys(model for model, _ in reversed(contained)):
            model.all_objects.filter(pk__in=[pk for m, pk in contained if m is model]).delete()
        obj.delete()


def first_deleted(*containers: Model | None) -> Model | None:
    """The first container that is in the trash (for TrashSpec.parent)."""
    return next((c for c in containers if c is not None and getattr(c, "deleted_at", None) is not None), None)
