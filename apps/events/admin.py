from django.contrib import admin

from apps.core.admin import JSONDepthLimitMixin
from apps.events.models import DomainEvent, EventConsumer, EventDelivery, HandlerReceipt


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
class EventConsumerAdmin(JSONDepthLimitMixin, admin.ModelAdmin):
    list_display = ("event_type", "handler_type", "owner", "workspace", "is_active", "created_at")
    list_filter = ("handler_type", "is_active", "event_type")
    search_fields = ("owner__email", "event_type")
    raw_id_fields = ("owner", "workspace")
    exclude = ("secret_encrypted",)


@admin.register(EventDelivery)
class EventDeliveryAdmin(admin.ModelAdmin):
    list_display = ("consumer", "event", "status", "attempts", "response_status", "created_at", "delivered_at")
    list_filter = ("status",)
    raw_id_fields = ("consumer", "event")
