"""POST /auth/login: tokens and claims, bad credentials, unverified and suspended accounts, lockout."""

from datetime import timedelta

import jwt
import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.utils import timezone
from freezegun import freeze_time

from apps.accounts.choices import UserStatus
from apps.accounts.models import UserSession
from tests.accounts.conftest import LOGIN_URL
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def decode(token: str) -> dict:
    return jwt.decode(token, settings.SIMPLE_JWT["SIGNING_KEY"], algorithms=["HS256"])


def actions(action: str):
    return LogEntry.objects.filter(additional_data__action=action)


def test_login_returns_a_token_pair_with_the_spec_claims(user, login):
    response = login(user.email, REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="pytest-browser/1.0")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 30 * 60
    assert data["mfa_required"] is False
    assert data["user"]["id"] == str(user.pk) and data["user"]["email"] == user.email
    access, refresh = decode(data["access_token"]), decode(data["refresh_token"])
    assert access["sub"] == str(user.pk)
    assert access["email"] == user.email and access["username"] == user.username
    assert access["roles"] == ["user"]
    assert access["token_type"] == "access" and refresh["token_type"] == "refresh"
    assert access["exp"] - access["iat"] == 30 * 60
    assert refresh["exp"] - refresh["iat"] == 7 * 24 * 3600
    session = UserSession.objects.get(user=user)
    assert access["sid"] == refresh["sid"] == str(session.pk)
    assert session.ip_address == "203.0.113.9" and session.user_agent == "pytest-browser/1.0"


def test_staff_and_superusers_carry_their_platform_roles(login):
    staff = UserFactory(is_staff=True)
    root = UserFactory(is_staff=True, is_superuser=True)
    assert decode(login(staff.email).json()["data"]["access_token"])["roles"] == ["user", "staff"]
    assert decode(login(root.email).json()["data"]["access_token"])["roles"] == ["user", "staff", "admin"]


