"""Workspaces: the tenant. Every tenant-owned row elsewhere carries a `workspace` foreign key."""

from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import SoftDeleteModel, TimeStampedModel, UUIDModel
from apps.workspaces.choices import InvitationStatus, WorkspaceRole, WorkspaceType


def default_work_days():
    return [1, 2, 3, 4, 5]  # ISO weekdays, Monday = 1


class Workspace(UUIDModel, TimeStampedModel, SoftDeleteModel):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=16, choices=WorkspaceType.choices, default=WorkspaceType.TEAM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Settings (GET/PATCH /workspaces/{id}/settings)
    timezone = models.CharField(max_length=64, default="UTC")
    work_days = models.JSONField(default=default_work_days)
    default_task_status = models.CharField(max_length=32, default="todo")
    allow_member_invitations = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, str]:
        return {"workspace_id": str(self.pk)}


class WorkspaceMember(WorkspaceScopedAudit, UUIDModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workspace_memberships")
    role = models.CharField(max_length=16, choices=WorkspaceRole.choices, default=WorkspaceRole.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="workspace_member_unique"),
            # One owner per workspace: ownership moves only through the transfer service.
            models.UniqueConstraint(
                fields=["workspace"], condition=models.Q(role=WorkspaceRole.OWNER), name="workspace_single_owner"
            ),
        ]
        indexes = [models.Index(fields=["user", "workspace"])]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.workspace_id} as {self.role}"


class Invitation(WorkspaceScopedAudit, UUIDModel, TimeStampedModel):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=WorkspaceRole.choices, default=WorkspaceRole.MEMBER)
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the e-mailed token.")
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "status"])]

    def __str__(self) -> str:
        return f"{self.email} -> {self.workspace_id}"
