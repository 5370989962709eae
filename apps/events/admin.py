from django.contrib import admin
from rest_framework import serializers

from apps.core.admin import ApiValidationMixin, JSONDepthLimitMixin
from apps.events.models import DomainEvent, EventConsumer, EventDelivery, HandlerReceipt
from apps.events.serializers import _validate_event_type, validate_config


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    list_display = (
        "event_type",
        "aggregate_type",
        "aggregate_id",
        "workspace",
        "actor",
        "occurred_at",
        "dispatched_at",
    )
    list_filter = ("event_type", "aggregate_type")
    search_fields = ("aggregate_id", "event_type", "actor__email")
    date_hierarchy = "occurred_at"
    raw_id_fields = ("workspace", "actor")
    readonly_fields = [field.name for field in DomainEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(HandlerReceipt)
class HandlerReceiptAdmin(admin.ModelAdmin):
    list_display = ("handler", "event", "processed_at")
    list_filter = ("handler",)
    raw_id_fields = ("event",)


@admin.register(EventConsumer)
class EventConsumerAdmin(ApiValidationMixin, JSONDepthLimitMixin, admin.ModelAdmin):
    list_display = ("event_type", "handler_type", "owner", "workspace", "is_active", "created_at")
    list_filter = ("handler_type", "is_active", "event_type")
    search_fields = ("owner__email", "event_type")
    raw_id_fields = ("owner", "workspace")
    exclude = ("secret_encrypted",)

    def api_clean(self, request, form, cleaned_data):
        """The API's rules: an event type of the catalogue (or *), and the handler type's config
        (e-mail recipients, in-app members of the workspace, a webhook URL passing the SSRF check)
        checked for the consumer's owner and workspace."""
        errors = {}
        if cleaned_data.get("event_type") is not None:
            try:
                _validate_event_type(cleaned_data["event_type"])
            except serializers.ValidationError as exc:
                errors["event_type"] = exc.detail
        owner, handler_type = cleaned_data.get("owner"), cleaned_data.get("handler_type")
        if owner is not None and handler_type and "config" in cleaned_data:
            try:
                cleaned_data["config"] = validate_config(
                    handler_type, cleaned_data["config"], actor=owner, workspace=cleaned_data.get("workspace")
                )
            except serializers.ValidationError as exc:
                errors.update(exc.detail)
        if errors:
            raise serializers.ValidationError(errors)
        return cleaned_data


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = ("consumer", "event", "status", "attempts", "response_status", "created_at", "delivered_at")
    list_filter = ("status",)
    raw_id_fields = ("consumer", "event")
