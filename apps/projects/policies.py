"""Project rights (403), built on `apps.projects.access`. Visibility (404) is `apps.core.access`."""

from __future__ import annotations

from apps.core.access import require
from apps.projects.access import project_access, require_project_writable
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.policies import require_role_at_least


def require_can_create(user, workspace) -> None:
    """Workspace members and above create projects; viewers only read."""
    require_role_at_least(user, workspace, WorkspaceRole.MEMBER)


def require_can_manage(user, project) -> None:
    """Edit the project, its status and its members: workspace owner/admin or project manager."""
    require(project_access(user, project).can_manage, "Only project managers and workspace admins can do this.")


def require_task_editor(user, project, message: str = "You cannot change tasks in this project.") -> None:
    """Change the project's lists, tasks, dependencies and comments (403), in a writable project (409)."""
    require(project_access(user, project).can_edit_tasks, message)
    require_project_writable(project)
