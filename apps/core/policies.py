"""Who may do what. Used by views (permission checks), services (so the admin, tasks and commands
get the same rules) and admin actions alike. Visibility (404) is `tenancy`; this is rights (403).

Workspace roles: owner > admin > member > viewer. Inside a project the project role decides for
workspace members: manager edits the project and its members, member edits tasks, viewer reads.
A workspace viewer only reads, whatever their project role. Owners and admins do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from apps.core.exceptions import Conflict, PermissionDenied


def workspace_role(user, workspace_id) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        apps.get_model("workspaces.WorkspaceMember")
        .objects.filter(user_id=user.pk, workspace_id=workspace_id)
        .values_list("role", flat=True)
        .first()
    )


def project_role(user, project_id) -> str | None:
    return (
        apps.get_model("projects.ProjectMember")
        .objects.filter(user_id=user.pk, project_id=project_id)
        .values_list("role", flat=True)
        .first()
    )


@dataclass(frozen=True)
class ProjectAccess:
    workspace_role: str | None
    project_role: str | None
    visibility: str

    @property
    def is_workspace_admin(self) -> bool:
        return self.workspace_role in ("owner", "admin")

    @property
    def can_manage(self) -> bool:
        """Edit the project, its status and its members."""
        return self.is_workspace_admin or (self.workspace_role == "member" and self.project_role == "manager")

    @property
    def can_edit_tasks(self) -> bool:
        """Create and change tasks, lists, subtasks, dependencies; comment."""
        if self.is_workspace_admin:
            return True
        if self.workspace_role != "member":
            return False
        if self.project_role is not None:
            return self.project_role in ("manager", "member")
        return self.visibility == "workspace"


def project_access(user, project) -> ProjectAccess:
    return ProjectAccess(
        workspace_role=workspace_role(user, project.workspace_id),
        project_role=project_role(user, project.pk) if getattr(user, "is_authenticated", False) else None,
        visibility=project.visibility,
    )


def require(allowed: bool, message: str = "You do not have permission to perform this action.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_workspace_role(user, workspace_id, *roles: str) -> str:
    role = workspace_role(user, workspace_id)
    require(role in roles, f"This action needs one of these workspace roles: {', '.join(roles)}.")
    return role


def require_project_writable(project) -> None:
    """Archived projects and everything in them are read-only until unarchived (409)."""
    if project.status == "archived":
        raise Conflict("The project is archived and read-only. Unarchive it first.")
