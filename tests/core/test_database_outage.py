"""A database that restarts or drops the connection mid-request answers 503 with Retry-After, and a
keyed create keeps nothing it did not answer 201 for (apps.core.api.exceptions, apps.core.idempotency)."""

import pytest
from django.db import InterfaceError, OperationalError

from apps.collaboration import services as comment_services
from apps.collaboration.models import Comment
from apps.core.models import IdempotencyKey
from apps.tasks import selectors as task_selectors
from apps.tasks.models import Task
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.tasks import TaskFactory
from tests.factories.workspaces import Team

TASKS = "/api/v1/tasks"
LOST = OperationalError("consuming input failed: server closed the connection unexpectedly")


@pytest.fixture
def world(db):
    team = Team()
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    ProjectMemberFactory(project=project, user=team.member)
    return team, project


def fail_once(monkeypatch, module, name, error, *, after_running=False):
    """`module.name` raises `error` on its first call (after doing its work when `after_running`)."""
    real, calls = getattr(module, name), []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            if after_running:
                real(*args, **kwargs)
            raise error
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, failing)
    return calls


def assert_database_unavailable(response):
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "2"
    body = response.json()
    assert body["success"] is False and body["error"]["code"] == "SERVICE_UNAVAILABLE"
    assert "OperationalError" not in response.content.decode()


@pytest.mark.parametrize("error", [LOST, InterfaceError("connection already closed")], ids=["operational", "interface"])
def test_a_read_that_loses_the_database_answers_503(client_for, world, monkeypatch, error):
    team, project = world
    task = TaskFactory(project=project)
    fail_once(monkeypatch, task_selectors, "task_get", error)
    client = client_for(team.member)
    assert_database_unavailable(client.get(f"{TASKS}/{task.pk}"))
    assert client.get(f"{TASKS}/{task.pk}").status_code == 200


def test_a_keyed_create_whose_answer_the_database_lost_keeps_nothing_and_the_retry_creates_one(
    client_for, world, monkeypatch
):
    """The row was written, then the database went away before the answer was read back: the
    client saw a 503, so the row must not stay behind (the retry would make it twice)."""
    team, project = world
    fail_once(monkeypatch, task_selectors, "task_get", LOST)
    client = client_for(team.member)
    body = {"project_id": str(project.pk), "title": "Written, then lost"}

    first = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="lost-1")
    assert_database_unavailable(first)
    assert not Task.objects.filter(title="Written, then lost").exists()
    assert not IdempotencyKey.objects.exists()

    retried = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="lost-1")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    again = client.post(TASKS, body, format="json", HTTP_IDEMPOTENCY_KEY="lost-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Task.objects.filter(title="Written, then lost").count() == 1
    assert again.json()["data"]["id"] == retried.json()["data"]["id"]


def test_a_keyed_comment_written_before_the_database_was_lost_is_not_kept(client_for, world, monkeypatch):
    team, project = world
    task = TaskFactory(project=project)
    fail_once(monkeypatch, comment_services, "comment_create", LOST, after_running=True)
    client = client_for(team.member)
    path = f"{TASKS}/{task.pk}/comments"

    assert_database_unavailable(client.post(path, {"content": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1"))
    assert not Comment.objects.exists() and not IdempotencyKey.objects.exists()
    assert client.post(path, {"content": "hello"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1").status_code == 201
    assert Comment.objects.filter(task=task).count() == 1
