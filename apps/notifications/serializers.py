from rest_framework import serializers

from apps.core.api.fields import HourMinuteField, StrictBooleanField
from apps.core.api.serializers import StrictInputMixin
from apps.notifications.models import Notification
from apps.notifications.selectors import ROW_FIELDS
from apps.personalization.choices import NotificationFrequency


class NotificationSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    workspace_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Notification
        fields = list(ROW_FIELDS)  # the fast list path renders the same columns in this order


class NotificationReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "read", "read_at"]


class UnreadCountSerializer(serializers.Serializer):
    count = serializers.IntegerField()


class QuietHoursSerializer(StrictInputMixin, serializers.Serializer):
    enabled = StrictBooleanField(required=False)
    start = HourMinuteField(required=False)
    end = HourMinuteField(required=False)


class NotificationPreferenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    user_id = serializers.UUIDField()
    email_on_task_assigned = serializers.BooleanField()
    email_on_comment = serializers.BooleanField()
    email_on_mention = serializers.BooleanField()
    email_on_task_completed = serializers.BooleanField()
    email_on_project_update = serializers.BooleanField()
    email_on_member_joined = serializers.BooleanField()
    in_app_notifications = serializers.BooleanField()
    notification_frequency = serializers.ChoiceField(choices=NotificationFrequency.choices)
    quiet_hours = QuietHoursSerializer()
    timezone = serializers.CharField(help_text="From /api/v1/preferences; quiet hours and digests use it.")
    updated_at = serializers.DateTimeField()

    @staticmethod
    def build(preference, user_preference) -> dict:
        return {
            "id": preference.pk,
            "user_id": preference.user_id,
            "email_on_task_assigned": preference.email_on_task_assigned,
            "email_on_comment": preference.email_on_comment,
            "email_on_mention": preference.email_on_mention,
            "email_on_task_completed": preference.email_on_task_completed,
            "email_on_project_update": preference.email_on_project_update,
            "email_on_member_joined": preference.email_on_member_joined,
            "in_app_notifications": preference.in_app_notifications,
            "notification_frequency": user_preference.notification_frequency,
            "quiet_hours": {
                "enabled": preference.quiet_hours_enabled,
                "start": preference.quiet_hours_start.strftime("%H:%M"),
                "end": preference.quiet_hours_end.strftime("%H:%M"),
            },
            "timezone": user_preference.timezone,
            "updated_at": max(preference.updated_at, user_preference.updated_at),
        }


class NotificationPreferenceUpdateSerializer(StrictInputMixin, serializers.Serializer):
    email_on_task_assigned = StrictBooleanField(required=False)
    email_on_comment = StrictBooleanField(required=False)
    email_on_mention = StrictBooleanField(required=False)
    email_on_task_completed = StrictBooleanField(required=False)
    email_on_project_update = StrictBooleanField(required=False)
    email_on_member_joined = StrictBooleanField(required=False)
    in_app_notifications = StrictBooleanField(required=False)
    notification_frequency = serializers.ChoiceField(choices=NotificationFrequency.choices, required=False)
    quiet_hours = QuietHoursSerializer(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Provide at least one preference to change.")
        quiet = attrs.get("quiet_hours")
        if quiet is not None:
            current = self.context["preference"]
            start = quiet.get("start", current.quiet_hours_start)
            end = quiet.get("end", current.quiet_hours_end)
            if start == end:
                raise serializers.ValidationError({"quiet_hours": {"end": ["Must differ from start."]}})
        return attrs
