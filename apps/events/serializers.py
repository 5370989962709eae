from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from rest_framework import serializers

from apps.core import webhooks as signed_http
from apps.core.api.fields import StrictBooleanField, VisibleIdField
from apps.core.api.parsers import validate_json_depth
from apps.core.api.serializers import StrictInputMixin
from apps.events import registry
from apps.events.catalogue import EVENT_TYPES, MEMBERS, OWNER, public_payload
from apps.events.choices import ALL_EVENTS, HandlerType
from apps.events.models import DomainEvent, EventConsumer

# The workspace model, through the consumer's foreign key (this app names no work-domain model).
Workspace = EventConsumer._meta.get_field("workspace").related_model

MAX_EMAIL_RECIPIENTS = 10
MAX_IN_APP_USERS = 50


class DomainEventSerializer(serializers.ModelSerializer):
    timestamp = serializers.DateTimeField(source="occurred_at")
    user_id = serializers.UUIDField(source="actor_id", allow_null=True)
    workspace_id = serializers.UUIDField(allow_null=True)
    payload = serializers.SerializerMethodField()

    class Meta:
        model = DomainEvent
        fields = [
            "id",
            "event_type",
            "aggregate_type",
            "aggregate_id",
            "timestamp",
            "user_id",
            "workspace_id",
            "project_id",
            "payload",
        ]

    def get_payload(self, obj) -> dict:
        return public_payload(obj.event_type, obj.payload)


class EventTypeSerializer(serializers.Serializer):
    event_type = serializers.CharField(source="name")
    aggregate_type = serializers.CharField()
    description = serializers.CharField()
    payload_fields = serializers.ListField(child=serializers.CharField())
    audience = serializers.ChoiceField(
        choices=[MEMBERS, OWNER],
        help_text="Who sees events of the type: whoever may see the workspace and project, or only the user "
        "the payload names as owner_id.",
    )


class EventConsumerSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(allow_null=True, read_only=True)
    config = serializers.JSONField()

    class Meta:
        model = EventConsumer
        fields = [
            "id",
            "event_type",
            "handler_type",
            "workspace_id",
            "config",
            "is_active",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["consecutive_failures", "disabled_at", "disabled_reason"]


class EventConsumerCreatedSerializer(EventConsumerSerializer):
    secret = serializers.CharField(
        source="plain_secret",
        allow_null=True,
        help_text="Webhook signing secret, shown only in this response (null for other handler types).",
    )

    class Meta(EventConsumerSerializer.Meta):
        fields = [*EventConsumerSerializer.Meta.fields, "secret"]


def _validate_event_type(value: str) -> str:
    if value != ALL_EVENTS and value not in EVENT_TYPES:
        raise serializers.ValidationError(f"Unknown event type '{value}'. See /api/v1/event-types.")
    return value


def _only_keys(config: dict, allowed: set[str]) -> None:
    unknown = sorted(set(config) - allowed)
    if unknown:
        raise serializers.ValidationError({"config": [f"Unknown keys: {', '.join(unknown)}."]})


def validate_config(handler_type: str, config, *, actor, workspace) -> dict:
    """Per-type config rules; raises ValidationError (422) with `config` details."""
    if not isinstance(config, dict):
        raise serializers.ValidationError({"config": ["Must be an object."]})
    if handler_type == HandlerType.EMAIL:
        _only_keys(config, {"recipients"})
        recipients = config.get("recipients")
        if not isinstance(recipients, list) or not recipients or len(recipients) > MAX_EMAIL_RECIPIENTS:
            raise serializers.ValidationError(
                {"config": [f"recipients: a list of 1 to {MAX_EMAIL_RECIPIENTS} e-mail addresses."]}
            )
        cleaned = []
        for address in recipients:
            try:
                if not isinstance(address, str):
                    raise ValueError
                validate_email(address)
            except (ValueError, DjangoValidationError):
                raise serializers.ValidationError(
                    {"config": [f"recipients: '{address}' is not an e-mail address."]}
                ) from None
            if address.lower() not in cleaned:
                cleaned.append(address.lower())
        return {"recipients": cleaned}
    if handler_type == HandlerType.IN_APP:
        _only_keys(config, {"user_ids"})
        user_ids = config.get("user_ids")
        if not isinstance(user_ids, list) or not user_ids or len(user_ids) > MAX_IN_APP_USERS:
            raise serializers.ValidationError({"config": [f"user_ids: a list of 1 to {MAX_IN_APP_USERS} user ids."]})
        field = serializers.UUIDField()
        try:
            ids = list(dict.fromkeys(str(field.to_internal_value(value)) for value in user_ids))
        except serializers.ValidationError:
            raise serializers.ValidationError({"config": ["user_ids: every entry must be a user id (UUID)."]}) from None
        directory = registry.directory()
        # Without a workspace: colleagues from the workspaces where the actor may act for others.
        allowed = directory.member_ids(workspace.pk) if workspace is not None else directory.colleague_ids(actor)
        found = {str(pk) for pk in allowed.filter(user_id__in=ids).values_list("user_id", flat=True)}
        found.add(str(actor.pk))  # notifying oneself needs no shared workspace
        missing = [value for value in ids if value not in found]
        if missing:
            raise serializers.ValidationError(
                {"config": [f"user_ids: not members of the workspace: {', '.join(missing)}."]}
            )
        return {"user_ids": ids}
    if handler_type == HandlerType.WEBHOOK:
        _only_keys(config, {"url"})
        url = config.get("url")
        if not isinstance(url, str) or not url or len(url) > 2000:
            raise serializers.ValidationError({"config": ["url: an http(s) URL is required."]})
        try:
            signed_http.validate_target(url)
        except signed_http.UnsafeTarget as exc:
            raise serializers.ValidationError({"config": [f"url: {exc}"]}) from None
        return {"url": url}
    raise serializers.ValidationError({"handler_type": ["Unknown handler type."]})


def default_config(handler_type: str, actor) -> dict:
    """The config of a subscription that names none: e-mail and in-app go to the subscriber; a
    webhook has no default target (its validation asks for `url`)."""
    if handler_type == HandlerType.EMAIL:
        return {"recipients": [actor.email]}
    if handler_type == HandlerType.IN_APP:
        return {"user_ids": [str(actor.pk)]}
    return {}


class EventConsumerCreateSerializer(StrictInputMixin, serializers.Serializer):
    event_type = serializers.CharField(max_length=64, validators=[_validate_event_type])
    handler_type = serializers.ChoiceField(choices=HandlerType.choices)
    config = serializers.JSONField(
        required=False,
        validators=[validate_json_depth],
        help_text="email: {recipients: [...]}, in_app: {user_ids: [...]} (both default to the caller); "
        "webhook: {url} (required).",
    )
    workspace_id = VisibleIdField(Workspace, required=False, allow_null=True)

    def validate(self, attrs):
        actor = self.context["request"].user
        workspace = attrs.pop("workspace_id", None)
        attrs["workspace"] = workspace
        config = attrs["config"] if "config" in attrs else default_config(attrs["handler_type"], actor)
        attrs["config"] = validate_config(attrs["handler_type"], config, actor=actor, workspace=workspace)
        return attrs


class EventConsumerUpdateSerializer(StrictInputMixin, serializers.Serializer):
    event_type = serializers.CharField(max_length=64, required=False, validators=[_validate_event_type])
    config = serializers.JSONField(required=False, validators=[validate_json_depth])
    is_active = StrictBooleanField(required=False)
    handler_type = serializers.CharField(required=False, help_text="Cannot change; create a new consumer instead.")

    def validate_handler_type(self, value):
        if value != self.context["consumer"].handler_type:
            raise serializers.ValidationError("The handler type cannot change; create a new consumer instead.")
        return value

    def validate(self, attrs):
        attrs.pop("handler_type", None)
        if not attrs:
            raise serializers.ValidationError("Provide event_type, config or is_active.")
        consumer = self.context["consumer"]
        if "config" in attrs:
            attrs["config"] = validate_config(
                consumer.handler_type, attrs["config"], actor=consumer.owner, workspace=consumer.workspace
            )
        return attrs
