"""What deleting and restoring a workspace mean, registered with `apps.core.trash` in
`WorkspacesConfig.ready()`; `DELETE /workspaces/{id}` and the trash endpoints both call these."""

from __future__ import annotations

import uuid

from django.db import transaction

from apps.core import trash
from apps.workspaces import policies
from apps.workspaces.models import Workspace


@transaction.atomic
def workspace_delete(*, actor, obj: Workspace, force: bool = False) -> uuid.UUID:
    """Move the workspace and everything in it to the trash (owner only; 403 otherwise); returns
    the deletion id. Emits no event (nobody is left to notify). `force` is accepted for symmetry."""
    policies.require_owner(actor, obj)
    return trash.soft_delete(obj, actor=actor)


@transaction.atomic
def workspace_restore(*, actor, obj: Workspace) -> Workspace:
    """Bring the workspace back with everything deleted with it."""
    return trash.restore(obj, actor=actor)
