"""PATCH /tasks/{task_id}/status: the workflow and its time stamps."""

import pytest
from freezegun import freeze_time

from apps.tasks.models import Task
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def change(client, task, status):
    return client.patch(f"/api/v1/tasks/{task.pk}/status", {"status": status}, format="json")


def test_first_entry_into_in_progress_stamps_started_at_once(client_for, team, task):
    client = client_for(team.member)
    with freeze_time("2030-01-01T09:00:00Z"):
        assert change(client, task, "in_progress").json()["data"]["started_at"] == "2030-01-01T09:00:00Z"
    with freeze_time("2030-01-02T09:00:00Z"):
        change(client, task, "blocked")
        data = change(client, task, "in_progress").json()["data"]
    assert data["started_at"] == "2030-01-01T09:00:00Z"
    assert data["status"] == "in_progress"


def test_completing_stamps_completed_at_and_reopening_clears_it(client_for, team, task):
    client = client_for(team.member)
    with freeze_time("2030-01-03T10:00:00Z"):
        data = change(client, task, "completed").json()["data"]
    assert data["completed_at"] == "2030-01-03T10:00:00Z"
    data = change(client, task, "in_review").json()["data"]
    assert data["completed_at"] is None
    assert Task.objects.get(pk=task.pk).completed_at is None


def test_completing_emits_updated_and_completed_after_commit(
    client_for, team, task, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        change(client_for(team.member), task, "completed")
    assert len(callbacks) == 2
    (updated,) = events("task.updated")
    assert updated.payload["changes"] == {"status": {"old": "todo", "new": "completed"}}
    (completed,) = events("task.completed")
    assert completed.payload == {
        "task_id": str(task.pk),
        "project_id": str(task.project_id),
        "workspace_id": str(task.workspace_id),
        "task_list_id": str(task.task_list_id),
        "title": task.title,
        "status": "completed",
        "priority": "medium",
        "assignee_ids": [],
        "created_by_id": str(team.owner.pk),
        "due_date": None,
    }
    assert completed.project_id == task.project_id
    assert completed.actor == team.member


def test_same_status_changes_nothing(client_for, team, task):
    assert change(client_for(team.member), task, "todo").status_code == 200
    assert not events("task.updated")


def test_unknown_status_returns_422(client_for, team, task):
    assert_error(change(client_for(team.member), task, "done"), 422, "VALIDATION_ERROR")


def test_status_by_viewer_returns_403_and_outsider_404(client_for, team, task):
    assert_error(change(client_for(team.viewer), task, "completed"), 403, "FORBIDDEN")
    assert_error(change(client_for(team.outsider), task, "completed"), 404, "NOT_FOUND")
    assert Task.objects.get(pk=task.pk).status == "todo"
