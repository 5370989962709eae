"""Authenticating with an API token end to end: real requests with `Authorization: Bearer prona_...`."""

import datetime as dt

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES
from tests.factories.integrations import ApiTokenFactory
from tests.factories.projects import ProjectFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

PROJECTS = "/api/v1/projects"


def test_a_token_with_read_projects_lists_the_owners_projects(team, api_token, token_client):
    mine = ProjectFactory(workspace=team.workspace)
    ProjectFactory(workspace=team.other_workspace)

    response = token_client(api_token.raw).get(PROJECTS)

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["data"]] == [str(mine.pk)]
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None


def test_a_token_created_through_the_api_authenticates(team, client_for, token_client):
    ProjectFactory(workspace=team.workspace)
    created = client_for(team.owner).post(
        "/api/v1/integration/tokens", {"name": "SDK", "scopes": ["read:projects"]}, format="json"
    )
    raw = created.json()["data"]["token"]
    assert token_client(raw).get(PROJECTS).status_code == 200


def test_a_token_never_sees_more_than_its_owner(team, token_client):
    ProjectFactory(workspace=team.workspace)
    outsider_token = ApiTokenFactory(user=team.outsider, scopes=["read:projects", "read:workspaces"])
    client = token_client(outsider_token.raw)
    assert client.get(PROJECTS).json()["data"] == []
    assert client.get(f"/api/v1/workspaces/{team.workspace.pk}").status_code == 404


@pytest.mark.parametrize(
    "state",
    [
        {"expires_at": timezone.now() - dt.timedelta(seconds=1)},
        {"is_revoked": True},
        {"is_active": False},
    ],
    ids=["expired", "revoked", "inactive"],
)
def test_unusable_tokens_answer_401(team, token_client, state):
    token = ApiTokenFactory(user=team.owner, **state)
    response = token_client(token.raw).get(PROJECTS)
    assert_error(response, 401, "UNAUTHORIZED")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_prona_token_answers_401(token_client, db):
    response = token_client("prona_" + "x" * 43).get(PROJECTS)
    assert response.status_code == 401


def test_a_token_of_a_suspended_account_answers_401(team, api_token, token_client):
    team.owner.status = "suspended"
    team.owner.save(update_fields=["status"])
    assert token_client(api_token.raw).get(PROJECTS).status_code == 401


def test_jwt_bearer_values_still_reach_jwt_authentication(team, token_client):
    # Not a prona_ value: the token authentication steps aside and JWT authentication rejects it.
    response = token_client("eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl").get(PROJECTS)
    assert response.status_code == 401
    assert "prona" not in response.json()["error"]["message"].lower()


def test_a_missing_scope_answers_403_naming_it(team, token_client):
    token = ApiTokenFactory(user=team.owner, scopes=["read:tasks"])
    response = token_client(token.raw).get(PROJECTS)
    error = assert_error(response, 403, "FORBIDDEN")["error"]
    assert "read:projects" in error["message"]
    assert error["details"]["missing_scopes"] == ["read:projects"]


def test_read_scope_does_not_allow_writes(team, api_token, token_client):
    response = token_client(api_token.raw).post(
        PROJECTS, {"workspace_id": str(team.workspace.pk), "name": "By token"}, format="json"
    )
    body = assert_error(response, 403, "FORBIDDEN")
    assert body["error"]["details"]["missing_scopes"] == ["write:projects"]


def test_write_scope_allows_writes_within_the_owners_rights(team, token_client):
    token = ApiTokenFactory(user=team.owner, scopes=["write:projects"])
    response = token_client(token.raw).post(
        PROJECTS, {"workspace_id": str(team.workspace.pk), "name": "By token"}, format="json"
    )
    assert response.status_code == 201
    viewer_token = ApiTokenFactory(user=team.viewer, scopes=["write:projects"])
    refused = token_client(viewer_token.raw).post(
        PROJECTS, {"workspace_id": str(team.workspace.pk), "name": "By viewer"}, format="json"
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/integration/tokens"),
        ("post", "/api/v1/integration/tokens"),
        ("get", "/api/v1/integration/tokens/scopes"),
        ("get", "/api/v1/auth/me"),
    ],
)
def test_token_management_and_auth_endpoints_refuse_api_tokens(team, token_client, method, path):
    token = ApiTokenFactory(user=team.owner, scopes=sorted(ALL_SCOPES))
    response = getattr(token_client(token.raw), method)(path, {"name": "x", "scopes": ["read:tasks"]}, format="json")
    body = assert_error(response, 403, "FORBIDDEN")
    assert body["error"]["details"]["reason"] == "endpoint_closed_to_api_tokens"
    assert ApiToken.objects.count() == 1


def test_jwt_requests_are_not_limited_by_scopes(team, client_for):
    ProjectFactory(workspace=team.workspace)
    assert client_for(team.owner).get(PROJECTS).status_code == 200
    assert client_for(team.owner).get("/api/v1/integration/tokens").status_code == 200


def test_last_used_at_is_written_at_most_once_a_minute(team, api_token, token_client):
    client = token_client(api_token.raw)
    with freeze_time("2026-11-25 10:00:00"):
        ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
        client.get(PROJECTS)
    with freeze_time("2026-11-25 10:00:40"):
        client.get(PROJECTS)
    api_token.refresh_from_db()
    assert api_token.last_used_at == dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    with freeze_time("2026-11-25 10:01:05"):
        client.get(PROJECTS)
    api_token.refresh_from_db()
    assert api_token.last_used_at == dt.datetime(2026, 11, 25, 10, 1, 5, tzinfo=dt.UTC)


def test_token_requests_attribute_audit_entries_to_the_owner(team, token_client):
    from auditlog.models import LogEntry

    from apps.projects.models import Project

    token = ApiTokenFactory(user=team.owner, scopes=["write:projects"])
    response = token_client(token.raw).post(
        PROJECTS, {"workspace_id": str(team.workspace.pk), "name": "Audited"}, format="json"
    )
    project = Project.objects.get(pk=response.json()["data"]["id"])
    entry = LogEntry.objects.get_for_object(project).first()
    assert entry.actor_id == team.owner.pk
