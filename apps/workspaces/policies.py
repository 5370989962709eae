"""Workspace rights (403), built on `apps.workspaces.access`. Visibility (404) is `apps.core.access`.

One set of functions for views, services and admin actions alike.
"""

from __future__ import annotations

from apps.core.access import require
from apps.workspaces.access import workspace_role
from apps.workspaces.choices import ADMIN_ROLES, ROLE_RANK, WorkspaceRole

MANAGERS = ADMIN_ROLES


def role_at_least(role: str | None, minimum: str) -> bool:
    return role is not None and ROLE_RANK[WorkspaceRole(role)] >= ROLE_RANK[WorkspaceRole(minimum)]


def require_role_at_least(user, workspace, minimum: str) -> str:
    """The caller's role in `workspace`, or 403 when it is lower than `minimum`."""
    role = workspace_role(user, workspace.pk)
    require(role_at_least(role, minimum), f"This action needs the workspace role '{minimum}' or higher.")
    return role


def require_owner(user, workspace) -> None:
    require(workspace_role(user, workspace.pk) == WorkspaceRole.OWNER, "Only the workspace owner can do this.")


def require_manager(user, workspace) -> str:
    """Owners and admins manage members, invitations and settings."""
    role = workspace_role(user, workspace.pk)
    require(role in MANAGERS, "Only workspace owners and admins can do this.")
    return role


def can_invite(role: str | None, workspace) -> bool:
    """Owners and admins invite; members too when the workspace allows it."""
    if role in MANAGERS:
        return True
    return role == WorkspaceRole.MEMBER and workspace.allow_member_invitations


def require_can_invite(user, workspace) -> str:
    role = workspace_role(user, workspace.pk)
    require(can_invite(role, workspace), "You are not allowed to manage invitations in this workspace.")
    return role


def grantable_roles(role: str | None) -> tuple[str, ...]:
    """Roles a caller may give through add/invite/change: never `owner` (ownership is transferred);
    a member who may invite can only invite members and viewers."""
    if role in MANAGERS:
        return (WorkspaceRole.ADMIN, WorkspaceRole.MEMBER, WorkspaceRole.VIEWER)
    return (WorkspaceRole.MEMBER, WorkspaceRole.VIEWER)
