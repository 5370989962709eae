"""TOTP MFA: set-up, confirmation, the second login step, backup codes, disable, regenerate."""

import base64
from datetime import timedelta

import pyotp
import pytest
from auditlog.models import LogEntry
from freezegun import freeze_time

from apps.accounts.models import MFABackupCode
from tests.accounts.conftest import totp_for
from tests.factories.accounts import DEFAULT_PASSWORD, bearer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

ENABLE_URL = "/api/v1/auth/mfa/enable"
CONFIRM_URL = "/api/v1/auth/mfa/confirm"
VERIFY_URL = "/api/v1/auth/mfa/verify"
DISABLE_URL = "/api/v1/auth/mfa/disable"
REGENERATE_URL = "/api/v1/auth/mfa/backup-codes/regenerate"


def test_enable_returns_a_secret_its_otpauth_uri_and_a_png_qr_code(user, client_for):
    response = client_for(user).post(ENABLE_URL)

    assert response.status_code == 200
    data = response.json()["data"]
    assert pyotp.parse_uri(data["otpauth_uri"]).secret == data["secret"]
    assert "issuer=PronaFlow" in data["otpauth_uri"]
    assert data["qr_code"].startswith("data:image/png;base64,")
    assert base64.b64decode(data["qr_code"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    user.refresh_from_db()
    assert user.mfa_enabled is False
    assert data["secret"] not in user.mfa_secret  # encrypted at rest


def test_confirm_turns_mfa_on_and_returns_ten_backup_codes_stored_hashed(user, client_for):
    client = client_for(user)
    secret = client.post(ENABLE_URL).json()["data"]["secret"]

    response = client.post(CONFIRM_URL, {"totp_code": pyotp.TOTP(secret).now()}, format="json")

    assert response.status_code == 200
    codes = response.json()["data"]["backup_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(MFABackupCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)
    assert client.get("/api/v1/auth/me").json()["data"]["mfa_enabled"] is True
    assert LogEntry.objects.filter(additional_data__action="user.mfa_enabled").exists()


def test_confirm_with_a_wrong_code_is_422_and_mfa_stays_off(user, client_for):
    client = client_for(user)
    client.post(ENABLE_URL)
    response = client.post(CONFIRM_URL, {"totp_code": "000000"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="totp_code")
    user.refresh_from_db()
    assert user.mfa_enabled is False


def test_confirm_before_enable_and_enable_twice_are_409(user, client_for, mfa_user):
    assert client_for(user).post(CONFIRM_URL, {"totp_code": "123456"}, format="json").status_code == 409
    assert client_for(mfa_user[0]).post(ENABLE_URL).status_code == 409


def test_mfa_endpoints_need_authentication(api_client):
    for url in (ENABLE_URL, CONFIRM_URL, DISABLE_URL, REGENERATE_URL):
        assert api_client.post(url, {}, format="json").status_code == 401


def test_login_with_mfa_on_returns_only_an_mfa_token(mfa_user, login):
    user, _ = mfa_user
    response = login(user.email)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["mfa_required"] is True
    assert "access_token" not in data and "refresh_token" not in data
    assert data["mfa_token"]


def test_mfa_verify_with_a_totp_code_completes_the_login(mfa_user, login, api_client):
    user, _ = mfa_user
    mfa_token = login(user.email).json()["data"]["mfa_token"]
    with freeze_time(timedelta(seconds=31)):  # a code from a later step than the one used to confirm
        response = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token, "totp_code": totp_for(user).now()}, format="json"
        )
        assert response.status_code == 200, response.content
        data = response.json()["data"]
        assert data["mfa_required"] is False
        assert bearer(data["access_token"]).get("/api/v1/auth/me").status_code == 200
    entry = LogEntry.objects.filter(additional_data__action="user.login").get()
    assert entry.additional_data["mfa"] is True


def test_a_totp_code_is_accepted_only_once(mfa_user, login, api_client):
    user, _ = mfa_user
    with freeze_time(timedelta(seconds=61)):
        code = totp_for(user).now()
        first = login(user.email).json()["data"]["mfa_token"]
        second = login(user.email).json()["data"]["mfa_token"]
        assert api_client.post(VERIFY_URL, {"mfa_token": first, "totp_code": code}, format="json").status_code == 200
        replay = api_client.post(VERIFY_URL, {"mfa_token": second, "totp_code": code}, format="json")
    assert replay.status_code == 401


def test_a_backup_code_works_once(mfa_user, login, api_client):
    user, codes = mfa_user
    token = login(user.email).json()["data"]["mfa_token"]
    assert (
        api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[0].upper()}, format="json").status_code
        == 200
    )
    token = login(user.email).json()["data"]["mfa_token"]
    assert api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[0]}, format="json").status_code == 401
    assert api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[1]}, format="json").status_code == 200


