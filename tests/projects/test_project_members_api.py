"""GET/POST /projects/{id}/members, PATCH/DELETE /projects/{id}/members/{user_id}."""

import pytest

from apps.projects.choices import ProjectRole
from apps.projects.models import ProjectMember
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import WorkspaceMemberFactory
from tests.helpers import assert_error, data

pytestmark = pytest.mark.django_db


@pytest.fixture
def project(team):
    project = ProjectFactory(workspace=team.workspace)
    ProjectMemberFactory(project=project, user=team.member, role=ProjectRole.MANAGER)
    return project


def url(project, user=None) -> str:
    base = f"/api/v1/projects/{project.pk}/members"
    return f"{base}/{user.pk}" if user else base


def test_list_members_without_n_plus_one(team, project, client_for, django_assert_max_num_queries):
    for _ in range(25):
        ProjectMemberFactory(project=project, user=WorkspaceMemberFactory(workspace=team.workspace).user)
    with django_assert_max_num_queries(4):
        rows = data(client_for(team.viewer).get(url(project) + "?page_size=100"))
    assert len(rows) == 26
    assert {"id", "user_id", "email", "username", "full_name", "role", "added_at"} == set(rows[0])
    managers = data(client_for(team.viewer).get(url(project) + "?role=manager"))
    assert [r["user_id"] for r in managers] == [str(team.member.pk)]


def test_manager_adds_a_workspace_member(team, project, client_for):
    body = data(client_for(team.member).post(url(project), {"user_id": str(team.viewer.pk), "role": "viewer"}), 201)
    assert (body["user_id"], body["role"]) == (str(team.viewer.pk), "viewer")
    assert_error(client_for(team.member).post(url(project), {"user_id": str(team.viewer.pk)}), 409, "CONFLICT")


def test_adding_someone_outside_the_workspace_is_422_and_writes_nothing(team, project, client_for):
    response = client_for(team.owner).post(url(project), {"user_id": str(team.outsider.pk)})
    assert_error(response, 422, "VALIDATION_ERROR", field="user_id")
    assert not ProjectMember.objects.filter(user=team.outsider).exists()


def test_plain_project_member_cannot_manage_members(team, project, client_for):
    ProjectMemberFactory(project=project, user=team.admin, role=ProjectRole.MEMBER)
    other = WorkspaceMemberFactory(workspace=team.workspace).user
    ProjectMemberFactory(project=project, user=other, role=ProjectRole.MEMBER)
    assert_error(client_for(other).post(url(project), {"user_id": str(team.viewer.pk)}), 403, "FORBIDDEN")
    assert_error(client_for(other).patch(url(project, team.member), {"role": "viewer"}), 403, "FORBIDDEN")
    assert_error(client_for(other).delete(url(project, team.member)), 403, "FORBIDDEN")
    assert ProjectMember.objects.get(project=project, user=team.member).role == ProjectRole.MANAGER


def test_admin_changes_a_role_and_removes_a_member(team, project, client_for):
    client = client_for(team.admin)
    assert data(client.patch(url(project, team.member), {"role": "member"}))["role"] == "member"
    assert_error(client.patch(url(project, team.member), {"role": "owner"}), 422, "VALIDATION_ERROR")
    assert client.delete(url(project, team.member)).status_code == 204
    assert not ProjectMember.objects.filter(project=project, user=team.member).exists()
    assert_error(client.delete(url(project, team.member)), 404, "NOT_FOUND")


def test_a_project_member_can_leave(team, project, client_for):
    ProjectMemberFactory(project=project, user=team.viewer, role=ProjectRole.VIEWER)
    assert client_for(team.viewer).delete(url(project, team.viewer)).status_code == 204


def test_members_of_a_private_project_are_hidden_from_others(team, client_for):
    secret = ProjectFactory(workspace=team.workspace, visibility="private")
    assert_error(client_for(team.member).get(url(secret)), 404, "NOT_FOUND")
