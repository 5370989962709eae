"""Every write of module 3: projects, their status and their members.

Services check rights (apps.projects.policies) and the archive lock themselves, run in one
transaction and emit their domain events there (dispatched after commit, never on rollback).
"""

from __future__ import annotations

from django.db import transaction

from apps.core.exceptions import Conflict, ValidationFailed
from apps.core.services import model_update
from apps.events.services import emit
from apps.projects import policies
from apps.projects.access import require_project_writable
from apps.projects.choices import ProjectRole, ProjectStatus, ProjectVisibility
from apps.projects.models import Project, ProjectMember
from apps.workspaces.models import WorkspaceMember

EDITABLE_FIELDS = ("name", "description", "visibility", "start_date", "end_date")


def project_payload(project: Project, **extra) -> dict:
    """The common part of every project.* event payload, plus `extra` (e.g. `changes`, `reason`)."""
    return {
        "project_id": str(project.pk),
        "workspace_id": str(project.workspace_id),
        "name": project.name,
        "status": project.status,
        "visibility": project.visibility,
        **extra,
    }


def _check_dates(start_date, end_date) -> None:
    if start_date and end_date and end_date < start_date:
        raise ValidationFailed.field("end_date", "Must be on or after start_date.")


def _emit_updated(*, actor, project: Project, changes: dict) -> None:
    emit(
        "project.updated",
        aggregate=project,
        actor=actor,
        workspace=project.workspace,
        project=project,
        payload={**project_payload(project), "changes": changes},
    )


@transaction.atomic
def project_create(
    *,
    actor,
    workspace,
    name: str,
    description: str = "",
    visibility: str = ProjectVisibility.WORKSPACE,
    start_date=None,
    end_date=None,
) -> Project:
    """Create a project in `workspace` (members and above; 403 for viewers); the creator becomes
    its manager. 422 when end_date is before start_date. Emits `project.created`."""
    policies.require_can_create(actor, workspace)
    _check_dates(start_date, end_date)
    project = Project.objects.create(
        workspace=workspace,
        name=name,
        description=description,
        visibility=visibility,
        start_date=start_date,
        end_date=end_date,
        created_by=actor,
    )
    ProjectMember.objects.create(project=project, user=actor, role=ProjectRole.MANAGER)
    emit(
        "project.created",
        aggregate=project,
        actor=actor,
        workspace=workspace,
        project=project,
        payload=project_payload(project),
    )
    return project


@transaction.atomic
def project_update(*, actor, project: Project, data: dict) -> Project:
    """Edit name, description, visibility and dates (manager, workspace owner/admin; 403).

    409 while archived; 422 when end_date is before start_date. Emits `project.updated` with
    the changed fields, only when something changed.
    """
    policies.require_can_manage(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_project_writable(project)
    _check_dates(data.get("start_date", project.start_date), data.get("end_date", project.end_date))
    _, changes = model_update(instance=project, fields=EDITABLE_FIELDS, data=data, save=False)
    if changes:
        project.save()
        _emit_updated(actor=actor, project=project, changes=changes)
    return project


@transaction.atomic
def project_status_change(*, actor, project: Project, status: str) -> Project:
    """Move the project between active, on_hold, completed and cancelled (manager, admin; 403).

    `archived` is refused (422: module 8's archive endpoint does that); 409 while archived.
    Emits `project.updated` with the status change.
    """
    policies.require_can_manage(actor, project)
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_project_writable(project)
    if status == ProjectStatus.ARCHIVED:
        raise ValidationFailed.field("status", "Archive a project through the archive endpoint.")
    if project.status != status:
        changes = {"status": {"old": project.status, "new": status}}
        project.status = status
        project.save(update_fields=["status", "updated_at"])
        _emit_updated(actor=actor, project=project, changes=changes)
    return project


@transaction.atomic
def project_member_add(*, actor, project: Project, user_id, role: str) -> ProjectMember:
    """Add a member of the project's workspace with a project role (manager, admin; 403).

    422 when the user is not a member of the workspace (nothing written); 409 when already a
    project member or the project is archived.
    """
    policies.require_can_manage(actor, project)
    require_project_writable(project)
    if not WorkspaceMember.objects.filter(workspace_id=project.workspace_id, user_id=user_id).exists():
        raise ValidationFailed.field("user_id", "Must be a member of the project's workspace.")
    if ProjectMember.objects.filter(project=project, user_id=user_id).exists():
        raise Conflict("This user is already a member of the project.")
    member = ProjectMember.objects.create(project=project, user_id=user_id, role=role)
    return ProjectMember.objects.select_related("user").get(pk=member.pk)


@transaction.atomic
def project_member_update(*, actor, project: Project, member: ProjectMember, role: str) -> ProjectMember:
    """Change a project member's role (manager, admin; 403). 409 while archived."""
    policies.require_can_manage(actor, project)
    require_project_writable(project)
    if member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    return member


@transaction.atomic
def project_member_remove(*, actor, project: Project, member: ProjectMember) -> None:
    """Remove a project member (manager, admin; 403) or leave the project (yourself).

    409 while archived.
    """
    if member.user_id != actor.pk:
        policies.require_can_manage(actor, project)
    require_project_writable(project)
    member.delete()
