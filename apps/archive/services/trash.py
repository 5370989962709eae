"""The trash bin: move any trashable resource to the trash, list, restore and purge.

`apps.core.trash` does the soft delete itself (for the resources' own DELETE endpoints too); the
listener below keeps one `TrashItem` per deletion and one audit entry per trash action, in the same
transaction. Rights follow the resources' own DELETE rules: workspace owner for a workspace,
project managers (and workspace owners/admins) for a project, task editors for task lists and tasks,
the author, a project manager or a workspace admin for a comment. Whoever could not delete a
resource does not see its trash item (404).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.archive.models import TrashItem
from apps.archive.services.payloads import project_payload, task_payload
from apps.core import access, policies, tenancy
from apps.core import trash as core_trash
from apps.core.audit import record_action
from apps.core.exceptions import NotFound
from apps.events.services import emit

logger = logging.getLogger("pronaflow.archive")

ADMIN_ROLES = ("owner", "admin")
# Purge order for the expiry job: contents before their containers.
PURGE_ORDER = ("comment", "task", "task_list", "project", "workspace")


def _model(label: str):
    return apps.get_model(label)


# --- listener (registered in ArchiveConfig.ready) -------------------------------------------


def on_trash_event(event: str, spec: core_trash.TrashSpec, obj, actor, deletion_id) -> None:
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
        contained_ids = [pk for queryset in spec.contents(obj) for pk in queryset.values_list("pk", flat=True)]
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
    if not getattr(user, "is_authenticated", False):
        return TrashItem.objects.none()
    members = _model("workspaces.WorkspaceMember").objects.filter(user_id=user.pk)
    project_members = _model("projects.ProjectMember").objects.filter(user_id=user.pk)
    ws_all = members.values("workspace_id")
    ws_owner = members.filter(role="owner").values("workspace_id")
    ws_admin = members.filter(role__in=ADMIN_ROLES).values("workspace_id")
    ws_member = members.filter(role="member").values("workspace_id")
    managed = project_members.filter(role="manager").values("project_id")
    editing = project_members.filter(role__in=("manager", "member")).values("project_id")
    joined = project_members.values("project_id")

    projects = _model("projects.Project").all_objects
    projects_managed = projects.filter(
        Q(workspace_id__in=ws_admin) | Q(workspace_id__in=ws_member, id__in=managed)
    ).values("id")
    projects_editable = projects.filter(
        Q(workspace_id__in=ws_admin)
        | Q(workspace_id__in=ws_member) & (Q(id__in=editing) | Q(visibility="workspace") & ~Q(id__in=joined))
    ).values("id")
    task_lists = _model("tasks.TaskList").all_objects.filter(project_id__in=projects_editable).values("id")
    tasks = _model("tasks.Task").all_objects.filter(project_id__in=projects_editable).values("id")
    comments = (
        _model("collaboration.Comment")
        .all_objects.filter(Q(author_id=user.pk, workspace_id__in=ws_all) | Q(task__project_id__in=projects_managed))
        .values("id")
    )
    # Resources whose app registered its own lifecycle: whoever may delete the row sees its item.
    lifecycle = Q(pk__in=[])
    for spec in _lifecycle_specs():
        deletable = access.restrict(spec.model.all_objects.all(), user, "delete").values("pk")
        lifecycle |= Q(resource_type=spec.resource_type, resource_id__in=deletable)
    return TrashItem.objects.filter(
        lifecycle
        | Q(resource_type="workspace", workspace_id__in=ws_owner)
        | Q(resource_type="project", resource_id__in=projects_managed)
        | Q(resource_type="task_list", resource_id__in=task_lists)
        | Q(resource_type="task", resource_id__in=tasks)
        | Q(resource_type="comment", resource_id__in=comments)
    )


def _lifecycle_specs() -> list[core_trash.TrashSpec]:
    """Trash specs whose app registered delete/restore services (and access rules for the model)."""
    return [spec for spec in map(core_trash.spec_for, core_trash.resource_types()) if spec.delete is not None]


def _require_item_right(actor, item: TrashItem, permission: str) -> None:
    if getattr(actor, "has_perm", None) and actor.has_perm(permission):
        return
    if not trash_items_for(actor).filter(pk=item.pk).exists():
        raise NotFound("Trash item not found.")


# --- move to trash --------------------------------------------------------------------------


def _project_of(obj):
    """The project a trashable row lives in (None for a workspace)."""
    name = type(obj)._meta.label
    if name == "projects.Project":
        return obj
    if name in ("tasks.TaskList", "tasks.Task"):
        return _model("projects.Project").all_objects.get(pk=obj.project_id)
    if name == "collaboration.Comment":
        task = _model("tasks.Task").all_objects.get(pk=obj.task_id)
        return _model("projects.Project").all_objects.get(pk=task.project_id)
    return None


def _resolve_for_delete(actor, resource_type: str, resource_id):
    """Load a live resource through the tenant scope (404) and check the right to delete it (403)."""
    if resource_type == "workspace":
        workspace = tenancy.visible_workspaces(actor).filter(pk=resource_id).first()
        if workspace is None:
            raise NotFound("Workspace not found.")
        policies.require_workspace_role(actor, workspace.pk, "owner")
        return workspace
    scoped = {
        "project": tenancy.visible_projects,
        "task_list": tenancy.visible_task_lists,
        "task": tenancy.visible_tasks,
        "comment": tenancy.visible_comments,
    }[resource_type]
    obj = scoped(actor).filter(pk=resource_id).first()
    if obj is None:
        raise NotFound(f"{resource_type.replace('_', ' ').capitalize()} not found.")
    project = _project_of(obj)
    access = policies.project_access(actor, project)
    if resource_type == "project":
        allowed = access.can_manage
    elif resource_type == "comment":
        allowed = obj.author_id == actor.pk or access.can_manage or access.is_workspace_admin
    else:
        allowed = access.can_edit_tasks
    policies.require(allowed)
    policies.require_project_writable(project)
    return obj


def _emit_lifecycle(verb: str, obj, actor) -> None:
    label = type(obj)._meta.label
    if label == "projects.Project":
        emit(
            f"project.{verb}",
            aggregate=obj,
            actor=actor,
            workspace=obj.workspace,
            payload=project_payload(obj),
            project=obj,
        )
    elif label == "tasks.Task":
        emit(
            f"task.{verb}",
            aggregate=obj,
            actor=actor,
            workspace=obj.workspace,
            payload=task_payload(obj),
            project=obj.project_id,
        )


def trash_item_create(*, actor, resource_type: str, resource_id) -> TrashItem:
    """Move a resource (and what it contains) to the trash, like its own DELETE endpoint.

    Events: project.deleted / task.deleted. Raises InvalidRequest (unknown type), NotFound (not
    visible, already trashed), PermissionDenied (no right to delete), Conflict (archived project).
    A resource whose app registered lifecycle services (`TrashSpec.delete`, e.g. milestone) is
    looked up through its access rules and handed to that service, which checks rights and emits.
    """
    spec = core_trash.spec_for(resource_type)
    with transaction.atomic():
        if spec.delete is not None:
            obj = access.get_or_404(spec.model.objects.all(), actor, resource_id, "view")
            deletion_id = spec.delete(actor=actor, obj=obj)
            return TrashItem.objects.select_related("deleted_by").get(deletion_id=deletion_id)
        obj = _resolve_for_delete(actor, resource_type, resource_id)
        deletion_id = core_trash.soft_delete(obj, actor=actor)
        _emit_lifecycle("deleted", obj, actor)
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
    """Bring the resource back with everything deleted together with it.

    Events: project.restored / task.restored. Raises NotFound (no right to it), Conflict (its
    container is in the trash, or its project is archived).
    """
    _require_item_right(actor, trash_item, "archive.restore_trashitem")
    with transaction.atomic():
        obj = _load_resource(trash_item)
        if obj is None:
            trash_item.delete()
            raise NotFound("The resource of this trash item no longer exists.")
        spec = core_trash.spec_for(trash_item.resource_type)
        staff = bool(getattr(actor, "has_perm", None)) and actor.has_perm("archive.restore_trashitem")
        if spec.restore is not None and not staff:  # trash-console staff restore by permission, below
            spec.restore(actor=actor, obj=obj)
        else:
            project = _project_of(obj)
            if project is not None and project.pk != obj.pk and project.deleted_at is None:
                policies.require_project_writable(project)
            core_trash.restore(obj, actor=actor)
            _emit_lifecycle("restored", obj, actor)
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
    """Delete the resource for good (database cascades remove its contents). Audited as
    `<resource>.purged`. Raises NotFound when the actor has no right to the item."""
    _require_item_right(actor, trash_item, "archive.purge_trashitem")
    _purge(trash_item, actor)


def trash_purge_expired(*, now: dt.datetime | None = None) -> int:
    """Purge every trash item past its expiry (beat job); contents before containers. Returns the
    number of items purged. One transaction per item, so one failure does not block the rest."""
    now = now or timezone.now()
    purged = 0
    # Types registered by other apps (milestones, ...) live inside projects: purge them first.
    others = [resource_type for resource_type in core_trash.resource_types() if resource_type not in PURGE_ORDER]
    for resource_type in (*others, *PURGE_ORDER):
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


def trash_is_restorable(item: TrashItem) -> bool:
    """False when the item's container is in the trash (restore would answer 409)."""
    model = core_trash.spec_for(item.resource_type).model
    obj = model.all_objects.filter(pk=item.resource_id).first()
    return obj is not None and core_trash.spec_for(item.resource_type).parent(obj) is None
