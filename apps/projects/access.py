"""Who may see and act on projects, registered with `apps.core.access` in `ProjectsConfig.ready()`.

Workspace roles: owner > admin > member > viewer. Inside a project the project role decides for
workspace members: manager edits the project and its members, member edits tasks, viewer reads.
A workspace viewer only reads, whatever their project role. Owners and admins do everything.
Workspace-visible projects are seen by every member; private ones by their members and the
workspace's owners and admins.

Actions: `view`, `change` and `delete` (managing the project), and `edit_tasks` (creating and
changing its lists, tasks, dependencies and comments), on which the task rules build.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from apps.core.access import is_authenticated
from apps.core.exceptions import Conflict
from apps.projects.choices import ProjectRole, ProjectStatus, ProjectVisibility
from apps.projects.models import Project, ProjectMember
from apps.workspaces.access import admin_workspace_ids, member_workspace_ids, workspace_role
from apps.workspaces.choices import ADMIN_ROLES, WRITER_ROLES, WorkspaceRole
from apps.workspaces.models import WorkspaceMember

TASK_EDITOR_ROLES = (ProjectRole.MANAGER, ProjectRole.MEMBER)


def _project_ids(user, *roles: str) -> QuerySet:
    memberships = ProjectMember.objects.filter(user_id=user.pk)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("project_id")


class ProjectRules:
    def view(self, user) -> Q:
        return Q(workspace_id__in=member_workspace_ids(user)) & (
            Q(visibility=ProjectVisibility.WORKSPACE)
            | Q(workspace_id__in=admin_workspace_ids(user))
            | Q(id__in=_project_ids(user))
        )

    def change(self, user) -> Q:
        """Manage: workspace owners and admins, and project managers who are workspace members."""
        return Q(workspace_id__in=admin_workspace_ids(user, live=False)) | Q(
            workspace_id__in=member_workspace_ids(user, WorkspaceRole.MEMBER, live=False),
            id__in=_project_ids(user, ProjectRole.MANAGER),
        )

    delete = change

    def edit_tasks(self, user) -> Q:
        """Workspace owners and admins; workspace members who are project managers or members, or
        who joined no role in a workspace-visible project."""
        members = member_workspace_ids(user, WorkspaceRole.MEMBER, live=False)
        return Q(workspace_id__in=admin_workspace_ids(user, live=False)) | Q(workspace_id__in=members) & (
            Q(id__in=_project_ids(user, *TASK_EDITOR_ROLES))
            | Q(visibility=ProjectVisibility.WORKSPACE) & ~Q(id__in=_project_ids(user))
        )


def projects_where(user, action: str) -> QuerySet:
    """Subquery: ids of the projects (trashed ones included) on which `user` may `action`."""
    rule = getattr(ProjectRules(), action)
    if not is_authenticated(user):
        return Project.all_objects.none().values("id")
    return Project.all_objects.filter(rule(user)).values("id")


def project_role(user, project_id) -> str | None:
    if not is_authenticated(user):
        return None
    return ProjectMember.objects.filter(user_id=user.pk, project_id=project_id).values_list("role", flat=True).first()


@dataclass(frozen=True)
class ProjectAccess:
    """The caller's rights on one loaded project: the same rules as `ProjectRules`, without a query
    per check (two small lookups in all)."""

    workspace_role: str | None
    project_role: str | None
    visibility: str

    @property
    def is_workspace_admin(self) -> bool:
        return self.workspace_role in ADMIN_ROLES

    @property
    def can_manage(self) -> bool:
        """Edit the project, its status and its members."""
        return self.is_workspace_admin or (
            self.workspace_role == WorkspaceRole.MEMBER and self.project_role == ProjectRole.MANAGER
        )

    @property
    def can_edit_tasks(self) -> bool:
        """Create and change tasks, lists, subtasks, dependencies; comment."""
        if self.is_workspace_admin:
            return True
        if self.workspace_role != WorkspaceRole.MEMBER:
            return False
        if self.project_role is not None:
            return self.project_role in TASK_EDITOR_ROLES
        return self.visibility == ProjectVisibility.WORKSPACE


def project_access(user, project) -> ProjectAccess:
    return ProjectAccess(
        workspace_role=workspace_role(user, project.workspace_id),
        project_role=project_role(user, project.pk),
        visibility=project.visibility,
    )


def require_project_writable(project) -> None:
    """Archived projects and everything in them are read-only until unarchived (409)."""
    if project.status == ProjectStatus.ARCHIVED:
        raise Conflict("The project is archived and read-only. Unarchive it first.")


class DomainEventRules:
    """Events of the workspaces a user belongs to, and only of projects they can see (trashed
    projects included, as long as the user could see them). Registered for `events.DomainEvent`."""

    def view(self, user) -> Q:
        visible = Project.all_objects.filter(ProjectRules().view(user)).values("id")
        return Q(workspace_id__in=member_workspace_ids(user)) & (Q(project_id__isnull=True) | Q(project_id__in=visible))


class EventDirectory:
    """The work domain's answers to the event spine (`apps.events.registry.Directory`)."""

    def audience_ids(self, event) -> QuerySet:
        return event_audience_ids(event)

    def member_ids(self, workspace_id) -> QuerySet:
        return WorkspaceMember.objects.filter(workspace_id=workspace_id).values("user_id")

    def colleague_ids(self, user) -> QuerySet:
        writer_workspaces = member_workspace_ids(user, *WRITER_ROLES)
        return WorkspaceMember.objects.filter(workspace_id__in=writer_workspaces).values("user_id")

    def may_act_for_others(self, user, workspace_id) -> bool:
        return workspace_role(user, workspace_id) in WRITER_ROLES


def event_audience_ids(event) -> QuerySet:
    """Subquery of the ids of users who may see `event` right now: members of its (live) workspace,
    narrowed for private projects to workspace admins and project members. Events without a
    workspace have no audience."""
    members = WorkspaceMember.objects.filter(workspace_id=event.workspace_id, workspace__deleted_at__isnull=True)
    if event.workspace_id is None:
        return members.none().values("user_id")
    if event.project_id:
        project = Project.all_objects.filter(pk=event.project_id).first()
        if project is None or project.workspace_id != event.workspace_id:
            return members.none().values("user_id")
        if project.visibility != ProjectVisibility.WORKSPACE:
            project_members = ProjectMember.objects.filter(project_id=project.pk).values("user_id")
            members = members.filter(Q(role__in=ADMIN_ROLES) | Q(user_id__in=project_members))
    return members.values("user_id")
