"""Shapes of module 11's requests and responses."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.analytics.choices import ExecutionStatus, ExecutionTrigger, Metric, ReportType, ScheduleType
from apps.analytics.models import Report, ReportExecution
from apps.core.access import restrict
from apps.core.api.fields import VisibleIdField
from apps.core.api.params import MAX_YEAR, MIN_YEAR
from apps.core.api.serializers import StrictInputMixin
from apps.projects.models import Project
from apps.workspaces.models import Workspace

MAX_REPORT_DAYS = 3660
MAX_REPORT_PROJECTS = 500
TIME_PATTERN = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
REPORT_TYPES_HELP = (
    "project_summary: one row per project with the chosen metrics; "
    "task_status: one row per project with the number of tasks in each status now, plus the metrics; "
    "team_performance: one row per project and assignee (tasks without assignee under 'Unassigned')."
)


# --- Analytics ---------------------------------------------------------------------------------


class MetricPointSerializer(serializers.Serializer):
    date = serializers.DateField(help_text="First day of the bucket (weeks start on Monday).")
    tasks_completed = serializers.IntegerField()
    tasks_created = serializers.IntegerField()
    avg_resolution_time = serializers.FloatField(
        allow_null=True, help_text="Average duration in days of the tasks completed in the bucket; null when none."
    )


class ProjectMetricsSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    total_tasks = serializers.IntegerField(help_text="Tasks created by the end of the range (cancelled excluded).")
    completed_tasks = serializers.IntegerField(help_text="Of those, completed by the end of the range.")
    completion_rate = serializers.FloatField(help_text="completed_tasks / total_tasks in percent (0.0 when none).")
    avg_task_duration_days = serializers.FloatField(
        allow_null=True,
        help_text="Average days from start (or creation) to completion of the tasks completed in the range.",
    )
    on_time_rate = serializers.FloatField(
        allow_null=True,
        help_text="Percent of the tasks completed in the range with a due date that were completed by it.",
    )
    team_velocity = serializers.FloatField(help_text="Tasks completed per week over the range.")
    metrics = MetricPointSerializer(many=True, help_text="Every bucket of the range, empty ones included.")


class BurndownPointSerializer(serializers.Serializer):
    date = serializers.DateField()
    remaining_work = serializers.FloatField(help_text="Open (not completed, not cancelled) tasks.")


class ScopePointSerializer(serializers.Serializer):
    date = serializers.DateField()
    tasks = serializers.IntegerField(help_text="Tasks in scope at the end of the day (open or done, not trashed).")


class BurndownSerializer(serializers.Serializer):
    project_id = serializers.UUIDField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    ideal_line = BurndownPointSerializer(
        many=True,
        help_text="Straight line from the work open at the end of day one (the current scope when no task existed "
        "yet) to 0 on the end date.",
    )
    actual_line = BurndownPointSerializer(
        many=True,
        help_text="Tasks open at the end of each day up to today, read from the daily snapshots: a closed day never "
        "changes afterwards; today is live.",
    )
    scope_line = ScopePointSerializer(
        many=True, help_text="Tasks in scope each day, so work added or removed shows as scope, not progress."
    )


# --- Reports: input ------------------------------------------------------------------------------


class ReportScheduleSerializer(StrictInputMixin, serializers.Serializer):
    type = serializers.ChoiceField(choices=ScheduleType.choices)
    time = serializers.CharField(
        default="09:00", help_text="HH:MM (24 h) in the schedule's time zone (default: the workspace's)."
    )
    timezone = serializers.CharField(
        required=False,
        allow_null=True,
        max_length=64,
        help_text="IANA time zone of this schedule; absent or null: follow the workspace's time zone, "
        "including later changes of it.",
    )
    day_of_week = serializers.IntegerField(
        min_value=1, max_value=7, required=False, help_text="Weekly: ISO weekday, 1 = Monday ... 7 = Sunday."
    )
    day_of_month = serializers.IntegerField(
        min_value=1, max_value=28, required=False, help_text="Monthly: 1-28, so every month has the day."
    )

    def validate_time(self, value: str) -> str:
        if not TIME_PATTERN.match(value):
            raise serializers.ValidationError("Use HH:MM (24-hour clock).")
        return value

    def validate_timezone(self, value: str | None) -> str | None:
        if not value:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise serializers.ValidationError("Unknown time zone (use an IANA name such as Europe/Berlin).") from None
        return value

    def validate(self, attrs):
        # A schedule is always replaced whole, even inside a partial update of its report.
        if "type" not in attrs:
            raise serializers.ValidationError({"type": ["This field is required."]})
        attrs.setdefault("time", "09:00")
        kind = attrs["type"]
        if kind == ScheduleType.WEEKLY and attrs.get("day_of_week") is None:
            raise serializers.ValidationError({"day_of_week": ["Required for a weekly schedule."]})
        if kind == ScheduleType.MONTHLY and attrs.get("day_of_month") is None:
            raise serializers.ValidationError({"day_of_month": ["Required for a monthly schedule."]})
        schedule = {"type": kind, "time": attrs["time"]}
        if attrs.get("timezone"):
            schedule["timezone"] = attrs["timezone"]
        if kind == ScheduleType.WEEKLY:
            schedule["day_of_week"] = attrs["day_of_week"]
        if kind == ScheduleType.MONTHLY:
            schedule["day_of_month"] = attrs["day_of_month"]
        return schedule


class ReportFiltersSerializer(StrictInputMixin, serializers.Serializer):
    project_ids = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        default=list,
        max_length=MAX_REPORT_PROJECTS,
        help_text="Projects of the report's workspace; empty means all of them.",
    )
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    end_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Without dates: the 30 days up to the run."
    )

    def _in_years(self, value):
        if value is not None and not MIN_YEAR <= value.year <= MAX_YEAR:
            raise serializers.ValidationError(f"Years {MIN_YEAR} to {MAX_YEAR} only.")
        return value

    def validate_start_date(self, value):
        return self._in_years(value)

    def validate_end_date(self, value):
        return self._in_years(value)

    def validate(self, attrs):
        start, end = attrs.get("start_date"), attrs.get("end_date")
        if start and end:
            if start > end:
                raise serializers.ValidationError({"end_date": ["Must be on or after start_date."]})
            if (end - start).days + 1 > MAX_REPORT_DAYS:
                raise serializers.ValidationError({"end_date": [f"The period is limited to {MAX_REPORT_DAYS} days."]})
        return {
            "project_ids": sorted({str(pk) for pk in attrs.get("project_ids") or []}),
            "start_date": start.isoformat() if start else None,
            "end_date": end.isoformat() if end else None,
        }


class ReportUpdateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    type = serializers.ChoiceField(choices=ReportType.choices, help_text=REPORT_TYPES_HELP)
    filters = ReportFiltersSerializer(required=False)
    metrics = serializers.ListField(
        child=serializers.ChoiceField(choices=Metric.choices), allow_empty=False, max_length=len(Metric.choices)
    )
    schedule = ReportScheduleSerializer(
        required=False, allow_null=True, help_text="null: run on demand only (removes an existing schedule)."
    )

    def validate_name(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError("This field may not be blank.")
        return value.strip()

    def workspace(self, attrs):
        return self.context["workspace"]

    def validate(self, attrs):
        filters = attrs.get("filters")
        if filters and filters["project_ids"]:
            workspace = self.workspace(attrs)
            user = self.context["request"].user
            found = {
                str(pk)
                for pk in restrict(Project.objects, user)
                .filter(workspace=workspace, pk__in=filters["project_ids"])
                .values_list("pk", flat=True)
            }
            missing = [pk for pk in filters["project_ids"] if pk not in found]
            if missing:
                raise serializers.ValidationError(
                    {"filters": {"project_ids": [f"Unknown project: {pk}" for pk in missing]}}
                )
        return attrs


class ReportCreateSerializer(ReportUpdateSerializer):
    workspace_id = VisibleIdField(Workspace)

    def workspace(self, attrs):
        return attrs["workspace_id"]


# --- Reports: output -------------------------------------------------------------------------------


class ReportScheduleOutputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=ScheduleType.choices)
    time = serializers.CharField()
    day_of_week = serializers.IntegerField(required=False)
    day_of_month = serializers.IntegerField(required=False)
    timezone = serializers.CharField(
        allow_null=True, help_text="The schedule's own time zone; null: it follows the workspace's."
    )
    enabled = serializers.BooleanField(
        help_text="False once the schedule paused itself after 5 scheduled runs failed in a row; saving the "
        "schedule again (PATCH with `schedule`) resumes it."
    )
    paused_reason = serializers.CharField(allow_null=True, help_text="Why the schedule is paused; null while enabled.")


class ReportFiltersOutputSerializer(serializers.Serializer):
    project_ids = serializers.ListField(child=serializers.UUIDField())
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)


class ReportSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(read_only=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)
    type = serializers.ChoiceField(choices=ReportType.choices, help_text=REPORT_TYPES_HELP)
    filters = serializers.SerializerMethodField()
    metrics = serializers.ListField(child=serializers.ChoiceField(choices=Metric.choices))
    schedule = serializers.SerializerMethodField()
    last_executed = serializers.DateTimeField(
        source="last_executed_at", allow_null=True, help_text="End of the latest completed execution."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "workspace_id",
            "name",
            "description",
            "type",
            "filters",
            "metrics",
            "schedule",
            "created_by_id",
            "created_at",
            "updated_at",
            "last_executed",
        ]
        read_only_fields = fields

    @extend_schema_field(ReportFiltersOutputSerializer)
    def get_filters(self, report: Report) -> dict:
        filters = report.filters or {}
        return {
            "project_ids": filters.get("project_ids") or [],
            "start_date": filters.get("start_date"),
            "end_date": filters.get("end_date"),
        }

    @extend_schema_field(ReportScheduleOutputSerializer(allow_null=True))
    def get_schedule(self, report: Report) -> dict | None:
        if not report.schedule:
            return None
        return {"timezone": None, "enabled": True, "paused_reason": None, **report.schedule}


class ReportExecutionSerializer(serializers.ModelSerializer):
    execution_id = serializers.UUIDField(source="id", read_only=True)
    report_id = serializers.UUIDField(read_only=True)
    status = serializers.ChoiceField(choices=ExecutionStatus.choices, read_only=True)

    class Meta:
        model = ReportExecution
        fields = ["execution_id", "report_id", "status", "created_at"]
        read_only_fields = fields


class ReportExecutionHistorySerializer(serializers.ModelSerializer):
    """One run of a report: when and how it ran, how long it took, what it found or why it failed."""

    # The context carries `visible_project_ids`: row_count counts only rows the reader may see.
    status = serializers.ChoiceField(choices=ExecutionStatus.choices, read_only=True)
    trigger = serializers.ChoiceField(
        choices=ExecutionTrigger.choices,
        read_only=True,
        help_text="manual: POST /execute (or the admin); scheduled: the report's schedule; export: an export of a "
        "report that had never run.",
    )
    started_at = serializers.DateTimeField(source="created_at", read_only=True)
    finished_at = serializers.DateTimeField(read_only=True, allow_null=True, help_text="Null while processing.")
    duration_ms = serializers.SerializerMethodField(
        help_text="Milliseconds from start to finish; null while processing."
    )
    row_count = serializers.SerializerMethodField(
        help_text="Result rows you can see (as GET /results shows them); null unless completed."
    )
    error = serializers.CharField(read_only=True, help_text="Why a failed run failed; empty otherwise.")

    class Meta:
        model = ReportExecution
        fields = ["id", "status", "trigger", "started_at", "finished_at", "duration_ms", "row_count", "error"]
        read_only_fields = fields

    def get_duration_ms(self, execution: ReportExecution) -> int | None:
        if execution.finished_at is None:
            return None
        return max(int((execution.finished_at - execution.created_at).total_seconds() * 1000), 0)

    def get_row_count(self, execution: ReportExecution) -> int | None:
        if execution.status != ExecutionStatus.COMPLETED or execution.results is None:
            return None
        visible = self.context["visible_project_ids"]
        return sum(1 for row in execution.results.get("details", []) if row.get("project_id") in visible)


class ReportResultsSerializer(serializers.Serializer):
    report_id = serializers.UUIDField()
    execution_id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=ExecutionStatus.choices)
    generated_at = serializers.DateTimeField(allow_null=True, help_text="Null while processing.")
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    summary = serializers.DictField(
        allow_null=True,
        help_text="total_projects, then the sum of each count metric and the average (avg_<metric>) of the others "
        "over the rows you can see; null unless completed.",
    )
    details = serializers.ListField(
        child=serializers.DictField(),
        help_text="One row per project (team_performance: per project and assignee) you can see.",
    )
    error = serializers.CharField(allow_blank=True)
