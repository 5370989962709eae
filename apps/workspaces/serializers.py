"""Shapes of module 2's requests and responses."""

from __future__ import annotations

import zoneinfo

from django.apps import apps
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.core.api.serializers import StrictInputMixin
from apps.workspaces.choices import InvitationStatus, WorkspaceRole, WorkspaceType
from apps.workspaces.models import Invitation, Workspace, WorkspaceMember

ASSIGNABLE_ROLES = [WorkspaceRole.ADMIN, WorkspaceRole.MEMBER, WorkspaceRole.VIEWER]


def task_status_choices() -> list[str]:
    # Read from the model so this app does not import the tasks app (dependencies point one way).
    return [value for value, _ in apps.get_model("tasks.Task")._meta.get_field("status").choices]


class WorkspaceSettingsSerializer(StrictInputMixin, serializers.ModelSerializer):
    timezone = serializers.CharField(max_length=64)
    work_days = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=7), max_length=7)
    default_task_status = serializers.CharField(max_length=32)
    allow_member_invitations = StrictBooleanField(required=False)

    class Meta:
        model = Workspace
        fields = ["timezone", "work_days", "default_task_status", "allow_member_invitations"]

    def validate_timezone(self, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise serializers.ValidationError("Unknown time zone; use an IANA name such as Europe/Paris.")
        return value

    def validate_work_days(self, value: list[int]) -> list[int]:
        if not value:
            raise serializers.ValidationError("At least one work day is required.")
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each day may appear once.")
        return sorted(value)

    def validate_default_task_status(self, value: str) -> str:
        choices = task_status_choices()
        if value not in choices:
            raise serializers.ValidationError(f"Must be one of: {', '.join(choices)}.")
        return value


class WorkspaceSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=WorkspaceRole.choices, read_only=True, help_text="The caller's role.")
    members_count = serializers.IntegerField(read_only=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Workspace
        fields = [
            "id",
            "name",
            "description",
            "type",
            "role",
            "members_count",
            "created_by_id",
            "created_at",
            "updated_at",
        ]


class WorkspaceDetailSerializer(WorkspaceSerializer):
    settings = WorkspaceSettingsSerializer(source="*", read_only=True)

    class Meta(WorkspaceSerializer.Meta):
        fields = [*WorkspaceSerializer.Meta.fields, "settings"]


class WorkspaceCreateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=WorkspaceType.choices, required=False, default=WorkspaceType.TEAM)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


class WorkspaceUpdateSerializer(WorkspaceCreateSerializer):
    """The fields of creation; PATCH makes every one optional, PUT requires them all."""


class WorkspaceMemberSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = WorkspaceMember
        fields = ["id", "user_id", "email", "username", "full_name", "role", "joined_at"]


class WorkspaceMemberCreateSerializer(StrictInputMixin, serializers.Serializer):
    user_id = serializers.UUIDField(required=False)
    email = serializers.EmailField(required=False)
    role = serializers.ChoiceField(choices=WorkspaceRole.choices, default=WorkspaceRole.MEMBER)

    def validate(self, attrs):
        if bool(attrs.get("user_id")) == bool(attrs.get("email")):
            raise serializers.ValidationError({"user_id": ["Give exactly one of user_id or email."]})
        return attrs


class WorkspaceMemberUpdateSerializer(StrictInputMixin, serializers.Serializer):
    role = serializers.ChoiceField(choices=WorkspaceRole.choices)


class OwnershipTransferSerializer(StrictInputMixin, serializers.Serializer):
    new_owner_id = serializers.UUIDField()


class InvitationSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(read_only=True)
    invited_by_id = serializers.UUIDField(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "workspace_id",
            "email",
            "role",
            "status",
            "invited_by_id",
            "expires_at",
            "accepted_at",
            "created_at",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=InvitationStatus.choices))
    def get_status(self, invitation) -> str:
        """A pending invitation past its expiry reads as `expired`."""
        effective = getattr(invitation, "effective_status", None)
        if effective:
            return effective
        if invitation.status == InvitationStatus.PENDING and invitation.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return invitation.status


class InvitationCreateSerializer(StrictInputMixin, serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=WorkspaceRole.choices, default=WorkspaceRole.MEMBER)


class InvitationAcceptSerializer(StrictInputMixin, serializers.Serializer):
    token = serializers.CharField(max_length=200)
