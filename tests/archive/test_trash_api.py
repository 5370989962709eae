"""POST/GET /archive/trash, POST /archive/trash/{id}/restore, DELETE /archive/trash/{id}."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from apps.archive.models import TrashItem
from apps.collaboration.models import Comment
from apps.projects.models import Project
from apps.tasks.models import Task, TaskList
from apps.workspaces.models import Workspace
from tests.archive.helpers import domain_entries, trash_target
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db

TRASH = "/api/v1/archive/trash"


def trash(client, resource_type, resource_id, **extra):
    return client.post(TRASH, {"resource_type": resource_type, "resource_id": str(resource_id), **extra})


def test_move_task_to_trash_returns_the_documented_shape(client_for, team, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = trash(client_for(team.member), "task", task.pk)
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    item = TrashItem.objects.get()
    assert data["id"] == str(item.pk)
    assert data["resource_type"] == "task" and data["resource_id"] == str(task.pk)
    assert data["resource_name"] == task.title
    assert data["deleted_by"] == str(team.member.pk)
    deleted_at = dt.datetime.fromisoformat(data["deleted_at"].replace("Z", "+00:00"))
    expires_at = dt.datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
    assert expires_at - deleted_at == dt.timedelta(days=30)
    assert not Task.objects.filter(pk=task.pk).exists()
    assert Task.all_objects.get(pk=task.pk).deleted_at is not None
    (event,) = events("task.deleted")
    assert event.payload["task_id"] == str(task.pk)
    entry = domain_entries("task.trashed").get()
    assert entry.actor == team.member and entry.remote_addr == "127.0.0.1"


@pytest.mark.parametrize("resource_type", ["workspace", "project", "task_list", "task", "comment"])
def test_every_resource_type_goes_to_trash_and_comes_back(client_for, team, resource_type):
    project = ProjectFactory(workspace=team.workspace)
    task_list = TaskListFactory(project=project)
    task = TaskFactory(project=project, task_list=task_list)
    comment = CommentFactory(task=task, author=team.owner)
    target = {
        "workspace": team.workspace,
        "project": project,
        "task_list": task_list,
        "task": task,
        "comment": comment,
    }[resource_type]
    client = client_for(team.owner)
    item_id = trash(client, resource_type, target.pk, force=True).json()["data"]["id"]
    assert not type(target).objects.filter(pk=target.pk).exists()
    assert domain_entries(f"{resource_type}.trashed").exists()

    response = client.post(f"{TRASH}/{item_id}/restore")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data == {
        "id": str(target.pk),
        "resource_type": resource_type,
        "status": "active",
        "restored_at": data["restored_at"],
    }
    assert type(target).objects.filter(pk=target.pk).exists()
    assert not TrashItem.objects.exists()
    assert domain_entries(f"{resource_type}.restored").exists()


def test_restore_of_a_project_brings_back_its_contents_but_not_separately_trashed_tasks(client_for, team, project):
    kept = TaskFactory(project=project, with_list=True)
    comment = CommentFactory(task=kept, author=team.owner)
    separately = TaskFactory(project=project, with_list=True)
    client = client_for(team.owner)
    separate_item = trash(client, "task", separately.pk).json()["data"]["id"]
    project_item = trash(client, "project", project.pk).json()["data"]["id"]
    assert not Task.objects.filter(pk=kept.pk).exists() and not Comment.objects.filter(pk=comment.pk).exists()

    assert client.post(f"{TRASH}/{project_item}/restore").status_code == 200
    assert Task.objects.filter(pk=kept.pk).exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert TaskList.objects.filter(pk=kept.task_list_id).exists()
    assert not Task.objects.filter(pk=separately.pk).exists()
    assert TrashItem.objects.filter(pk=separate_item).exists()


def test_project_restore_emits_project_restored_after_commit(
    client_for, team, project, django_capture_on_commit_callbacks
):
    client = client_for(team.owner)
    item_id = trash(client, "project", project.pk).json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"{TRASH}/{item_id}/restore")
    assert callbacks, "dispatch is scheduled on commit"
    (event,) = events("project.restored")
    assert event.payload["project_id"] == str(project.pk) and event.payload["status"] == "active"


def test_restoring_into_a_trashed_container_answers_409(client_for, team, project, task):
    client = client_for(team.owner)
    task_item = trash(client, "task", task.pk).json()["data"]["id"]
    trash(client, "project", project.pk)
    body = assert_error(client.post(f"{TRASH}/{task_item}/restore"), 409, "CONFLICT")
    assert "in the trash" in body["error"]["message"]
    assert not Task.objects.filter(pk=task.pk).exists()
    assert TrashItem.objects.filter(pk=task_item).exists()


def test_restoring_into_an_archived_project_answers_409(client_for, team, project, task):
    client = client_for(team.owner)
    item_id = trash(client, "task", task.pk).json()["data"]["id"]
    client.post(f"/api/v1/archive/projects/{project.pk}/archive", {})
    assert_error(client.post(f"{TRASH}/{item_id}/restore"), 409, "CONFLICT")


def test_purge_deletes_for_good_with_cascades_and_answers_204(client_for, team, project, task):
    CommentFactory(task=task, author=team.owner)
    client = client_for(team.owner)
    item_id = trash(client, "project", project.pk).json()["data"]["id"]
    response = client.delete(f"{TRASH}/{item_id}")
    assert response.status_code == 204 and response.content == b""
    assert not Project.all_objects.filter(pk=project.pk).exists()
    assert not Task.all_objects.filter(pk=task.pk).exists()
    assert not Comment.all_objects.filter(task_id=task.pk).exists()
    assert not TrashItem.objects.exists()
    purged = domain_entries("project.purged").get()
    assert purged.actor == team.owner and purged.additional_data["contained_rows"] >= 3


def test_purging_a_project_removes_trash_items_of_its_separately_trashed_tasks(client_for, team, project, task):
    client = client_for(team.owner)
    trash(client, "task", task.pk)
    item_id = trash(client, "project", project.pk).json()["data"]["id"]
    client.delete(f"{TRASH}/{item_id}")
    assert not TrashItem.objects.exists()


def test_delete_through_the_projects_endpoint_lands_in_the_same_trash(client_for, team, project):
    client = client_for(team.owner)
    assert client.delete(f"/api/v1/projects/{project.pk}").status_code == 204
    item = TrashItem.objects.get(resource_type="project")
    assert item.resource_id == project.pk and item.deleted_by == team.owner
    listed = client.get(TRASH).json()["data"]
    assert [row["id"] for row in listed] == [str(item.pk)]
    assert client.post(f"{TRASH}/{item.pk}/restore").status_code == 200
    assert Project.objects.filter(pk=project.pk).exists()


def test_delete_through_the_workspaces_endpoint_lands_in_the_trash(client_for, team):
    client = client_for(team.owner)
    assert client.delete(f"/api/v1/workspaces/{team.workspace.pk}").status_code == 204
    item = TrashItem.objects.get(resource_type="workspace")
    assert client.post(f"{TRASH}/{item.pk}/restore").status_code == 200
    assert Workspace.objects.filter(pk=team.workspace.pk).exists()


def test_list_shows_the_documented_fields_filters_and_pagination(client_for, team, project):
    client = client_for(team.owner)
    tasks = [TaskFactory(project=project, with_list=True) for _ in range(3)]
    for task in tasks:
        trash(client, "task", task.pk)
    trash(client, "task_list", TaskListFactory(project=project).pk)
    response = client.get(TRASH, {"resource_type": "task", "page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"page": 1, "page_size": 2, "total": 3, "total_pages": 2}
    row = body["data"][0]
    assert set(row) >= {"id", "resource_type", "resource_name", "deleted_at", "expires_at", "deleted_by"}
    assert row["resource_name"] == tasks[-1].title
    assert client.get(TRASH, {"workspace_id": str(team.other_workspace.pk)}).json()["pagination"]["total"] == 0
    assert client.get(TRASH, {"workspace_id": str(team.workspace.pk)}).json()["pagination"]["total"] == 4


def test_list_rejects_bad_filters_with_400(client_for, team):
    client = client_for(team.owner)
    assert_error(client.get(TRASH, {"resource_type": "planet"}), 400, "INVALID_REQUEST")
    assert_error(client.get(TRASH, {"workspace_id": "nope"}), 400, "INVALID_REQUEST")
    assert_error(client.get(TRASH, {"page": "0"}), 400, "INVALID_REQUEST")


def test_list_runs_in_constant_queries(client_for, team, project, django_assert_max_num_queries):
    client = client_for(team.owner)
    for _ in range(12):
        trash(client, "task", TaskFactory(project=project, with_list=True).pk)
    with django_assert_max_num_queries(4):
        response = client.get(TRASH, {"page_size": 50})
    assert len(response.json()["data"]) == 12


def test_trash_items_are_hidden_from_people_who_could_not_delete_them(client_for, team, project, task):
    trash(client_for(team.owner), "project", project.pk)
    item = TrashItem.objects.get()
    for user in (team.viewer, team.outsider):
        client = client_for(user)
        assert client.get(TRASH).json()["pagination"]["total"] == 0
        assert_error(client.post(f"{TRASH}/{item.pk}/restore"), 404, "NOT_FOUND")
        assert_error(client.delete(f"{TRASH}/{item.pk}"), 404, "NOT_FOUND")
    assert TrashItem.objects.filter(pk=item.pk).exists()
    # the member manages this project (project role manager), so sees it
    assert client_for(team.member).get(TRASH).json()["pagination"]["total"] == 1
    assert client_for(team.admin).get(TRASH).json()["pagination"]["total"] == 1


def test_workspace_trash_item_is_visible_to_its_owner_only(client_for, team):
    trash(client_for(team.owner), "workspace", team.workspace.pk)
    assert client_for(team.owner).get(TRASH).json()["pagination"]["total"] == 1
    assert client_for(team.admin).get(TRASH).json()["pagination"]["total"] == 0


def test_comment_author_sees_the_trash_item_of_their_comment(client_for, team, task):
    comment = CommentFactory(task=task, author=team.viewer)
    trash(client_for(team.owner), "comment", comment.pk)
    assert client_for(team.viewer).get(TRASH).json()["pagination"]["total"] == 1


@pytest.mark.parametrize(
    ("resource_type", "role"),
    [("workspace", "admin"), ("project", "viewer"), ("task", "viewer"), ("task_list", "viewer"), ("comment", "viewer")],
)
def test_moving_to_trash_without_the_right_returns_403(client_for, team, project, task, resource_type, role):
    comment = CommentFactory(task=task, author=team.member)
    target = trash_target(resource_type, team=team, task=task, comment=comment)
    assert_error(trash(client_for(team.user(role)), resource_type, target.pk), 403, "FORBIDDEN")
    assert not TrashItem.objects.exists()


@pytest.mark.parametrize("resource_type", ["workspace", "project", "task", "task_list", "comment"])
def test_moving_a_foreign_resource_is_422_naming_resource_id_and_writes_nothing(
    client_for, team, project, task, resource_type
):
    """resource_id is an id in a body: like every other body id, an invisible one is 422 naming it."""
    comment = CommentFactory(task=task, author=team.member)
    target = trash_target(resource_type, team=team, task=task, comment=comment)
    body = assert_error(trash(client_for(team.outsider), resource_type, target.pk), 422, "VALIDATION_ERROR")
    assert list(body["error"]["details"]) == ["resource_id"]
    assert body["error"]["details"]["resource_id"] == [f"{type(target)._meta.verbose_name.capitalize()} not found."]
    assert type(target).objects.filter(pk=target.pk).exists() and not TrashItem.objects.exists()


def test_moving_an_already_trashed_or_unknown_resource_is_422_naming_resource_id(client_for, team, task):
    client = client_for(team.owner)
    trash(client, "task", task.pk)
    assert_error(trash(client, "task", task.pk), 422, "VALIDATION_ERROR", field="resource_id")
    assert_error(trash(client, "task", uuid.uuid4()), 422, "VALIDATION_ERROR", field="resource_id")


def test_move_validates_the_body(client_for, team):
    client = client_for(team.owner)
    body = assert_error(client.post(TRASH, {"resource_type": "planet", "resource_id": "x"}), 422, "VALIDATION_ERROR")
    assert set(body["error"]["details"]) == {"resource_type", "resource_id"}
    assert_error(client.post(TRASH, {}), 422, "VALIDATION_ERROR")


def test_anonymous_requests_return_401(api_client):

    assert_error(api_client.get(TRASH), 401, "UNAUTHORIZED")
    assert_error(api_client.post(TRASH, {}), 401, "UNAUTHORIZED")
    assert_error(api_client.post(f"{TRASH}/{uuid.uuid4()}/restore"), 401, "UNAUTHORIZED")
    assert_error(api_client.delete(f"{TRASH}/{uuid.uuid4()}"), 401, "UNAUTHORIZED")


def test_unknown_trash_item_returns_404(client_for, team):

    assert_error(client_for(team.owner).post(f"{TRASH}/{uuid.uuid4()}/restore"), 404, "NOT_FOUND")


def test_expires_at_follows_the_retention_setting(client_for, team, task, settings):
    settings.TRASH_RETENTION_DAYS = 7
    trash(client_for(team.owner), "task", task.pk)
    item = TrashItem.objects.get()
    assert item.expires_at - item.deleted_at == dt.timedelta(days=7)
    assert item.expires_at > timezone.now()


@pytest.mark.parametrize(
    ("resource_type", "path"),
    [
        ("task_list", "/api/v1/tasks/lists/{}?force=true"),
        ("task", "/api/v1/tasks/{}"),
        ("comment", "/api/v1/comments/{}"),
    ],
)
def test_delete_through_the_resources_own_endpoint_lands_in_the_trash_and_restores(
    client_for, team, task, resource_type, path
):
    comment = CommentFactory(task=task, author=team.owner)
    target = {"task_list": task.task_list, "task": task, "comment": comment}[resource_type]
    client = client_for(team.owner)
    response = client.delete(path.format(target.pk))
    assert response.status_code == 204, response.content
    item = TrashItem.objects.get(resource_type=resource_type)
    assert item.resource_id == target.pk and item.deleted_by == team.owner
    assert client.post(f"{TRASH}/{item.pk}/restore").status_code == 200
    assert type(target).objects.filter(pk=target.pk).exists()
    if resource_type != "comment":
        assert Comment.objects.filter(pk=comment.pk).exists()
