from django.db import models


class Granularity(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class ReportType(models.TextChoices):
    # One row per project: the selected metrics over the report period.
    PROJECT_SUMMARY = "project_summary", "Project summary"
    # One row per project: how many tasks are in each status now, plus the selected metrics.
    TASK_STATUS = "task_status", "Task status"
    # One row per project and assignee (tasks without assignee under "Unassigned"): the selected metrics.
    TEAM_PERFORMANCE = "team_performance", "Team performance"


class Metric(models.TextChoices):
    TOTAL_TASKS = "total_tasks", "Total tasks"
    COMPLETED_TASKS = "completed_tasks", "Completed tasks"
    COMPLETION_RATE = "completion_rate", "Completion rate (%)"
    AVG_TASK_DURATION_DAYS = "avg_task_duration_days", "Average task duration (days)"
    ON_TIME_RATE = "on_time_rate", "On-time rate (%)"
    TEAM_VELOCITY = "team_velocity", "Team velocity (tasks/week)"


# Metrics that add up across rows (the summary shows their sum); the others are averaged.
COUNT_METRICS = (Metric.TOTAL_TASKS, Metric.COMPLETED_TASKS)


class ScheduleType(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"


class ExecutionStatus(models.TextChoices):
    PROCESSING = "processing", "Processing"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"


class ExecutionTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"
    EXPORT = "export", "Export"


class ExportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    PDF = "pdf", "PDF"
    EXCEL = "excel", "Excel"
