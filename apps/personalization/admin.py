from django.contrib import admin

from apps.core.admin import ApiValidationMixin, JSONDepthLimitMixin
from apps.personalization.models import Language, Theme, UserPreference
from apps.personalization.serializers import UserPreferenceUpdateSerializer


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
class UserPreferenceAdmin(ApiValidationMixin, admin.ModelAdmin):
    list_display = ("user", "theme", "language", "timezone", "wcag_level", "notification_frequency", "updated_at")
    list_filter = ("theme", "language", "wcag_level", "notification_frequency")
    search_fields = ("user__email", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("created_at", "updated_at")

    def api_clean(self, request, form, cleaned_data):
        """The API's rules for what changed: an IANA time zone, an active theme and language (a
        preference keeps the theme or language it has after that was switched off)."""
        data = {}
        for name in ("timezone", "theme", "language"):
            value = cleaned_data.get(name)
            if name in form.changed_data and value is not None:
                data[name] = getattr(value, "pk", value)
        if data:
            UserPreferenceUpdateSerializer(data=data).is_valid(raise_exception=True)
        return cleaned_data
