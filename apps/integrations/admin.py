"""Admin for module 12. Secrets never show: no token hash, no webhook secret, no OAuth tokens.
Actions call the services, so the same audit entries are written as through the API."""

from django.contrib import admin, messages
from django.db import models

from apps.core.admin import ApiValidationMixin, JSONDepthLimitMixin
from apps.core.exceptions import DomainError, ValidationFailed
from apps.core.queueing import publish
from apps.integrations.models import (
    ApiToken,
    Consent,
    OAuthApp,
    OAuthConnection,
    Plugin,
    PluginInstallation,
    Webhook,
    WebhookDelivery,
)
from apps.integrations.serializers.webhooks import WebhookUpdateSerializer
from apps.integrations.services import consents as consent_services
from apps.integrations.services import tokens as token_services
from apps.integrations.services.deliveries import OPEN_STATUSES, delivery_redeliver
from apps.integrations.services.plugins import validate_configuration
from apps.integrations.services.sending import batch_size
from apps.integrations.services.webhooks import validate_events, validate_url
from apps.integrations.tasks import webhook_deliver_task

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "token_prefix", "user", "tier", "is_active", "is_revoked", "expires_at", "last_used_at"]
    list_filter = ["tier", "is_active", "is_revoked"]
    search_fields = ["name", "token_prefix", "user__email"]
    fields = [
        "user",
        "name",
        "token_prefix",
        "scopes",
        "tier",
        "expires_at",
        "is_active",
        "is_revoked",
        "revoked_at",
        "last_used_at",
        "created_at",
    ]
    readonly_fields = ["user", "token_prefix", "scopes", "is_revoked", "revoked_at", "last_used_at", "created_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are created by their owners through the API (the secret is shown once)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            token_services.token_revoke(actor=request.user, token=token)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)


# The webhook fields the API's update validates (WebhookUpdateSerializer, then the service's checks).
WEBHOOK_API_FIELDS = ("name", "url", "subscribed_events", "retry_policy", "max_retries", "timeout_seconds", "is_active")


@admin.register(Webhook)
class WebhookAdmin(ApiValidationMixin, JSONDepthLimitMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "workspace", "url", "is_active", "consecutive_failures", "last_triggered_at", "created_at"]
    list_filter = ["is_active", "retry_policy"]
    search_fields = ["name", "url", "workspace__name"]
    exclude = ["secret_encrypted"]
    readonly_fields = ["workspace", "created_by", "consecutive_failures", "disabled_at", "last_triggered_at"]

    def has_add_permission(self, request):
        return False  # registered through the API, where the target URL is checked

    def api_clean(self, request, form, cleaned_data):
        """The API's rules: field bounds (max_retries 0-10, timeout 1-30 s), the SSRF check of a
        changed URL, event types of the catalogue mapped to booleans, at least one subscribed."""
        data = {name: cleaned_data[name] for name in WEBHOOK_API_FIELDS if name in cleaned_data}
        WebhookUpdateSerializer(data=data).is_valid(raise_exception=True)
        if "url" in data and "url" in form.changed_data:
            validate_url(data["url"])
        if "subscribed_events" in data:
            cleaned_data["subscribed_events"] = validate_events(data["subscribed_events"])
            if not cleaned_data["subscribed_events"]:
                raise ValidationFailed.field("subscribed_events", "Subscribe to at least one event type.")
        return cleaned_data


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "webhook",
        "consumer",
        "status",
        "attempt_number",
        "status_code",
        "next_retry_at",
        "created_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["webhook__name", "webhook__url", "event_type"]
    list_select_related = ["webhook", "consumer"]
    readonly_fields = [field.name for field in WebhookDelivery._meta.fields]
    actions = ["send_now", "redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver the selected delivered or failed webhook deliveries")
    def redeliver(self, request, queryset):
        """The API's redeliver (same message and `webhook-id`, a fresh signature), per delivery."""
        done = 0
        for delivery in queryset.filter(webhook__isnull=False).select_related("webhook"):
            try:
                delivery_redeliver(actor=request.user, delivery=delivery)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{delivery}: {exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"{done} delivery(ies) queued again.", messages.SUCCESS)

    @admin.action(description="Attempt the selected open deliveries now")
    def send_now(self, request, queryset):
        ids = [str(pk) for pk in queryset.filter(status__in=OPEN_STATUSES).values_list("pk", flat=True)]
        queryset.filter(pk__in=ids).update(next_retry_at=None)
        size = batch_size()
        for start in range(0, len(ids), size):  # if not queued now, the retry job picks them up
            publish(webhook_deliver_task, ids[start : start + size])
        self.message_user(request, f"{len(ids)} delivery attempt(s) queued.", messages.SUCCESS)


@admin.register(OAuthApp)
class OAuthAppAdmin(JSONDepthLimitMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["display_name", "provider_name", "is_enabled", "authorize_url"]
    list_filter = ["is_enabled"]
    search_fields = ["display_name", "provider_name"]


@admin.register(OAuthConnection)
class OAuthConnectionAdmin(admin.ModelAdmin):
    list_display = ["user", "oauth_app", "external_user_id", "is_active", "last_verified_at", "created_at"]
    list_filter = ["is_active", "oauth_app"]
    search_fields = ["user__email", "external_user_id"]
    exclude = ["access_token_encrypted", "refresh_token_encrypted"]
    readonly_fields = ["user", "oauth_app", "external_user_id", "last_verified_at"]

    def has_add_permission(self, request):
        return False


@admin.register(Plugin)
class PluginAdmin(JSONDepthLimitMixin, admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "version", "author", "category", "is_verified", "is_published", "install_count", "rating"]
    list_filter = ["category", "is_verified", "is_published"]
    search_fields = ["name", "slug", "author", "description"]
    readonly_fields = ["install_count"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PluginInstallation)
class PluginInstallationAdmin(ApiValidationMixin, JSONDepthLimitMixin, admin.ModelAdmin):
    list_display = ["plugin", "workspace", "is_active", "installed_by", "created_at"]
    list_filter = ["is_active", "plugin"]
    search_fields = ["plugin__name", "workspace__name"]
    readonly_fields = ["plugin", "workspace", "installed_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def api_clean(self, request, form, cleaned_data):
        """The API's rule: an object, valid against the plugin's configuration schema."""
        if "configuration" in cleaned_data:
            cleaned_data["configuration"] = validate_configuration(form.instance.plugin, cleaned_data["configuration"])
        return cleaned_data


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ["user", "consent_type", "resource_type", "resource_id", "version", "is_granted", "is_current"]
    list_filter = ["consent_type", "is_granted", "is_current"]
    search_fields = ["user__email", "resource_type", "resource_id"]
    readonly_fields = [field.name for field in Consent._meta.fields]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # consents are the user's own act

    @admin.action(description="Revoke the selected current consents")
    def revoke(self, request, queryset):
        done = 0
        for consent in queryset:
            try:
                consent_services.consent_revoke(actor=request.user, consent=consent)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{consent}: {exc.message}", messages.WARNING)
        self.message_user(request, f"{done} consent(s) revoked.", messages.SUCCESS)
