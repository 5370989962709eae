"""Idempotency-Key on POST creates, through HTTP (apps.core.idempotency)."""

import datetime as dt
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from apps.core.models import IdempotencyKey
from apps.core.tasks import idempotency_key_expire_task
from apps.projects.models import Project
from apps.tasks import services as task_services
from apps.tasks.models import Task
from tests.factories.integrations import ApiTokenFactory
from tests.factories.projects import ProjectFactory
from tests.factories.workspaces import Team

TASKS = "/api/v1/tasks"


@pytest.fixture
def team(db):
    return Team()


@pytest.fixture
def project(team):
    return ProjectFactory(workspace=team.workspace, created_by=team.owner)


def post(client, path, body, key):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(path, body, format="json", **headers)


def task_body(project, title="Design UI"):
    return {"project_id": str(project.pk), "title": title, "priority": "high"}


def test_a_repeat_replays_the_first_answer_and_creates_nothing(client_for, team, project):
    client = client_for(team.member)
    first = post(client, TASKS, task_body(project), "key-1")
    second = post(client, TASKS, task_body(project), "key-1")

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Task.objects.filter(project=project).count() == 1
    record = IdempotencyKey.objects.get()
    assert record.caller == f"user:{team.member.pk}"
    assert (record.method, record.path, record.key, record.status_code) == ("POST", TASKS, "key-1", 201)


def test_keys_are_per_caller_and_absent_keys_change_nothing(client_for, team, project):
    post(client_for(team.member), TASKS, task_body(project), "shared")
    other = post(client_for(team.admin), TASKS, task_body(project), "shared")
    assert other.status_code == 201 and "Idempotent-Replayed" not in other
    post(client_for(team.member), TASKS, task_body(project), None)
    post(client_for(team.member), TASKS, task_body(project), None)
    assert Task.objects.filter(project=project).count() == 4


def test_project_create_with_an_api_token_is_replayed(team):
    token = ApiTokenFactory(user=team.owner, scopes=["write:projects", "read:projects"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.raw}")
    body = {"workspace_id": str(team.workspace.pk), "name": "Launch"}

    first = post(client, "/api/v1/projects", body, "0d8f6a5e-1b7c-4c55-9d0e-2f7f0c1f9a11")
    second = post(client, "/api/v1/projects", body, "0d8f6a5e-1b7c-4c55-9d0e-2f7f0c1f9a11")

    assert first.status_code == 201, first.content
    assert second.status_code == 201 and second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Project.objects.filter(name="Launch").count() == 1
    assert IdempotencyKey.objects.get().caller == f"token:{token.pk}"


def test_the_same_key_with_another_body_is_422_naming_the_header(client_for, team, project):
    client = client_for(team.member)
    post(client, TASKS, task_body(project), "key-2")
    response = post(client, TASKS, task_body(project, title="Something else"), "key-2")

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert list(error["details"]) == ["Idempotency-Key"]
    assert Task.objects.filter(project=project).count() == 1


def test_client_errors_are_stored_and_replayed(client_for, team, project):
    client = client_for(team.member)
    body = {"project_id": str(project.pk), "title": ""}
    first = post(client, TASKS, body, "key-bad")
    second = post(client, TASKS, body, "key-bad")
    assert first.status_code == second.status_code == 422
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["error"] == first.json()["error"]


def test_a_repeat_while_the_first_is_running_is_409(client_for, team, project):
    IdempotencyKey.objects.create(
        caller=f"user:{team.member.pk}", method="POST", path=TASKS, key="busy", fingerprint="x" * 64
    )
    response = post(client_for(team.member), TASKS, task_body(project), "busy")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "CONFLICT" and list(error["details"]) == ["Idempotency-Key"]
    assert not Task.objects.filter(project=project).exists()


def test_an_abandoned_claim_is_taken_over(client_for, team, project, settings):
    IdempotencyKey.objects.create(
        caller=f"user:{team.member.pk}",
        method="POST",
        path=TASKS,
        key="crashed",
        fingerprint="x" * 64,
        created_at=timezone.now() - dt.timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS + 1),
    )
    response = post(client_for(team.member), TASKS, task_body(project), "crashed")
    assert response.status_code == 201
    assert IdempotencyKey.objects.get().status_code == 201


