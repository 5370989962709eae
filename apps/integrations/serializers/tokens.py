import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import StrictInputMixin
from apps.integrations.choices import TokenTier, UsageGranularity
from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES


class ExpiryDateField(serializers.DateField):
    """The UTC day a token expires at the end of. Input: an ISO 8601 date, or a date-time taken as
    its UTC day; output: the date (tokens are valid through the whole day)."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) > 10:
            instant = serializers.DateTimeField(default_timezone=dt.UTC).to_internal_value(value)
            return instant.astimezone(dt.UTC).date()
        return super().to_internal_value(value)

    def to_representation(self, value):
        if isinstance(value, dt.datetime):
            value = value.astimezone(dt.UTC).date()
        return super().to_representation(value)


EXPIRY_HELP = "UTC date; the token is valid through the end of that day."


class ApiTokenUsageTotalsSerializer(serializers.Serializer):
    total_requests = serializers.IntegerField()
    requests_last_24h = serializers.IntegerField()


class ApiTokenSerializer(serializers.ModelSerializer):
    expires_at = ExpiryDateField(read_only=True, help_text=EXPIRY_HELP)
    usage = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "token_prefix",
            "scopes",
            "tier",
            "last_used_at",
            "expires_at",
            "is_active",
            "is_revoked",
            "revoked_at",
            "created_at",
            "usage",
        ]
        read_only_fields = fields

    @extend_schema_field(ApiTokenUsageTotalsSerializer(allow_null=True))
    def get_usage(self, token):
        """Request counts with ?include_usage=true, else null."""
        if not hasattr(token, "total_requests"):
            return None
        return {"total_requests": token.total_requests, "requests_last_24h": token.requests_last_24h}


class ApiTokenCreatedSerializer(serializers.ModelSerializer):
    token = serializers.CharField(source="plain_token", help_text="The secret. Shown once, never again.")
    expires_at = ExpiryDateField(read_only=True, help_text=EXPIRY_HELP)
    warning = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "token",
            "token_prefix",
            "scopes",
            "tier",
            "expires_at",
            "is_active",
            "created_at",
            "warning",
        ]
        read_only_fields = fields

    def get_warning(self, token) -> str:
        from apps.integrations.services.tokens import CREATION_WARNING

        return CREATION_WARNING


class ApiTokenCreateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(ALL_SCOPES)), allow_empty=False, max_length=len(ALL_SCOPES)
    )
    expires_at = ExpiryDateField(
        required=False,
        allow_null=True,
        help_text="UTC date (a date-time counts as its UTC day), valid through that day; today at the earliest; "
        "default and latest: 365 days from today.",
    )


class ApiTokenUpdateSerializer(StrictInputMixin, serializers.Serializer):
    refused_fields = {
        "scopes": "Scopes cannot be changed (module 12: name and is_active only); "
        "create a new token with the scopes you need and revoke this one."
    }

    name = serializers.CharField(max_length=100, required=False)
    is_active = StrictBooleanField(required=False)


class ScopeSerializer(serializers.Serializer):
    scope = serializers.CharField()
    description = serializers.CharField()
    resource_type = serializers.CharField()
    permission_type = serializers.ChoiceField(choices=["read", "write"])


class EndpointCountSerializer(serializers.Serializer):
    endpoint = serializers.CharField(help_text='"METHOD /route/{template}"')
    count = serializers.IntegerField()


class PeriodCountSerializer(serializers.Serializer):
    period = serializers.DateTimeField()
    count = serializers.IntegerField()


class PeriodSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()


class RateLimitSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=TokenTier.choices)
    limit_per_minute = serializers.IntegerField()
    current_usage = serializers.IntegerField()


class ApiTokenUsageSerializer(serializers.Serializer):
    token_id = serializers.UUIDField()
    period = PeriodSerializer()
    granularity = serializers.ChoiceField(choices=UsageGranularity.choices)
    total_requests = serializers.IntegerField()
    requests_by_method = serializers.DictField(child=serializers.IntegerField())
    requests_by_endpoint = EndpointCountSerializer(many=True)
    timeline = PeriodCountSerializer(many=True)
    rate_limit = RateLimitSerializer()
