"""Who may see and change module 5's rows, registered with `apps.core.access` in `ready()`.

Every rule of this app stands on the project rules below. They are the only place this app refers
to project visibility and rights (`apps.core.tenancy` / `apps.core.policies` today), so moving
those to the projects app changes these few lines and nothing else.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core import policies, tenancy
from apps.projects.models import Project, ProjectMember
from apps.workspaces.models import WorkspaceMember

# --- The project rules this app builds on ---------------------------------------------------


def visible_projects(user) -> QuerySet[Project]:
    """Projects `user` can see (alive ones of their workspaces, private ones by membership)."""
    return tenancy.visible_projects(user)


def task_editable_projects(user) -> QuerySet[Project]:
    """Projects in which `user` may edit tasks: the queryset form of `can_edit_tasks` below."""
    admin_workspaces = tenancy.admin_workspace_ids(user)
    member_workspaces = WorkspaceMember.objects.filter(user_id=user.pk, role="member").values("workspace_id")
    memberships = ProjectMember.objects.filter(user_id=user.pk)
    editing = memberships.filter(role__in=("manager", "member")).values("project_id")
    joined = memberships.values("project_id")
    return visible_projects(user).filter(
        Q(workspace_id__in=admin_workspaces)
        | Q(workspace_id__in=member_workspaces) & (Q(id__in=editing) | Q(visibility="workspace") & ~Q(id__in=joined))
    )


def can_edit_tasks(user, project: Project) -> bool:
    """`user` may edit the tasks (and so the schedule) of `project`."""
    return policies.project_access(user, project).can_edit_tasks


def is_workspace_admin(user, project: Project) -> bool:
    """`user` is owner or admin of the project's workspace."""
    return policies.project_access(user, project).is_workspace_admin


def require_writable(project: Project) -> None:
    """Archived projects are read-only: Conflict (409)."""
    policies.require_project_writable(project)


# --- Rules per model ---------------------------------------------------------------------------


class ProjectScopedRules:
    """Rows that belong to a project: seen with the project, changed by its task editors."""

    def view(self, user) -> Q:
        return Q(project__in=visible_projects(user).values("id"))

    def change(self, user) -> Q:
        return Q(project__in=task_editable_projects(user).values("id"))

    def delete(self, user) -> Q:
        return self.change(user)


class MilestoneRules(ProjectScopedRules):
    pass


class BaselineRules(ProjectScopedRules):
    pass


class ProjectPlanRules(ProjectScopedRules):
    """Viewing and submitting follow the project; approve/lock/unlock also need a workspace
    owner or admin, which the plan services check."""