def test_server_errors_are_not_stored(client_for, team, project, monkeypatch):
    real_create = task_services.task_create
    calls = []

    def failing_once(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real_create(**kwargs)

    monkeypatch.setattr(task_services, "task_create", failing_once)
    client = client_for(team.member)
    client.raise_request_exception = False

    failed = post(client, TASKS, task_body(project), "key-5xx")
    assert failed.status_code == 500
    assert not IdempotencyKey.objects.exists()

    retried = post(client, TASKS, task_body(project), "key-5xx")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Task.objects.filter(project=project).count() == 1
    assert IdempotencyKey.objects.get().status_code == 201


def test_keys_expire_after_24_hours(client_for, team, project):
    client = client_for(team.member)
    post(client, TASKS, task_body(project), "key-old")
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=24, seconds=1))

    again = post(client, TASKS, task_body(project), "key-old")  # an expired key is a new key
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert Task.objects.filter(project=project).count() == 2

    IdempotencyKey.objects.create(
        caller="user:x",
        method="POST",
        path=TASKS,
        key="ancient",
        fingerprint="x" * 64,
        created_at=timezone.now() - dt.timedelta(hours=25),
    )
    assert idempotency_key_expire_task() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["key-old"]


def test_anonymous_requests_ignore_the_header(api_client, db):
    for _ in range(2):
        response = post(api_client, "/api/v1/auth/password-reset", {"email": "nobody@example.com"}, "\x01bad")
        assert response.status_code == 200
        assert "Idempotent-Replayed" not in response
    unauthenticated = post(api_client, TASKS, {"title": "x"}, "anon")
    assert unauthenticated.status_code == 401
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_an_invalid_key_is_400(client_for, team, project, key):
    response = post(client_for(team.member), TASKS, task_body(project), key)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "INVALID_REQUEST"
    assert "Idempotency-Key" in error["details"]
    assert not Task.objects.filter(project=project).exists()


def test_the_longest_valid_key_is_accepted(client_for, team, project):
    response = post(client_for(team.member), TASKS, task_body(project), "k" * 255)
    assert response.status_code == 201


# Committed rows are needed for two connections to race; serialized_rollback restores the rows the
# data migrations seed (like the other transactional tests), so later tests find them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_repeats_create_one_task(monkeypatch):
    team = Team()
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    real_create = task_services.task_create

    def slow_create(**kwargs):
        time.sleep(0.3)  # keep the first request running while the second arrives
        return real_create(**kwargs)

    monkeypatch.setattr(task_services, "task_create", slow_create)
    barrier = threading.Barrier(2)
    results = []

    def worker():
        client = APIClient()
        client.force_authenticate(user=team.member)
        try:
            barrier.wait()
            response = post(client, TASKS, task_body(project), "race")
            results.append((response.status_code, response.get("Idempotent-Replayed")))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Task.objects.filter(project=project).count() == 1
    # The second waits for the first on the key's unique index, then replays its answer.
    statuses = sorted(results, key=lambda result: (result[0], result[1] or ""))
    assert statuses == [(201, None), (201, "true")]


def test_every_api_view_that_accepts_post_runs_the_gate():
    """The gate is a default throttle class: a view overriding throttle_classes would lose it."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from apps.core.idempotency import IdempotencyGate

    def views(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
                yield entry.callback.cls

    missing = [
        cls.__name__
        for cls in views(get_resolver().url_patterns)
        if hasattr(cls, "post") and IdempotencyGate not in cls.throttle_classes
    ]
    assert not missing


def test_the_schema_documents_the_header_on_creates_only():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]

    def documented(path, method="post"):
        return any(p["name"] == "Idempotency-Key" for p in paths[path][method].get("parameters", []))

    assert documented("/api/v1/tasks") and documented("/api/v1/projects")
    assert "Idempotent-Replayed" in paths["/api/v1/tasks"]["post"]["responses"]["201"]["headers"]
    assert not documented("/api/v1/auth/login")
    assert not documented("/api/v1/tasks", "get")
