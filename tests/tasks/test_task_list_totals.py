"""The task list's total stays exact while it is cached per scope: every write that changes the
counted rows, and every change to who sees the project, shows in the next response."""

import pytest

from apps.tasks.models import Task
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory

pytestmark = pytest.mark.django_db


def _total(client, query):
    response = client.get(f"/api/v1/tasks?{query}&page_size=2")
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["data"]) == min(2, body["pagination"]["total"])
    return body["pagination"]["total"]


def test_totals_follow_creates_deletes_moves_and_bulk_writes(client_for, team, project, task_list):
    client = client_for(team.member)
    other = ProjectFactory(workspace=team.workspace)
    TaskListFactory(project=other)
    in_project, in_list = f"project_id={project.pk}", f"project_id={project.pk}&task_list_id={task_list.pk}"
    assert (_total(client, in_project), _total(client, in_list), _total(client, "")) == (0, 0, 0)

    for _ in range(3):
        response = client.post(
            "/api/v1/tasks",
            {"project_id": str(project.pk), "task_list_id": str(task_list.pk), "title": "t"},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert (_total(client, in_project), _total(client, in_list), _total(client, "")) == (3, 3, 3)
    assert _total(client, in_project) == 3  # answered again (from the cache) with the same number

    first, second, third = Task.objects.filter(project=project).order_by("created_at")
    assert client.delete(f"/api/v1/tasks/{first.pk}").status_code == 204
    assert (_total(client, in_project), _total(client, in_list)) == (2, 2)

    response = client.post(f"/api/v1/tasks/{second.pk}/move", {"project_id": str(other.pk)}, format="json")
    assert response.status_code == 200, response.content
    assert (_total(client, in_project), _total(client, f"project_id={other.pk}"), _total(client, "")) == (1, 1, 2)

    Task.objects.filter(pk=third.pk).update(task_list=None)  # a list change outside the services
    assert (_total(client, in_project), _total(client, in_list)) == (1, 0)
    Task.objects.filter(pk=third.pk).update(title="renamed")  # not counted: same totals
    assert (_total(client, in_project), _total(client, in_list)) == (1, 0)

    TaskFactory.create_batch(4, project=project)
    assert _total(client, in_project) == 5
    Task.objects.filter(project=project).delete()
    assert (_total(client, in_project), _total(client, "")) == (0, 1)


def test_totals_follow_who_sees_the_project(client_for, team, project):
    TaskFactory.create_batch(2, project=project)
    member = client_for(team.member)
    assert _total(member, f"project_id={project.pk}") == 2
    assert _total(member, "") == 2

    response = client_for(team.owner).patch(f"/api/v1/projects/{project.pk}", {"visibility": "private"}, format="json")
    assert response.status_code == 200, response.content
    assert _total(member, f"project_id={project.pk}") == 0
    assert _total(member, "") == 0
    assert _total(client_for(team.owner), f"project_id={project.pk}") == 2


def test_a_page_past_the_end_is_empty_with_the_real_totals(client_for, team, project):
    TaskFactory.create_batch(3, project=project)
    response = client_for(team.member).get(f"/api/v1/tasks?project_id={project.pk}&page_size=2&page=3")
    assert response.status_code == 200
    assert response.json()["data"] == []
    assert response.json()["pagination"] == {"page": 3, "page_size": 2, "total": 3, "total_pages": 2}
