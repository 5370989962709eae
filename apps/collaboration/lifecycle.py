"""What deleting and restoring a comment mean, registered with `apps.core.trash` in
`CollaborationConfig.ready()`; `DELETE /comments/{id}` and the trash endpoints both call these."""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.collaboration.models import Comment
from apps.core import trash
from apps.core.access import require
from apps.projects.access import project_access, require_project_writable


@transaction.atomic
def comment_delete(*, actor, obj: Comment, force: bool = False) -> uuid.UUID:
    """Move a comment and its replies to the trash; returns the deletion id. Allowed to the author,
    the project's managers and workspace owners/admins (403 otherwise); 409 on an archived project."""
    project = obj.task.project
    is_author = obj.author_id is not None and obj.author_id == actor.pk
    require(
        is_author or project_access(actor, project).can_manage,
        "Only the author, a project manager or a workspace admin can delete this comment.",
    )
    require_project_writable(project)
    return trash.soft_delete(obj, actor=actor)


@transaction.atomic
def comment_restore(*, actor, obj: Comment) -> Comment:
    """Bring a comment back with its replies. 409 while its task or project is in the trash, or
    its project is archived."""
    project = type(obj.task.project).all_objects.get(pk=obj.task.project_id)
    if project.deleted_at is None:
        require_project_writable(project)
    return trash.restore(obj, actor=actor)
