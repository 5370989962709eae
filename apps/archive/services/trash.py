"""The trash bin: move any trashable resource to the trash, list, restore and purge.

The bin asks each resource's registered lifecycle (`apps.core.trash.TrashSpec.delete/restore`) to
act, so `POST /archive/trash` and the resources' own `DELETE` endpoints behave the same: the same
rights, the same conflicts and the same events. The listener below keeps one `TrashItem` per
deletion and one audit entry per trash action, in the same transaction. A trash item is seen by
whoever may delete its resource (the resource model's registered `delete` access rule); everyone
else gets 404.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.archive.models import TrashItem
from apps.core import access
from apps.core import trash as core_trash
from apps.core.audit import record_action
from apps.core.exceptions import NotFound, ValidationFailed

logger = logging.getLogger("pronaflow.archive")


# --- listener (registered in ArchiveConfig.ready) -------------------------------------------


def on_trash_event(event: str, spec: core_trash.TrashSpec, obj, actor, deletion_id, contained=()) -> None:
    """Keep TrashItem rows and the audit log in step with apps.core.trash (same transaction)."""
    workspace_id = spec.workspace_id(obj)
    if event == "deleted":
        item = TrashItem.objects.create(
            resource_type=spec.resource_type,
            resource_id=obj.pk,
            resource_name=(spec.name(obj) or "")[:500],
            workspace_id=workspace_id,
            deleted_by=obj.deleted_by,
            deleted_at=obj.deleted_at,
            expires_at=obj.deleted_at + dt.timedelta(days=settings.TRASH_RETENTION_DAYS),
            deletion_id=deletion_id,
        )
        record_action(
            f"{spec.resource_type}.trashed",
            actor=actor,
            target=obj,
            workspace_id=workspace_id,
            changes={"deleted_at": [None, obj.deleted_at.isoformat()]},
            extra={"trash_item_id": str(item.pk), "expires_at": item.expires_at.isoformat()},
        )
    elif event == "restored":
        TrashItem.objects.filter(deletion_id=deletion_id).delete()
        record_action(f"{spec.resource_type}.restored", actor=actor, target=obj, workspace_id=workspace_id, changes={})
    elif event == "purged":
        contained_ids = [pk for _, pk in contained]
        TrashItem.objects.filter(Q(deletion_id=deletion_id) | Q(resource_id__in=[obj.pk, *contained_ids])).delete()
        record_action(
            f"{spec.resource_type}.purged",
            actor=actor,
            target=obj,
            workspace_id=workspace_id,
            extra={"resource_name": (spec.name(obj) or "")[:200], "contained_rows": len(contained_ids)},
        )


# --- who may see a trash item -----------------------------------------------------------------


def trash_items_for(user) -> QuerySet:
    """Trash items whose resource `user` could delete (one query with subqueries)."""
    if not access.is_authenticated(user):
        return TrashItem.objects.none()
    condition = Q(pk__in=[])
    for resource_type in core_trash.resource_types():
        model = core_trash.spec_for(resource_type).model
        deletable = access.restrict(model.all_objects, user, "delete").values("pk")
        condition |= Q(resource_type=resource_type, resource_id__in=deletable)
    return TrashItem.objects.filter(condition)


def _lifecycle_specs() -> list[core_trash.TrashSpec]:
    """Trash specs whose app registered delete/restore services (and access rules for the model)."""
    return [spec for spec in map(core_trash.spec_for, core_trash.resource_types()) if spec.delete is not None]


def _require_item_right(actor, item: TrashItem, permission: str) -> None:
    if getattr(actor, "has_perm", None) and actor.has_perm(permission):
        return
    if not trash_items_for(actor).filter(pk=item.pk).exists():
        raise NotFound("Trash item not found.")


# --- move to trash --------------------------------------------------------------------------


def trash_item_create(*, actor, resource_type: str, resource_id, force: bool = False) -> TrashItem:
    """Move a resource (and what it contains) to the trash through its own lifecycle service, exactly
    like its `DELETE` endpoint (`force` as there: a non-empty task list needs it).

    Events: those of the resource's delete service (project.deleted, task.deleted for each task).
    Raises InvalidRequest (unknown type), ValidationFailed naming `resource_id` (not visible,
    already trashed: an id in a body, not in the URL), PermissionDenied (no right to delete),
    Conflict (archived project, non-empty list without force)."""
    spec = core_trash.spec_for(resource_type)
    with transaction.atomic():
        try:
            obj = access.get_or_404(spec.model.objects, actor, resource_id)
        except NotFound as error:
            raise ValidationFailed.field("resource_id", error.message) from None
        deletion_id = spec.delete(actor=actor, obj=obj, force=force)
        return TrashItem.objects.select_related("deleted_by").get(deletion_id=deletion_id)


def trash_item_list(*, actor, resource_type: str | None = None, workspace_id=None) -> QuerySet:
    """Trash items the actor could restore, newest deletion first."""
    queryset = trash_items_for(actor)
    if resource_type:
        queryset = queryset.filter(resource_type=resource_type)
    if workspace_id:
        queryset = queryset.filter(workspace_id=workspace_id)
    return queryset.order_by("-deleted_at", "id")


def trash_item_get(*, actor, trash_item_id) -> TrashItem:
    item = trash_items_for(actor).filter(pk=trash_item_id).first()
    if item is None:
        raise NotFound("Trash item not found.")
    return item


def _load_resource(item: TrashItem):
    model = core_trash.spec_for(item.resource_type).model
    return model.all_objects.select_for_update().filter(pk=item.resource_id).first()


def trash_item_restore(*, actor, trash_item: TrashItem) -> dict:
    """Bring the resource back with everything deleted together with it, through its lifecycle's
    restore service.

    Events: those of the restore service (project.restored, task.restored). Raises NotFound (no
    right to it), Conflict (its container is in the trash, or its project is archived).
    """
    _require_item_right(actor, trash_item, "archive.restore_trashitem")
    with transaction.atomic():
        obj = _load_resource(trash_item)
        if obj is None:
            trash_item.delete()
            raise NotFound("The resource of this trash item no longer exists.")
        core_trash.spec_for(trash_item.resource_type).restore(actor=actor, obj=obj)
    return {
        "id": str(obj.pk),
        "resource_type": trash_item.resource_type,
        "status": "active",
        "restored_at": timezone.now(),
    }


def _purge(item: TrashItem, actor) -> None:
    with transaction.atomic():
        obj = _load_resource(item)
        if obj is None:
            TrashItem.objects.filter(pk=item.pk).delete()
            return
        core_trash.purge(obj, actor=actor)


def trash_item_purge(*, actor, trash_item: TrashItem) -> None:
    """Delete the resource and everything it contains for good (`apps.core.trash.purge`). Audited
    as `<resource>.purged`. Raises NotFound when the actor has no right to the item."""
    _require_item_right(actor, trash_item, "archive.purge_trashitem")
    _purge(trash_item, actor)


def trash_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Purge every trash item past its expiry (beat job); contents before containers. Returns the
    number of items purged. One transaction per item, so one failure does not block the rest."""
    now = now or timezone.now()
    purged = 0
    for resource_type in core_trash.purge_order():
        ids = list(
            TrashItem.objects.filter(resource_type=resource_type, expires_at__lte=now).values_list("pk", flat=True)
        )
        for item_id in ids:
            item = TrashItem.objects.filter(pk=item_id).first()
            if item is None:
                continue  # removed with its purged container
            try:
                _purge(item, None)
                purged += 1
            except Exception:
                logger.exception("Purging trash item %s failed", item_id)
    return purged
