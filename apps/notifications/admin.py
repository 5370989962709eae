from django.contrib import admin
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from apps.notifications.models import (
    EmailNotification,
    Notification,
    NotificationDigest,
    NotificationPreference,
    NotificationReadMark,
)


def _is_read_expression():
    """Read as the API says: flagged, or at or below the user's mark-all-read watermark
    (`selectors.is_read_q`, per row instead of per user)."""
    covering_mark = NotificationReadMark.objects.filter(user_id=OuterRef("user_id")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), notification_id__gte=OuterRef("id"))
    )
    return ExpressionWrapper(Q(read=True) | Q(Exists(covering_mark)), output_field=BooleanField())


class ReadFilter(admin.SimpleListFilter):
    title = "read"
    parameter_name = "is_read"

    def lookups(self, request, model_admin):
        return (("yes", "Yes"), ("no", "No"))

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(is_read=self.value() == "yes")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "user", "is_read", "created_at")
    list_filter = ("type", ReadFilter)
    search_fields = ("title", "user__email")
    raw_id_fields = ("user", "workspace", "event")
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(is_read=_is_read_expression())

    @admin.display(boolean=True, description="read", ordering="is_read")
    def is_read(self, obj) -> bool:
        return obj.is_read


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "in_app_notifications", "email_on_task_assigned", "email_on_comment", "quiet_hours_enabled")
    list_filter = ("in_app_notifications", "quiet_hours_enabled")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)


@admin.register(EmailNotification)
class EmailNotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "user", "created_at", "deliver_after", "sent_at")
    list_filter = ("type",)
    search_fields = ("title", "user__email")
    raw_id_fields = ("user", "event", "digest")


@admin.register(NotificationDigest)
class NotificationDigestAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "item_count", "sent_at")
    list_filter = ("kind",)
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
