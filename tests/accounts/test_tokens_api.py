"""POST /auth/refresh and /auth/logout; what a bearer token may still do afterwards."""

from datetime import timedelta
from unittest import mock

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from apps.accounts.choices import UserStatus
from apps.accounts.models import UserSession
from apps.accounts.tokens import build_mfa_token
from tests.factories.accounts import bearer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

REFRESH_URL = "/api/v1/auth/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/auth/me"


def refresh(api_client, token):
    return api_client.post(REFRESH_URL, {"refresh_token": token}, format="json")


def test_access_token_authenticates_api_requests(signed_in):
    user, _, _, client = signed_in
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == str(user.pk)


def test_refresh_rotates_the_pair_within_the_same_session(signed_in, api_client):
    user, _session, pair, _ = signed_in
    response = refresh(api_client, pair.refresh)

    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert data["refresh_token"] != pair.refresh
    assert bearer(data["access_token"]).get(ME_URL).status_code == 200
    assert UserSession.objects.filter(user=user).count() == 1
    assert BlacklistedToken.objects.filter(token__jti=pair.refresh_jti).exists()


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
def test_the_bearer_scheme_is_case_insensitive_so_the_login_token_type_works(user, login, scheme):
    data = login(user.email).json()["data"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {data['access_token']}")
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["data"]["id"] == str(user.pk)


def test_an_unknown_scheme_or_an_extra_part_is_401(signed_in):
    _, _, pair, _ = signed_in
    for header in (f"Token {pair.access}", f"bearer {pair.access} extra"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get(ME_URL)
        assert_error(response, 401, "UNAUTHORIZED")


def test_a_rotated_refresh_token_is_refused_and_ends_the_session(signed_in, api_client):
    _, session, pair, _ = signed_in
    newer = refresh(api_client, pair.refresh).json()["data"]

    replay = refresh(api_client, pair.refresh)
    assert_error(replay, 401, "UNAUTHORIZED")
    # Reuse means the token leaked: the thief's and the owner's newer tokens both stop working.
    assert refresh(api_client, newer["refresh_token"]).status_code == 401
    assert bearer(newer["access_token"]).get(ME_URL).status_code == 401
    session.refresh_from_db()
    assert session.revoked_at is not None
    assert LogEntry.objects.filter(additional_data__reason="refresh_token_reuse").exists()


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c"])
def test_malformed_refresh_tokens_are_401_or_422(api_client, token):
    response = refresh(api_client, token)
    assert response.status_code in (401, 422)
    assert response.json()["success"] is False


def test_an_access_token_is_not_a_refresh_token(signed_in, api_client):
    _, _, pair, _ = signed_in
    assert refresh(api_client, pair.access).status_code == 401


def test_an_expired_refresh_token_is_401(signed_in, api_client):
    _, _, pair, _ = signed_in
    with freeze_time(timedelta(days=7, seconds=5), tick=False):
        assert refresh(api_client, pair.refresh).status_code == 401


def test_an_expired_access_token_is_401(signed_in):
    _, _, _pair, client = signed_in
    with freeze_time(timedelta(minutes=30, seconds=5), tick=False):
        response = client.get(ME_URL)
    assert response.status_code == 401


def test_a_forged_signature_is_401(signed_in):
    _, _, pair, _ = signed_in
    head, payload, _signature = pair.access.split(".")
    assert bearer(f"{head}.{payload}.AAAA").get(ME_URL).status_code == 401


def test_the_mfa_challenge_token_is_not_an_access_token(user):
    assert bearer(build_mfa_token(user)).get(ME_URL).status_code == 401


def test_refresh_of_a_suspended_account_is_401(signed_in, api_client):
    user, _, pair, client = signed_in
    user.status = UserStatus.SUSPENDED
    user.save()
    assert refresh(api_client, pair.refresh).status_code == 401
    assert client.get(ME_URL).status_code == 401


def test_refresh_does_not_need_and_is_not_blocked_by_a_bearer_header(signed_in, api_client):
    _, _, pair, _ = signed_in
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.bogus")
    assert refresh(api_client, pair.refresh).status_code == 200


def test_logout_ends_the_session_so_both_tokens_stop_working(signed_in, api_client):
    user, session, pair, client = signed_in
    response = client.post(LOGOUT_URL, {}, format="json")

    assert response.status_code == 200
    assert response.json()["success"] is True
    assert client.get(ME_URL).status_code == 401
    assert refresh(api_client, pair.refresh).status_code == 401
    session.refresh_from_db()
    assert session.revoked_at is not None
    assert BlacklistedToken.objects.filter(token__jti=pair.refresh_jti).exists()
    assert LogEntry.objects.filter(additional_data__action="user.logout", object_pk=str(user.pk)).exists()


def test_logout_with_a_refresh_token_of_another_user_touches_nothing(signed_in, pair_for):
    from tests.factories.accounts import UserFactory

    _, _, _, client = signed_in
    other_session, other_pair = pair_for(UserFactory())
    client.post(LOGOUT_URL, {"refresh_token": other_pair.refresh}, format="json")
    other_session.refresh_from_db()
    assert other_session.revoked_at is None


def test_logout_needs_authentication(api_client):
    response = api_client.post(LOGOUT_URL, {}, format="json")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"


def test_logout_holds_when_the_cache_refuses_to_forget_the_session(signed_in, django_capture_on_commit_callbacks):
    """The cache refuses commands during the logout (its data kept): the cached "live" state it
    still holds is trusted for SESSION_CACHE_SECONDS at most, then the token is refused."""
    _, _, pair, client = signed_in
    assert client.get("/api/v1/auth/me").status_code == 200  # caches the session's state

    def refuse(*args, **kwargs):
        raise ConnectionError("Redis refuses commands")

    with (
        mock.patch.object(cache, "delete_many", refuse),
        mock.patch.object(cache, "delete", refuse),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert client.post("/api/v1/auth/logout", {"refresh_token": pair.refresh}, format="json").status_code == 200

    with freeze_time(timezone.now() + timedelta(seconds=5)):
        response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "UNAUTHORIZED"
