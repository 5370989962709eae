"""The one place that turns (user, queryset) into the rows that user may see.

Every view's `get_queryset` and every id in a request body goes through these functions. Rows of
workspaces the user does not belong to simply do not exist for them (404, never 403).
All functions build subqueries, so scoping adds no extra round trips.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

ADMIN_ROLES = ("owner", "admin")


def _model(label: str):
    return apps.get_model(label)


def member_workspace_ids(user) -> QuerySet:
    """Subquery: ids of the live workspaces `user` belongs to."""
    return (
        _model("workspaces.WorkspaceMember")
        .objects.filter(user_id=user.pk, workspace__deleted_at__isnull=True)
        .values("workspace_id")
    )


def admin_workspace_ids(user) -> QuerySet:
    """Subquery: ids of the workspaces where `user` is owner or admin."""
    return (
        _model("workspaces.WorkspaceMember")
        .objects.filter(user_id=user.pk, role__in=ADMIN_ROLES, workspace__deleted_at__isnull=True)
        .values("workspace_id")
    )


def visible_workspaces(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else _model("workspaces.Workspace").objects.all()
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    return queryset.filter(id__in=member_workspace_ids(user))


def visible_projects(user, queryset: QuerySet | None = None) -> QuerySet:
    """Projects of the user's workspaces: workspace-visible ones, private ones they are a member of,
    and every project of workspaces they administer."""
    queryset = queryset if queryset is not None else _model("projects.Project").objects.all()
    if not getattr(user, "is_authenticated", False):
        return queryset.none()
    my_projects = _model("projects.ProjectMember").objects.filter(user_id=user.pk).values("project_id")
    return queryset.filter(workspace_id__in=member_workspace_ids(user)).filter(
        Q(visibility="workspace") | Q(workspace_id__in=admin_workspace_ids(user)) | Q(id__in=my_projects)
    )


def visible_task_lists(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else _model("tasks.TaskList").objects.all()
    return queryset.filter(project_id__in=visible_projects(user).values("id"))


def visible_tasks(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else _model("tasks.Task").objects.all()
    return queryset.filter(project_id__in=visible_projects(user).values("id"))


def visible_comments(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = queryset if queryset is not None else _model("collaboration.Comment").objects.all()
    return queryset.filter(task_id__in=visible_tasks(user).values("id"))


def can_see_project(user, project) -> bool:
    return visible_projects(user).filter(pk=project.pk).exists()
