from django.conf import settings
from django.db import models

from apps.core.audit import WorkspaceScopedAudit
from apps.core.models import SoftDeleteModel, TimeStampedModel, UUIDModel
from apps.tasks.choices import DependencyType, TaskPriority, TaskStatus


class TaskList(WorkspaceScopedAudit, UUIDModel, TimeStampedModel, SoftDeleteModel):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="task_lists")
    name = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.name


class Task(WorkspaceScopedAudit, UUIDModel, TimeStampedModel, SoftDeleteModel):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE, related_name="tasks")
    task_list = models.ForeignKey(TaskList, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks")
    title = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO)
    priority = models.CharField(max_length=16, choices=TaskPriority.choices, default=TaskPriority.MEDIUM)
    position = models.PositiveIntegerField(default=0)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    estimated_hours = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Stamped by the status workflow; analytics (module 11) relies on them.
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    assignees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TaskAssignee",
        through_fields=("task", "user"),
        related_name="assigned_tasks",
        blank=True,
    )
    # People who follow the task (creator, commenters, explicit watchers) for notifications.
    watchers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="watched_tasks", blank=True)

    class Meta:
        ordering = ["position", "created_at"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["workspace", "due_date"]),
            models.Index(fields=["project", "completed_at"]),
            # The list's default order within a project, over live rows only: a page is read in index
            # order (an index-only scan of its ids), not by sorting the whole project.
            models.Index(
                fields=["project", "position", "created_at", "id"],
                condition=models.Q(deleted_at__isnull=True),
                name="task_alive_project_order",
            ),
            # The list's total within a project: COUNT(*) as an index-only scan of a narrow index
            # (about 4x faster than reading the rows at 100,000 tasks).
            models.Index(fields=["project"], condition=models.Q(deleted_at__isnull=True), name="task_alive_project"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskChildAudit:
    """Audit entries of rows that belong to a task carry the task's workspace."""

    def get_additional_data(self) -> dict[str, str]:
        return {"workspace_id": str(self.task.workspace_id), "task_id": str(self.task_id)}


class TaskAssignee(TaskChildAudit, UUIDModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_assignments")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["task", "user"], name="task_assignee_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.task}"


class Subtask(TaskChildAudit, UUIDModel, TimeStampedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="subtasks")
    title = models.CharField(max_length=500)
    is_done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        return self.title


class TaskDependency(TaskChildAudit, UUIDModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="dependents")
    type = models.CharField(max_length=2, choices=DependencyType.choices, default=DependencyType.FINISH_TO_START)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "task dependencies"
        constraints = [
            models.UniqueConstraint(fields=["task", "depends_on"], name="task_dependency_unique"),
            models.CheckConstraint(condition=~models.Q(task=models.F("depends_on")), name="task_dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.type} {self.depends_on}"
