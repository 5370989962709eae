from rest_framework import serializers

from apps.core.api.fields import OptionalURLField, StrictBooleanField, VisibleIdField
from apps.core.api.parsers import validate_json_depth
from apps.core.api.serializers import StrictInputMixin
from apps.integrations.models import Plugin, PluginInstallation
from apps.workspaces.models import Workspace


class StoredObjectField(serializers.DictField):
    """A read-only JSON object of a row. The API stores only objects; anything else (a row edited
    before the admin checked the shape) reads as {} instead of failing the whole list."""

    def to_representation(self, value):
        return super().to_representation(value if isinstance(value, dict) else {})


class PluginSerializer(serializers.ModelSerializer):
    rating = serializers.FloatField(read_only=True)
    icon_url = OptionalURLField()

    class Meta:
        model = Plugin
        fields = [
            "id",
            "name",
            "version",
            "author",
            "description",
            "category",
            "icon_url",
            "is_verified",
            "install_count",
            "rating",
            "rating_count",
        ]
        read_only_fields = fields


class PluginDetailSerializer(PluginSerializer):
    manifest = StoredObjectField(read_only=True)
    documentation_url = OptionalURLField()
    repository_url = OptionalURLField()

    class Meta(PluginSerializer.Meta):
        fields = [
            *PluginSerializer.Meta.fields,
            "documentation_url",
            "repository_url",
            "manifest",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PluginInstallationSerializer(serializers.ModelSerializer):
    plugin_id = serializers.UUIDField(read_only=True)
    plugin_name = serializers.CharField(source="plugin.name", read_only=True)
    version = serializers.CharField(source="plugin.version", read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    configuration = StoredObjectField(read_only=True)
    installed_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = PluginInstallation
        fields = [
            "id",
            "plugin_id",
            "plugin_name",
            "version",
            "workspace_id",
            "is_active",
            "configuration",
            "installed_at",
            "updated_at",
        ]
        read_only_fields = fields


class PluginInstallSerializer(StrictInputMixin, serializers.Serializer):
    workspace_id = VisibleIdField(Workspace)
    configuration = serializers.DictField(required=False, default=dict, validators=[validate_json_depth])


class PluginConfigUpdateSerializer(StrictInputMixin, serializers.Serializer):
    configuration = serializers.DictField(required=False, validators=[validate_json_depth])
    is_active = StrictBooleanField(required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give a configuration, is_active, or both.")
        return attrs
