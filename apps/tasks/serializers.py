"""Shapes of module 4: output serializers name the resource, input ones validate types and shape.
Ids of other objects resolve through `apps.core.access` (`VisibleIdField`: 422 naming the field)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from apps.core.api.fields import PlanningDateField, StrictBooleanField, VisibleIdField
from apps.core.api.serializers import StrictInputMixin
from apps.projects.models import Project
from apps.tasks.choices import DependencyType, TaskPriority, TaskStatus
from apps.tasks.models import Subtask, Task, TaskDependency, TaskList

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
MAX_ASSIGNEES = 50


class UserBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    username = serializers.CharField(read_only=True)
    full_name = serializers.CharField(read_only=True)


def clean_tags(value: list[str]) -> list[str]:
    """Trimmed, non-empty, unique (case-insensitively, first spelling kept) tags."""
    seen, tags = set(), []
    for raw in value:
        tag = raw.strip()
        if not tag:
            raise serializers.ValidationError("Tags must not be blank.")
        if tag.lower() not in seen:
            seen.add(tag.lower())
            tags.append(tag)
    return tags


class TagsField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.CharField(max_length=MAX_TAG_LENGTH), max_length=MAX_TAGS, **kwargs)

    def to_internal_value(self, data):
        return clean_tags(super().to_internal_value(data))


class AssigneeIdsField(serializers.ListField):
    def __init__(self, **kwargs):
        super().__init__(child=serializers.UUIDField(), max_length=MAX_ASSIGNEES, **kwargs)

    def to_internal_value(self, data):
        return list(dict.fromkeys(super().to_internal_value(data)))


# --- Task lists ---------------------------------------------------------------------------


class TaskListSerializer(serializers.ModelSerializer):
    project_id = serializers.UUIDField(read_only=True)
    workspace_id = serializers.UUIDField(read_only=True)
    tasks_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = TaskList
        fields = ["id", "project_id", "workspace_id", "name", "position", "tasks_count", "created_at", "updated_at"]
        read_only_fields = fields


class TaskListCreateSerializer(StrictInputMixin, serializers.Serializer):
    project_id = VisibleIdField(Project)
    name = serializers.CharField(max_length=200)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class TaskListUpdateSerializer(StrictInputMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


# --- Tasks --------------------------------------------------------------------------------


class TaskSerializer(serializers.ModelSerializer):
    workspace_id = serializers.UUIDField(read_only=True)
    project_id = serializers.UUIDField(read_only=True)
    task_list_id = serializers.UUIDField(read_only=True, allow_null=True)
    created_by_id = serializers.UUIDField(read_only=True, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    assignee_ids = serializers.SerializerMethodField()
    assignees = serializers.SerializerMethodField()
    subtasks_count = serializers.IntegerField(read_only=True, default=0)
    subtasks_done_count = serializers.IntegerField(read_only=True, default=0)
    comments_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Task
        fields = [
            "id",
            "workspace_id",
            "project_id",
            "task_list_id",
            "title",
            "description",
            "status",
            "priority",
            "position",
            "start_date",
            "due_date",
            "estimated_hours",
            "tags",
            "assignee_ids",
            "assignees",
            "created_by_id",
            "started_at",
            "completed_at",
            "subtasks_count",
            "subtasks_done_count",
            "comments_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_assignee_ids(self, task: Task) -> list[str]:
        return [str(assignment.user_id) for assignment in task.assignments.all()]

    @extend_schema_field(UserBriefSerializer(many=True))
    def get_assignees(self, task: Task) -> list[dict]:
        return UserBriefSerializer([assignment.user for assignment in task.assignments.all()], many=True).data


# The list's fast path: the same output as TaskSerializer, from `selectors.task_page_rows` rows.
_DATE, _DATETIME = serializers.DateField(), serializers.DateTimeField()
_HOURS = serializers.DecimalField(max_digits=8, decimal_places=2)


def _text(value):
    return None if value is None else str(value)


def _tags(value):
    return None if value is None else [None if tag is None else str(tag) for tag in value]


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def _datetime(value):
    return None if value is None else _DATETIME.to_representation(value)


def _hours(value):
    return None if value is None else _HOURS.to_representation(value)


def _int(value):
    return None if value is None else int(value)


# field -> how TaskSerializer renders it (UUIDs as text, DRF's date, time and decimal formats).
_ROW_FORMAT = {
    "id": _text,
    "workspace_id": _text,
    "project_id": _text,
    "task_list_id": _text,
    "title": _text,
    "description": _text,
    "status": _text,
    "priority": _text,
    "position": _int,
    "start_date": _date,
    "due_date": _date,
    "estimated_hours": _hours,
    "tags": _tags,
    "assignee_ids": None,
    "assignees": None,
    "created_by_id": _text,
    "started_at": _datetime,
    "completed_at": _datetime,
    "subtasks_count": _int,
    "subtasks_done_count": _int,
    "comments_count": _int,
    "created_at": _datetime,
    "updated_at": _datetime,
}


def _iso_date(value):
    # DRF's DateField with the ISO format: a date's isoformat(); anything else takes DRF's path.
    if type(value) is datetime.date:
        return value.isoformat()
    return _date(value)


def _iso_datetime_in(zone):
    """DRF's DateTimeField.to_representation with the ISO format in `zone` (the current time zone),
    without its per-value setting and time-zone lookups: the same text, "+00:00" written "Z". Naive,
    odd or out-of-range values take DRF's own path (and its errors)."""

    def render(value):
        if value is None:
            return None
        if type(value) is datetime.datetime and value.utcoffset() is not None:
            try:
                text = value.astimezone(zone).isoformat()
            except OverflowError:
                return _DATETIME.to_representation(value)
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return _DATETIME.to_representation(value)

    return render


