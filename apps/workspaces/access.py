"""Who may see and act on workspaces, registered with `apps.core.access` in `WorkspacesConfig.ready()`.

The membership subqueries here are the base every other app's rules build on: a user sees the rows of
the live workspaces they belong to; owners and admins administer them; only the owner deletes one.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from apps.core.access import is_authenticated, require
from apps.workspaces.choices import ADMIN_ROLES, WorkspaceRole
from apps.workspaces.models import WorkspaceMember


def member_workspace_ids(user, *roles: str, live: bool = True) -> QuerySet:
    """Subquery: ids of the workspaces `user` belongs to (with one of `roles`, when given).

    `live=False` includes workspaces in the trash (for trash listings and restores)."""
    memberships = WorkspaceMember.objects.filter(user_id=user.pk)
    if roles:
        memberships = memberships.filter(role__in=roles)
    if live:
        memberships = memberships.filter(workspace__deleted_at__isnull=True)
    return memberships.values("workspace_id")


def admin_workspace_ids(user, *, live: bool = True) -> QuerySet:
    """Subquery: ids of the workspaces where `user` is owner or admin."""
    return member_workspace_ids(user, *ADMIN_ROLES, live=live)


def member_user_ids(workspace_id, *roles: str) -> QuerySet:
    """Subquery: ids of the users who belong to the live workspace `workspace_id`."""
    members = WorkspaceMember.objects.filter(workspace_id=workspace_id, workspace__deleted_at__isnull=True)
    if roles:
        members = members.filter(role__in=roles)
    return members.values("user_id")


def workspace_role(user, workspace_id) -> str | None:
    """The role of `user` in the workspace, or None (anonymous users and non-members)."""
    if not is_authenticated(user):
        return None
    return (
        WorkspaceMember.objects.filter(user_id=user.pk, workspace_id=workspace_id)
        .values_list("role", flat=True)
        .first()
    )


def require_workspace_role(user, workspace_id, *roles: str) -> str:
    """The caller's role in the workspace, or PermissionDenied (403) when it is not one of `roles`."""
    role = workspace_role(user, workspace_id)
    require(role in roles, f"This action needs one of these workspace roles: {', '.join(roles)}.")
    return role


class WorkspaceRules:
    """view: members; change: owners and admins; delete: the owner (trashed workspaces included)."""

    def view(self, user) -> Q:
        return Q(id__in=member_workspace_ids(user))

    def change(self, user) -> Q:
        return Q(id__in=admin_workspace_ids(user))

    def delete(self, user) -> Q:
        return Q(id__in=member_workspace_ids(user, WorkspaceRole.OWNER, live=False))


class MemberRules:
    """Memberships are seen by the members of the same workspace."""

    def view(self, user) -> Q:
        return Q(workspace_id__in=member_workspace_ids(user))
