"""POST /tasks/{task_id}/move: between lists and projects of one workspace, with positions."""

import pytest

from apps.projects.choices import ProjectStatus
from apps.tasks.models import Task
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def move(client, task, body):
    return client.post(f"/api/v1/tasks/{task.pk}/move", body, format="json")


def test_move_to_another_list_at_a_position_shifts_the_others(client_for, team, project, task):
    target = TaskListFactory(project=project)
    first = TaskFactory(project=project, task_list=target, position=0)
    second = TaskFactory(project=project, task_list=target, position=1)
    response = move(client_for(team.member), task, {"task_list_id": str(target.pk), "position": 1})
    assert response.status_code == 200, response.content
    assert response.json()["data"]["task_list_id"] == str(target.pk)
    assert response.json()["data"]["position"] == 1
    assert Task.objects.get(pk=first.pk).position == 0
    assert Task.objects.get(pk=second.pk).position == 2
    (event,) = events("task.updated")
    assert event.payload["changes"]["task_list_id"] == {"old": str(task.task_list_id), "new": str(target.pk)}


def test_move_to_another_project_of_the_workspace(client_for, team, task):
    other = ProjectFactory(workspace=team.workspace)
    target = TaskListFactory(project=other)
    response = move(client_for(team.member), task, {"project_id": str(other.pk), "task_list_id": str(target.pk)})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["project_id"] == str(other.pk) and data["task_list_id"] == str(target.pk)
    (event,) = events("task.updated")
    assert event.payload["changes"]["project_id"] == {"old": str(task.project_id), "new": str(other.pk)}
    assert event.project_id == other.pk


def test_move_to_a_project_without_list_leaves_lists(client_for, team, task):
    other = ProjectFactory(workspace=team.workspace)
    data = move(client_for(team.member), task, {"project_id": str(other.pk)}).json()["data"]
    assert data["project_id"] == str(other.pk) and data["task_list_id"] is None


def test_move_to_a_project_of_another_workspace_is_rejected(client_for, team, task, foreign_project):
    response = move(client_for(team.member), task, {"project_id": str(foreign_project.pk)})
    assert_error(response, 422, "VALIDATION_ERROR")
    # Even for someone who belongs to both workspaces.
    from tests.factories.workspaces import WorkspaceMemberFactory

    WorkspaceMemberFactory(workspace=team.other_workspace, user=team.member)
    response = move(client_for(team.member), task, {"project_id": str(foreign_project.pk)})
    assert_error(response, 422, "VALIDATION_ERROR", field="project_id")
    assert Task.objects.get(pk=task.pk).project_id == task.project_id


def test_move_with_list_of_another_project_is_rejected(client_for, team, task):
    other = ProjectFactory(workspace=team.workspace)
    stray = TaskListFactory(project__workspace=team.workspace)
    response = move(client_for(team.member), task, {"project_id": str(other.pk), "task_list_id": str(stray.pk)})
    assert_error(response, 422, "VALIDATION_ERROR")


def test_move_into_private_project_refuses_when_assignees_cannot_see_it(client_for, team, task, private_project):
    task.assignments.create(user=team.member)
    response = move(client_for(team.admin), task, {"project_id": str(private_project.pk)})
    assert_error(response, 422, "VALIDATION_ERROR")
    assert Task.objects.get(pk=task.pk).project_id == task.project_id


def test_move_into_archived_project_returns_409(client_for, team, task):
    other = ProjectFactory(workspace=team.workspace, status=ProjectStatus.ARCHIVED)
    assert_error(move(client_for(team.member), task, {"project_id": str(other.pk)}), 409, "CONFLICT")


def test_empty_move_returns_422(client_for, team, task):
    assert_error(move(client_for(team.member), task, {}), 422, "VALIDATION_ERROR")


def test_move_by_viewer_returns_403(client_for, team, task):
    assert_error(move(client_for(team.viewer), task, {"position": 3}), 403, "FORBIDDEN")
