"""The role matrix of workspaces and projects: each action by each workspace role.

owner > admin > member > viewer. Viewers only read; members create projects but do not manage
members; only the owner deletes the workspace or transfers the ownership; the owner cannot leave.
"""

from __future__ import annotations

import pytest

from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.models import WorkspaceMember
from tests.factories.accounts import UserFactory
from tests.factories.projects import ProjectFactory, ProjectMemberFactory
from tests.factories.workspaces import Team, WorkspaceMemberFactory
from tests.helpers import assert_error

ROLES = ("owner", "admin", "member", "viewer")


class Ctx:
    def __init__(self, team: Team) -> None:
        self.team = team
        self.ws = f"/api/v1/workspaces/{self.team.workspace.pk}"
        # A bystander member whom actions target, so no actor acts on themselves.
        self.target = WorkspaceMemberFactory(workspace=self.team.workspace, role=WorkspaceRole.MEMBER).user
        self.stranger = UserFactory()
        self.project = ProjectFactory(workspace=self.team.workspace, created_by=self.team.owner)
        self.pj = f"/api/v1/projects/{self.project.pk}"


# action -> (method, path builder, body builder, {role: expected status})
READ = dict.fromkeys(ROLES, 200)
MANAGERS = {"owner": None, "admin": None, "member": 403, "viewer": 403}
ACTIONS = {
    "read the workspace": ("get", lambda c: c.ws, None, READ),
    "read the settings": ("get", lambda c: c.ws + "/settings", None, READ),
    "list the members": ("get", lambda c: c.ws + "/members", None, READ),
    "list the projects": ("get", lambda c: f"/api/v1/projects?workspace_id={c.team.workspace.pk}", None, READ),
    "read a project": ("get", lambda c: c.pj, None, READ),
    "list the project members": ("get", lambda c: c.pj + "/members", None, READ),
    "edit the workspace": (
        "patch",
        lambda c: c.ws,
        lambda c: {"name": "Renamed"},
        {**MANAGERS, "owner": 200, "admin": 200},
    ),
    "edit the settings": (
        "patch",
        lambda c: c.ws + "/settings",
        lambda c: {"timezone": "Europe/Paris"},
        {**MANAGERS, "owner": 200, "admin": 200},
    ),
    "delete the workspace": (
        "delete",
        lambda c: c.ws,
        None,
        {"owner": 204, "admin": 403, "member": 403, "viewer": 403},
    ),
    "add a member": (
        "post",
        lambda c: c.ws + "/members",
        lambda c: {"user_id": str(c.stranger.pk)},
        {**MANAGERS, "owner": 201, "admin": 201},
    ),
    "change a member's role": (
        "patch",
        lambda c: f"{c.ws}/members/{c.target.pk}",
        lambda c: {"role": "viewer"},
        {**MANAGERS, "owner": 200, "admin": 200},
    ),
    "remove a member": (
        "delete",
        lambda c: f"{c.ws}/members/{c.target.pk}",
        None,
        {**MANAGERS, "owner": 204, "admin": 204},
    ),
    "transfer the ownership": (
        "post",
        lambda c: c.ws + "/ownership/transfer",
        lambda c: {"new_owner_id": str(c.target.pk)},
        {"owner": 200, "admin": 403, "member": 403, "viewer": 403},
    ),
    "invite by e-mail": (
        "post",
        lambda c: c.ws + "/invitations",
        lambda c: {"email": "invitee@example.com"},
        {**MANAGERS, "owner": 201, "admin": 201},
    ),
    "list the invitations": ("get", lambda c: c.ws + "/invitations", None, {**MANAGERS, "owner": 200, "admin": 200}),
    "create a project": (
        "post",
        lambda c: "/api/v1/projects",
        lambda c: {"workspace_id": str(c.team.workspace.pk), "name": "New"},
        {"owner": 201, "admin": 201, "member": 201, "viewer": 403},
    ),
    "edit a project they do not manage": (
        "patch",
        lambda c: c.pj,
        lambda c: {"name": "Renamed"},
        {**MANAGERS, "owner": 200, "admin": 200},
    ),
    "change a project's status": (
        "patch",
        lambda c: c.pj + "/status",
        lambda c: {"status": "on_hold"},
        {**MANAGERS, "owner": 200, "admin": 200},
    ),
    "add a project member": (
        "post",
        lambda c: c.pj + "/members",
        lambda c: {"user_id": str(c.target.pk)},
        {**MANAGERS, "owner": 201, "admin": 201},
    ),
    "delete a project": ("delete", lambda c: c.pj, None, {**MANAGERS, "owner": 204, "admin": 204}),
}
CASES = [(action, role) for action in ACTIONS for role in ROLES]


@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{role} may {action}"[:90] for action, role in CASES])
def test_role_matrix(team, client_for, action, role):
    method, path, body, expected = ACTIONS[action]
    ctx = Ctx(team)
    client = client_for(ctx.team.user(role))
    args = (path(ctx), body(ctx)) if body else (path(ctx),)
    response = getattr(client, method)(*args)
    if expected[role] == 403:
        assert_error(response, 403, "FORBIDDEN")
    else:
        assert response.status_code == expected[role], response.content


@pytest.mark.parametrize("role", ["admin", "member", "viewer"])
def test_every_member_but_the_owner_can_leave(team, client_for, role):
    user = team.user(role)
    response = client_for(user).delete(f"/api/v1/workspaces/{team.workspace.pk}/members/{user.pk}")
    assert response.status_code == 204
    assert not WorkspaceMember.objects.filter(workspace=team.workspace, user=user).exists()


def test_the_last_owner_cannot_leave_nor_be_removed_nor_demoted(team, client_for):
    path = f"/api/v1/workspaces/{team.workspace.pk}/members/{team.owner.pk}"
    assert client_for(team.owner).delete(path).status_code == 409
    assert client_for(team.admin).delete(path).status_code == 409
    assert client_for(team.admin).patch(path, {"role": "viewer"}).status_code == 409
    assert WorkspaceMember.objects.get(workspace=team.workspace, user=team.owner).role == WorkspaceRole.OWNER


def test_after_a_transfer_the_old_owner_can_leave_and_the_new_one_cannot(team, client_for):
    ws = f"/api/v1/workspaces/{team.workspace.pk}"
    transfer = client_for(team.owner).post(ws + "/ownership/transfer", {"new_owner_id": str(team.member.pk)})
    assert transfer.status_code == 200
    assert client_for(team.member).delete(f"{ws}/members/{team.member.pk}").status_code == 409
    assert client_for(team.owner).delete(f"{ws}/members/{team.owner.pk}").status_code == 204
    assert client_for(team.owner).get(ws).status_code == 404


def test_a_project_manager_who_is_a_workspace_member_manages_that_project_only(team, client_for):
    managed = ProjectFactory(workspace=team.workspace)
    other = ProjectFactory(workspace=team.workspace)
    client = client_for(team.member)
    assert client.post(f"/api/v1/projects/{managed.pk}/members", {"user_id": str(team.viewer.pk)}).status_code == 403
    ProjectMemberFactory(project=managed, user=team.member, role="manager")
    assert client.patch(f"/api/v1/projects/{managed.pk}", {"name": "Mine"}).status_code == 200
    assert client.post(f"/api/v1/projects/{managed.pk}/members", {"user_id": str(team.viewer.pk)}).status_code == 201
    assert client.patch(f"/api/v1/projects/{other.pk}", {"name": "Not mine"}).status_code == 403
