"""`DELETE /<resource>/{id}` and `POST /archive/trash` call the same lifecycle service: for each of the
five trashable resource types they answer the same status for the same caller and emit the same
events (but for a target the caller cannot see: 404 for the URL id, 422 naming the body's
resource_id); and purging a container removes every row it held, for good."""

import pytest

from apps.archive.models import TrashItem
from apps.collaboration.models import Comment
from apps.events.models import DomainEvent
from apps.projects.models import Project
from apps.tasks.models import Task, TaskList
from apps.workspaces.models import Workspace
from tests.factories.collaboration import CommentFactory
from tests.factories.projects import ProjectFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.factories.workspaces import Team

pytestmark = pytest.mark.django_db

TRASH = "/api/v1/archive/trash"
TYPES = ["workspace", "project", "task_list", "task", "comment"]


def build(team):
    """A fresh tree in the team's workspace: project > list > two tasks > comment by the member."""
    project = ProjectFactory(workspace=team.workspace, created_by=team.owner)
    task_list = TaskListFactory(project=project)
    tasks = [TaskFactory(project=project, task_list=task_list) for _ in range(2)]
    comment = CommentFactory(task=tasks[0], author=team.member)
    return {"workspace": team.workspace, "project": project, "task_list": task_list, "task": tasks[0],
            "comment": comment}  # fmt: skip


def delete_url(resource_type, obj) -> str:
    return {
        "workspace": f"/api/v1/workspaces/{obj.pk}",
        "project": f"/api/v1/projects/{obj.pk}",
        "task_list": f"/api/v1/tasks/lists/{obj.pk}",
        "task": f"/api/v1/tasks/{obj.pk}",
        "comment": f"/api/v1/comments/{obj.pk}",
    }[resource_type]


def by_delete(client, resource_type, obj, force=False):
    return client.delete(delete_url(resource_type, obj) + ("?force=true" if force else ""))


def by_trash(client, resource_type, obj, force=False):
    body = {"resource_type": resource_type, "resource_id": str(obj.pk)}
    if force:
        body["force"] = True
    return client.post(TRASH, body, format="json")


def outcome(response, capture_events):
    """(status, error code or None, sorted event types with their aggregate ids)."""
    code = response.json()["error"]["code"] if response.status_code >= 400 else None
    emitted = sorted((e.event_type, str(e.aggregate_id)) for e in capture_events())
    return (response.status_code in (201, 204) and "ok") or response.status_code, code, emitted


def run(path, client, team, resource_type, force=False):
    tree = build(team)
    before = set(DomainEvent.objects.values_list("pk", flat=True))
    response = path(client, resource_type, tree[resource_type], force=force)
    emitted = DomainEvent.objects.exclude(pk__in=before)
    result = outcome(response, lambda: emitted)
    # aggregate ids differ between the two trees: compare the shape (types and how many).
    return result[0], result[1], sorted(event_type for event_type, _ in result[2])


@pytest.mark.parametrize("resource_type", TYPES)
@pytest.mark.parametrize("role", ["owner", "member", "viewer", "outsider"])
def test_delete_and_trash_answer_and_emit_the_same(client_for, resource_type, role):
    # A team each, so that deleting one workspace does not decide the other path's answer.
    results = []
    for path in (by_delete, by_trash):
        team = Team()
        results.append(run(path, client_for(getattr(team, role)), team, resource_type))
    if role == "outsider":
        # An invisible target is 404 as a URL id but 422 as a body id, naming it; nothing emitted.
        assert results == [(404, "NOT_FOUND", []), (422, "VALIDATION_ERROR", [])]
        return
    assert results[0] == results[1]
    # The tree's list holds tasks: without force both paths refuse it alike (409).
    expected_status = {"owner": 409 if resource_type == "task_list" else "ok"}.get(role)
    if expected_status:
        assert results[0][0] == expected_status


