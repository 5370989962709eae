"""What deleting and restoring a milestone mean, registered with `apps.core.trash` in
`SchedulingConfig.ready()`; `DELETE /scheduling/milestones/{id}` and the trash endpoints both call
these. A milestone contains nothing; a purge needs nothing of its own."""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.core import access as core_access
from apps.core import trash
from apps.core.exceptions import PermissionDenied
from apps.projects.models import Project
from apps.scheduling import access
from apps.scheduling.models import Milestone


def milestone_delete(*, actor, obj: Milestone, force: bool = False) -> uuid.UUID:
    """Move a milestone to the trash; returns the deletion id. `force` is accepted for symmetry.
    Raises PermissionDenied (403) without the right to delete it, Conflict (409) on an archived
    project or when it is already in the trash."""
    if not core_access.can(actor, obj, "delete"):
        raise PermissionDenied("You cannot delete milestones of this project.")
    access.require_writable(obj.project)
    with transaction.atomic():
        return trash.soft_delete(obj, actor=actor)


def milestone_restore(*, actor, obj: Milestone) -> Milestone:
    """Bring a trashed milestone back. The right to restore is the milestone's `delete` access rule,
    checked by the trash bin (or the console's permission). Raises Conflict (409) when its project
    is archived or in the trash."""
    project = Project.all_objects.get(pk=obj.project_id)
    if project.deleted_at is None:
        access.require_writable(project)
    return trash.restore(obj, actor=actor)
