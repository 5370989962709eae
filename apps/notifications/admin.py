from django.contrib import admin

from apps.notifications.models import EmailNotification, Notification, NotificationDigest, NotificationPreference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "type", "user", "read", "created_at")
    list_filter = ("type", "read")
    search_fields = ("title", "user__email")
    raw_id_fields = ("user", "workspace", "event")
    date_hierarchy = "created_at"


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