def _row_format() -> list[tuple[str, object]]:
    """`_ROW_FORMAT` for this request: the date and date-time fields formatted directly when DRF
    would format them as ISO 8601 (its default and PronaFlow's), in the current time zone."""
    dates = api_settings.DATE_FORMAT is not None and api_settings.DATE_FORMAT.lower() == ISO_8601
    dates = dates and not hasattr(_DATE, "format")
    times = api_settings.DATETIME_FORMAT is not None and api_settings.DATETIME_FORMAT.lower() == ISO_8601
    times = times and settings.USE_TZ and not hasattr(_DATETIME, "format") and not hasattr(_DATETIME, "timezone")
    fast = {}
    if dates:
        fast[_date] = _iso_date
    if times:
        fast[_datetime] = _iso_datetime_in(timezone.get_current_timezone())
    return [(name, fast.get(render, render)) for name, render in _ROW_FORMAT.items()]


def task_rows_data(rows: list[dict]) -> list[dict]:
    """`selectors.task_page_rows(...)` rows rendered exactly as `TaskSerializer(many=True).data` renders
    the same tasks (same keys in the same order, same formats), without a serializer per row or per
    assignee. Counts a row lacks are 0, as in TaskSerializer."""
    render = dict(_row_format())
    date, moment, hours = render["start_date"], render["created_at"], render["estimated_hours"]
    # `_ROW_FORMAT` written out (a call per field cost more than the rest of the row); the test
    # compares every key, its order and its format with TaskSerializer.
    data = []
    for row in rows:
        get = row.get
        people = get("assignees", ())
        data.append(
            {
                "id": None if (v := get("id", 0)) is None else str(v),
                "workspace_id": None if (v := get("workspace_id", 0)) is None else str(v),
                "project_id": None if (v := get("project_id", 0)) is None else str(v),
                "task_list_id": None if (v := get("task_list_id", 0)) is None else str(v),
                "title": None if (v := get("title", 0)) is None else str(v),
                "description": None if (v := get("description", 0)) is None else str(v),
                "status": None if (v := get("status", 0)) is None else str(v),
                "priority": None if (v := get("priority", 0)) is None else str(v),
                "position": None if (v := get("position", 0)) is None else int(v),
                "start_date": date(get("start_date", 0)),
                "due_date": date(get("due_date", 0)),
                "estimated_hours": hours(get("estimated_hours", 0)),
                "tags": _tags(get("tags", 0)),
                "assignee_ids": [str(user_id) for user_id, _, _ in people],
                "assignees": [
                    {"id": str(user_id), "username": _text(username), "full_name": _text(full_name)}
                    for user_id, username, full_name in people
                ],
                "created_by_id": None if (v := get("created_by_id", 0)) is None else str(v),
                "started_at": moment(get("started_at", 0)),
                "completed_at": moment(get("completed_at", 0)),
                "subtasks_count": None if (v := get("subtasks_count", 0)) is None else int(v),
                "subtasks_done_count": None if (v := get("subtasks_done_count", 0)) is None else int(v),
                "comments_count": None if (v := get("comments_count", 0)) is None else int(v),
                "created_at": moment(get("created_at", 0)),
                "updated_at": moment(get("updated_at", 0)),
            }
        )
    return data


