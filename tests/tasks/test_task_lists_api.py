"""POST/GET /tasks/lists and GET/PATCH/DELETE /tasks/lists/{task_list_id}."""

import pytest

from apps.projects.choices import ProjectStatus
from apps.tasks.models import Task, TaskList
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def test_create_returns_201_at_the_end(client_for, team, project, task_list):
    response = client_for(team.member).post(
        "/api/v1/tasks/lists", {"project_id": str(project.pk), "name": "Doing"}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["name"] == "Doing" and data["project_id"] == str(project.pk)
    assert data["workspace_id"] == str(team.workspace.pk)
    assert data["position"] == task_list.position + 1
    assert data["tasks_count"] == 0


def test_create_in_foreign_project_returns_422(client_for, team, foreign_project):
    response = client_for(team.member).post(
        "/api/v1/tasks/lists", {"project_id": str(foreign_project.pk), "name": "x"}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR")
    assert not TaskList.objects.filter(project=foreign_project).exists()


def test_create_by_viewer_returns_403(client_for, team, project):
    response = client_for(team.viewer).post(
        "/api/v1/tasks/lists", {"project_id": str(project.pk), "name": "x"}, format="json"
    )
    assert_error(response, 403, "FORBIDDEN")


def test_list_filters_by_project_and_counts_tasks(client_for, team, project, task_list, django_assert_max_num_queries):
    other = TaskListFactory(project__workspace=team.workspace)
    for _ in range(3):
        TaskFactory(project=project, task_list=task_list)
    for _ in range(10):
        TaskListFactory(project=project)
    client = client_for(team.member)
    with django_assert_max_num_queries(2):
        response = client.get(f"/api/v1/tasks/lists?project_id={project.pk}")
    rows = response.json()["data"]
    assert len(rows) == 11 and str(other.pk) not in {row["id"] for row in rows}
    assert rows[0]["id"] == str(task_list.pk) and rows[0]["tasks_count"] == 3


def test_list_hides_lists_of_other_workspaces(client_for, team, task_list, foreign_project):
    TaskListFactory(project=foreign_project)
    assert [row["id"] for row in client_for(team.member).get("/api/v1/tasks/lists").json()["data"]] == [
        str(task_list.pk)
    ]


def test_rename_and_reorder(client_for, team, project, task_list):
    second = TaskListFactory(project=project, position=task_list.position + 1)
    response = client_for(team.member).patch(
        f"/api/v1/tasks/lists/{second.pk}", {"name": "First now", "position": task_list.position}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "First now"
    task_list.refresh_from_db()
    assert task_list.position == response.json()["data"]["position"] + 1


def test_detail_by_outsider_returns_404(client_for, team, task_list):
    assert_error(client_for(team.outsider).get(f"/api/v1/tasks/lists/{task_list.pk}"), 404, "NOT_FOUND")
    assert_error(
        client_for(team.outsider).patch(f"/api/v1/tasks/lists/{task_list.pk}", {"name": "x"}, format="json"),
        404,
        "NOT_FOUND",
    )
    assert_error(client_for(team.outsider).delete(f"/api/v1/tasks/lists/{task_list.pk}"), 404, "NOT_FOUND")


def test_delete_empty_list_moves_it_to_trash(client_for, team, task_list):
    assert client_for(team.member).delete(f"/api/v1/tasks/lists/{task_list.pk}").status_code == 204
    assert TaskList.all_objects.get(pk=task_list.pk).deleted_at is not None


def test_delete_list_with_tasks_is_refused_without_force(client_for, team, task_list, task):
    assert_error(client_for(team.member).delete(f"/api/v1/tasks/lists/{task_list.pk}"), 409, "CONFLICT")
    assert TaskList.objects.filter(pk=task_list.pk).exists()


def test_forced_delete_trashes_the_tasks_too(client_for, team, task_list, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).delete(f"/api/v1/tasks/lists/{task_list.pk}?force=true")
    assert response.status_code == 204
    assert not Task.objects.filter(pk=task.pk).exists()
    assert [event.payload["task_id"] for event in events("task.deleted")] == [str(task.pk)]


def test_delete_with_bad_force_value_returns_400(client_for, team, task_list):
    assert_error(
        client_for(team.member).delete(f"/api/v1/tasks/lists/{task_list.pk}?force=maybe"), 400, "INVALID_REQUEST"
    )


def test_rename_in_archived_project_returns_409(client_for, team, project, task_list):
    project.status = ProjectStatus.ARCHIVED
    project.save()
    response = client_for(team.member).patch(f"/api/v1/tasks/lists/{task_list.pk}", {"name": "x"}, format="json")
    assert_error(response, 409, "CONFLICT")
