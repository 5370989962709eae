"""Who may see and change module 5's rows, registered with `apps.core.access` in `ready()`.

Every rule of this app stands on the project rules below, which come from `apps.projects.access`.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.access import restrict
from apps.projects.access import project_access, projects_where, require_project_writable
from apps.projects.models import Project

# --- The project rules this app builds on ---------------------------------------------------


def visible_projects(user) -> QuerySet[Project]:
    """Projects `user` can see (alive ones of their workspaces, private ones by membership)."""
    return restrict(Project.objects, user)


def task_editable_projects(user) -> QuerySet[Project]:
    """Projects in which `user` may edit tasks: the projects app's `edit_tasks` rule, visible ones."""
    return restrict(Project.objects, user).filter(id__in=projects_where(user, "edit_tasks"))


def can_edit_tasks(user, project: Project) -> bool:
    """`user` may edit the tasks (and so the schedule) of `project`."""
    return project_access(user, project).can_edit_tasks


def is_workspace_admin(user, project: Project) -> bool:
    """`user` is owner or admin of the project's workspace."""
    return project_access(user, project).is_workspace_admin


def require_writable(project: Project) -> None:
    """Archived projects are read-only: Conflict (409)."""
    require_project_writable(project)


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
    """Milestones: seen with their project, changed and deleted by its task editors."""


class BaselineRules(ProjectScopedRules):
    """Baselines: seen with their project, taken by its task editors."""


class ProjectPlanRules(ProjectScopedRules):
    """Viewing and submitting follow the project; approve/lock/unlock also need a workspace
    owner or admin, which the plan services check."""
