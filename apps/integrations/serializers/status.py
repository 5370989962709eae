from rest_framework import serializers

from apps.integrations.choices import ComponentStatus


class _Component(serializers.Serializer):
    status = serializers.ChoiceField(choices=ComponentStatus.choices)


class TokensStatusSerializer(_Component):
    active_tokens = serializers.IntegerField()


class WebhooksStatusSerializer(_Component):
    active_webhooks = serializers.IntegerField()
    pending_deliveries = serializers.IntegerField()
    failed_deliveries_24h = serializers.IntegerField()


class OAuthStatusSerializer(_Component):
    active_connections = serializers.IntegerField()


class PluginsStatusSerializer(_Component):
    installed_plugins = serializers.IntegerField()


class IntegrationStatusSerializer(serializers.Serializer):
    api_tokens = TokensStatusSerializer()
    webhooks = WebhooksStatusSerializer()
    oauth = OAuthStatusSerializer()
    plugins = PluginsStatusSerializer()


class IntegrationHealthSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["healthy", "unhealthy"])
    timestamp = serializers.DateTimeField()
    components = serializers.DictField(
        child=serializers.ChoiceField(choices=["healthy", "unhealthy", "not configured", "in-process"])
    )
