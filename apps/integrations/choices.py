"""Statuses, tiers and kinds of module 12: no magic strings elsewhere."""

from django.db import models


class TokenTier(models.TextChoices):
    FREE = "free", "Free"
    PRO = "pro", "Pro"
    ENTERPRISE = "enterprise", "Enterprise"


class RetryPolicy(models.TextChoices):
    EXPONENTIAL = "exponential", "Exponential backoff"
    LINEAR = "linear", "Linear backoff"
    FIXED = "fixed", "Fixed delay"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"
    RETRYING = "retrying", "Retrying"


class ConsentType(models.TextChoices):
    THIRD_PARTY = "THIRD_PARTY", "Third-party integration"
    DATA_PROCESSING = "DATA_PROCESSING", "Data processing"
    DATA_SHARING = "DATA_SHARING", "Data sharing"
    ANALYTICS = "ANALYTICS", "Analytics"
    MARKETING = "MARKETING", "Marketing"


class PluginSort(models.TextChoices):
    RATING = "rating", "Rating"
    INSTALLS = "installs", "Installs"
    NEWEST = "newest", "Newest"


class UsageGranularity(models.TextChoices):
    HOURLY = "hourly", "Hourly"
    DAILY = "daily", "Daily"


class ComponentStatus(models.TextChoices):
    OPERATIONAL = "operational", "Operational"
    DEGRADED = "degraded", "Degraded"
