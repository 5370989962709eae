"""Authenticating with an API token end to end: real requests with `Authorization: Bearer prona_...`."""

import datetime as dt
import hashlib
import re
import string
import zlib

import pytest
from django.utils import timezone
from freezegun import freeze_time

from apps.integrations.models import ApiToken
from apps.integrations.scopes import ALL_SCOPES
from apps.integrations.services.tokens import hash_token, new_token_secret, token_authenticate
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


# --- The token format and its stored digest ------------------------------------------------------


def scanner_recognises(raw: str) -> bool:
    """What a secret scanner does offline, from the documented format alone: the pattern, then the
    CRC32 of the 32 random characters, in base62 (0-9A-Za-z, left-padded with 0), as the last 6."""
    if not re.fullmatch(r"prona_[0-9A-Za-z]{38}", raw):
        return False
    alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
    number, checksum = zlib.crc32(raw[6:38].encode()), ""
    for _ in range(6):
        number, digit = divmod(number, 62)
        checksum = alphabet[digit] + checksum
    return raw[38:] == checksum


def test_new_tokens_carry_a_checksum_a_secret_scanner_verifies_offline():
    raws = {new_token_secret() for _ in range(200)}
    assert len(raws) == 200 and all(scanner_recognises(raw) for raw in raws)
    raw = raws.pop()
    typo = raw[:20] + ("A" if raw[20] != "A" else "B") + raw[21:]
    assert not scanner_recognises(typo) and not scanner_recognises(raw[:-1])


def test_a_token_whose_checksum_is_wrong_is_refused_without_a_database_lookup(
    team, token_client, django_assert_num_queries
):
    raw = new_token_secret()
    ApiTokenFactory(user=team.owner, raw=raw)
    broken = raw[:-1] + ("0" if raw[-1] != "0" else "1")
    with django_assert_num_queries(0):
        assert token_authenticate(broken) is None
    assert token_client(broken).get(PROJECTS).status_code == 401
    assert token_client(raw).get(PROJECTS).status_code == 200


def test_the_stored_digest_needs_the_server_pepper(team, token_client, settings):
    """A copy of the database alone cannot be checked against guesses: the digest is peppered."""
    token = ApiTokenFactory(user=team.owner, raw=new_token_secret())
    assert token.token_hash != hashlib.sha256(token.raw.encode()).hexdigest()
    settings.API_TOKEN_PEPPER = "another-server-pepper"
    assert token_client(token.raw).get(PROJECTS).status_code == 401


def test_peppers_rotate_and_tokens_are_rehashed_when_used(team, token_client, settings):
    settings.API_TOKEN_PEPPER, settings.API_TOKEN_PEPPER_VERSION = "pepper-one", 1
    token = ApiTokenFactory(user=team.owner, raw=new_token_secret())
    assert token.hash_version == 1
    settings.API_TOKEN_PEPPER, settings.API_TOKEN_PEPPER_VERSION = "pepper-two", 2
    settings.API_TOKEN_OLD_PEPPERS = {"1": "pepper-one"}
    assert token_client(token.raw).get(PROJECTS).status_code == 200
    token.refresh_from_db()
    assert token.hash_version == 2 and token.token_hash == hash_token(token.raw, 2)
    settings.API_TOKEN_OLD_PEPPERS = {}
    assert token_client(token.raw).get(PROJECTS).status_code == 200


def test_tokens_of_the_earlier_scheme_keep_working_and_move_to_the_pepper(team, token_client):
    legacy = "prona_" + "Ab3-_" * 8 + "xyz"  # prona_ + 43 URL-safe characters, stored as a bare SHA-256
    token = ApiTokenFactory(user=team.owner, raw=legacy)
    ApiToken.objects.filter(pk=token.pk).update(token_hash=hashlib.sha256(legacy.encode()).hexdigest(), hash_version=0)
    assert token_client(legacy).get(PROJECTS).status_code == 200
    token.refresh_from_db()
    assert token.hash_version == 1 and token.token_hash == hash_token(legacy)
    assert token_client(legacy).get(PROJECTS).status_code == 200


def test_a_digest_only_matches_under_its_own_scheme(team, token_client):
    """A row's scheme is part of the match: a bare SHA-256 stored under a pepper version is no token."""
    legacy = "prona_" + "Zz9-_" * 8 + "abc"
    token = ApiTokenFactory(user=team.owner, raw=legacy)
    ApiToken.objects.filter(pk=token.pk).update(token_hash=hashlib.sha256(legacy.encode()).hexdigest())
    assert token_client(legacy).get(PROJECTS).status_code == 401
