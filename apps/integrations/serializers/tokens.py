import datetime as dt

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.integrations.choices import TokenTier, UsageGranularity
from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES


class DateOrDateTimeField(serializers.DateTimeField):
    """ISO 8601 date-time, or a bare date meaning the end of that UTC day."""

    def to_internal_value(self, value):
        if isinstance(value, str) and len(value.strip()) == 10:
            try:
                day = dt.date.fromisoformat(value.strip())
            except ValueError:
                self.fail("invalid", format="YYYY-MM-DD or ISO 8601 date-time")
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
        return super().to_internal_value(value)


class ApiTokenUsageTotalsSerializer(serializers.Serializer):
    total_requests = serializers.IntegerField()
    requests_last_24h = serializers.IntegerField()


class ApiTokenSerializer(serializers.ModelSerializer):
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


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(ALL_SCOPES)), allow_empty=False, max_length=len(ALL_SCOPES)
    )
    expires_at = DateOrDateTimeField(
        required=False,
        allow_null=True,
        help_text="Date (valid through that UTC day) or date-time; default and maximum: 365 days from now.",
    )


class ApiTokenUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    is_active = serializers.BooleanField(required=False)


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
