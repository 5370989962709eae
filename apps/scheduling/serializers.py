"""Shapes of module 5. The schedule bodies (critical path, Gantt, baselines, plan) are built as
plain dicts by the selectors, so thousands of tasks cost no serializer overhead; the serializers
below describe them for the OpenAPI schema. Milestones use ordinary model serializers."""

from __future__ import annotations

from rest_framework import serializers

from apps.core import access as core_access
from apps.core.api.fields import PlanningDateField
from apps.core.api.serializers import StrictInputMixin
from apps.projects.models import Project
from apps.scheduling.choices import PlanState
from apps.scheduling.models import Milestone
from apps.tasks.choices import TaskStatus

# --- Critical path ---------------------------------------------------------------------------


class CriticalPathTaskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    duration_days = serializers.IntegerField(help_text="Working days, both ends included.")
    earliest_start = serializers.DateField()
    earliest_finish = serializers.DateField(help_text="Inclusive: the last working day of the task.")
    latest_start = serializers.DateField()
    latest_finish = serializers.DateField()
    slack_days = serializers.IntegerField(help_text="Total float in working days; 0 on the critical path.")
    is_critical = serializers.BooleanField()


class CriticalPathSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    project_start_date = serializers.DateField(allow_null=True)
    project_finish_date = serializers.DateField(allow_null=True)
    critical_path = serializers.ListField(
        child=serializers.UUIDField(), help_text="Every zero-slack task, in schedule order (parallel paths included)."
    )
    tasks = CriticalPathTaskSerializer(many=True)


# --- Gantt -----------------------------------------------------------------------------------


class GanttTaskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    progress = serializers.IntegerField(help_text="0-100: 100 when completed, else the share of done subtasks.")
    assignee_ids = serializers.ListField(child=serializers.UUIDField())
    depends_on = serializers.ListField(child=serializers.UUIDField(), help_text="Predecessors in this project.")
    is_critical = serializers.BooleanField()
    baseline_start_date = serializers.DateField(allow_null=True)
    baseline_due_date = serializers.DateField(allow_null=True)
    variance_days = serializers.IntegerField(
        allow_null=True, help_text="Due date minus the latest baseline's due date, in calendar days."
    )


class GanttMilestoneSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    due_date = serializers.DateField()
    completed_at = serializers.DateTimeField(allow_null=True)


class GanttSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    start_date = serializers.DateField(allow_null=True, help_text="The critical path's project_start_date.")
    end_date = serializers.DateField(
        allow_null=True, help_text="The critical path's project_finish_date (null without tasks)."
    )
    tasks = GanttTaskSerializer(many=True)
    milestones = GanttMilestoneSerializer(many=True)


# --- Plan and baselines ----------------------------------------------------------------------


class PlanSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=PlanState.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_by = serializers.UUIDField(allow_null=True, help_text="The approving user's id.")
    locked_at = serializers.DateTimeField(allow_null=True)


class BaselineSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_by = serializers.UUIDField(allow_null=True, help_text="The creating user's id.")


class BaselineVarianceSerializer(serializers.Serializer):
    task_id = serializers.UUIDField()
    title = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    baseline_start_date = serializers.DateField(allow_null=True)
    baseline_due_date = serializers.DateField(allow_null=True)
    variance_days = serializers.IntegerField(allow_null=True)


class BaselineOverviewSerializer(serializers.Serializer):
    baselines = BaselineSerializer(many=True)
    tasks = BaselineVarianceSerializer(many=True, help_text="Every task against the latest baseline.")


class BaselineCreateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)


# --- Milestones ------------------------------------------------------------------------------


class VisibleProjectField(serializers.PrimaryKeyRelatedField):
    """A project id the requesting user can see (else 422 'Project not found.')."""

    default_error_messages = {"does_not_exist": "Project not found."}

    def __init__(self, **kwargs):
        kwargs.setdefault("pk_field", serializers.UUIDField())
        super().__init__(**kwargs)

    def get_queryset(self):
        from apps.scheduling import access

        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not core_access.is_authenticated(user):
            return Project.objects.none()
        return access.visible_projects(user)


class MilestoneSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project_id",
            "workspace_id",
            "name",
            "due_date",
            "completed_at",
            "created_by_id",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MilestoneCreateSerializer(StrictInputMixin, serializers.Serializer):
    project_id = VisibleProjectField()
    name = serializers.CharField(max_length=200)
    due_date = PlanningDateField()
    completed_at = serializers.DateTimeField(required=False, allow_null=True)


class MilestoneUpdateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    due_date = PlanningDateField(required=False)
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
