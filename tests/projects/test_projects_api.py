"""POST/GET /projects, GET/PATCH/DELETE /projects/{id}, PATCH /projects/{id}/status."""

import pytest
from django.db import transaction

from apps.projects import services
from apps.projects.choices import ProjectRole
from apps.projects.models import Project, ProjectMember
from apps.tasks.models import Task
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import assert_error, data, events

pytestmark = pytest.mark.django_db


def add_tasks(project, **by_status):
    Task.objects.bulk_create(
        Task(workspace=project.workspace, project=project, title=f"{status} {i}", status=status)
        for status, count in by_status.items()
        for i in range(count)
    )


def test_anonymous_list_is_401(api_client):
    assert_error(api_client.get("/api/v1/projects"), 401, "UNAUTHORIZED")


def test_member_creates_a_project_becomes_manager_and_project_created_is_emitted(
    team, client_for, django_capture_on_commit_callbacks
):
    payload = {
        "workspace_id": str(team.workspace.pk),
        "name": "Launch",
        "visibility": "private",
        "start_date": "2026-03-01",
        "end_date": "2026-04-30",
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(team.member).post("/api/v1/projects", payload)
    body = data(response, 201)
    assert body["workspace_id"] == str(team.workspace.pk)
    assert (body["status"], body["visibility"], body["my_role"]) == ("active", "private", "manager")
    assert (body["progress"], body["tasks_count"], body["members_count"]) == (0.0, 0, 1)
    assert ProjectMember.objects.get(project_id=body["id"]).user == team.member
    [event] = events("project.created")
    assert event.payload == {
        "project_id": body["id"],
        "workspace_id": str(team.workspace.pk),
        "name": "Launch",
        "status": "active",
        "visibility": "private",
    }
    assert str(event.project_id) == body["id"]
    assert len(callbacks) == 1


def test_viewer_cannot_create_a_project(team, client_for):
    response = client_for(team.viewer).post("/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": "x"})
    assert_error(response, 403, "FORBIDDEN")
    assert not Project.objects.exists()


def test_create_in_a_foreign_workspace_is_422_and_writes_nothing(team, client_for):
    response = client_for(team.outsider).post(
        "/api/v1/projects", {"workspace_id": str(team.workspace.pk), "name": "Sneaky"}
    )
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert body["error"]["details"]["workspace_id"] == ["Workspace not found."]
    assert not Project.objects.exists()
    assert events("project.created") == []


@pytest.mark.parametrize(
    "payload",
    [
        {"name": ""},
        {"name": "x" * 201},
        {"name": "x", "visibility": "public"},
        {"name": "x", "start_date": "2026-05-01", "end_date": "2026-04-01"},
        {"name": "x", "start_date": "soon"},
        {"name": "x", "workspace_id": "not-a-uuid"},
    ],
)
def test_invalid_create_is_422(team, client_for, payload):
    body = {"workspace_id": str(team.workspace.pk), **payload}
    assert_error(client_for(team.owner).post("/api/v1/projects", body), 422, "VALIDATION_ERROR")
    assert not Project.objects.exists()


