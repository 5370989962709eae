"""POST /auth/password-change, /auth/password-reset and /auth/password-reset/confirm."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts.choices import UserStatus
from apps.accounts.models import UserSession
from tests.accounts.conftest import last_mail_to, link_params
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory, bearer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

CHANGE_URL = "/api/v1/auth/password-change"
RESET_URL = "/api/v1/auth/password-reset"
CONFIRM_URL = "/api/v1/auth/password-reset/confirm"
ME_URL = "/api/v1/auth/me"
NEW_PASSWORD = "Brand-New-Secret-77?"


def test_password_change_ends_the_other_sessions_and_keeps_this_one(signed_in, pair_for, login):
    user, _session, _, client = signed_in
    other = [pair_for(user)[1] for _ in range(2)]

    response = client.post(
        CHANGE_URL, {"current_password": DEFAULT_PASSWORD, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["data"] == {"revoked_count": 2}
    assert client.get(ME_URL).status_code == 200
    assert all(bearer(p.access).get(ME_URL).status_code == 401 for p in other)
    assert login(user.email, DEFAULT_PASSWORD).status_code == 401
    assert login(user.email, NEW_PASSWORD).status_code == 200
    assert LogEntry.objects.filter(additional_data__action="user.password_changed", object_pk=str(user.pk)).exists()


def test_password_change_with_a_wrong_current_password_is_422_and_counts_towards_lockout(signed_in):
    user, _, _, client = signed_in
    body = {"current_password": "Not-My-Password-1!", "new_password": NEW_PASSWORD}
    response = client.post(CHANGE_URL, body, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="current_password")
    for _ in range(4):
        assert client.post(CHANGE_URL, body, format="json").status_code == 422
    assert client.post(CHANGE_URL, body, format="json").status_code == 429
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_enforces_the_password_rules(signed_in):
    user, _, _, client = signed_in
    response = client.post(CHANGE_URL, {"current_password": DEFAULT_PASSWORD, "new_password": "weak"}, format="json")
    body = assert_error(response, 422, "VALIDATION_ERROR", field="new_password")
    assert len(body["error"]["details"]["new_password"]) >= 3
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_password_change_needs_authentication(api_client):
    assert api_client.post(CHANGE_URL, {}, format="json").status_code == 401


@pytest.fixture
def request_reset(api_client, django_capture_on_commit_callbacks):
    def do(email):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(RESET_URL, {"email": email}, format="json")

    return do


def test_password_reset_mails_a_15_minute_link(user, request_reset):
    response = request_reset(user.email.upper())
    assert response.status_code == 200
    message = last_mail_to(user.email)
    params = link_params(message.body, "/reset-password")
    assert params["user_id"] == str(user.pk)
    assert "15 minutes" in message.body
    assert "/reset-password?user_id=" in message.alternatives[0][0]


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(user, request_reset):
    pending = UserFactory(status=UserStatus.PENDING_VERIFICATION, email_verified_at=None)
    known = request_reset(user.email).json()
    unknown = request_reset("nobody@example.com").json()
    unverified = request_reset(pending.email).json()
    assert known == unknown == unverified
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_reset_confirm_sets_the_password_ends_every_session_and_lifts_the_lockout(
    user, request_reset, pair_for, api_client, login
):
    pairs = [pair_for(user)[1] for _ in range(2)]
    user.locked_until = timezone.now() + timedelta(minutes=10)
    user.save()
    request_reset(user.email)
    params = link_params(last_mail_to(user.email).body, "/reset-password")

    response = api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    assert all(bearer(p.access).get(ME_URL).status_code == 401 for p in pairs)
    assert not UserSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert login(user.email, NEW_PASSWORD).status_code == 200
    assert LogEntry.objects.filter(additional_data__action="user.password_reset").exists()


def test_a_reset_token_works_once(user, request_reset, api_client):
    request_reset(user.email)
    params = link_params(last_mail_to(user.email).body, "/reset-password")
    assert api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD}, format="json").status_code == 200
    again = api_client.post(CONFIRM_URL, {**params, "new_password": "Another-Secret-88?"}, format="json")
    assert again.status_code == 400
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_reset_token_expires_after_15_minutes(user, request_reset, api_client):
    with freeze_time("2026-11-25 10:00:00") as clock:
        request_reset(user.email)
        params = link_params(last_mail_to(user.email).body, "/reset-password")
        clock.tick(timedelta(minutes=15, seconds=1))
        response = api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.check_password(DEFAULT_PASSWORD)


def test_a_weak_new_password_is_422_and_leaves_the_token_usable(user, request_reset, api_client):
    request_reset(user.email)
    params = link_params(last_mail_to(user.email).body, "/reset-password")
    weak = api_client.post(CONFIRM_URL, {**params, "new_password": "password"}, format="json")
    assert_error(weak, 422, "VALIDATION_ERROR", field="new_password")
    assert api_client.post(CONFIRM_URL, {**params, "new_password": NEW_PASSWORD}, format="json").status_code == 200


def test_a_forged_reset_token_is_400(user, api_client):
    response = api_client.post(
        CONFIRM_URL, {"user_id": str(user.pk), "token": "forged", "new_password": NEW_PASSWORD}, format="json"
    )
    assert_error(response, 400, "INVALID_REQUEST")
