"""Module 9: per-user preferences, and the themes and languages users pick from (data, not code)."""

from django.conf import settings
from django.db import models

from apps.core.models import TimeStampedModel, UUIDModel
from apps.personalization.choices import (
    DateFormat,
    FontSize,
    InfoDensity,
    NotificationFrequency,
    TimeFormat,
    WcagLevel,
)

DEFAULT_THEME = "system"
DEFAULT_LANGUAGE = "en-US"


class Theme(models.Model):
    """A colour theme offered to users; `id` is the stable slug clients store (light, dark, ...)."""

    id = models.SlugField(max_length=40, primary_key=True)
    name = models.CharField(max_length=80)
    colors = models.JSONField(default=dict, blank=True, help_text='e.g. {"primary": "#0066CC", "secondary": "#F5F5F5"}')
    is_active = models.BooleanField(default=True, help_text="Inactive themes are hidden and cannot be chosen.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A supported UI language, by BCP 47 tag (en-US, vi-VN)."""

    code = models.CharField(max_length=16, primary_key=True)
    name = models.CharField(max_length=80, help_text="English name.")
    native_name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True, help_text="Inactive languages are hidden and cannot be chosen.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class UserPreference(UUIDModel, TimeStampedModel):
    """One row per user, created with defaults on first read.

    `timezone` drives quiet hours and digest times (module 7); `notification_frequency` is the one
    stored value behind both /preferences and /notifications/preferences.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, default=DEFAULT_THEME, related_name="+")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, default=DEFAULT_LANGUAGE, related_name="+")
    font_size = models.CharField(max_length=16, choices=FontSize.choices, default=FontSize.MEDIUM)
    info_density = models.CharField(max_length=16, choices=InfoDensity.choices, default=InfoDensity.COMFORTABLE)
    timezone = models.CharField(max_length=64, default="UTC")
    date_format = models.CharField(max_length=16, choices=DateFormat.choices, default=DateFormat.ISO)
    time_format = models.CharField(max_length=8, choices=TimeFormat.choices, default=TimeFormat.TWENTY_FOUR_HOUR)
    # Accessibility
    wcag_level = models.CharField(max_length=4, choices=WcagLevel.choices, default=WcagLevel.AA)
    high_contrast = models.BooleanField(default=False)
    reduced_motion = models.BooleanField(default=False)
    screen_reader_enabled = models.BooleanField(default=False)
    # Notifications (client side, plus the shared delivery frequency)
    desktop_notifications = models.BooleanField(default=True)
    sound_enabled = models.BooleanField(default=True)
    notification_frequency = models.CharField(
        max_length=16, choices=NotificationFrequency.choices, default=NotificationFrequency.IMMEDIATE
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user_id}"
