"""What deleting and restoring a project mean, registered with `apps.core.trash` in
`ProjectsConfig.ready()`; `DELETE /projects/{id}` and the trash endpoints both call these."""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.core import trash
from apps.events.services import emit
from apps.projects import policies
from apps.projects.access import require_project_writable
from apps.projects.models import Project
from apps.projects.services import project_payload


def _emit(event_type: str, project: Project, *, actor) -> None:
    emit(
        event_type,
        aggregate=project,
        actor=actor,
        workspace=project.workspace,
        project=project,
        payload=project_payload(project),
    )


@transaction.atomic
def project_delete(*, actor, obj: Project, force: bool = False) -> uuid.UUID:
    """Move the project, its lists, tasks and comments to the trash; returns the deletion id.

    403 unless a project manager or workspace owner/admin; 409 while archived. Emits
    `project.deleted`. `force` is accepted for symmetry with task lists."""
    policies.require_can_manage(actor, obj)
    project = Project.objects.select_for_update().get(pk=obj.pk)
    require_project_writable(project)
    deletion_id = trash.soft_delete(project, actor=actor)
    _emit("project.deleted", project, actor=actor)
    return deletion_id


@transaction.atomic
def project_restore(*, actor, obj: Project) -> Project:
    """Bring the project back with what was deleted with it; emits `project.restored`. 409 while
    its workspace is in the trash."""
    trash.restore(obj, actor=actor)
    _emit("project.restored", obj, actor=actor)
    return obj