@pytest.mark.parametrize("path", [by_delete, by_trash], ids=["DELETE", "POST trash"])
def test_non_empty_list_needs_force_on_both_paths(client_for, team, path):
    client = client_for(team.owner)
    tree = build(team)
    refused = path(client, "task_list", tree["task_list"])
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "CONFLICT"
    assert refused.json()["error"]["details"]["tasks_count"] == 2
    assert TaskList.objects.filter(pk=tree["task_list"].pk).exists()

    accepted = path(client, "task_list", tree["task_list"], force=True)
    assert accepted.status_code in (201, 204), accepted.content
    deleted = DomainEvent.objects.filter(event_type="task.deleted")
    assert sorted(str(pk) for pk in deleted.values_list("aggregate_id", flat=True)) == sorted(
        str(pk) for pk in Task.all_objects.filter(task_list=tree["task_list"]).values_list("pk", flat=True)
    )


def test_force_in_the_query_works_for_the_trash_too(client_for, team):
    tree = build(team)
    body = {"resource_type": "task_list", "resource_id": str(tree["task_list"].pk)}
    response = client_for(team.owner).post(f"{TRASH}?force=true", body, format="json")
    assert response.status_code == 201, response.content


def test_restoring_a_list_brings_its_tasks_back_with_task_restored_events(client_for, team):
    client = client_for(team.owner)
    tree = build(team)
    item = by_trash(client, "task_list", tree["task_list"], force=True).json()["data"]
    assert client.post(f"{TRASH}/{item['id']}/restore").status_code == 200
    restored = DomainEvent.objects.filter(event_type="task.restored").values_list("aggregate_id", flat=True)
    assert sorted(str(pk) for pk in restored) == sorted(
        str(pk) for pk in Task.objects.filter(task_list=tree["task_list"]).values_list("pk", flat=True)
    )


def rows_left(*, task_lists=(), tasks=(), comments=(), projects=(), workspaces=()):
    return {
        "task_lists": TaskList.all_objects.filter(pk__in=[o.pk for o in task_lists]).count(),
        "tasks": Task.all_objects.filter(pk__in=[o.pk for o in tasks]).count(),
        "comments": Comment.all_objects.filter(pk__in=[o.pk for o in comments]).count(),
        "projects": Project.all_objects.filter(pk__in=[o.pk for o in projects]).count(),
        "workspaces": Workspace.all_objects.filter(pk__in=[o.pk for o in workspaces]).count(),
    }


NOTHING = {"task_lists": 0, "tasks": 0, "comments": 0, "projects": 0, "workspaces": 0}


def test_purging_a_list_leaves_no_row_even_of_a_task_trashed_before_it(client_for, team):
    client = client_for(team.owner)
    tree = build(team)
    task_list, first = tree["task_list"], tree["task"]
    second = Task.objects.filter(task_list=task_list).exclude(pk=first.pk).get()
    assert client.delete(f"/api/v1/tasks/{second.pk}").status_code == 204  # trashed on its own first
    item = by_trash(client, "task_list", task_list, force=True).json()["data"]

    assert client.delete(f"{TRASH}/{item['id']}").status_code == 204

    assert rows_left(task_lists=[task_list], tasks=[first, second], comments=[tree["comment"]]) == NOTHING
    assert not TrashItem.objects.filter(resource_id__in=[task_list.pk, first.pk, second.pk]).exists()
    assert client.get(f"{TRASH}?page_size=100").json()["pagination"]["total"] == 0
    my_data = client.get("/api/v1/compliance/my-data")
    assert my_data.status_code == 200
    assert str(first.pk) not in my_data.content.decode()


@pytest.mark.parametrize("resource_type", ["project", "workspace"])
def test_purging_a_project_or_a_workspace_leaves_no_row(client_for, team, resource_type):
    client = client_for(team.owner)
    tree = build(team)
    tasks = list(Task.objects.filter(project=tree["project"]))
    item = by_trash(client, resource_type, tree[resource_type]).json()["data"]

    assert client.delete(f"{TRASH}/{item['id']}").status_code == 204

    left = rows_left(
        task_lists=[tree["task_list"]], tasks=tasks, comments=[tree["comment"]], projects=[tree["project"]],
        workspaces=[tree["workspace"]] if resource_type == "workspace" else [],
    )  # fmt: skip
    assert left == NOTHING
    assert not TrashItem.objects.exists()
