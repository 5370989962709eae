"""POST/GET /tasks and GET/PATCH/DELETE /tasks/{task_id}."""

import datetime as dt

import pytest

from apps.projects.choices import ProjectRole, ProjectStatus
from apps.tasks.models import Task
from tests.factories.projects import ProjectMemberFactory
from tests.factories.tasks import TaskFactory, TaskListFactory
from tests.helpers import assert_error, events

pytestmark = pytest.mark.django_db


def test_create_by_member_returns_201_with_fields_and_creator_watching(client_for, team, project, task_list):
    body = {
        "project_id": str(project.pk),
        "task_list_id": str(task_list.pk),
        "title": "Design UI",
        "description": "Wireframes first",
        "priority": "high",
        "assignee_ids": [str(team.admin.pk)],
        "due_date": "2030-01-10",
        "start_date": "2030-01-02",
        "estimated_hours": "6.5",
        "tags": ["ui", " design ", "UI"],
    }
    response = client_for(team.member).post("/api/v1/tasks", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["title"] == "Design UI"
    assert data["project_id"] == str(project.pk)
    assert data["workspace_id"] == str(team.workspace.pk)
    assert data["task_list_id"] == str(task_list.pk)
    assert data["status"] == "todo"
    assert data["priority"] == "high"
    assert data["assignee_ids"] == [str(team.admin.pk)]
    assert data["assignees"][0]["username"] == team.admin.username
    assert data["tags"] == ["ui", "design"]
    assert data["estimated_hours"] == "6.50"
    assert data["created_by_id"] == str(team.member.pk)
    assert data["watcher_ids"] == [str(team.member.pk)]
    assert data["started_at"] is None and data["completed_at"] is None


def test_create_uses_the_workspace_default_status(client_for, team, project):
    team.workspace.default_task_status = "in_progress"
    team.workspace.save()
    response = client_for(team.member).post(
        "/api/v1/tasks", {"project_id": str(project.pk), "title": "x"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["data"]["status"] == "in_progress"
    assert response.json()["data"]["started_at"] is not None


def test_create_anonymous_returns_401(api_client, project):
    response = api_client.post("/api/v1/tasks", {"project_id": str(project.pk), "title": "x"}, format="json")
    assert_error(response, 401, "UNAUTHORIZED")


def test_create_by_viewer_returns_403_and_writes_nothing(client_for, team, project):
    response = client_for(team.viewer).post(
        "/api/v1/tasks", {"project_id": str(project.pk), "title": "x"}, format="json"
    )
    assert_error(response, 403, "FORBIDDEN")
    assert not Task.objects.exists()


def test_create_in_project_of_another_workspace_returns_422_and_writes_nothing(client_for, team, foreign_project):
    response = client_for(team.member).post(
        "/api/v1/tasks", {"project_id": str(foreign_project.pk), "title": "x"}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR", field="project_id")
    assert not Task.objects.exists()


def test_create_with_foreign_assignee_returns_422_and_writes_nothing(client_for, team, project):
    body = {"project_id": str(project.pk), "title": "x", "assignee_ids": [str(team.outsider.pk)]}
    response = client_for(team.member).post("/api/v1/tasks", body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="assignee_ids")
    assert not Task.objects.exists()
    assert not events("task.created")


def test_create_with_assignee_outside_private_project_returns_422(client_for, team, private_project):
    body = {"project_id": str(private_project.pk), "title": "x", "assignee_ids": [str(team.member.pk)]}
    response = client_for(team.owner).post("/api/v1/tasks", body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")
    assert not Task.objects.exists()


def test_create_with_list_of_another_project_returns_422(client_for, team, project):
    other_list = TaskListFactory(project__workspace=team.workspace)
    body = {"project_id": str(project.pk), "task_list_id": str(other_list.pk), "title": "x"}
    response = client_for(team.member).post("/api/v1/tasks", body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="task_list_id")


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "x", "status": "done"},
        {"title": "x", "priority": "urgent"},
        {"title": "x", "tags": "not-a-list"},
        {"title": "x", "tags": [""]},
        {"title": "x", "estimated_hours": "-1"},
        {"title": "x", "due_date": "2030-01-01", "start_date": "2030-02-01"},
        {"title": "x", "assignee_ids": ["not-a-uuid"]},
    ],
)
def test_create_with_invalid_body_returns_422(client_for, team, project, body):
    response = client_for(team.member).post("/api/v1/tasks", {"project_id": str(project.pk), **body}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")
    assert not Task.objects.exists()


def test_create_in_archived_project_returns_409(client_for, team, project):
    project.status = ProjectStatus.ARCHIVED
    project.save()
    response = client_for(team.member).post(
        "/api/v1/tasks", {"project_id": str(project.pk), "title": "x"}, format="json"
    )
    assert_error(response, 409, "CONFLICT")


def test_create_appends_to_the_end_of_the_list(client_for, team, project, task_list):
    TaskFactory(project=project, task_list=task_list, position=7)
    response = client_for(team.member).post(
        "/api/v1/tasks", {"project_id": str(project.pk), "task_list_id": str(task_list.pk), "title": "x"}, format="json"
    )
    assert response.json()["data"]["position"] == 8


def test_list_shows_only_visible_tasks(client_for, team, task, private_project, foreign_project):
    hidden = TaskFactory(project=private_project)
    foreign = TaskFactory(project=foreign_project)
    response = client_for(team.member).get("/api/v1/tasks")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["data"]] == [str(task.pk)]
    assert body["pagination"] == {"page": 1, "page_size": 20, "total": 1, "total_pages": 1}
    assert {row["id"] for row in client_for(team.admin).get("/api/v1/tasks").json()["data"]} == {
        str(task.pk),
        str(hidden.pk),
    }
    assert [row["id"] for row in client_for(team.outsider).get("/api/v1/tasks").json()["data"]] == [str(foreign.pk)]


def test_list_filters(client_for, team, project, task_list):
    other_list = TaskListFactory(project=project)
    a = TaskFactory(
        project=project,
        task_list=task_list,
        status="in_progress",
        priority="high",
        due_date=dt.date(2030, 1, 5),
        tags=["backend", "api"],
        assignees=[team.member],
        title="Build the API",
    )
    b = TaskFactory(
        project=project,
        task_list=other_list,
        status="todo",
        priority="low",
        due_date=dt.date(2030, 2, 5),
        tags=["frontend"],
        description="Nothing about the api here",
    )
    client = client_for(team.member)

    def ids(query):
        response = client.get(f"/api/v1/tasks?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["data"]}

    assert ids(f"project_id={project.pk}") == {str(a.pk), str(b.pk)}
    assert ids(f"workspace_id={team.workspace.pk}") == {str(a.pk), str(b.pk)}
    assert ids(f"task_list_id={task_list.pk}") == {str(a.pk)}
    assert ids("status=in_progress") == {str(a.pk)}
    assert ids("status=in_progress&status=todo") == {str(a.pk), str(b.pk)}
    assert ids("priority=low") == {str(b.pk)}
    assert ids(f"assignee_id={team.member.pk}") == {str(a.pk)}
    assert ids("due_before=2030-01-31") == {str(a.pk)}
    assert ids("due_after=2030-01-31") == {str(b.pk)}
    assert ids("search=api") == {str(a.pk), str(b.pk)}
    assert ids("search=build") == {str(a.pk)}
    assert ids("tag=backend") == {str(a.pk)}
    assert ids("tag=front") == set()


def test_list_sorts_by_priority_meaning_and_due_date(client_for, team, project):
    low = TaskFactory(project=project, priority="low", due_date=dt.date(2030, 1, 3))
    critical = TaskFactory(project=project, priority="critical", due_date=dt.date(2030, 1, 1))
    medium = TaskFactory(project=project, priority="medium", due_date=dt.date(2030, 1, 2))
    client = client_for(team.member)
    by_priority = [row["id"] for row in client.get("/api/v1/tasks?sort=-priority").json()["data"]]
    assert by_priority == [str(critical.pk), str(medium.pk), str(low.pk)]
    by_due = [row["id"] for row in client.get("/api/v1/tasks?sort=due_date").json()["data"]]
    assert by_due == [str(critical.pk), str(medium.pk), str(low.pk)]


@pytest.mark.parametrize(
    "query",
    ["status=done", "priority=x", "assignee_id=nope", "due_before=yesterday", "sort=secret", "page=0", "project_id=1"],
)
def test_list_with_invalid_parameters_returns_400(client_for, team, query):
    assert_error(client_for(team.member).get(f"/api/v1/tasks?{query}"), 400, "INVALID_REQUEST")


def test_list_query_count_does_not_grow_with_rows(client_for, team, project, django_assert_max_num_queries):
    users = [team.owner, team.admin, team.member]
    for index in range(30):
        task = TaskFactory(project=project, tags=["t"], assignees=users[: index % 3 + 1])
        task.subtasks.create(title="step")
    client = client_for(team.member)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/tasks?page_size=100")
    assert len(response.json()["data"]) == 30
    assert {row["subtasks_count"] for row in response.json()["data"]} == {1}


def test_detail_returns_subtasks_and_counts(client_for, team, task):
    task.subtasks.create(title="one", is_done=True)
    task.subtasks.create(title="two")
    data = client_for(team.viewer).get(f"/api/v1/tasks/{task.pk}").json()["data"]
    assert [s["title"] for s in data["subtasks"]] == ["one", "two"]
    assert data["subtasks_count"] == 2 and data["subtasks_done_count"] == 1


def test_detail_by_outsider_and_in_private_project_returns_404(client_for, team, task, private_project):
    assert_error(client_for(team.outsider).get(f"/api/v1/tasks/{task.pk}"), 404, "NOT_FOUND")
    hidden = TaskFactory(project=private_project)
    assert_error(client_for(team.member).get(f"/api/v1/tasks/{hidden.pk}"), 404, "NOT_FOUND")


def test_update_records_changes_in_event(client_for, team, task, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).patch(
            f"/api/v1/tasks/{task.pk}",
            {"title": "Renamed", "due_date": "2030-03-01", "tags": ["x"], "assignee_ids": [str(team.admin.pk)]},
            format="json",
        )
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["title"] == "Renamed" and data["assignee_ids"] == [str(team.admin.pk)]
    (event,) = events("task.updated")
    changes = event.payload["changes"]
    assert changes["title"] == {"old": task.title, "new": "Renamed"}
    assert changes["due_date"] == {"old": None, "new": "2030-03-01"}
    assert changes["tags"] == {"old": [], "new": ["x"]}
    assert changes["assignee_ids"] == {"old": [], "new": [str(team.admin.pk)]}
    (assigned,) = events("task.assigned")
    assert assigned.payload["assigned_user_ids"] == [str(team.admin.pk)]


def test_update_without_changes_emits_nothing(client_for, team, task):
    response = client_for(team.member).patch(f"/api/v1/tasks/{task.pk}", {"title": task.title}, format="json")
    assert response.status_code == 200
    assert not events("task.updated")


def test_update_by_viewer_returns_403(client_for, team, task):
    assert_error(
        client_for(team.viewer).patch(f"/api/v1/tasks/{task.pk}", {"title": "x"}, format="json"), 403, "FORBIDDEN"
    )


def test_update_by_project_viewer_returns_403_and_project_member_succeeds(client_for, team, private_project):
    hidden = TaskFactory(project=private_project)
    ProjectMemberFactory(project=private_project, user=team.member, role=ProjectRole.VIEWER)
    response = client_for(team.member).patch(f"/api/v1/tasks/{hidden.pk}", {"title": "x"}, format="json")
    assert_error(response, 403, "FORBIDDEN")
    private_project.memberships.filter(user=team.member).update(role=ProjectRole.MEMBER)
    response = client_for(team.member).patch(f"/api/v1/tasks/{hidden.pk}", {"title": "x"}, format="json")
    assert response.status_code == 200


def test_update_in_archived_project_returns_409_and_keeps_data(client_for, team, task, project):
    project.status = ProjectStatus.ARCHIVED
    project.save()
    response = client_for(team.member).patch(f"/api/v1/tasks/{task.pk}", {"title": "x"}, format="json")
    assert_error(response, 409, "CONFLICT")
    task.refresh_from_db()
    assert task.title != "x"


def test_update_with_due_before_existing_start_returns_422(client_for, team, task):
    task.start_date = dt.date(2030, 5, 1)
    task.save()
    response = client_for(team.member).patch(f"/api/v1/tasks/{task.pk}", {"due_date": "2030-04-01"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR")


def test_update_with_foreign_assignee_writes_nothing(client_for, team, task):
    response = client_for(team.member).patch(
        f"/api/v1/tasks/{task.pk}", {"title": "Changed", "assignee_ids": [str(team.outsider.pk)]}, format="json"
    )
    assert_error(response, 422, "VALIDATION_ERROR")
    task.refresh_from_db()
    assert task.title != "Changed"
    assert not task.assignees.exists()
    assert not events("task.updated")


def test_delete_moves_task_and_comments_to_trash(client_for, team, task, django_capture_on_commit_callbacks):
    comment = task.comments.create(workspace=task.workspace, author=team.owner, content="hi")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).delete(f"/api/v1/tasks/{task.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Task.objects.filter(pk=task.pk).exists()
    assert Task.all_objects.get(pk=task.pk).deleted_by == team.member
    assert type(comment).all_objects.get(pk=comment.pk).deleted_at is not None
    (event,) = events("task.deleted")
    assert event.payload["task_id"] == str(task.pk)
    assert_error(client_for(team.member).get(f"/api/v1/tasks/{task.pk}"), 404, "NOT_FOUND")


def test_delete_by_viewer_returns_403(client_for, team, task):
    assert_error(client_for(team.viewer).delete(f"/api/v1/tasks/{task.pk}"), 403, "FORBIDDEN")
    assert Task.objects.filter(pk=task.pk).exists()


def test_delete_by_outsider_returns_404(client_for, team, task):
    assert_error(client_for(team.outsider).delete(f"/api/v1/tasks/{task.pk}"), 404, "NOT_FOUND")
