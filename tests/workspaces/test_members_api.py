"""/workspaces/{id}/members, /members/{user_id} and /ownership/transfer."""

import pytest

from apps.projects.models import ProjectMember
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.models import WorkspaceMember
from tests.factories.accounts import UserFactory
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import assert_error, data, events

pytestmark = pytest.mark.django_db


def url(team, user=None) -> str:
    base = f"/api/v1/workspaces/{team.workspace.pk}/members"
    return f"{base}/{user.pk}" if user else base


def role_of(team, user) -> str | None:
    return WorkspaceMember.objects.filter(workspace=team.workspace, user=user).values_list("role", flat=True).first()


def test_anonymous_member_list_is_401(team, api_client):
    assert_error(api_client.get(url(team)), 401, "UNAUTHORIZED")


def test_viewer_lists_members_filtered_by_role_without_n_plus_one(team, client_for, django_assert_max_num_queries):
    for _ in range(30):
        WorkspaceMemberFactory(workspace=team.workspace, role=WorkspaceRole.VIEWER)
    client = client_for(team.viewer)
    with django_assert_max_num_queries(4):
        response = client.get(url(team) + "?page_size=100")
    rows = data(response)
    assert len(rows) == 34
    assert {"id", "user_id", "email", "username", "full_name", "role", "joined_at"} == set(rows[0])
    admins = data(client.get(url(team) + "?role=admin"))
    assert [row["user_id"] for row in admins] == [str(team.admin.pk)]
    by_email = data(client.get(url(team) + "?sort=-user__email&page_size=100"))
    assert [row["email"] for row in by_email] == sorted((row["email"] for row in rows), reverse=True)


def test_admin_adds_an_existing_user_by_email_and_user_joined_is_emitted(
    team, client_for, django_capture_on_commit_callbacks
):
    newcomer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.admin).post(url(team), {"email": newcomer.email.upper(), "role": "viewer"})
    body = data(response, 201)
    assert body["user_id"] == str(newcomer.pk)
    assert body["role"] == "viewer"
    [event] = events("user.joined")
    assert event.payload == {
        "workspace_id": str(team.workspace.pk),
        "user_id": str(newcomer.pk),
        "role": "viewer",
        "via": "added",
    }
    assert event.workspace_id == team.workspace.pk


def test_add_by_user_id_twice_is_409(team, client_for):
    newcomer = UserFactory()
    client = client_for(team.owner)
    data(client.post(url(team), {"user_id": str(newcomer.pk)}), 201)
    assert_error(client.post(url(team), {"user_id": str(newcomer.pk)}), 409, "CONFLICT")
    assert len(events("user.joined")) == 1


def test_add_unknown_user_is_404_and_owner_role_is_422(team, client_for):
    client = client_for(team.owner)
    assert_error(client.post(url(team), {"email": "nobody@example.com"}), 404, "NOT_FOUND")
    newcomer = UserFactory()
    response = client.post(url(team), {"user_id": str(newcomer.pk), "role": "owner"})
    assert_error(response, 422, "VALIDATION_ERROR", field="role")
    assert_error(client.post(url(team), {"role": "member"}), 422, "VALIDATION_ERROR")
    assert role_of(team, newcomer) is None


def test_member_cannot_add_members(team, client_for):
    newcomer = UserFactory()
    assert_error(client_for(team.member).post(url(team), {"user_id": str(newcomer.pk)}), 403, "FORBIDDEN")
    assert role_of(team, newcomer) is None


def test_admin_changes_a_role_with_patch_and_put(team, client_for):
    client = client_for(team.admin)
    assert data(client.patch(url(team, team.member), {"role": "viewer"}))["role"] == "viewer"
    assert data(client.put(url(team, team.member), {"role": "admin"}))["role"] == "admin"
    assert role_of(team, team.member) == "admin"


def test_the_owner_cannot_be_demoted_nor_promoted_to(team, client_for):
    client = client_for(team.owner)
    assert_error(client.patch(url(team, team.owner), {"role": "admin"}), 409, "CONFLICT")
    assert_error(client.patch(url(team, team.member), {"role": "owner"}), 422, "VALIDATION_ERROR")
    assert role_of(team, team.owner) == "owner"
    assert role_of(team, team.member) == "member"


def test_patch_of_a_non_member_is_404(team, client_for):
    assert_error(client_for(team.owner).patch(url(team, team.outsider), {"role": "viewer"}), 404, "NOT_FOUND")


def test_removing_a_member_drops_their_project_memberships(team, client_for):
    project = ProjectFactory(workspace=team.workspace)
    ProjectMemberFactory(project=project, user=team.member)
    response = client_for(team.admin).delete(url(team, team.member))
    assert response.status_code == 204
    assert role_of(team, team.member) is None
    assert not ProjectMember.objects.filter(user=team.member).exists()


def test_a_member_can_leave_but_the_owner_cannot(team, client_for):
    assert client_for(team.viewer).delete(url(team, team.viewer)).status_code == 204
    assert_error(client_for(team.owner).delete(url(team, team.owner)), 409, "CONFLICT")
    assert role_of(team, team.owner) == "owner"


def test_ownership_transfer_makes_the_old_owner_admin(team, client_for):
    response = client_for(team.owner).post(
        f"/api/v1/workspaces/{team.workspace.pk}/ownership/transfer", {"new_owner_id": str(team.viewer.pk)}
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["message"] == "Ownership transferred."
    assert body["data"]["role"] == "admin"
    assert role_of(team, team.viewer) == "owner"
    assert role_of(team, team.owner) == "admin"
    assert WorkspaceMember.objects.filter(workspace=team.workspace, role="owner").count() == 1


def test_ownership_transfer_to_a_non_member_or_self_is_422(team, client_for):
    client = client_for(team.owner)
    path = f"/api/v1/workspaces/{team.workspace.pk}/ownership/transfer"
    assert_error(client.post(path, {"new_owner_id": str(team.outsider.pk)}), 422, "VALIDATION_ERROR")
    assert_error(client.post(path, {"new_owner_id": str(team.owner.pk)}), 422, "VALIDATION_ERROR")
    assert_error(client.post(path, {"new_owner_id": "not-a-uuid"}), 422, "VALIDATION_ERROR")
    assert role_of(team, team.owner) == "owner"


def test_ownership_transfer_by_admin_is_403(team, client_for):
    response = client_for(team.admin).post(
        f"/api/v1/workspaces/{team.workspace.pk}/ownership/transfer", {"new_owner_id": str(team.admin.pk)}
    )
    assert_error(response, 403, "FORBIDDEN")
    assert role_of(team, team.owner) == "owner"
