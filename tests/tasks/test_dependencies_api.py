"""GET/POST /tasks/{task_id}/dependencies and DELETE /tasks/dependencies/{dependency_id}."""

import pytest

from apps.tasks.models import TaskDependency
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskDependencyFactory, TaskFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def add(client, task, other, type_="FS"):
    return client.post(
        f"/api/v1/tasks/{task.pk}/dependencies", {"depends_on_task_id": str(other.pk), "type": type_}, format="json"
    )


@pytest.mark.parametrize("type_", ["FS", "SS", "FF", "SF"])
def test_add_each_type(client_for, team, project, task, type_):
    other = TaskFactory(project=project)
    response = add(client_for(team.member), task, other, type_)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["task_id"] == str(task.pk) and data["depends_on_task_id"] == str(other.pk)
    assert data["type"] == type_
    assert data["depends_on_task"]["title"] == other.title


def test_dependency_across_projects_of_one_workspace_is_allowed(client_for, team, task):
    other = TaskFactory(project=ProjectFactory(workspace=team.workspace))
    assert add(client_for(team.member), task, other).status_code == 201


def test_cycle_returns_409_and_writes_nothing(client_for, team, project):
    a, b, c = (TaskFactory(project=project) for _ in range(3))
    client = client_for(team.member)
    assert add(client, a, b).status_code == 201
    assert add(client, b, c).status_code == 201
    assert_error(add(client, c, a), 409, "CONFLICT")
    assert TaskDependency.objects.count() == 2


def test_self_dependency_is_a_validation_error_naming_the_field(client_for, team, task):
    body = assert_error(add(client_for(team.member), task, task), 422, "VALIDATION_ERROR", field="depends_on_task_id")
    assert body["error"]["details"]["depends_on_task_id"] == ["A task cannot depend on itself."]
    assert not TaskDependency.objects.exists()


def test_duplicate_dependency_returns_409(client_for, team, project, task):
    other = TaskFactory(project=project)
    client = client_for(team.member)
    assert add(client, task, other).status_code == 201
    assert_error(add(client, task, other), 409, "CONFLICT")


def test_unknown_type_returns_422(client_for, team, project, task):
    assert_error(add(client_for(team.member), task, TaskFactory(project=project), "XX"), 422, "VALIDATION_ERROR")


def test_depending_on_a_task_of_another_workspace_returns_422(client_for, team, task, foreign_project):
    foreign = TaskFactory(project=foreign_project)
    assert_error(add(client_for(team.member), task, foreign), 422, "VALIDATION_ERROR")
    assert not TaskDependency.objects.exists()


def test_list_shows_both_directions_but_hides_invisible_ends(client_for, team, project, task, private_project):
    before = TaskDependencyFactory(task=task, depends_on=TaskFactory(project=project))
    after = TaskDependencyFactory(task=TaskFactory(project=project), depends_on=task)
    TaskDependencyFactory(task=TaskFactory(project=private_project), depends_on=task)
    rows = client_for(team.member).get(f"/api/v1/tasks/{task.pk}/dependencies").json()["data"]
    assert {row["id"] for row in rows} == {str(before.pk), str(after.pk)}
    assert len(client_for(team.admin).get(f"/api/v1/tasks/{task.pk}/dependencies").json()["data"]) == 3


def test_list_query_count(client_for, team, project, task, django_assert_max_num_queries):
    for _ in range(12):
        TaskDependencyFactory(task=task, depends_on=TaskFactory(project=project))
    with django_assert_max_num_queries(4):
        response = client_for(team.member).get(f"/api/v1/tasks/{task.pk}/dependencies")
    assert len(response.json()["data"]) == 12


def test_delete(client_for, team, project, task):
    dependency = TaskDependencyFactory(task=task, depends_on=TaskFactory(project=project))
    assert_error(client_for(team.viewer).delete(f"/api/v1/tasks/dependencies/{dependency.pk}"), 403, "FORBIDDEN")
    assert_error(client_for(team.outsider).delete(f"/api/v1/tasks/dependencies/{dependency.pk}"), 404, "NOT_FOUND")
    assert client_for(team.member).delete(f"/api/v1/tasks/dependencies/{dependency.pk}").status_code == 204
    assert not TaskDependency.objects.exists()


def test_viewer_cannot_add(client_for, team, project, task):
    assert_error(add(client_for(team.viewer), task, TaskFactory(project=project)), 403, "FORBIDDEN")
