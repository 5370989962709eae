"""POST /auth/register, /auth/verify-email and /auth/resend-verification."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from freezegun import freeze_time

from apps.accounts.choices import UserStatus
from apps.accounts.models import User
from tests.accounts.conftest import last_mail_to, link_params
from tests.factories.accounts import UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

REGISTER_URL = "/api/v1/auth/register"
VERIFY_URL = "/api/v1/auth/verify-email"
RESEND_URL = "/api/v1/auth/resend-verification"
STRONG = "Sturdy-Passw0rd!"


def payload(**overrides):
    return {"email": "New.Person@Example.com", "username": "newperson", "password": STRONG, **overrides} | (
        {"full_name": "New Person"} if "full_name" not in overrides else {}
    )


@pytest.fixture
def register(api_client, django_capture_on_commit_callbacks):
    def do(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return api_client.post(REGISTER_URL, payload(**overrides), format="json")

    return do


def test_register_creates_a_pending_account_and_mails_a_verification_link(register):
    response = register()

    assert response.status_code == 201, response.content
    data = response.json()["data"]
    assert data["email"] == "new.person@example.com"
    assert data["status"] == "pending_verification"
    assert data["email_verified_at"] is None and data["mfa_enabled"] is False and data["roles"] == ["user"]
    assert "password" not in data
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(STRONG)
    message = last_mail_to("new.person@example.com")
    params = link_params(message.body, "/verify-email")
    assert params["user_id"] == str(user.pk)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"https://app.pronaflow.test/verify-email?user_id={user.pk}&amp;token={params['token']}" in html
    assert "24 hours" in message.body


def test_no_mail_is_sent_when_the_transaction_does_not_commit(api_client):
    response = api_client.post(REGISTER_URL, payload(), format="json")
    assert response.status_code == 201
    assert mail.outbox == []  # the e-mail waits for the commit


def test_pending_account_cannot_log_in_until_verified(register, login, api_client):
    register()
    assert login("new.person@example.com", STRONG).status_code == 403
    params = link_params(last_mail_to("new.person@example.com").body, "/verify-email")

    response = api_client.post(VERIFY_URL, params, format="json")

    assert response.status_code == 200
    assert response.json()["data"]["status"] == "active"
    assert response.json()["data"]["email_verified_at"]
    assert login("new.person@example.com", STRONG).status_code == 200


def test_a_verification_token_works_once(register, api_client):
    register()
    params = link_params(last_mail_to("new.person@example.com").body, "/verify-email")
    assert api_client.post(VERIFY_URL, params, format="json").status_code == 200
    response = api_client.post(VERIFY_URL, params, format="json")
    assert_error(response, 400, "INVALID_REQUEST")


def test_a_verification_token_expires_after_24_hours(register, api_client):
    with freeze_time("2026-11-25 10:00:00") as clock:
        register()
        params = link_params(last_mail_to("new.person@example.com").body, "/verify-email")
        clock.tick(timedelta(hours=24, seconds=1))
        assert api_client.post(VERIFY_URL, params, format="json").status_code == 400
    assert User.objects.get(email="new.person@example.com").status == UserStatus.PENDING_VERIFICATION


def test_a_token_of_one_user_does_not_verify_another(register, api_client):
    register()
    other = UserFactory(status=UserStatus.PENDING_VERIFICATION, email_verified_at=None)
    params = link_params(last_mail_to("new.person@example.com").body, "/verify-email")
    response = api_client.post(VERIFY_URL, {**params, "user_id": str(other.pk)}, format="json")
    assert response.status_code == 400
    other.refresh_from_db()
    assert other.status == UserStatus.PENDING_VERIFICATION


def test_verify_with_a_malformed_user_id_is_422(api_client):
    response = api_client.post(VERIFY_URL, {"user_id": "1", "token": "x"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="user_id")


@pytest.mark.parametrize("field", ["email", "username"])
def test_a_taken_email_or_username_is_409_ignoring_case(register, field):
    UserFactory(email="new.person@example.com", username="NewPerson")
    other = {"email": "someone.else@example.com", "username": "someoneelse"}
    other.pop(field)
    response = register(**other)
    assert_error(response, 409, "CONFLICT", field=field)


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("Sh0rt-pass!", "at least 12 characters"),
        ("no-upper-case-42!", "upper-case"),
        ("NO-LOWER-CASE-42!", "lower-case"),
        ("No-Digits-Here-At-All!", "digit"),
        ("NoSpecialCharacter42", "special character"),
        ("newperson-Example1!", "too similar"),
    ],
)
def test_each_password_rule_is_enforced_and_named(register, password, fragment):
    response = register(password=password)
    messages = assert_error(response, 422, "VALIDATION_ERROR", field="password")["error"]["details"]["password"]
    assert any(fragment in m for m in messages), messages
    assert not User.objects.filter(email="new.person@example.com").exists()


def test_a_password_breaking_several_rules_lists_every_rule(register):
    messages = register(password="abc").json()["error"]["details"]["password"]
    assert len(messages) >= 4


@pytest.mark.parametrize(
    "overrides",
    [{"email": "not-an-email"}, {"username": "a b"}, {"username": "x"}, {"username": "name@domain"}, {"password": ""}],
)
def test_invalid_fields_are_422(register, overrides):
    response = register(**overrides)
    body = assert_error(response, 422, "VALIDATION_ERROR")
    assert set(overrides) <= set(body["error"]["details"])


def test_resend_sends_a_new_link_and_the_old_one_stops_working(
    register, api_client, django_capture_on_commit_callbacks
):
    register()
    first = link_params(last_mail_to("new.person@example.com").body, "/verify-email")
    cache.clear()  # a minute later: Redis expiry does not follow a frozen clock
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(RESEND_URL, {"email": "NEW.person@example.com"}, format="json")
    assert response.status_code == 200
    second = link_params(last_mail_to("new.person@example.com").body, "/verify-email")
    assert second["token"] != first["token"]
    assert api_client.post(VERIFY_URL, first, format="json").status_code == 400
    assert api_client.post(VERIFY_URL, second, format="json").status_code == 200


def test_resend_answers_the_same_for_unknown_active_and_pending_addresses(
    api_client, user, django_capture_on_commit_callbacks
):
    pending = UserFactory(status=UserStatus.PENDING_VERIFICATION, email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        bodies = [
            api_client.post(RESEND_URL, {"email": email}, format="json").json()
            for email in ("nobody@example.com", user.email, pending.email)
        ]
    assert bodies[0] == bodies[1] == bodies[2]
    assert [m.to for m in mail.outbox] == [[pending.email]]


def test_resend_mails_an_account_at_most_once_a_minute(api_client, django_capture_on_commit_callbacks):
    pending = UserFactory(status=UserStatus.PENDING_VERIFICATION, email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            assert api_client.post(RESEND_URL, {"email": pending.email}, format="json").status_code == 200
    assert len(mail.outbox) == 1
