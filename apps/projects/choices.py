from django.db import models


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    ARCHIVED = "archived", "Archived"  # only through module 8's archive endpoint


class ProjectVisibility(models.TextChoices):
    WORKSPACE = "workspace", "Workspace"
    PRIVATE = "private", "Private"


class ProjectRole(models.TextChoices):
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"
