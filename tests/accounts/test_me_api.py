"""GET and PATCH /auth/me."""

import pytest

from tests.factories.accounts import UserFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/auth/me"


def test_me_returns_my_profile(auth_client, user):
    response = auth_client.get(ME_URL)
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {
        "id",
        "email",
        "username",
        "full_name",
        "status",
        "email_verified_at",
        "mfa_enabled",
        "roles",
        "created_at",
    }
    assert data["id"] == str(user.pk) and data["status"] == "active" and data["roles"] == ["user"]


def test_me_needs_authentication(api_client):
    response = api_client.get(ME_URL)
    assert_error(response, 401, "UNAUTHORIZED")


def test_patch_me_changes_full_name_and_username_only(auth_client, user):
    response = auth_client.patch(
        ME_URL,
        {"full_name": "Renamed Person", "username": "renamed", "email": "hijack@example.com", "status": "suspended"},
        format="json",
    )
    # Fields the profile does not take are refused by name, and nothing of the body is applied.
    assert response.status_code == 422
    assert set(response.json()["error"]["details"]) == {"email", "status"}
    user.refresh_from_db()
    assert user.email != "hijack@example.com" and user.status == "active" and user.username != "renamed"
    response = auth_client.patch(ME_URL, {"full_name": "Renamed Person", "username": "renamed"}, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["full_name"] == "Renamed Person" and data["username"] == "renamed"


def test_patch_me_with_a_taken_username_is_409(auth_client, user):
    UserFactory(username="TakenName")
    response = auth_client.patch(ME_URL, {"username": "takenname"}, format="json")
    assert response.status_code == 409
    user.refresh_from_db()
    assert user.username != "takenname"


def test_patch_me_keeping_my_own_username_is_fine(auth_client, user):
    assert auth_client.patch(ME_URL, {"username": user.username}, format="json").status_code == 200


def test_patch_me_with_an_invalid_username_is_422(auth_client):
    response = auth_client.patch(ME_URL, {"username": "has spaces"}, format="json")
    assert_error(response, 422, "VALIDATION_ERROR", field="username")
