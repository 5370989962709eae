"""GET /auth/sessions, POST /auth/sessions/revoke and /auth/sessions/revoke-all, and the service
other modules call to sign a user out everywhere."""

import pytest
from auditlog.models import LogEntry

from apps.accounts.models import UserSession
from apps.accounts.services import user_sessions_revoke_all
from tests.factories.accounts import UserFactory, bearer, token_pair_for
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/auth/sessions"
REVOKE_URL = "/api/v1/auth/sessions/revoke"
REVOKE_ALL_URL = "/api/v1/auth/sessions/revoke-all"


def test_sessions_lists_my_active_sessions_with_the_current_one_marked(
    signed_in, pair_for, django_assert_max_num_queries
):
    user, session, _, client = signed_in
    for n in range(15):
        pair_for(user, user_agent=f"agent {n}", ip_address=f"10.0.0.{n}")
    ended, _ = pair_for(user)
    ended.revoked_at = ended.created_at
    ended.save()
    pair_for(UserFactory())

    with django_assert_max_num_queries(6):
        response = client.get(LIST_URL, {"page_size": 100})

    assert response.status_code == 200
    body = response.json()
    assert body["pagination"]["total"] == 16
    rows = body["data"]
    assert set(rows[0]) == {"id", "user_agent", "ip_address", "created_at", "last_activity", "is_current"}
    assert [r["id"] for r in rows if r["is_current"]] == [str(session.pk)]
    assert str(ended.pk) not in {r["id"] for r in rows}
    assert {"10.0.0.3", "10.0.0.14"} <= {r["ip_address"] for r in rows}


def test_sessions_needs_authentication(api_client):
    assert api_client.get(LIST_URL).status_code == 401


def test_revoking_a_session_stops_its_tokens(signed_in, pair_for, api_client):
    user, _, _, client = signed_in
    other_session, other_pair = pair_for(user)
    other_client = bearer(other_pair.access)
    assert other_client.get(LIST_URL).status_code == 200  # its state is now cached

    response = client.post(REVOKE_URL, {"session_id": str(other_session.pk)}, format="json")

    assert response.status_code == 200
    assert other_client.get(LIST_URL).status_code == 401
    assert (
        api_client.post("/api/v1/auth/refresh", {"refresh_token": other_pair.refresh}, format="json").status_code == 401
    )
    assert client.get(LIST_URL).status_code == 200
    assert LogEntry.objects.filter(additional_data__action="user.session_revoked").count() == 1


def test_revoking_someone_elses_session_is_404_and_changes_nothing(signed_in, pair_for):
    _, _, _, client = signed_in
    foreign, _ = pair_for(UserFactory())
    response = client.post(REVOKE_URL, {"session_id": str(foreign.pk)}, format="json")
    assert_error(response, 404, "NOT_FOUND")
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_revoking_an_unknown_or_malformed_session_id(signed_in):
    _, _, _, client = signed_in
    assert (
        client.post(REVOKE_URL, {"session_id": "5b0f3a3e-8f4e-4a8f-9b1e-2c1d3e4f5a6b"}, format="json").status_code
        == 404
    )
    response = client.post(REVOKE_URL, {"session_id": "not-a-uuid"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="session_id")


def test_revoke_all_ends_every_other_session_and_keeps_this_one(signed_in, pair_for):
    user, session, _, client = signed_in
    others = [pair_for(user)[1] for _ in range(3)]

    response = client.post(REVOKE_ALL_URL)

    assert response.status_code == 200
    assert response.json()["data"] == {"revoked_count": 3}
    assert client.get(LIST_URL).status_code == 200
    assert all(bearer(p.access).get(LIST_URL).status_code == 401 for p in others)
    assert UserSession.objects.filter(user=user, revoked_at__isnull=True).get() == session


def test_revoke_all_service_ends_everything_and_reports_the_count(user, pair_for):
    pairs = [pair_for(user)[1] for _ in range(2)]
    other_user_session, _ = pair_for(UserFactory())
    assert user_sessions_revoke_all(user=user) == 2
    assert user_sessions_revoke_all(user=user) == 0
    assert all(bearer(p.access).get(LIST_URL).status_code == 401 for p in pairs)
    other_user_session.refresh_from_db()
    assert other_user_session.revoked_at is None


def test_an_access_token_without_a_session_claim_is_refused(user):
    from rest_framework_simplejwt.tokens import AccessToken

    token = AccessToken()
    token["sub"] = str(user.pk)
    assert bearer(str(token)).get(LIST_URL).status_code == 401


def test_the_bearer_client_factory_authenticates_like_a_real_client(user):
    from tests.factories.accounts import bearer_client_for

    response = bearer_client_for(user).get(LIST_URL)
    assert response.status_code == 200
    assert response.json()["data"][0]["is_current"] is True


def test_sessions_are_still_checked_and_revocable_when_the_cache_is_down(signed_in, pair_for, settings, login):
    user, _, _, client = signed_in
    other_session, other_pair = pair_for(user)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert client.post(REVOKE_URL, {"session_id": str(other_session.pk)}, format="json").status_code == 200
    assert bearer(other_pair.access).get(LIST_URL).status_code == 401
    assert client.get(LIST_URL).status_code == 200
    assert login(user.email).status_code == 200


# A malformed id can only come with the signing key; it answers 422 as Django's ValidationError does.
@pytest.mark.parametrize(("subject", "status"), [("00000000-0000-4000-8000-000000000000", 401), ("not-a-uuid", 422)])
def test_an_access_token_for_an_unknown_or_malformed_user_id_is_refused(user, subject, status):
    from rest_framework_simplejwt.tokens import AccessToken

    _, pair = token_pair_for(user)
    token = AccessToken(pair.access)
    token["sub"] = subject
    response = bearer(str(token)).get(LIST_URL)
    assert response.status_code == status
    assert response.json()["success"] is False


def test_an_access_token_of_a_deactivated_user_is_refused(signed_in):
    user, _, _, client = signed_in
    assert client.get(LIST_URL).status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(LIST_URL)
    assert response.status_code == 401
    assert response.json()["success"] is False


def test_a_token_used_before_is_refused_once_expired_like_one_never_seen(signed_in, pair_for):
    from datetime import timedelta

    from django.utils import timezone
    from freezegun import freeze_time

    user, _, _, client = signed_in
    _, unseen = pair_for(user)
    assert client.get(LIST_URL).status_code == 200
    assert client.get(LIST_URL).status_code == 200  # checked again, at the current time
    with freeze_time(timezone.now() + timedelta(minutes=31)):
        used = client.get(LIST_URL)
        never_used = bearer(unseen.access).get(LIST_URL)
    assert used.status_code == never_used.status_code == 401
    assert used.json()["error"] == never_used.json()["error"]
