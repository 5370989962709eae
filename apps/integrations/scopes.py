"""The API-token scope catalogue and the one table that maps API paths to the scope they need.

A scope is `<permission>:<resource>`: `read:` covers GET/HEAD/OPTIONS, `write:` every other method.
Scopes are explicit: `write:tasks` does not include `read:tasks`. Paths are matched in order against
PATH_SCOPES; the first match decides. Paths that match no entry, the sign-in endpoints (/auth/*) and
token management (/integration/tokens*) are closed to API tokens whatever their scopes, so a token
can never mint tokens or change its owner's credentials.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

READ, WRITE = "read", "write"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class Resource:
    name: str  # plural, as used in scopes: read:tasks
    resource_type: str  # singular, as the spec's scope listing shows it
    label: str  # what the read/write description talks about


RESOURCES = [
    Resource("workspaces", "workspace", "workspaces, their settings and members"),
    Resource("projects", "project", "projects, project members, archiving and scheduling"),
    Resource("tasks", "task", "tasks, task lists, subtasks, dependencies and assignees"),
    Resource("comments", "comment", "comments and mentions"),
    Resource("reports", "report", "reports and analytics"),
    Resource("notifications", "notification", "notifications and notification preferences"),
    Resource("events", "event", "domain events and event consumers"),
    Resource("webhooks", "webhook", "webhooks and their delivery history"),
    Resource("archive", "trash_item", "the trash bin (restore, permanent delete)"),
    Resource("audit", "audit_log", "audit logs and compliance exports"),
    Resource("preferences", "preference", "the owner's personal preferences"),
    Resource("integrations", "integration", "plugins, OAuth connections, consents and integration status"),
]
RESOURCES_BY_NAME = {resource.name: resource for resource in RESOURCES}


def scope_catalogue() -> list[dict]:
    """Every scope with its description, in a stable order."""
    return [
        {
            "scope": f"{permission}:{resource.name}",
            "description": f"{'Read' if permission == READ else 'Write'} access to {resource.label}",
            "resource_type": resource.resource_type,
            "permission_type": permission,
        }
        for resource in RESOURCES
        for permission in (READ, WRITE)
    ]


ALL_SCOPES = frozenset(item["scope"] for item in scope_catalogue())

CLOSED = "closed"
# (path pattern, resources needed). Order matters: more specific patterns first.
PATH_SCOPES: list[tuple[re.Pattern, tuple[str, ...] | str]] = [
    (re.compile(r"^/api/v1/auth(/|$)"), CLOSED),
    (re.compile(r"^/api/v1/integration/tokens(/|$)"), CLOSED),
    (re.compile(r"^/api/v1/integration/webhooks(/|$)"), ("webhooks",)),
    (re.compile(r"^/api/v1/integration(/|$)"), ("integrations",)),
    (re.compile(r"^/api/v1/tasks/[^/]+/comments(/|$)"), ("comments",)),
    (re.compile(r"^/api/v1/(comments|mentions)(/|$)"), ("comments",)),
    (re.compile(r"^/api/v1/tasks(/|$)"), ("tasks",)),
    (re.compile(r"^/api/v1/(projects|archive/projects|scheduling)(/|$)"), ("projects",)),
    (re.compile(r"^/api/v1/archive/trash(/|$)"), ("archive",)),
    (re.compile(r"^/api/v1/(audit-logs|compliance)(/|$)"), ("audit",)),
    (re.compile(r"^/api/v1/workspaces(/|$)"), ("workspaces",)),
    (re.compile(r"^/api/v1/(reports|analytics)(/|$)"), ("reports",)),
    (re.compile(r"^/api/v1/notifications(/|$)"), ("notifications",)),
    (re.compile(r"^/api/v1/(events|event-types|event-consumers)(/|$)"), ("events",)),
    (re.compile(r"^/api/v1/preferences(/|$)"), ("preferences",)),
    (re.compile(r"^/api/v1/search(/|$)"), ("projects", "tasks", "comments")),
]


def permission_for(method: str) -> str:
    return READ if method.upper() in SAFE_METHODS else WRITE


def required_scopes(path: str, method: str) -> list[str] | None:
    """The scopes a token needs for `method path`; None when tokens may not use the path at all."""
    for pattern, resources in PATH_SCOPES:
        if pattern.match(path):
            if resources == CLOSED:
                return None
            permission = permission_for(method)
            return [f"{permission}:{resource}" for resource in resources]
    return None
