"""Reports (saved analytics queries of a workspace) and their executions."""

from django.conf import settings
from django.db import models

from apps.analytics.choices import ExecutionStatus, ExecutionTrigger, ReportType
from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import TimeStampedModel, UUIDModel


class Report(WorkspaceScopedAudit, UUIDModel, TimeStampedModel):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="reports")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    type = models.CharField(max_length=32, choices=ReportType.choices)
    # {"project_ids": [uuid, ...] (empty: every project of the workspace), "start_date", "end_date"}
    filters = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=list)
    # None, or {"type": daily|weekly|monthly, "time": "HH:MM", "day_of_week": 1-7, "day_of_month": 1-28,
    # "timezone": IANA name or absent (the workspace's), "enabled": bool, "paused_reason": str | None}
    schedule = models.JSONField(null=True, blank=True)
    # Scheduled runs that failed in a row since the last success or since the schedule was saved.
    consecutive_failures = models.PositiveIntegerField(default=0)
    periodic_task = models.OneToOneField(
        "django_celery_beat.PeriodicTask", null=True, blank=True, on_delete=models.SET_NULL, related_name="report"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_executed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["workspace", "type"])]

    def __str__(self) -> str:
        return self.name


class ReportExecution(UUIDModel, TimeStampedModel):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="executions")
    status = models.CharField(max_length=16, choices=ExecutionStatus.choices, default=ExecutionStatus.PROCESSING)
    trigger = models.CharField(max_length=16, choices=ExecutionTrigger.choices, default=ExecutionTrigger.MANUAL)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # {"summary": {...}, "details": [{...}, ...]} once completed.
    results = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["report", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.report_id} at {self.created_at:%Y-%m-%d %H:%M} ({self.status})"


class BurndownSnapshot(models.Model):
    """A project's work at the end of one closed day (workspace time zone), frozen once written.

    `scope` counts the tasks in the project that day (created by its end, not trashed by then,
    cancelled ones left out); `remaining` those of them not completed by then. Days are recorded by
    the beat job and by the first burndown request after a day closes; days nobody recorded are
    reconstructed once from the tasks' history (`reconstructed`).
    """

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="burndown_snapshots")
    day = models.DateField()
    scope = models.PositiveIntegerField()
    remaining = models.PositiveIntegerField()
    reconstructed = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "day"]
        constraints = [models.UniqueConstraint(fields=["project", "day"], name="burndown_snapshot_once_per_day")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.day}: {self.remaining}/{self.scope}"
