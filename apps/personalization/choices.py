from django.db import models


class FontSize(models.TextChoices):
    SMALL = "small", "Small"
    MEDIUM = "medium", "Medium"
    LARGE = "large", "Large"
    EXTRA_LARGE = "x-large", "Extra large"


class InfoDensity(models.TextChoices):
    COMPACT = "compact", "Compact"
    COMFORTABLE = "comfortable", "Comfortable"
    SPACIOUS = "spacious", "Spacious"


class DateFormat(models.TextChoices):
    US = "MM/DD/YYYY", "MM/DD/YYYY"
    EUROPEAN = "DD/MM/YYYY", "DD/MM/YYYY"
    ISO = "YYYY-MM-DD", "YYYY-MM-DD"
    DOTTED = "DD.MM.YYYY", "DD.MM.YYYY"


class TimeFormat(models.TextChoices):
    TWELVE_HOUR = "12h", "12-hour"
    TWENTY_FOUR_HOUR = "24h", "24-hour"


class NotificationFrequency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately"
    HOURLY = "hourly", "Hourly digest"
    DAILY = "daily", "Daily digest"
    WEEKLY = "weekly", "Weekly digest"


class WcagLevel(models.TextChoices):
    A = "A", "Level A"
    AA = "AA", "Level AA"
    AAA = "AAA", "Level AAA"


# What each conformance level asks of the client, as switches it can apply directly.
# Contrast ratios: WCAG 2.1 SC 1.4.3 (AA, 4.5:1) and 1.4.6 (AAA, 7:1); motion: SC 2.3.3 (AAA);
# target size: SC 2.5.8 (AA in 2.2, 24px) and 2.5.5 (AAA, 44px); focus: SC 2.4.7 (AA).
WCAG_SWITCHES = {
    WcagLevel.A: {
        "high_contrast": False,
        "reduced_motion": False,
        "min_contrast_ratio": 3.0,
        "min_target_size_px": 24,
        "focus_indicator": "default",
        "underline_links": False,
        "text_spacing_adjustable": False,
    },
    WcagLevel.AA: {
        "high_contrast": False,
        "reduced_motion": False,
        "min_contrast_ratio": 4.5,
        "min_target_size_px": 24,
        "focus_indicator": "visible",
        "underline_links": True,
        "text_spacing_adjustable": True,
    },
    WcagLevel.AAA: {
        "high_contrast": True,
        "reduced_motion": True,
        "min_contrast_ratio": 7.0,
        "min_target_size_px": 44,
        "focus_indicator": "enhanced",
        "underline_links": True,
        "text_spacing_adjustable": True,
    },
}

WCAG_DESCRIPTIONS = {
    WcagLevel.A: "WCAG 2.1 Level A compliant",
    WcagLevel.AA: "WCAG 2.1 Level AA compliant",
    WcagLevel.AAA: "WCAG 2.1 Level AAA compliant",
}
