from rest_framework import serializers

from apps.core.api.serializers import StrictInputMixin
from apps.integrations.choices import ConsentType
from apps.integrations.models import Consent


class ConsentSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Consent
        fields = [
            "id",
            "user_id",
            "consent_type",
            "resource_type",
            "resource_id",
            "description",
            "is_granted",
            "is_current",
            "granted_at",
            "revoked_at",
            "version",
        ]
        read_only_fields = fields


class ConsentCreateSerializer(StrictInputMixin, serializers.Serializer):
    consent_type = serializers.ChoiceField(choices=ConsentType.choices)
    resource_type = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    resource_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ConsentTypeCountSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ConsentType.choices)
    count = serializers.IntegerField()
    granted = serializers.IntegerField()
    revoked = serializers.IntegerField()


class ConsentStatusSerializer(serializers.Serializer):
    user_id = serializers.UUIDField()
    total_consents = serializers.IntegerField()
    granted_consents = serializers.IntegerField()
    revoked_consents = serializers.IntegerField()
    compliance_status = serializers.ChoiceField(choices=["compliant", "action_required"])
    connections_without_consent = serializers.IntegerField()
    consents = ConsentTypeCountSerializer(many=True)
