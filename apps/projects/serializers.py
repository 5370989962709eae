"""Shapes of module 3's requests and responses."""

from __future__ import annotations

from rest_framework import serializers

from apps.core.api.fields import PlanningDateField, VisibleIdField
from apps.core.api.serializers import StrictInputMixin
from apps.projects.choices import ProjectRole, ProjectStatus, ProjectVisibility
from apps.projects.models import Project, ProjectMember
from apps.workspaces.models import Workspace

SETTABLE_STATUSES = [choice for choice in ProjectStatus.choices if choice[0] != ProjectStatus.ARCHIVED]


class ProjectSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(read_only=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)
    progress = serializers.FloatField(read_only=True, help_text="Percent of the non-cancelled tasks completed.")
    tasks_count = serializers.IntegerField(read_only=True)
    completed_tasks_count = serializers.IntegerField(read_only=True)
    members_count = serializers.IntegerField(read_only=True)
    my_role = serializers.ChoiceField(
        choices=ProjectRole.choices, read_only=True, allow_null=True, help_text="The caller's project role."
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "workspace_id",
            "name",
            "description",
            "status",
            "visibility",
            "start_date",
            "end_date",
            "progress",
            "tasks_count",
            "completed_tasks_count",
            "members_count",
            "my_role",
            "created_by_id",
            "archived_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ProjectUpdateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    visibility = serializers.ChoiceField(choices=ProjectVisibility.choices, required=False)
    start_date = PlanningDateField(required=False, allow_null=True)
    end_date = PlanningDateField(required=False, allow_null=True)

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()


class ProjectCreateSerializer(ProjectUpdateSerializer):
    workspace_id = VisibleIdField(Workspace)


class ProjectStatusSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(
        choices=ProjectStatus.choices, help_text="`archived` is refused: use the archive endpoint."
    )


class ProjectMemberSerializer(serializers.ModelSerializer):
    user_id = serializers.UUIDField(read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = ProjectMember
        fields = ["id", "user_id", "email", "username", "full_name", "role", "added_at"]


class ProjectMemberCreateSerializer(StrictInputMixin, serializers.Serializer):
    user_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=ProjectRole.choices, default=ProjectRole.MEMBER)


class ProjectMemberUpdateSerializer(StrictInputMixin, serializers.Serializer):
    role = serializers.ChoiceField(choices=ProjectRole.choices)
