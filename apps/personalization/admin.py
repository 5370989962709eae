from django.contrib import admin

from apps.core.admin import JSONDepthLimitMixin
from apps.personalization.models import Language, Theme, UserPreference


@admin.register(Theme)
class ThemeAdmin(JSONDepthLimitMixin, admin.ModelAdmin):
    list_display = ("id", "name", "is_active", "position")
    list_editable = ("is_active", "position")
    search_fields = ("id", "name")


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "native_name", "is_active", "position")
    list_editable = ("is_active", "position")
    search_fields = ("code", "name", "native_name")


@admin.register(UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "theme", "language", "timezone", "wcag_level", "notification_frequency", "updated_at")
    list_filter = ("theme", "language", "wcag_level", "notification_frequency")
    search_fields = ("user__email", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")
