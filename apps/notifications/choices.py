from django.db import models


class NotificationType(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", "Task assigned"
    TASK_COMPLETED = "task_completed", "Task completed"
    COMMENT = "comment", "Comment"
    MENTION = "mention", "Mention"
    PROJECT_UPDATED = "project_updated", "Project updated"
    PROJECT_ARCHIVED = "project_archived", "Project archived"
    USER_JOINED = "user_joined", "Member joined"
    REPORT_SCHEDULE_PAUSED = "report_schedule_paused", "Scheduled report paused"
    EVENT = "event", "Subscribed event"
    WEBHOOK_DISABLED = "webhook_disabled", "Webhook disabled"


class ReadStatus(models.TextChoices):
    UNREAD = "unread", "Unread"
    READ = "read", "Read"


class DigestKind(models.TextChoices):
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"
    QUIET_HOURS = "quiet_hours", "Summary after quiet hours"
