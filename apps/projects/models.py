from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import SoftDeleteModel, TimeStampedModel, UUIDModel
from apps.projects.choices import ProjectRole, ProjectStatus, ProjectVisibility


class Project(WorkspaceScopedAudit, UUIDModel, TimeStampedModel, SoftDeleteModel):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE)
    visibility = models.CharField(max_length=16, choices=ProjectVisibility.choices, default=ProjectVisibility.WORKSPACE)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Module 8: set by archive, cleared by unarchive; `status_before_archive` is restored on unarchive.
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status_before_archive = models.CharField(max_length=16, choices=ProjectStatus.choices, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return self.status == ProjectStatus.ARCHIVED


class ProjectMember(UUIDModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=16, choices=ProjectRole.choices, default=ProjectRole.MEMBER)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")]
        indexes = [models.Index(fields=["user", "project"])]

    def __str__(self) -> str:
        return f"{self.user} as {self.role} of {self.project}"

    def get_additional_data(self) -> dict[str, str]:
        return {"workspace_id": str(self.project.workspace_id), "project_id": str(self.project_id)}
