"""Demo data for module 8: a compliance officer login, one archived project with its history, one
task (with a comment) in the trash and two more about to be purged, so the archive, trash and audit
screens and the dashboard have something to show. Idempotent."""

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.accounts.choices import UserStatus
from apps.accounts.models import User
from apps.archive.models import TrashItem

COMPLIANCE_EMAIL = "compliance@pronaflow.demo"
COMPLIANCE_PASSWORD = "PronaFlow-Demo-2026!"
ARCHIVED_PROJECT = "Legacy intranet"
SANDBOX_PROJECT = "Sandbox"
TRASHED_TASK = "Draft notes (deleted, restore me from the trash)"
# Deleted weeks ago: purged within days (the dashboard's "trash expiring soon").
EXPIRING_TASKS = (("Old sprint retro notes", 2), ("Spike: evaluate chart libraries", 5))


def _compliance_officer() -> User:
    user, _ = User.objects.update_or_create(
        email=COMPLIANCE_EMAIL,
        defaults={
            "username": "compliance",
            "full_name": "Clara Compliance",
            "status": UserStatus.ACTIVE,
            "is_active": True,
            "is_staff": True,
            "email_verified_at": timezone.now(),
        },
    )
    user.set_password(COMPLIANCE_PASSWORD)
    user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name="Compliance officer"))
    return user


def seed(ctx: dict) -> None:
    from apps.archive.services.archive import project_archive
    from apps.archive.services.trash import trash_item_create
    from apps.collaboration.models import Comment
    from apps.projects.models import Project
    from apps.tasks.models import Task

    _compliance_officer()
    ctx.setdefault("logins", []).append(
        (COMPLIANCE_EMAIL, COMPLIANCE_PASSWORD, "staff, Compliance officer group: audit log, exports, trash in /admin/")
    )
    owner, workspace = ctx.get("users", {}).get("owner"), ctx.get("workspace")
    if owner is None or workspace is None:
        return
    # Rows of its own, so the other apps' seeders never meet an archived project or a trashed task.
    legacy, _ = Project.objects.get_or_create(
        workspace=workspace,
        name=ARCHIVED_PROJECT,
        defaults={"description": "Replaced by the new intranet.", "created_by": owner},
    )
    if legacy.status != "archived":
        project_archive(actor=owner, project=legacy, reason="Demo: replaced last quarter", notify_team=False)
    sandbox, _ = Project.objects.get_or_create(
        workspace=workspace, name=SANDBOX_PROJECT, defaults={"created_by": owner}
    )
    if not TrashItem.objects.filter(resource_type="task", resource_name=TRASHED_TASK).exists():
        task = Task.objects.create(workspace=workspace, project=sandbox, title=TRASHED_TASK, created_by=owner)
        # Something that comes back with it (the admin's restore confirmation lists it).
        Comment.objects.create(workspace=workspace, task=task, author=owner, content="Notes from the kickoff call")
        trash_item_create(actor=owner, resource_type="task", resource_id=task.pk)
    for title, days_left in EXPIRING_TASKS:
        if TrashItem.objects.filter(resource_type="task", resource_name=title).exists():
            continue
        task = Task.objects.create(workspace=workspace, project=sandbox, title=title, created_by=owner)
        item = trash_item_create(actor=owner, resource_type="task", resource_id=task.pk)
        expires_at = timezone.now() + dt.timedelta(days=days_left)
        deleted_at = expires_at - dt.timedelta(days=settings.TRASH_RETENTION_DAYS)
        TrashItem.objects.filter(pk=item.pk).update(deleted_at=deleted_at, expires_at=expires_at)
        Task.all_objects.filter(pk=task.pk).update(deleted_at=deleted_at)
