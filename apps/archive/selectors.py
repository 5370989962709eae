"""Reads of module 8: the audit log as API records, scoped to what the caller may see."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet

from apps.core.access import restrict
from apps.core.exceptions import InvalidRequest, NotFound, PermissionDenied
from apps.workspaces.access import admin_workspace_ids
from apps.workspaces.models import Workspace

AUDIT_VIEW_ALL_PERMISSION = "archive.view_auditentry"
EXPORT_ALL_PERMISSION = "archive.export_compliance"
VERBS = {LogEntry.Action.CREATE: "created", LogEntry.Action.UPDATE: "updated", LogEntry.Action.DELETE: "deleted"}
VERB_ACTIONS = {verb: action for action, verb in VERBS.items()}
ACTION_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
# Audit entries are django-auditlog rows with integer keys; the API names them by a UUID derived
# from that key (UUIDv5 in this namespace), like every other resource id. Stable and never reused.
AUDIT_ID_NAMESPACE = uuid.UUID("6f1940c7-59a1-4992-807f-6329f272964f")

# Columns an audit record is built from (one query with the actor and the chain link joined).
RECORD_VALUES = (
    "id",
    "timestamp",
    "action",
    "content_type_id",
    "object_pk",
    "object_repr",
    "changes",
    "actor_id",
    "actor_email",
    "actor__email",
    "remote_addr",
    "additional_data",
    "chain_link__seq",
    "chain_link__hash",
    "chain_link__prev_hash",
)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


_resource_types: dict[int, str] = {}


def resource_type_of(content_type_id: int) -> str:
    """`task_list` for tasks.TaskList: the model's name in snake case."""
    if content_type_id not in _resource_types:
        content_type = ContentType.objects.get_for_id(content_type_id)
        model = content_type.model_class()
        _resource_types[content_type_id] = _snake(model.__name__) if model else content_type.model
    return _resource_types[content_type_id]


def content_types_of(resource_type: str) -> list[int]:
    return [
        content_type.pk
        for content_type in ContentType.objects.all()
        if (model := content_type.model_class()) is not None and _snake(model.__name__) == resource_type
    ]


def _changes(raw) -> dict:
    """auditlog's field -> [old, new] (and m2m descriptions) as field -> {old, new}."""
    result = {}
    for field, value in (raw or {}).items():
        if isinstance(value, list | tuple) and len(value) == 2:
            result[field] = {"old": value[0], "new": value[1]}
        elif isinstance(value, dict) and value.get("type") == "m2m":
            objects = value.get("objects", [])
            removed = value.get("operation") == "delete"
            result[field] = {"old": objects if removed else None, "new": None if removed else objects}
        else:
            result[field] = {"old": None, "new": value}
    return result


def audit_changes_text(raw) -> str:
    """The `changes` cell of the compliance CSV for auditlog's stored `changes`."""
    return json.dumps(_changes(raw), sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)


def audit_public_id(entry_pk: int) -> str:
    """The UUID under which the API shows the audit entry with primary key `entry_pk`."""
    return str(uuid.uuid5(AUDIT_ID_NAMESPACE, str(entry_pk)))


def audit_record(row: dict) -> dict:
    """One LogEntry (as RECORD_VALUES) in the API's shape."""
    data = row["additional_data"] or {}
    resource_type = resource_type_of(row["content_type_id"])
    action = data.get("action") or f"{resource_type}.{VERBS.get(row['action'], 'accessed')}"
    return {
        "id": audit_public_id(row["id"]),
        "action": action,
        "user_id": str(row["actor_id"]) if row["actor_id"] else None,
        "user_email": row["actor__email"] or row["actor_email"],
        "resource_type": resource_type,
        "resource_id": row["object_pk"],
        "resource_name": row["object_repr"],
        "workspace_id": data.get("workspace_id"),
        "changes": _changes(row["changes"]),
        "timestamp": row["timestamp"],
        "ip_address": row["remote_addr"],
        "sequence": row["chain_link__seq"],
        "hash": row["chain_link__hash"],
        "previous_hash": row["chain_link__prev_hash"],
    }


def audit_records(queryset: QuerySet, *, chunk_size: int = 2000) -> Iterator[dict]:
    """Stream records in constant memory (server-side cursor on PostgreSQL)."""
    for row in queryset.values(*RECORD_VALUES).iterator(chunk_size=chunk_size):
        yield audit_record(row)


def _admin_workspace_ids(user) -> list[str]:
    return [str(pk) for pk in admin_workspace_ids(user).values_list("workspace_id", flat=True)]


def audit_scope(user, *, workspace_id=None, all_permission: str = AUDIT_VIEW_ALL_PERMISSION) -> list[str] | None:
    """Workspace ids whose entries `user` may read (None = every entry, compliance staff).

    A workspace the user is not a member of answers 404; one where they are not owner/admin 403.
    Callers without any administered workspace get 403.
    """
    if getattr(user, "is_staff", False) and user.has_perm(all_permission):
        return [str(workspace_id)] if workspace_id else None
    allowed = _admin_workspace_ids(user)
    if workspace_id:
        if str(workspace_id) in allowed:
            return [str(workspace_id)]
        if restrict(Workspace.objects, user).filter(pk=workspace_id).exists():
            raise PermissionDenied("Only workspace owners and admins can read its audit log.")
        raise NotFound("Workspace not found.")
    if not allowed:
        raise PermissionDenied("Only workspace owners and admins (or compliance staff) can read audit logs.")
    return allowed


def action_filter(action: str) -> Q:
    """`project.archived` (domain action) or `task.updated` (model diff) as a database filter."""
    if not ACTION_PATTERN.match(action):
        raise InvalidRequest(
            "Invalid value for 'action'.", details={"field": "action", "reason": "Use the form <resource>.<verb>."}
        )
    condition = Q(additional_data__action=action)
    resource_type, verb = action.split(".", 1)
    if verb in VERB_ACTIONS:
        condition |= Q(content_type_id__in=content_types_of(resource_type), action=VERB_ACTIONS[verb]) & ~Q(
            additional_data__has_key="action"
        )
    return condition


def audit_entry_list(
    *,
    scope: list[str] | None,
    user_id=None,
    action: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    resource_type: str | None = None,
    resource_id: str | None = None,
) -> QuerySet:
    """LogEntry rows in scope matching the filters, newest first (stable by id)."""
    queryset = LogEntry.objects.all()
    if scope is not None:
        queryset = queryset.filter(additional_data__workspace_id__in=scope)
    if user_id:
        queryset = queryset.filter(actor_id=user_id)
    if action:
        queryset = queryset.filter(action_filter(action))
    if start:
        queryset = queryset.filter(timestamp__gte=start)
    if end:
        queryset = queryset.filter(timestamp__lte=end)
    if resource_type:
        queryset = queryset.filter(content_type_id__in=content_types_of(resource_type))
    if resource_id:
        queryset = queryset.filter(object_pk=resource_id)
    return queryset.order_by("-timestamp", "-id")