class SubtaskSerializer(serializers.ModelSerializer):
    task_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Subtask
        fields = ["id", "task_id", "title", "is_done", "position", "created_at", "updated_at"]
        read_only_fields = fields


class TaskDetailSerializer(TaskSerializer):
    subtasks = SubtaskSerializer(many=True, read_only=True)
    watcher_ids = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "subtasks", "watcher_ids"]
        read_only_fields = fields

    def get_watcher_ids(self, task: Task) -> list[str]:
        return [str(user.pk) for user in task.watchers.all()]


class _TaskFieldsMixin(StrictInputMixin, serializers.Serializer):
    def validate(self, attrs):
        start, due = attrs.get("start_date"), attrs.get("due_date")
        instance_start = getattr(self.instance, "start_date", None)
        instance_due = getattr(self.instance, "due_date", None)
        start = start if "start_date" in attrs else instance_start
        due = due if "due_date" in attrs else instance_due
        if start and due and due < start:
            raise serializers.ValidationError({"due_date": ["The due date cannot be before the start date."]})
        return attrs


class TaskCreateSerializer(_TaskFieldsMixin):
    project_id = VisibleIdField(Project)
    task_list_id = VisibleIdField(TaskList, required=False, allow_null=True)
    title = serializers.CharField(max_length=500)
    description = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    assignee_ids = AssigneeIdsField(required=False)
    start_date = PlanningDateField(required=False, allow_null=True)
    due_date = PlanningDateField(required=False, allow_null=True)
    estimated_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tags = TagsField(required=False)


class TaskUpdateSerializer(_TaskFieldsMixin):
    title = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=100_000)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    task_list_id = VisibleIdField(TaskList, required=False, allow_null=True)
    assignee_ids = AssigneeIdsField(required=False)
    start_date = PlanningDateField(required=False, allow_null=True)
    due_date = PlanningDateField(required=False, allow_null=True)
    estimated_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    tags = TagsField(required=False)


class TaskStatusSerializer(StrictInputMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)


class TaskMoveSerializer(StrictInputMixin, serializers.Serializer):
    task_list_id = VisibleIdField(TaskList, required=False, allow_null=True)
    project_id = VisibleIdField(Project, required=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError("Give a task_list_id, a project_id or a position.")
        return attrs


class TaskAssignSerializer(StrictInputMixin, serializers.Serializer):
    user_id = serializers.UUIDField(required=False)
    user_ids = AssigneeIdsField(required=False, min_length=1)

    def validate(self, attrs):
        ids = list(attrs.get("user_ids", []))
        if "user_id" in attrs:
            ids.insert(0, attrs["user_id"])
        if not ids:
            raise serializers.ValidationError({"user_ids": ["Give user_id or user_ids."]})
        return {"user_ids": list(dict.fromkeys(ids)), "field": "user_ids" if attrs.get("user_ids") else "user_id"}


# --- Subtasks and dependencies ------------------------------------------------------------


class SubtaskCreateSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=500)
    is_done = StrictBooleanField(required=False, default=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class SubtaskUpdateSerializer(StrictInputMixin, serializers.Serializer):
    title = serializers.CharField(max_length=500, required=False)
    is_done = StrictBooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)


class TaskBriefSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    title = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    project_id = serializers.UUIDField(read_only=True)


class TaskDependencySerializer(serializers.ModelSerializer):
    task_id = serializers.UUIDField(read_only=True)
    depends_on_task_id = serializers.UUIDField(source="depends_on_id", read_only=True)
    task = TaskBriefSerializer(read_only=True)
    depends_on_task = TaskBriefSerializer(source="depends_on", read_only=True)

    class Meta:
        model = TaskDependency
        fields = ["id", "task_id", "depends_on_task_id", "type", "task", "depends_on_task", "created_at"]
        read_only_fields = fields


class TaskDependencyCreateSerializer(StrictInputMixin, serializers.Serializer):
    depends_on_task_id = VisibleIdField(Task)
    type = serializers.ChoiceField(
        choices=DependencyType.choices, required=False, default=DependencyType.FINISH_TO_START
    )
