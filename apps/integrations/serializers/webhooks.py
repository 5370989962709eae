from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField, VisibleIdField
from apps.core.api.serializers import StrictInputMixin
from apps.integrations.choices import DeliveryStatus, RetryPolicy
from apps.integrations.events import WEBHOOK_EVENT_TYPES
from apps.integrations.models import Webhook, WebhookDelivery
from apps.workspaces.models import Workspace

EVENTS_HELP = "Event type -> true/false, from the webhook event table (task.created, project.updated, ...)."


class WebhookSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(read_only=True)
    subscribed_events = serializers.DictField(child=serializers.BooleanField(), help_text="Subscribed types only.")

    class Meta:
        model = Webhook
        fields = [
            "id",
            "workspace_id",
            "name",
            "url",
            "is_active",
            "subscribed_events",
            "retry_policy",
            "max_retries",
            "timeout_seconds",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "previous_secret_expires_at",
            "last_triggered_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        source="plain_secret",
        allow_null=True,
        help_text="The generated signing secret (whsec_..., a Standard Webhooks secret) when none was given, "
        "or the new one after a rotation: shown once. Null when you chose the secret.",
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class StrictEventsMixin:
    """`subscribed_events` values must be JSON booleans: "yes" or 1 are refused, not coerced."""

    def validate_subscribed_events(self, value):
        raw = self.initial_data.get("subscribed_events") if hasattr(self.initial_data, "get") else None
        if isinstance(raw, dict) and any(not isinstance(flag, bool) for flag in raw.values()):
            raise serializers.ValidationError("Each event type maps to true or false.")
        return value


class WebhookCreateSerializer(StrictInputMixin, StrictEventsMixin, serializers.Serializer):
    workspace_id = VisibleIdField(
        Workspace,
        required=False,
        allow_null=True,
        help_text="Workspace to notify about; may be left out by someone who administers exactly one workspace.",
    )
    name = serializers.CharField(max_length=120, required=False, help_text="Defaults to the URL's host.")
    url = serializers.CharField(max_length=2000, help_text="http(s) URL of the receiver (public hosts only).")
    secret = serializers.CharField(
        min_length=16,
        max_length=256,
        required=False,
        help_text="Signing secret (any text of 16+ characters, or a whsec_ Standard Webhooks secret); "
        "generated when omitted.",
    )
    subscribed_events = serializers.DictField(
        child=StrictBooleanField(), allow_empty=False, required=False, help_text=EVENTS_HELP
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        required=False,
        help_text="The event types to subscribe to, as a list (the spec's SDK example); instead of subscribed_events.",
    )
    retry_policy = serializers.ChoiceField(choices=RetryPolicy.choices, default=RetryPolicy.EXPONENTIAL)
    max_retries = serializers.IntegerField(min_value=0, max_value=10, default=3)
    timeout_seconds = serializers.IntegerField(min_value=1, max_value=30, default=10)

    def validate(self, attrs):
        events = attrs.pop("events", None)
        if "subscribed_events" in attrs and events is not None:
            raise serializers.ValidationError({"events": ["Send either events or subscribed_events, not both."]})
        if events is not None:
            attrs["subscribed_events"] = dict.fromkeys(events, True)
        if "subscribed_events" not in attrs:
            raise serializers.ValidationError({"subscribed_events": ["This field is required (or send events)."]})
        return attrs


class WebhookUpdateSerializer(StrictInputMixin, StrictEventsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False)
    url = serializers.CharField(max_length=2000, required=False)
    secret = serializers.CharField(min_length=16, max_length=256, required=False, help_text="Rotate the secret.")
    subscribed_events = serializers.DictField(
        child=StrictBooleanField(), required=False, help_text=EVENTS_HELP + " Merged: false unsubscribes."
    )
    events = serializers.ListField(
        child=serializers.CharField(max_length=64),
        allow_empty=False,
        required=False,
        help_text="The event types to subscribe to, as a list (like POST's): replaces the subscription with "
        "exactly these; instead of subscribed_events.",
    )
    retry_policy = serializers.ChoiceField(choices=RetryPolicy.choices, required=False)
    max_retries = serializers.IntegerField(min_value=0, max_value=10, required=False)
    timeout_seconds = serializers.IntegerField(min_value=1, max_value=30, required=False)
    is_active = StrictBooleanField(required=False)

    def validate(self, attrs):
        events = attrs.pop("events", None)
        if events is None:
            return attrs
        if "subscribed_events" in attrs:
            raise serializers.ValidationError({"events": ["Send either events or subscribed_events, not both."]})
        # subscribed_events merges into the current subscription: unsubscribe from every other type.
        attrs["subscribed_events"] = {event_type: event_type in events for event_type in WEBHOOK_EVENT_TYPES}
        attrs["subscribed_events"].update(dict.fromkeys(events, True))  # unknown types are refused by name
        return attrs


class WebhookDeliverySerializer(serializers.ModelSerializer):
    webhook_id = serializers.UUIDField(read_only=True)
    event_id = serializers.UUIDField(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)
    request_headers = serializers.DictField(
        child=serializers.CharField(), read_only=True, help_text="Of the last attempt, signatures masked."
    )
    response_body = serializers.CharField(read_only=True, help_text="The first 8 KB of the last answer.")

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "webhook_id",
            "event_id",
            "event_type",
            "status",
            "attempt_number",
            "status_code",
            "response_time_ms",
            "last_error",
            "next_retry_at",
            "delivered_at",
            "request_headers",
            "response_body",
            "redelivery",
            "created_at",
        ]
        read_only_fields = fields
