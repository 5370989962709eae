import zoneinfo

from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import StrictInputMixin
from apps.personalization.choices import (
    WCAG_DESCRIPTIONS,
    WCAG_SWITCHES,
    DateFormat,
    FontSize,
    InfoDensity,
    NotificationFrequency,
    TimeFormat,
    WcagLevel,
)
from apps.personalization.models import Language, Theme, UserPreference

VALID_TIMEZONES = frozenset(zoneinfo.available_timezones())


class AccessibilitySerializer(StrictInputMixin, serializers.Serializer):
    high_contrast = StrictBooleanField(required=False)
    reduced_motion = StrictBooleanField(required=False)
    screen_reader_enabled = StrictBooleanField(required=False)
    wcag_level = serializers.ChoiceField(choices=WcagLevel.choices, required=False)


class NotificationSettingsSerializer(StrictInputMixin, serializers.Serializer):
    desktop_notifications = StrictBooleanField(required=False)
    sound_enabled = StrictBooleanField(required=False)
    notification_frequency = serializers.ChoiceField(choices=NotificationFrequency.choices, required=False)


class UserPreferenceSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    theme = serializers.CharField(source="theme_id")
    language = serializers.CharField(source="language_id")
    accessibility = serializers.SerializerMethodField()
    notifications = serializers.SerializerMethodField()

    class Meta:
        model = UserPreference
        fields = [
            "id",
            "user_id",
            "theme",
            "language",
            "font_size",
            "info_density",
            "timezone",
            "date_format",
            "time_format",
            "accessibility",
            "notifications",
            "updated_at",
        ]

    def get_accessibility(self, obj) -> AccessibilitySerializer:
        return {
            "high_contrast": obj.high_contrast,
            "reduced_motion": obj.reduced_motion,
            "screen_reader_enabled": obj.screen_reader_enabled,
            "wcag_level": obj.wcag_level,
        }

    def get_notifications(self, obj) -> NotificationSettingsSerializer:
        return {
            "desktop_notifications": obj.desktop_notifications,
            "sound_enabled": obj.sound_enabled,
            "notification_frequency": obj.notification_frequency,
        }


class UserPreferenceUpdateSerializer(StrictInputMixin, serializers.Serializer):
    theme = serializers.CharField(required=False, max_length=40)
    language = serializers.CharField(required=False, max_length=16)
    font_size = serializers.ChoiceField(choices=FontSize.choices, required=False)
    info_density = serializers.ChoiceField(choices=InfoDensity.choices, required=False)
    timezone = serializers.CharField(required=False, max_length=64)
    date_format = serializers.ChoiceField(choices=DateFormat.choices, required=False)
    time_format = serializers.ChoiceField(choices=TimeFormat.choices, required=False)
    accessibility = AccessibilitySerializer(required=False)
    notifications = NotificationSettingsSerializer(required=False)

    def validate_theme(self, value):
        if not Theme.objects.filter(pk=value, is_active=True).exists():
            raise serializers.ValidationError(f"Unknown theme '{value}'. See /api/v1/preferences/themes.")
        return value

    def validate_language(self, value):
        if not Language.objects.filter(pk=value, is_active=True).exists():
            raise serializers.ValidationError(
                f"Language '{value}' is not supported. See /api/v1/preferences/languages."
            )
        return value

    def validate_timezone(self, value):
        if value not in VALID_TIMEZONES:
            raise serializers.ValidationError(f"'{value}' is not an IANA time zone (e.g. Asia/Ho_Chi_Minh).")
        return value

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Provide at least one preference to change.")
        # The service stores ids for theme and language.
        for name in ("theme", "language"):
            if name in attrs:
                attrs[f"{name}_id"] = attrs.pop(name)
        return attrs


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "name", "colors"]


class LanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = Language
        fields = ["code", "name", "native_name"]


class WcagSwitchesSerializer(serializers.Serializer):
    high_contrast = serializers.BooleanField()
    reduced_motion = serializers.BooleanField()
    min_contrast_ratio = serializers.FloatField()
    min_target_size_px = serializers.IntegerField()
    focus_indicator = serializers.CharField()
    underline_links = serializers.BooleanField()
    text_spacing_adjustable = serializers.BooleanField()


class WcagLevelInfoSerializer(serializers.Serializer):
    level = serializers.CharField()
    description = serializers.CharField()
    switches = WcagSwitchesSerializer()


class WcagLevelSerializer(serializers.Serializer):
    current_level = serializers.ChoiceField(choices=WcagLevel.choices)
    available_levels = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField()
    switches = WcagSwitchesSerializer(help_text="What the current level asks of the client.")
    effective = serializers.DictField(
        help_text="The switches to apply now: the level's, with the user's own accessibility choices on top."
    )
    levels = WcagLevelInfoSerializer(many=True)

    @staticmethod
    def build(preference) -> dict:
        level = preference.wcag_level
        switches = dict(WCAG_SWITCHES[level])
        effective = dict(switches)
        effective["high_contrast"] = switches["high_contrast"] or preference.high_contrast
        effective["reduced_motion"] = switches["reduced_motion"] or preference.reduced_motion
        effective["screen_reader_enabled"] = preference.screen_reader_enabled
        return {
            "current_level": level,
            "available_levels": [choice.value for choice in WcagLevel],
            "description": WCAG_DESCRIPTIONS[level],
            "switches": switches,
            "effective": effective,
            "levels": [
                {"level": choice.value, "description": WCAG_DESCRIPTIONS[choice], "switches": WCAG_SWITCHES[choice]}
                for choice in WcagLevel
            ],
        }
