"""Archiving projects: an archived project and its contents are read-only until unarchived."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from apps.archive.choices import ArchiveAction
from apps.archive.models import ArchiveHistory
from apps.collaboration.models import Comment
from apps.core.access import require, restrict
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, NotFound
from apps.events.services import emit
from apps.projects.access import project_access
from apps.projects.models import Project
from apps.projects.services import project_payload
from apps.tasks.models import Task, TaskList

ARCHIVED = "archived"


def project_for_archive(*, actor, project_id):
    """The project as the actor sees it (404 when not visible)."""
    project = restrict(Project.objects, actor).select_related("workspace").filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def _related_counts(project) -> dict[str, int]:
    return {
        "task_lists": TaskList.objects.filter(project=project).count(),
        "tasks": Task.objects.filter(project=project).count(),
        "comments": Comment.objects.filter(task__project=project).count(),
    }


def project_archive(
    *, actor, project, reason: str = "", archive_all_related: bool = True, notify_team: bool = True
) -> ArchiveHistory:
    """Archive a project: status `archived`, previous status kept for unarchive, history row and
    audit entry `project.archived`. With `archive_all_related` the history records what the project
    contained (task lists, tasks, comments), which become read-only with it.

    Events: project.archived (payload carries `reason` and `notify_team`; notifications reach the
    team only when notify_team is true). Raises PermissionDenied (not a project manager),
    Conflict (already archived).
    """
    require(project_access(actor, project).can_manage, "Only project managers can archive.")
    with transaction.atomic():
        project = type(project).objects.select_for_update().get(pk=project.pk)
        if project.status == ARCHIVED:
            raise Conflict("The project is already archived.")
        now = timezone.now()
        previous = project.status
        project.status_before_archive = previous
        project.status = ARCHIVED
        project.archived_at = now
        project.archived_by = actor
        project.save(update_fields=["status", "status_before_archive", "archived_at", "archived_by", "updated_at"])
        counts = _related_counts(project) if archive_all_related else {}
        history = ArchiveHistory.objects.create(
            project=project,
            workspace_id=project.workspace_id,
            project_name=project.name,
            action=ArchiveAction.ARCHIVED,
            reason=reason,
            performed_by=actor,
            timestamp=now,
            archive_all_related=archive_all_related,
            notify_team=notify_team,
            related_counts=counts,
        )
        record_action(
            "project.archived",
            actor=actor,
            target=project,
            workspace_id=project.workspace_id,
            changes={"status": [previous, ARCHIVED]},
            extra={"reason": reason, "archive_all_related": archive_all_related, "related_counts": counts},
        )
        emit(
            "project.archived",
            aggregate=project,
            actor=actor,
            workspace=project.workspace,
            project=project,
            payload={**project_payload(project), "reason": reason, "notify_team": notify_team},
        )
    history.project = project
    return history


def project_unarchive(*, actor, project, reason: str = "") -> ArchiveHistory:
    """Make an archived project writable again with the status it had before archiving.

    Events: project.unarchived (with `reason`). Raises PermissionDenied, Conflict (not archived).
    """
    require(project_access(actor, project).can_manage, "Only project managers can unarchive.")
    with transaction.atomic():
        project = type(project).objects.select_for_update().get(pk=project.pk)
        if project.status != ARCHIVED:
            raise Conflict("The project is not archived.")
        now = timezone.now()
        project.status = project.status_before_archive or "active"
        project.status_before_archive = ""
        project.archived_at = None
        project.archived_by = None
        project.save(update_fields=["status", "status_before_archive", "archived_at", "archived_by", "updated_at"])
        history = ArchiveHistory.objects.create(
            project=project,
            workspace_id=project.workspace_id,
            project_name=project.name,
            action=ArchiveAction.UNARCHIVED,
            reason=reason,
            performed_by=actor,
            timestamp=now,
        )
        record_action(
            "project.unarchived",
            actor=actor,
            target=project,
            workspace_id=project.workspace_id,
            changes={"status": [ARCHIVED, project.status]},
            extra={"reason": reason},
        )
        emit(
            "project.unarchived",
            aggregate=project,
            actor=actor,
            workspace=project.workspace,
            project=project,
            payload={**project_payload(project), "reason": reason},
        )
    history.project = project
    return history


def archive_history_list(*, project):
    """Archive and unarchive events of a project, newest first."""
    return ArchiveHistory.objects.filter(project_id=project.pk).order_by("-timestamp")
