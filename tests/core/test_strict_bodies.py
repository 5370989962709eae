"""A request body is either used or refused: unknown keys, read-only keys, non-string strings and
non-number numbers answer 422 VALIDATION_ERROR naming each field (apps.core.api.serializers.StrictInputMixin).

The walk covers every POST/PUT/PATCH operation of the OpenAPI schema and the serializers nested in
their bodies, so a new write serializer without the mixin fails here.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from apps.core.api.serializers import NOT_A_NUMBER, NOT_A_STRING, READ_ONLY_FIELD, UNKNOWN_FIELD, StrictInputMixin
from apps.integrations.models import ApiToken, Webhook
from apps.projects.models import Project
from tests.factories.integrations import ApiTokenFactory, WebhookFactory
from tests.factories.tasks import TaskListFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db

# Request serializers allowed to stay lenient, by name (none: every request body is strict).
PENDING: set[str] = set()


def _nested(serializer):
    yield serializer
    for field in serializer.fields.values():
        if field.read_only:
            continue
        while isinstance(field, (serializers.ListField, serializers.DictField, serializers.ListSerializer)):
            field = field.child
        if isinstance(field, serializers.Serializer):
            yield from _nested(field)


def request_serializers():
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    found = {}
    for path, _regex, method, callback in generator.endpoints:
        if method not in ("POST", "PUT", "PATCH"):
            continue
        serializer = generator.create_view(callback, method).schema.get_request_serializer()
        if isinstance(serializer, type):
            serializer = serializer()
        if isinstance(serializer, serializers.ListSerializer):
            serializer = serializer.child
        if isinstance(serializer, serializers.Serializer):
            for each in _nested(serializer):
                found.setdefault(type(each), f"{method} {path}")
    return found


def test_every_request_body_serializer_is_strict():
    found = request_serializers()
    lenient = sorted(
        f"{where}: {cls.__name__}"
        for cls, where in found.items()
        if not issubclass(cls, StrictInputMixin) and cls.__name__ not in PENDING
    )
    assert len(found) > 50  # the walk really saw the API's request bodies
    assert lenient == []


def test_every_strict_serializer_refuses_an_unknown_key_and_a_number_for_a_string():
    """Each walked serializer, validated on its own: the unknown key and every string field given a
    number are named, whatever else the body lacks."""
    checked = 0
    for cls in request_serializers():
        if not issubclass(cls, StrictInputMixin):
            continue
        serializer = cls()
        strings = [
            name
            for name, field in serializer.fields.items()
            if isinstance(field, serializers.CharField) and not field.read_only and name not in cls.refused_fields
        ]
        body = {"no_such_field": "x", **dict.fromkeys(strings, 123)}
        candidate = cls(data=body, context={"request": None})
        assert not candidate.is_valid(), cls
        assert candidate.errors["no_such_field"] == [UNKNOWN_FIELD], (cls, candidate.errors)
        for name in strings:
            assert candidate.errors[name] == [NOT_A_STRING], (cls, name, candidate.errors)
        checked += 1
    assert checked > 40


def test_every_strict_serializer_refuses_a_string_or_a_boolean_for_a_number():
    """Each walked serializer's integer and float fields given "3" (and true) are named; decimal
    fields keep taking strings (PronaFlow writes decimals as strings)."""
    checked = 0
    for cls in request_serializers():
        if not issubclass(cls, StrictInputMixin):
            continue
        serializer = cls()
        numbers = [
            name
            for name, field in serializer.fields.items()
            if isinstance(field, serializers.IntegerField | serializers.FloatField)
            and not field.read_only
            and name not in cls.refused_fields
        ]
        for value in ("3", True):
            candidate = cls(data=dict.fromkeys(numbers, value), context={"request": None})
            if numbers:
                assert not candidate.is_valid(), cls
            for name in numbers:
                assert candidate.errors[name] == [NOT_A_NUMBER], (cls, name, candidate.errors)
        checked += bool(numbers)
    assert checked >= 3


def test_webhook_numbers_are_json_numbers(client_for, team):
    webhook = WebhookFactory(workspace=team.workspace, max_retries=5)
    client = client_for(team.owner)
    url = f"/api/v1/integration/webhooks/{webhook.pk}"
    for value in ("3", "three", True, 2.5):
        response = client.patch(url, {"max_retries": value}, format="json")
        assert_error(response, 422, "VALIDATION_ERROR", field="max_retries")
    assert Webhook.objects.get(pk=webhook.pk).max_retries == 5
    assert data(client.patch(url, {"max_retries": 3}, format="json"))["max_retries"] == 3


def test_patch_project_with_an_unknown_or_invalid_status_changes_nothing(client_for, team, project):
    client = client_for(team.owner)
    for body in ({"status": "bogus"}, {"status": "completed"}, {"name": "New name", "status": "on_hold"}):
        response = client.patch(f"/api/v1/projects/{project.pk}", body, format="json")
        error = assert_error(response, 422, "VALIDATION_ERROR", field="status")["error"]
        assert error["details"]["status"] == [UNKNOWN_FIELD]
    project.refresh_from_db()
    assert project.name != "New name" and project.status == Project.objects.get(pk=project.pk).status
    status = client.patch(f"/api/v1/projects/{project.pk}/status", {"status": "bogus"}, format="json")
    assert_error(status, 422, "VALIDATION_ERROR", field="status")


def test_read_only_and_unknown_keys_are_each_named(client_for, team, project):
    client = client_for(team.owner)
    echoed = data(client.get(f"/api/v1/projects/{project.pk}"))
    response = client.patch(
        f"/api/v1/projects/{project.pk}", {"id": echoed["id"], "nmae": "Typo", "name": "Kept?"}, format="json"
    )
    details = assert_error(response, 422, "VALIDATION_ERROR")["error"]["details"]
    assert details == {"id": [UNKNOWN_FIELD], "nmae": [UNKNOWN_FIELD]}
    project.refresh_from_db()
    assert project.name != "Kept?"


def test_declared_read_only_fields_are_refused_by_name():
    class Probe(StrictInputMixin, serializers.Serializer):
        id = serializers.UUIDField(read_only=True)
        name = serializers.CharField()

    probe = Probe(data={"id": "0f8fad5b-d9cb-469f-a165-70867728950e", "name": "x"})
    assert not probe.is_valid()
    assert probe.errors == {"id": [READ_ONLY_FIELD]}


@pytest.mark.parametrize("value", [123, 1.5, True, ["a"], {"a": 1}])
def test_strings_are_json_strings(client_for, team, project, value):
    task_list = TaskListFactory(project=project)
    client = client_for(team.member)
    body = {"title": value, "project_id": str(project.pk), "task_list_id": str(task_list.pk)}
    assert_error(client.post("/api/v1/tasks", body, format="json"), 422, "VALIDATION_ERROR", field="title")
    tags = {"title": "Fine", "project_id": str(project.pk), "task_list_id": str(task_list.pk), "tags": ["ok", 5]}
    details = assert_error(client.post("/api/v1/tasks", tags, format="json"), 422, "VALIDATION_ERROR")
    assert details["error"]["details"]["tags"] == {"1": [NOT_A_STRING]}
    created = client.post("/api/v1/tasks", {**body, "title": "123"}, format="json")
    assert data(created, 201)["title"] == "123"


def test_webhook_patch_takes_events_like_post(client_for, team):
    webhook = WebhookFactory(workspace=team.workspace, subscribed_events={"task.created": True})
    client = client_for(team.owner)
    url = f"/api/v1/integration/webhooks/{webhook.pk}"
    answer = data(client.patch(url, {"events": ["task.updated", "comment.created"]}, format="json"))
    webhook.refresh_from_db()
    assert webhook.subscribed_events == {"task.updated": True, "comment.created": True}
    assert set(answer["subscribed_events"]) == {"task.updated", "comment.created"}
    both = client.patch(url, {"events": ["task.created"], "subscribed_events": {"task.created": True}}, format="json")
    assert_error(both, 422, "VALIDATION_ERROR", field="events")
    unknown = client.patch(url, {"events": ["task.exploded"]}, format="json")
    assert_error(unknown, 422, "VALIDATION_ERROR", field="subscribed_events")
    assert Webhook.objects.get(pk=webhook.pk).subscribed_events == {"task.updated": True, "comment.created": True}


def test_token_scopes_cannot_be_patched(client_for, team):
    token = ApiTokenFactory(user=team.member, scopes=["projects:read"])
    client = client_for(team.member)
    response = client.patch(
        f"/api/v1/integration/tokens/{token.pk}", {"scopes": ["projects:write"], "name": "Renamed"}, format="json"
    )
    details = assert_error(response, 422, "VALIDATION_ERROR", field="scopes")["error"]["details"]
    assert "cannot be changed" in details["scopes"][0]
    token = ApiToken.objects.get(pk=token.pk)
    assert token.scopes == ["projects:read"] and token.name != "Renamed"
    assert data(client.patch(f"/api/v1/integration/tokens/{token.pk}", {"name": "Renamed"}, format="json"))
