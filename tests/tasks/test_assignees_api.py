"""POST /tasks/{task_id}/assignees and DELETE /tasks/{task_id}/assignees/{user_id}."""

import pytest

from apps.tasks.models import TaskAssignee
from tests.factories.tasks import TaskFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def test_assign_adds_users_and_emits_assigned_once(client_for, team, task, django_capture_on_commit_callbacks):
    task.assignments.create(user=team.owner)
    client = client_for(team.member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/tasks/{task.pk}/assignees",
            {"user_ids": [str(team.admin.pk), str(team.owner.pk)], "user_id": str(team.viewer.pk)},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["data"]["assignee_ids"] == [str(team.owner.pk), str(team.viewer.pk), str(team.admin.pk)]
    (event,) = events("task.assigned")
    assert event.payload["assigned_user_ids"] == [str(team.viewer.pk), str(team.admin.pk)]
    assert event.payload["assignee_ids"] == [str(team.owner.pk), str(team.viewer.pk), str(team.admin.pk)]
    assert TaskAssignee.objects.get(task=task, user=team.admin).assigned_by == team.member


def test_assigning_someone_already_assigned_changes_nothing(client_for, team, task):
    task.assignments.create(user=team.admin)
    response = client_for(team.member).post(
        f"/api/v1/tasks/{task.pk}/assignees", {"user_id": str(team.admin.pk)}, format="json"
    )
    assert response.status_code == 200
    assert not events("task.assigned")


def test_assign_outsider_returns_422_and_writes_nothing(client_for, team, task):
    response = client_for(team.member).post(
        f"/api/v1/tasks/{task.pk}/assignees",
        {"user_ids": [str(team.admin.pk), str(team.outsider.pk)]},
        format="json",
    )
    assert_error(response, 422, "VALIDATION_ERROR")
    assert not task.assignments.exists()


def test_assign_user_who_cannot_see_private_project_returns_422(client_for, team, private_project):
    hidden = TaskFactory(project=private_project)
    response = client_for(team.owner).post(
        f"/api/v1/tasks/{hidden.pk}/assignees", {"user_id": str(team.member.pk)}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR")


def test_assign_without_users_returns_422(client_for, team, task):
    assert_error(
        client_for(team.member).post(f"/api/v1/tasks/{task.pk}/assignees", {}, format="json"), 422, "VALIDATION_ERROR"
    )


def test_assign_by_viewer_returns_403(client_for, team, task):
    response = client_for(team.viewer).post(
        f"/api/v1/tasks/{task.pk}/assignees", {"user_id": str(team.viewer.pk)}, format="json"
    )
    assert_error(response, 403, "FORBIDDEN")


def test_unassign_removes_the_user(client_for, team, task):
    task.assignments.create(user=team.admin)
    response = client_for(team.member).delete(f"/api/v1/tasks/{task.pk}/assignees/{team.admin.pk}")
    assert response.status_code == 204
    assert not task.assignments.exists()
    (event,) = events("task.updated")
    assert event.payload["changes"] == {"assignee_ids": {"old": [str(team.admin.pk)], "new": []}}


def test_unassign_someone_not_assigned_returns_404(client_for, team, task):
    assert_error(client_for(team.member).delete(f"/api/v1/tasks/{task.pk}/assignees/{team.admin.pk}"), 404, "NOT_FOUND")


def test_unassign_by_outsider_returns_404(client_for, team, task):
    task.assignments.create(user=team.admin)
    assert_error(
        client_for(team.outsider).delete(f"/api/v1/tasks/{task.pk}/assignees/{team.admin.pk}"), 404, "NOT_FOUND"
    )
    assert task.assignments.exists()
