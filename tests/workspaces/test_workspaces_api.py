"""POST/GET /workspaces, GET/PATCH/PUT/DELETE /workspaces/{id}."""

import pytest
from django.db import transaction

from apps.core.access import restrict
from apps.projects.models import Project
from apps.workspaces import services
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.models import Workspace, WorkspaceMember
from tests.factories.projects import ProjectFactory
from tests.factories.workspaces import WorkspaceFactory, WorkspaceMemberFactory
from tests.helpers import assert_error, data, events

pytestmark = pytest.mark.django_db


def test_anonymous_list_is_401(api_client):
    assert_error(api_client.get("/api/v1/workspaces"), 401, "UNAUTHORIZED")


def test_create_makes_the_caller_owner_and_emits_workspace_created_after_commit(
    user, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client_for(user).post("/api/v1/workspaces", {"name": "  Acme  ", "description": "Team"})
    body = data(response, 201)
    assert body["name"] == "Acme"
    assert body["role"] == "owner"
    assert body["members_count"] == 1
    assert body["created_by_id"] == str(user.pk)
    assert body["settings"] == {
        "timezone": "UTC",
        "work_days": [1, 2, 3, 4, 5],
        "default_task_status": "todo",
        "allow_member_invitations": False,
    }
    assert WorkspaceMember.objects.get(workspace_id=body["id"]).role == WorkspaceRole.OWNER
    [event] = events("workspace.created")
    assert event.payload == {"workspace_id": body["id"], "name": "Acme", "created_by_id": str(user.pk)}
    assert len(callbacks) == 1


def test_create_without_name_is_422_and_writes_nothing(user, client_for):
    assert_error(client_for(user).post("/api/v1/workspaces", {"name": "   "}), 422, "VALIDATION_ERROR", field="name")
    assert not Workspace.objects.exists()


def test_create_rolled_back_emits_nothing(user, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.workspace_create(actor=user, name="Doomed")
        raise RuntimeError("later step failed")
    assert callbacks == []
    assert events("workspace.created") == []
    assert not Workspace.all_objects.exists()


def test_list_shows_only_my_workspaces_with_my_role_and_counts(team, client_for, django_assert_max_num_queries):
    for _ in range(25):
        ws = WorkspaceFactory()
        WorkspaceMemberFactory(workspace=ws, user=team.member, role=WorkspaceRole.VIEWER)
        WorkspaceMemberFactory(workspace=ws)
    with django_assert_max_num_queries(3):
        response = client_for(team.member).get("/api/v1/workspaces?page_size=100&sort=name")
    rows = data(response)
    assert response.json()["pagination"]["total"] == 26
    assert str(team.other_workspace.pk) not in {row["id"] for row in rows}
    mine = next(row for row in rows if row["id"] == str(team.workspace.pk))
    assert mine["role"] == "member"
    assert mine["members_count"] == 4
    assert all(row["members_count"] == 3 for row in rows if row["id"] != str(team.workspace.pk))


def test_list_filters_by_role_and_rejects_bad_filters(team, client_for):
    WorkspaceFactory(created_by=team.member)
    client = client_for(team.member)
    rows = data(client.get("/api/v1/workspaces?role=owner"))
    assert [row["role"] for row in rows] == ["owner"]
    assert_error(client.get("/api/v1/workspaces?role=emperor"), 400, "INVALID_REQUEST")
    assert_error(client.get("/api/v1/workspaces?sort=password"), 400, "INVALID_REQUEST")


def test_detail_of_a_foreign_workspace_is_404(team, client_for):
    assert_error(client_for(team.outsider).get(f"/api/v1/workspaces/{team.workspace.pk}"), 404, "NOT_FOUND")


def test_patch_and_put_by_admin_edit_the_workspace(team, client_for):
    client = client_for(team.admin)
    body = data(client.patch(f"/api/v1/workspaces/{team.workspace.pk}", {"description": "New"}))
    assert body["description"] == "New"
    body = data(client.put(f"/api/v1/workspaces/{team.workspace.pk}", {"name": "Renamed", "type": "team"}))
    assert body["name"] == "Renamed"
    assert_error(client.put(f"/api/v1/workspaces/{team.workspace.pk}", {"type": "team"}), 422, "VALIDATION_ERROR")


def test_patch_by_member_is_403(team, client_for):
    response = client_for(team.member).patch(f"/api/v1/workspaces/{team.workspace.pk}", {"name": "Mine"})
    assert_error(response, 403, "FORBIDDEN")
    team.workspace.refresh_from_db()
    assert team.workspace.name != "Mine"


def test_delete_by_owner_moves_workspace_and_projects_to_trash(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    response = client_for(team.owner).delete(f"/api/v1/workspaces/{team.workspace.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert Workspace.all_objects.get(pk=team.workspace.pk).deleted_by == team.owner
    assert not restrict(Project.objects, team.owner).filter(pk=project.pk).exists()
    assert_error(client_for(team.owner).get(f"/api/v1/workspaces/{team.workspace.pk}"), 404, "NOT_FOUND")
    assert str(team.workspace.pk) not in {row["id"] for row in data(client_for(team.admin).get("/api/v1/workspaces"))}


def test_delete_by_admin_is_403(team, client_for):
    assert_error(client_for(team.admin).delete(f"/api/v1/workspaces/{team.workspace.pk}"), 403, "FORBIDDEN")
    assert Workspace.objects.filter(pk=team.workspace.pk).exists()