def test_the_mfa_token_is_single_use(mfa_user, login, api_client):
    user, codes = mfa_user
    token = login(user.email).json()["data"]["mfa_token"]
    assert api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[0]}, format="json").status_code == 200
    assert api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[1]}, format="json").status_code == 401


def test_the_mfa_token_expires_after_five_minutes(mfa_user, login, api_client):
    user, codes = mfa_user
    token = login(user.email).json()["data"]["mfa_token"]
    with freeze_time(timedelta(minutes=5, seconds=5)):
        response = api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[0]}, format="json")
    assert response.status_code == 401


def test_wrong_codes_count_towards_the_lockout(mfa_user, login, api_client):
    user, codes = mfa_user
    token = login(user.email).json()["data"]["mfa_token"]
    statuses = [
        api_client.post(VERIFY_URL, {"mfa_token": token, "totp_code": "000000"}, format="json").status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 401, 401]
    locked = api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": codes[0]}, format="json")
    assert locked.status_code == 429 and "Retry-After" in locked
    assert login(user.email).status_code == 429
    failures = LogEntry.objects.filter(additional_data__action="user.login_failed", additional_data__reason="mfa")
    assert failures.count() == 5


def test_verify_needs_exactly_one_kind_of_code(api_client):
    response = api_client.post(VERIFY_URL, {"mfa_token": "x"}, format="json")
    assert response.status_code == 422
    response = api_client.post(VERIFY_URL, {"mfa_token": "x", "totp_code": "1", "backup_code": "2"}, format="json")
    assert response.status_code == 422


def test_a_garbage_mfa_token_is_401(api_client):
    response = api_client.post(VERIFY_URL, {"mfa_token": "garbage", "totp_code": "123456"}, format="json")
    assert response.status_code == 401


def test_disable_needs_the_password_and_a_code(mfa_user, client_for, login):
    user, codes = mfa_user
    client = client_for(user)
    wrong = client.post(DISABLE_URL, {"password": "Wrong-Password-1!", "backup_code": codes[0]}, format="json")
    assert_error(wrong, 422, "VALIDATION_ERROR", field="password")
    bad_code = client.post(DISABLE_URL, {"password": DEFAULT_PASSWORD, "totp_code": "000000"}, format="json")
    assert_error(bad_code, 422, "VALIDATION_ERROR", field="totp_code")
    user.refresh_from_db()
    assert user.mfa_enabled is True

    with freeze_time(timedelta(seconds=31)):
        response = client.post(
            DISABLE_URL, {"password": DEFAULT_PASSWORD, "totp_code": totp_for(user).now()}, format="json"
        )

    assert response.status_code == 200
    user.refresh_from_db()
    assert user.mfa_enabled is False and user.mfa_secret == ""
    assert not MFABackupCode.objects.filter(user=user).exists()
    assert login(user.email).json()["data"]["mfa_required"] is False
    assert LogEntry.objects.filter(additional_data__action="user.mfa_disabled").exists()


def test_disable_when_mfa_is_off_is_409(user, client_for):
    response = client_for(user).post(DISABLE_URL, {"password": DEFAULT_PASSWORD, "totp_code": "1"}, format="json")
    assert response.status_code == 409


def test_regenerate_replaces_the_backup_codes(mfa_user, client_for, login, api_client):
    user, old_codes = mfa_user
    response = client_for(user).post(REGENERATE_URL)
    assert response.status_code == 200
    new_codes = response.json()["data"]["backup_codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    token = login(user.email).json()["data"]["mfa_token"]
    assert (
        api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": old_codes[0]}, format="json").status_code == 401
    )
    assert (
        api_client.post(VERIFY_URL, {"mfa_token": token, "backup_code": new_codes[0]}, format="json").status_code == 200
    )


def test_regenerate_without_mfa_is_409(user, client_for):
    assert client_for(user).post(REGENERATE_URL).status_code == 409