def test_rolled_back_create_emits_nothing(team, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.project_create(actor=team.owner, workspace=team.workspace, name="Doomed")
        raise RuntimeError("later step failed")
    assert callbacks == []
    assert events("project.created") == []


def test_list_computes_progress_and_counts_in_constant_queries(team, client_for, django_assert_max_num_queries):
    projects = ProjectFactory.create_batch(30, workspace=team.workspace)
    for project in projects:
        add_tasks(project, completed=1, todo=2, cancelled=1)
        ProjectMemberFactory(project=project, user=team.member)
    with django_assert_max_num_queries(3):
        response = client_for(team.member).get("/api/v1/projects?page_size=100")
    rows = data(response)
    assert response.json()["pagination"]["total"] == 30
    row = rows[0]
    assert (row["tasks_count"], row["completed_tasks_count"], row["progress"]) == (4, 1, 33.3)
    assert (row["members_count"], row["my_role"]) == (1, "member")


def test_list_filters_search_and_sorts(team, client_for):
    alpha = ProjectFactory(workspace=team.workspace, name="Alpha rollout")
    beta = ProjectFactory(workspace=team.workspace, name="Beta", description="the rollout of beta")
    ProjectFactory(workspace=team.workspace, name="Gamma", status="on_hold")
    add_tasks(alpha, completed=2)
    add_tasks(beta, completed=1, todo=1)
    client = client_for(team.member)
    assert [r["name"] for r in data(client.get("/api/v1/projects?search=rollout&sort=name"))] == [
        "Alpha rollout",
        "Beta",
    ]
    assert [r["name"] for r in data(client.get("/api/v1/projects?status=on_hold"))] == ["Gamma"]
    by_progress = data(client.get(f"/api/v1/projects?workspace_id={team.workspace.pk}&sort=-progress,name"))
    assert [r["name"] for r in by_progress] == ["Alpha rollout", "Beta", "Gamma"]
    assert data(client.get(f"/api/v1/projects?workspace_id={team.other_workspace.pk}")) == []
    assert_error(client.get("/api/v1/projects?status=done"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/v1/projects?workspace_id=abc"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/v1/projects?sort=secret"), 400, "INVALID_REQUEST")


def test_deleted_tasks_do_not_count_towards_progress(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    add_tasks(project, completed=1, todo=1)
    Task.objects.filter(status="todo").update(deleted_at=project.created_at)
    body = data(client_for(team.member).get(f"/api/v1/projects/{project.pk}"))
    assert (body["tasks_count"], body["progress"]) == (1, 100.0)


def test_private_projects_are_hidden_from_members_who_are_not_in_them(team, client_for):
    secret = ProjectFactory(workspace=team.workspace, visibility="private")
    assert_error(client_for(team.member).get(f"/api/v1/projects/{secret.pk}"), 404, "NOT_FOUND")
    assert str(secret.pk) not in {r["id"] for r in data(client_for(team.member).get("/api/v1/projects"))}
    assert data(client_for(team.admin).get(f"/api/v1/projects/{secret.pk}"))["id"] == str(secret.pk)
    ProjectMemberFactory(project=secret, user=team.member, role=ProjectRole.VIEWER)
    assert data(client_for(team.member).get(f"/api/v1/projects/{secret.pk}"))["my_role"] == "viewer"


def test_manager_edits_and_project_updated_carries_the_changes(team, client_for, django_capture_on_commit_callbacks):
    project = ProjectFactory(workspace=team.workspace, name="Old")
    ProjectMemberFactory(project=project, user=team.member, role=ProjectRole.MANAGER)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).patch(
            f"/api/v1/projects/{project.pk}", {"name": "New", "end_date": "2026-12-31", "description": ""}
        )
    assert data(response)["name"] == "New"
    [event] = events("project.updated")
    assert event.payload["changes"] == {
        "name": {"old": "Old", "new": "New"},
        "end_date": {"old": None, "new": "2026-12-31"},
    }
    assert event.payload["project_id"] == str(project.pk)


def test_an_edit_that_changes_nothing_emits_nothing(team, client_for):
    project = ProjectFactory(workspace=team.workspace, name="Same")
    data(client_for(team.admin).patch(f"/api/v1/projects/{project.pk}", {"name": "Same"}))
    assert events("project.updated") == []


def test_plain_member_cannot_edit_and_end_before_start_is_422(team, client_for):
    project = ProjectFactory(workspace=team.workspace, start_date="2026-05-01")
    assert_error(client_for(team.member).patch(f"/api/v1/projects/{project.pk}", {"name": "x"}), 403, "FORBIDDEN")
    response = client_for(team.admin).patch(f"/api/v1/projects/{project.pk}", {"end_date": "2026-04-01"})
    assert_error(response, 422, "VALIDATION_ERROR")
    project.refresh_from_db()
    assert project.end_date is None


def test_status_transitions_and_archived_is_refused(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    client = client_for(team.admin)
    path = f"/api/v1/projects/{project.pk}/status"
    assert data(client.patch(path, {"status": "on_hold"}))["status"] == "on_hold"
    assert data(client.patch(path, {"status": "completed"}))["status"] == "completed"
    assert data(client.patch(path, {"status": "active"}))["status"] == "active"
    assert_error(client.patch(path, {"status": "archived"}), 422, "VALIDATION_ERROR")
    assert_error(client.patch(path, {"status": "finished"}), 422, "VALIDATION_ERROR")
    assert [e.payload["changes"]["status"]["new"] for e in events("project.updated")] == [
        "on_hold",
        "completed",
        "active",
    ]
    assert_error(client_for(team.viewer).patch(path, {"status": "on_hold"}), 403, "FORBIDDEN")


def test_an_archived_project_is_read_only(team, client_for):
    project = ProjectFactory(workspace=team.workspace, status="archived", name="Frozen")
    client = client_for(team.owner)
    assert data(client.get(f"/api/v1/projects/{project.pk}"))["status"] == "archived"
    assert_error(client.patch(f"/api/v1/projects/{project.pk}", {"name": "x"}), 409, "CONFLICT")
    assert_error(client.patch(f"/api/v1/projects/{project.pk}/status", {"status": "active"}), 409, "CONFLICT")
    assert_error(client.delete(f"/api/v1/projects/{project.pk}"), 409, "CONFLICT")
    assert_error(
        client.post(f"/api/v1/projects/{project.pk}/members", {"user_id": str(team.member.pk)}), 409, "CONFLICT"
    )
    project.refresh_from_db()
    assert (project.name, project.status, project.deleted_at) == ("Frozen", "archived", None)
    assert events("project.updated") == []


def test_delete_moves_the_project_and_its_tasks_to_trash_and_emits_project_deleted(
    team, client_for, django_capture_on_commit_callbacks
):
    project = ProjectFactory(workspace=team.workspace)
    add_tasks(project, todo=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.admin).delete(f"/api/v1/projects/{project.pk}")
    assert response.status_code == 204
    assert Project.all_objects.get(pk=project.pk).deleted_by == team.admin
    assert not Task.objects.filter(project_id=project.pk).exists()
    assert Task.all_objects.filter(project_id=project.pk).count() == 2
    [event] = events("project.deleted")
    assert event.payload == {
        "project_id": str(project.pk),
        "workspace_id": str(team.workspace.pk),
        "name": project.name,
        "status": "active",
        "visibility": "workspace",
    }
    assert_error(client_for(team.admin).get(f"/api/v1/projects/{project.pk}"), 404, "NOT_FOUND")


def test_delete_by_plain_member_is_403(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    assert_error(client_for(team.member).delete(f"/api/v1/projects/{project.pk}"), 403, "FORBIDDEN")
    assert Project.objects.filter(pk=project.pk).exists()


def test_a_workspace_viewer_who_manages_the_project_still_only_reads(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    ProjectMemberFactory(project=project, user=team.viewer, role=ProjectRole.MANAGER)
    assert_error(client_for(team.viewer).patch(f"/api/v1/projects/{project.pk}", {"name": "x"}), 403, "FORBIDDEN")


def test_a_member_added_later_sees_workspace_projects(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    newcomer = WorkspaceMemberFactory(workspace=team.workspace).user
    assert data(client_for(newcomer).get(f"/api/v1/projects/{project.pk}"))["id"] == str(project.pk)
