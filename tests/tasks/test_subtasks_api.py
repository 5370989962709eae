"""GET/POST /tasks/{task_id}/subtasks and PATCH/DELETE /tasks/subtasks/{subtask_id}."""

import pytest

from apps.tasks.models import Subtask
from tests.factories.tasks import SubtaskFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_create_and_list(client_for, team, task, django_assert_max_num_queries):
    client = client_for(team.member)
    response = client.post(f"/api/v1/tasks/{task.pk}/subtasks", {"title": "Write tests"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["data"]["task_id"] == str(task.pk)
    assert response.json()["data"]["is_done"] is False
    for _ in range(15):
        SubtaskFactory(task=task)
    with django_assert_max_num_queries(4):
        listing = client.get(f"/api/v1/tasks/{task.pk}/subtasks?page_size=50")
    assert listing.json()["data"][0]["title"] == "Write tests"
    assert listing.json()["pagination"]["total"] == 16


def test_update_and_delete(client_for, team, task):
    subtask = SubtaskFactory(task=task)
    client = client_for(team.member)
    response = client.patch(f"/api/v1/tasks/subtasks/{subtask.pk}", {"is_done": True, "title": "Done"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["is_done"] is True and response.json()["data"]["title"] == "Done"
    assert client.delete(f"/api/v1/tasks/subtasks/{subtask.pk}").status_code == 204
    assert not Subtask.objects.filter(pk=subtask.pk).exists()


def test_viewer_reads_but_cannot_write(client_for, team, task):
    subtask = SubtaskFactory(task=task)
    client = client_for(team.viewer)
    assert client.get(f"/api/v1/tasks/{task.pk}/subtasks").status_code == 200
    assert_error(client.post(f"/api/v1/tasks/{task.pk}/subtasks", {"title": "x"}, format="json"), 403, "FORBIDDEN")
    assert_error(client.patch(f"/api/v1/tasks/subtasks/{subtask.pk}", {"title": "x"}, format="json"), 403, "FORBIDDEN")
    assert_error(client.delete(f"/api/v1/tasks/subtasks/{subtask.pk}"), 403, "FORBIDDEN")


def test_outsider_gets_404(client_for, team, task):
    subtask = SubtaskFactory(task=task)
    client = client_for(team.outsider)
    assert_error(client.get(f"/api/v1/tasks/{task.pk}/subtasks"), 404, "NOT_FOUND")
    assert_error(client.patch(f"/api/v1/tasks/subtasks/{subtask.pk}", {"title": "x"}, format="json"), 404, "NOT_FOUND")
    assert_error(client.delete(f"/api/v1/tasks/subtasks/{subtask.pk}"), 404, "NOT_FOUND")


def test_blank_title_returns_422(client_for, team, task):
    response = client_for(team.member).post(f"/api/v1/tasks/{task.pk}/subtasks", {"title": " "}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")
