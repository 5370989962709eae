"""Audit plumbing on top of django-auditlog.

- `AuditContextMiddleware` opens the audit context for a request with the client IP (trusting
  X-Forwarded-For only as far as NUM_PROXIES says, unlike auditlog's own middleware) and, outside
  the API, the signed-in session user (the staff user of the admin console) as the actor.
- `bind_actor(user)` is called by the API authentication classes once DRF knows who is calling,
  because bearer tokens are only read after every middleware has run.
- `record_action()` writes a domain action (`project.archived`, `user.login_failed`, ...) as an
  audit entry next to the automatic model diffs. The action name is `additional_data["action"]`;
  `additional_data["workspace_id"]` scopes the entry to a tenant.
"""

from __future__ import annotations

import re
from typing import Any

from auditlog.cid import set_cid
from auditlog.context import auditlog_value, set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from apps.core.http import client_ip


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        set_cid(request)
        actor = _session_actor(request)
        with set_extra_data(context_data={"actor": actor, "remote_addr": client_ip(request)}):
            return self.get_response(request)


def _session_actor(request):
    """The session's signed-in user for admin-console (non-API) requests, else None. API requests
    authenticate with bearer tokens later, in DRF (`bind_actor`): a session cookie sent along must
    not make its user the actor of an API call."""
    if request.path.startswith("/api/"):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return getattr(user, "_wrapped", user)  # the User itself, not the lazy wrapper


def bind_actor(user) -> None:
    """Attribute the audit entries written from now on in this request to `user`."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    if context.get("actor") is None:
        context["actor"] = user


def rebind_actor(user, *, remote_addr: str | None = None) -> None:
    """Replace the actor and client IP of the current request's audit context (erasure: the rest of
    the request is attributed to the pseudonymised account, with no IP). No-op outside a request."""
    try:
        context = auditlog_value.get()
    except LookupError:
        return
    context["actor"] = user
    context["remote_addr"] = remote_addr


def current_remote_addr() -> str | None:
    try:
        return auditlog_value.get().get("remote_addr")
    except LookupError:
        return None


def record_action(
    action: str,
    *,
    actor,
    target,
    workspace_id=None,
    changes: dict[str, list[Any]] | None = None,
    extra: dict[str, Any] | None = None,
    remote_addr: str | None = None,
) -> LogEntry:
    """Append a domain action to the audit log. `changes` is field -> [old, new]."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    data = {"action": action, **(extra or {})}
    if workspace_id is not None:
        data["workspace_id"] = str(workspace_id)
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(type(target)),
        object_pk=str(target.pk),
        object_repr=str(target)[:200],
        action=LogEntry.Action.ACCESS,
        changes=changes or {},
        changes_text="",
        actor=actor,
        actor_email=getattr(actor, "email", None),
        remote_addr=remote_addr or current_remote_addr(),
        additional_data=data,
    )


class WorkspaceScopedAudit:
    """Mixin for tenant-owned models: their automatic audit entries carry the workspace id."""

    def get_additional_data(self) -> dict[str, str]:
        return {"workspace_id": str(self.workspace_id)}


# Field names that hold a secret, its ciphertext or hash, a token or a password. Such a field is
# never recorded with its value: a model excludes it explicitly at registration, and whatever is not
# excluded but matches this pattern is masked as "[redacted]" (the change is logged, not the value).
SENSITIVE_FIELD = re.compile(r"secret|encrypted|hash|token|password|pepper", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(value: str) -> str:
    """The audit mask of a sensitive field (auditlog `mask_callable`): the value never survives."""
    return REDACTED


def register_audited(model, *, exclude_fields=(), **options) -> None:
    """Register `model` with django-auditlog, recording its own fields only: reverse relations
    (a task's `subtasks`, a project's `task_lists`) are left out, or a created row would be logged
    with changes like `"subtasks": {"new": "tasks.Subtask.None"}` (also in compliance exports).

    `exclude_fields` names the secrets of the model (left out of `changes`); any other concrete field
    whose name matches SENSITIVE_FIELD is a safety net for a secret added later and not excluded: it
    is recorded as changed with both values "[redacted]" (tests/archive/test_audit_redaction.py)."""
    from auditlog.registry import auditlog

    reverse = [field.name for field in model._meta.get_fields() if field.auto_created and not field.concrete]
    excluded = {*exclude_fields, *reverse}
    sensitive = [
        field.name
        for field in model._meta.concrete_fields
        if field.name not in excluded and SENSITIVE_FIELD.search(field.name)
    ]
    options["mask_fields"] = [*options.get("mask_fields", ()), *sensitive]
    options.setdefault("mask_callable", "apps.core.audit.redact")
    auditlog.register(model, exclude_fields=sorted(excluded), **options)
