"""Project rights (403), built on apps.core.policies. Visibility (404) stays in apps.core.tenancy."""

from __future__ import annotations

from apps.core.policies import project_access, require
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.policies import require_role_at_least


def require_can_create(user, workspace) -> None:
    """Workspace members and above create projects; viewers only read."""
    require_role_at_least(user, workspace, WorkspaceRole.MEMBER)


def require_can_manage(user, project) -> None:
    """Edit the project, its status and its members: workspace owner/admin or project manager."""
    require(project_access(user, project).can_manage, "Only project managers and workspace admins can do this.")
