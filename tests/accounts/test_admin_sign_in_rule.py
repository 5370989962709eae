"""One sign-in rule for the API and the admin: locking an account or signing it out everywhere ends
its admin (cookie) sessions and refuses its admin password login, like its API sessions."""

import pytest
from django.test import Client

from apps.accounts.choices import UserStatus
from apps.accounts.models import User
from tests.admin_forms import change_form_data
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory, bearer

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def password_login(user) -> Client:
    """A fresh password login at /admin/login/; the client is signed in when it succeeded."""
    client = Client()
    client.post("/admin/login/?next=/admin/", {"username": user.email, "password": DEFAULT_PASSWORD})
    return client


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def other_staff():
    return UserFactory(is_staff=True, is_superuser=True)


def test_locking_ends_admin_sessions_refuses_admin_login_and_clears_is_active(superuser, other_staff, pair_for):
    _, pair = pair_for(other_staff)
    their_admin = admin_client(other_staff)
    assert their_admin.get(CHANGELIST).status_code == 200
    assert password_login(other_staff).get(CHANGELIST).status_code == 200

    admin_client(superuser).post(CHANGELIST, {"action": "lock_accounts", "_selected_action": [str(other_staff.pk)]})

    other_staff.refresh_from_db()
    assert other_staff.status == UserStatus.SUSPENDED and other_staff.is_active is False
    assert bearer(pair.access).get("/api/v1/auth/me").status_code == 401
    assert their_admin.get(CHANGELIST).status_code == 302  # back to the login page
    assert password_login(other_staff).get(CHANGELIST).status_code == 302

    admin_client(superuser).post(CHANGELIST, {"action": "unlock_accounts", "_selected_action": [str(other_staff.pk)]})
    other_staff.refresh_from_db()
    assert other_staff.status == UserStatus.ACTIVE and other_staff.is_active is True
    assert their_admin.get(CHANGELIST).status_code == 302  # the old session stays ended
    assert password_login(other_staff).get(CHANGELIST).status_code == 200


def test_a_status_edited_in_the_form_is_enforced_on_admin_sessions_and_the_api(superuser, other_staff, pair_for):
    _, pair = pair_for(other_staff)
    their_admin = admin_client(other_staff)
    User.objects.filter(pk=other_staff.pk).update(status=UserStatus.SUSPENDED)
    assert their_admin.get(CHANGELIST).status_code == 302
    assert bearer(pair.access).get("/api/v1/auth/me").status_code == 401
    User.objects.filter(pk=other_staff.pk).update(status=UserStatus.ACTIVE, is_active=False)
    assert password_login(other_staff).get(CHANGELIST).status_code == 302
    assert bearer(pair.access).get("/api/v1/auth/me").status_code == 401


def test_force_logout_ends_admin_sessions_but_not_the_password_login_after_it(superuser, other_staff):
    their_admin = admin_client(other_staff)
    assert their_admin.get(CHANGELIST).status_code == 200
    admin_client(superuser).post(CHANGELIST, {"action": "force_logout", "_selected_action": [str(other_staff.pk)]})
    assert their_admin.get(CHANGELIST).status_code == 302
    assert password_login(other_staff).get(CHANGELIST).status_code == 200


def test_signing_yourself_out_everywhere_keeps_the_session_you_asked_from(superuser):
    mine, elsewhere = admin_client(superuser), admin_client(superuser)
    mine.post(CHANGELIST, {"action": "force_logout", "_selected_action": [str(superuser.pk)]})
    assert mine.get(CHANGELIST).status_code == 200
    assert elsewhere.get(CHANGELIST).status_code == 302


def test_a_superuser_cannot_lock_their_own_account(superuser, user):
    client = admin_client(superuser)
    response = client.post(
        CHANGELIST, {"action": "lock_accounts", "_selected_action": [str(superuser.pk), str(user.pk)]}, follow=True
    )
    assert "You cannot lock your own account." in response.content.decode()
    superuser.refresh_from_db()
    user.refresh_from_db()
    assert superuser.status == UserStatus.ACTIVE and superuser.is_active
    assert user.status == UserStatus.SUSPENDED  # the others of the selection are locked
    assert client.get(CHANGELIST).status_code == 200


@pytest.mark.parametrize("change", [{"status": UserStatus.SUSPENDED}, {"is_active": ""}])
def test_the_change_form_refuses_suspending_or_deactivating_yourself(superuser, change):
    client = admin_client(superuser)
    data = {
        "email": superuser.email,
        "username": superuser.username,
        "full_name": superuser.full_name,
        "status": UserStatus.ACTIVE,
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        **change,
    }
    data = {key: value for key, value in data.items() if value != ""}
    response = client.post(f"{CHANGELIST}{superuser.pk}/change/", data)
    assert response.status_code == 200
    assert "You cannot suspend or deactivate your own account." in response.content.decode()
    superuser.refresh_from_db()
    assert superuser.status == UserStatus.ACTIVE and superuser.is_active


def test_suspending_in_the_change_form_ends_sessions_for_good(superuser, other_staff, pair_for):
    _, pair = pair_for(other_staff)
    their_admin = admin_client(other_staff)
    client = admin_client(superuser)
    url = f"{CHANGELIST}{other_staff.pk}/change/"
    assert client.post(url, change_form_data(superuser, other_staff, status=UserStatus.SUSPENDED)).status_code == 302
    other_staff.refresh_from_db()
    assert client.post(url, change_form_data(superuser, other_staff, status=UserStatus.ACTIVE)).status_code == 302
    assert bearer(pair.access).get("/api/v1/auth/me").status_code == 401
    assert their_admin.get(CHANGELIST).status_code == 302
    assert password_login(other_staff).get(CHANGELIST).status_code == 200
