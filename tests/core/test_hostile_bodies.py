"""Oversized bodies answer 413 PAYLOAD_TOO_LARGE and deeply nested JSON 400 INVALID_REQUEST, in the
error envelope, on anonymous and authenticated routes alike; stored JSON fields keep the same limit."""

import json

import pytest
from django.conf import settings

from apps.core.api.parsers import JSON_MAX_DEPTH, json_bytes_depth, json_value_depth, validate_json_depth
from tests.factories.integrations import PluginFactory
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team

pytestmark = pytest.mark.django_db


def nested(levels: int, inner: bytes = b"1") -> bytes:
    return b"[" * levels + inner + b"]" * levels


@pytest.fixture
def world(db):
    team = Team()
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMemberFactory(project=project, user=team.owner)
    task_list = TaskListFactory(project=project)
    task = TaskFactory(project=project, task_list=task_list, created_by=team.owner)
    return team, project, task


def _assert_error(response, status: int, code: str):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == code
    assert "timestamp" in body


def test_oversized_anonymous_login_answers_413(api_client):
    body = b'{"email": "' + b"a" * (10 * 1024 * 1024) + b'", "password": "x"}'
    response = api_client.post("/api/v1/auth/login", data=body, content_type="application/json")
    _assert_error(response, 413, "PAYLOAD_TOO_LARGE")
    assert response.has_header("X-RateLimit-Limit")


@pytest.mark.parametrize("size", [10 * 1024 * 1024, 3 * 1024 * 1024])
def test_oversized_task_and_comment_answer_413(client_for, world, size):
    team, project, task = world
    client = client_for(team.owner)
    padding = "x" * size
    task_body = json.dumps({"project_id": str(project.pk), "title": "t", "description": padding})
    _assert_error(
        client.post("/api/v1/tasks", data=task_body, content_type="application/json"), 413, "PAYLOAD_TOO_LARGE"
    )
    comment = json.dumps({"content": padding})
    response = client.post(f"/api/v1/tasks/{task.pk}/comments", data=comment, content_type="application/json")
    _assert_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_body_just_under_the_limit_is_parsed(client_for, world):
    team, project, _ = world
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 200)
    body = json.dumps({"project_id": str(project.pk), "title": "t", "description": padding})
    response = client_for(team.owner).post("/api/v1/tasks", data=body, content_type="application/json")
    assert response.status_code in (201, 422), response.content  # parsed: the serializer decides


def test_deeply_nested_bodies_answer_400_anonymous_and_authenticated(api_client, client_for, world):
    team, project, _ = world
    hostile = nested(100_000)
    _assert_error(
        api_client.post("/api/v1/auth/login", data=hostile, content_type="application/json"), 400, "INVALID_REQUEST"
    )
    client = client_for(team.owner)
    _assert_error(client.post("/api/v1/tasks", data=hostile, content_type="application/json"), 400, "INVALID_REQUEST")
    in_field = b'{"project_id": "%s", "title": ' % str(project.pk).encode() + nested(5_000) + b"}"
    _assert_error(client.post("/api/v1/tasks", data=in_field, content_type="application/json"), 400, "INVALID_REQUEST")


def test_nested_json_fields_of_consumers_plugins_and_reports_answer_400(client_for, world):
    team, _, _ = world
    client = client_for(team.owner)
    deep = nested(3_000, b"{}")
    consumer = b'{"event_type": "task.created", "handler_type": "in_app", "config": {"user_ids": ' + deep + b"}}"
    _assert_error(
        client.post("/api/v1/event-consumers", data=consumer, content_type="application/json"), 400, "INVALID_REQUEST"
    )
    plugin = PluginFactory()
    install = b'{"workspace_id": "%s", "configuration": {"a": ' % str(team.workspace.pk).encode() + deep + b"}}"
    response = client.post(
        f"/api/v1/integration/plugins/{plugin.pk}/install", data=install, content_type="application/json"
    )
    _assert_error(response, 400, "INVALID_REQUEST")
    report = b'{"name": "r", "workspace_id": "%s", "filters": {"x": ' % str(team.workspace.pk).encode() + deep + b"}}"
    _assert_error(client.post("/api/v1/reports", data=report, content_type="application/json"), 400, "INVALID_REQUEST")


def test_the_limit_is_exact():
    assert json_bytes_depth(nested(JSON_MAX_DEPTH)) == JSON_MAX_DEPTH
    assert json_bytes_depth(b'{"a": "[[[[ \\" [[[", "b": [{}]}') == 3
    assert json_bytes_depth(b'"unterminated [[[') == 0
    assert json_value_depth(json.loads(nested(JSON_MAX_DEPTH))) == JSON_MAX_DEPTH


def test_body_at_the_limit_reaches_the_serializer(api_client):
    body = b'{"email": ' + nested(JSON_MAX_DEPTH - 1) + b', "password": "x"}'
    response = api_client.post("/api/v1/auth/login", data=body, content_type="application/json")
    assert response.status_code == 422, response.content
    response = api_client.post(
        "/api/v1/auth/login",
        data=b'{"email": ' + nested(JSON_MAX_DEPTH) + b', "password": "x"}',
        content_type="application/json",
    )
    _assert_error(response, 400, "INVALID_REQUEST")


def test_stored_json_fields_validate_their_depth():
    from rest_framework.exceptions import ValidationError

    value = {"a": [1]}
    assert validate_json_depth(value) is value
    deep: list = []
    for _ in range(JSON_MAX_DEPTH):
        deep = [deep]
    with pytest.raises(ValidationError):
        validate_json_depth({"a": deep})