def test_login_by_username_is_case_insensitive(user, api_client):
    response = api_client.post(
        LOGIN_URL, {"username": user.username.upper(), "password": DEFAULT_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["user"]["id"] == str(user.pk)


def test_login_by_email_ignores_case(user, login):
    assert login(user.email.upper()).status_code == 200


def test_login_records_an_audit_entry_with_the_client_ip(user, login):
    login(user.email, REMOTE_ADDR="198.51.100.7")
    entry = actions("user.login").get()
    assert entry.object_pk == str(user.pk) and entry.actor_id == user.pk
    assert entry.remote_addr == "198.51.100.7"
    user.refresh_from_db()
    assert user.last_login is not None


def test_a_stale_bearer_token_does_not_block_login(user, login):
    response = login(user.email, HTTP_AUTHORIZATION="Bearer not-a-token")
    assert response.status_code == 200


def test_wrong_password_is_401_and_audited_as_a_failure(user, login):
    response = login(user.email, "Wrong-Password-99!", REMOTE_ADDR="198.51.100.8")
    assert_error(response, 401, "UNAUTHORIZED")
    entry = actions("user.login_failed").get()
    assert entry.object_pk == str(user.pk) and entry.remote_addr == "198.51.100.8"
    assert entry.additional_data["reason"] == "password"
    assert not UserSession.objects.exists()


def test_unknown_email_answers_exactly_like_a_wrong_password_and_writes_no_audit_row(user, login):
    wrong = login(user.email, "Wrong-Password-99!").json()
    unknown = login("nobody@example.com", "Wrong-Password-99!").json()
    assert wrong["error"] == unknown["error"]
    assert actions("user.login_failed").count() == 1


def test_missing_identifier_or_password_is_422(api_client):
    response = api_client.post(LOGIN_URL, {"password": "x"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="email")
    response = api_client.post(LOGIN_URL, {"email": "a@example.com"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="password")


def test_unverified_account_cannot_log_in_even_with_the_right_password(login):
    pending = UserFactory(status=UserStatus.PENDING_VERIFICATION, email_verified_at=None)
    response = login(pending.email)
    assert_error(response, 403, "FORBIDDEN")
    assert response.json()["error"]["details"]["reason"] == "email_unverified"
    assert login(pending.email, "Wrong-Password-99!").status_code == 401


def test_suspended_account_cannot_log_in(login):
    suspended = UserFactory(status=UserStatus.SUSPENDED)
    assert login(suspended.email).status_code == 403


def test_deleted_account_looks_unknown(login):
    gone = UserFactory(status=UserStatus.DELETED)
    assert login(gone.email).status_code == 401


def test_five_failures_answer_401_then_lock_the_account_so_the_right_password_answers_429(user, login):
    with freeze_time("2026-11-25 10:00:00") as clock:
        for _ in range(5):
            failed = login(user.email, "Wrong-Password-99!")
            assert_error(failed, 401, "UNAUTHORIZED")
        sixth = login(user.email)
        assert_error(sixth, 429, "RATE_LIMITED")
        assert int(sixth["Retry-After"]) == 15 * 60 + 1

        clock.tick(timedelta(minutes=5))
        locked = login(user.email)
        assert locked.status_code == 429
        assert 10 * 60 <= int(locked["Retry-After"]) <= 10 * 60 + 1

        clock.tick(timedelta(minutes=10, seconds=2))
        assert login(user.email).status_code == 200
    assert actions("user.login_failed").filter(additional_data__locked=True).count() == 1


def test_lockout_threshold_and_duration_come_from_settings(user, login, settings):
    settings.LOGIN_LOCKOUT_ATTEMPTS = 2
    settings.LOGIN_LOCKOUT_MINUTES = 1
    with freeze_time("2026-11-25 10:00:00") as clock:
        assert login(user.email, "Wrong-Password-99!").status_code == 401
        assert login(user.email, "Wrong-Password-99!").status_code == 401
        response = login(user.email)
        assert response.status_code == 429 and int(response["Retry-After"]) == 61
        clock.tick(timedelta(seconds=62))
        assert login(user.email).status_code == 200


def test_a_successful_login_resets_the_failure_count(user, login):
    for _ in range(4):
        login(user.email, "Wrong-Password-99!")
    assert login(user.email).status_code == 200
    for _ in range(4):
        assert login(user.email, "Wrong-Password-99!").status_code == 401


def test_old_failures_outside_the_window_are_forgotten(user, login):
    with freeze_time("2026-11-25 10:00:00") as clock:
        for _ in range(4):
            login(user.email, "Wrong-Password-99!")
        clock.tick(timedelta(minutes=16))
        assert login(user.email, "Wrong-Password-99!").status_code == 401


def test_unknown_accounts_lock_the_same_way_so_lockout_reveals_nothing(login):
    for _ in range(5):
        assert login("ghost@example.com", "Wrong-Password-99!").status_code == 401
    response = login("ghost@example.com", "Wrong-Password-99!")
    assert response.status_code == 429
    assert 15 * 60 - 1 <= int(response["Retry-After"]) <= 15 * 60 + 1
    assert login("ghost@example.com", "Wrong-Password-99!").status_code == 429


def test_failures_are_counted_per_ip_across_accounts(login, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 3
    victims = UserFactory.create_batch(3)
    for victim in victims:
        assert login(victim.email, "Wrong-Password-99!", REMOTE_ADDR="192.0.2.50").status_code == 401
    blocked = login(victims[0].email, REMOTE_ADDR="192.0.2.50")
    assert blocked.status_code == 429 and "Retry-After" in blocked
    assert login(victims[0].email, REMOTE_ADDR="192.0.2.51").status_code == 200


def test_unknown_emails_count_towards_the_ip_limit(login, user, settings):
    settings.LOGIN_IP_FAILURE_LIMIT = 2
    login("a@example.com", "x", REMOTE_ADDR="192.0.2.60")
    login("b@example.com", "x", REMOTE_ADDR="192.0.2.60")
    assert login(user.email, REMOTE_ADDR="192.0.2.60").status_code == 429


def test_locked_user_is_not_locked_for_ever(user, login):
    user.locked_until = timezone.now() - timedelta(seconds=1)
    user.save()
    assert login(user.email).status_code == 200
