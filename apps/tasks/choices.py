from django.db import models


class TaskStatus(models.TextChoices):
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    IN_REVIEW = "in_review", "In review"
    BLOCKED = "blocked", "Blocked"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class TaskPriority(models.TextChoices):
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class DependencyType(models.TextChoices):
    FINISH_TO_START = "FS", "Finish to start"
    START_TO_START = "SS", "Start to start"
    FINISH_TO_FINISH = "FF", "Finish to finish"
    START_TO_FINISH = "SF", "Start to finish"
