"""Booleans are JSON booleans in bodies and `true`/`false` in query strings; nothing else is guessed.

DRF's BooleanField coerces "yes", "on", "1", 1 and 1.0, and django-filter's BooleanFilter reads "1"
as true and drops junk silently. A body boolean of another type answers 422 VALIDATION_ERROR naming
the field; a query boolean spelt otherwise answers 400 INVALID_REQUEST naming the parameter (the
params convention of apps.core.api.params).
"""

import datetime as dt

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from apps.core.api.fields import StrictBooleanField
from apps.scheduling.models import Milestone
from tests.factories.analytics import ReportFactory
from tests.factories.tasks import SubtaskFactory, TaskListFactory
from tests.helpers import assert_error, data

LENIENT_BODY_VALUES = ["yes", "on", "1", "true", 1, 0, 1.0, "false", "", []]
LENIENT_QUERY_VALUES = ["1", "0", "yes", "no", "on", "True", "FALSE", "t"]


def _lenient_booleans(field, path):
    """Paths of writable DRF booleans under `field` that are not StrictBooleanField."""
    if getattr(field, "read_only", False):
        return []
    found = []
    if isinstance(field, serializers.BooleanField) and not isinstance(field, StrictBooleanField):
        found.append(path)
    if isinstance(field, (serializers.ListField, serializers.DictField, serializers.ListSerializer)):
        found += _lenient_booleans(field.child, f"{path}.*")
    if isinstance(field, serializers.Serializer):
        for name, child in field.fields.items():
            found += _lenient_booleans(child, f"{path}.{name}" if path else name)
    return found


def test_every_request_body_boolean_is_strict():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    lenient, walked = [], 0
    for path, _regex, method, callback in generator.endpoints:
        if method not in ("POST", "PUT", "PATCH"):
            continue
        serializer = generator.create_view(callback, method).schema.get_request_serializer()
        if isinstance(serializer, type):
            serializer = serializer()
        if isinstance(serializer, serializers.BaseSerializer):
            walked += 1
            lenient += [f"{method} {path}: {name}" for name in _lenient_booleans(serializer, "")]
    assert walked > 50  # the walk really saw the API's request bodies
    assert lenient == []


@pytest.mark.parametrize("value", LENIENT_BODY_VALUES)
def test_subtask_is_done_takes_only_json_booleans(client_for, team, task, value):
    subtask = SubtaskFactory(task=task)
    client = client_for(team.member)
    response = client.patch(f"/api/v1/tasks/subtasks/{subtask.pk}", {"is_done": value}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="is_done")
    subtask.refresh_from_db()
    assert subtask.is_done is False
    answer = data(client.patch(f"/api/v1/tasks/subtasks/{subtask.pk}", {"is_done": True}, format="json"))
    assert answer["is_done"] is True


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_nested_and_model_booleans_are_strict_too(client_for, team, value):
    owner = client_for(team.owner)
    response = owner.patch(
        f"/api/v1/workspaces/{team.workspace.pk}/settings", {"allow_member_invitations": value}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="allow_member_invitations")
    response = client_for(team.member).patch(
        "/api/v1/notifications/preferences", {"quiet_hours": {"enabled": value}}, format="json"
    )
    body = assert_error(response, 422, "VALIDATION_ERROR", field="quiet_hours")
    assert "enabled" in body["error"]["details"]["quiet_hours"]
    response = client_for(team.member).patch(
        "/api/v1/preferences", {"accessibility": {"high_contrast": value}}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="accessibility")


def test_strict_body_booleans_still_take_true_and_false(client_for, team):
    owner = client_for(team.owner)
    for flag in (False, True):
        answer = data(
            owner.patch(
                f"/api/v1/workspaces/{team.workspace.pk}/settings", {"allow_member_invitations": flag}, format="json"
            )
        )
        assert answer["allow_member_invitations"] is flag


@pytest.mark.parametrize("value", LENIENT_QUERY_VALUES)
def test_force_query_parameter_takes_only_true_or_false(client_for, team, project, value):
    task_list = TaskListFactory(project=project)
    client = client_for(team.member)
    body = assert_error(client.delete(f"/api/v1/tasks/lists/{task_list.pk}?force={value}"), 400, "INVALID_REQUEST")
    assert body["error"]["details"]["field"] == "force"
    assert client.delete(f"/api/v1/tasks/lists/{task_list.pk}?force=false").status_code == 204


@pytest.mark.parametrize("value", LENIENT_QUERY_VALUES)
def test_boolean_filters_refuse_other_spellings(client_for, team, project, value):
    member = client_for(team.member)
    body = assert_error(member.get(f"/api/v1/scheduling/milestones?completed={value}"), 400, "INVALID_REQUEST")
    assert body["error"]["details"]["field"] == "completed"
    owner = client_for(team.owner)
    url = f"/api/v1/reports?workspace_id={team.workspace.pk}&scheduled={value}"
    body = assert_error(owner.get(url), 400, "INVALID_REQUEST")
    assert body["error"]["details"]["field"] == "scheduled"


def test_boolean_filters_still_filter_on_true_and_false(client_for, team, project):
    done = Milestone.objects.create(
        workspace=team.workspace,
        project=project,
        name="Shipped",
        due_date=dt.date(2026, 3, 1),
        completed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )
    open_ = Milestone.objects.create(
        workspace=team.workspace, project=project, name="Next", due_date=dt.date(2026, 4, 1)
    )
    member = client_for(team.member)
    ids = lambda flag: {row["id"] for row in data(member.get(f"/api/v1/scheduling/milestones?completed={flag}"))}  # noqa: E731
    assert ids("true") == {str(done.pk)}
    assert ids("false") == {str(open_.pk)}
    ReportFactory(workspace=team.workspace, created_by=team.owner)
    rows = data(client_for(team.owner).get(f"/api/v1/reports?workspace_id={team.workspace.pk}&scheduled=false"))
    assert len(rows) == 1
    assert data(client_for(team.owner).get(f"/api/v1/reports?workspace_id={team.workspace.pk}&scheduled=true")) == []
