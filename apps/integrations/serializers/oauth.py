from rest_framework import serializers

from apps.core.api.fields import OptionalURLField
from apps.core.api.serializers import StrictInputMixin
from apps.integrations.models import OAuthApp, OAuthConnection


class OAuthAppSerializer(serializers.ModelSerializer):
    icon_url = OptionalURLField()

    class Meta:
        model = OAuthApp
        fields = ["id", "provider_name", "display_name", "authorize_url", "scopes", "is_enabled", "icon_url"]
        read_only_fields = fields


class OAuthAppDetailSerializer(serializers.ModelSerializer):
    required_scopes = serializers.ListField(child=serializers.CharField(), source="scopes", read_only=True)
    icon_url = OptionalURLField()
    documentation_url = OptionalURLField()

    class Meta:
        model = OAuthApp
        fields = [
            "id",
            "provider_name",
            "display_name",
            "description",
            "authorize_url",
            "required_scopes",
            "is_enabled",
            "icon_url",
            "documentation_url",
        ]
        read_only_fields = fields


class OAuthConnectionSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    oauth_app_id = serializers.UUIDField(read_only=True)
    provider_name = serializers.CharField(source="oauth_app.provider_name", read_only=True)
    display_name = serializers.CharField(source="oauth_app.display_name", read_only=True)

    class Meta:
        model = OAuthConnection
        fields = [
            "id",
            "user_id",
            "oauth_app_id",
            "provider_name",
            "display_name",
            "external_user_id",
            "is_active",
            "last_verified_at",
            "created_at",
        ]
        read_only_fields = fields


class OAuthConnectionCreateSerializer(StrictInputMixin, serializers.Serializer):
    oauth_app_id = serializers.UUIDField()
    access_token = serializers.CharField(max_length=4096, trim_whitespace=False)
    refresh_token = serializers.CharField(max_length=4096, required=False, allow_blank=True, allow_null=True)
    external_user_id = serializers.CharField(max_length=255)
