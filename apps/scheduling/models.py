from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import SoftDeleteModel, TimeStampedModel, UUIDModel
from apps.scheduling.choices import PlanState


class ProjectPlan(WorkspaceScopedAudit, UUIDModel, TimeStampedModel):
    """The plan workflow of one project (created on its first transition; absent means draft)."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.OneToOneField("projects.Project", on_delete=models.CASCADE, related_name="schedule_plan")
    state = models.CharField(max_length=16, choices=PlanState.choices, default=PlanState.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["project", "state"])]

    def __str__(self) -> str:
        return f"Plan of {self.project_id} ({self.state})"


class Baseline(WorkspaceScopedAudit, UUIDModel):
    """A named snapshot of every task's dates in a project."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="baselines")
    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["project", "-created_at"])]

    def __str__(self) -> str:
        return self.name


class BaselineTask(UUIDModel):
    """One task's dates as they were when the baseline was taken."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="entries")
    task = models.ForeignKey("tasks.Task", on_delete=models.CASCADE, related_name="+")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="baseline_task_unique")]

    def __str__(self) -> str:
        return f"{self.task_id} in {self.baseline_id}"


class Milestone(WorkspaceScopedAudit, UUIDModel, TimeStampedModel, SoftDeleteModel):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "created_at"]
        indexes = [models.Index(fields=["project", "due_date"])]

    def __str__(self) -> str:
        return self.name
