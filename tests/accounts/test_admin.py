"""The identity admin: search, lock/unlock and force-logout actions, and no secrets on screen."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.accounts.choices import UserStatus
from apps.accounts.models import User, UserSession
from tests.factories.accounts import UserFactory, bearer

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/user/"


@pytest.fixture
def staff_client(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client


def test_user_list_searches_and_never_shows_a_password_hash(staff_client, user):
    response = staff_client.get(CHANGELIST, {"q": user.email})
    assert response.status_code == 200
    assert user.email in response.content.decode()
    detail = staff_client.get(f"{CHANGELIST}{user.pk}/change/").content.decode()
    assert user.username in detail
    assert user.password not in detail and "md5$" not in detail and "pbkdf2" not in detail


def test_user_list_filters_by_lockout_and_status(staff_client, user):
    locked = UserFactory(locked_until=timezone.now() + timezone.timedelta(minutes=5))
    page = staff_client.get(CHANGELIST, {"locked": "yes"}).content.decode()
    assert locked.email in page and user.email not in page
    assert staff_client.get(CHANGELIST, {"status__exact": "suspended"}).status_code == 200


def test_lock_action_suspends_and_signs_out_and_unlock_restores(staff_client, user, pair_for):
    _, pair = pair_for(user)
    response = staff_client.post(CHANGELIST, {"action": "lock_accounts", "_selected_action": [str(user.pk)]})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.status == UserStatus.SUSPENDED
    assert bearer(pair.access).get("/api/v1/auth/me").status_code == 401

    staff_client.post(CHANGELIST, {"action": "unlock_accounts", "_selected_action": [str(user.pk)]})
    user.refresh_from_db()
    assert user.status == UserStatus.ACTIVE and user.locked_until is None


def test_force_logout_action_ends_every_session(staff_client, user, pair_for):
    pairs = [pair_for(user)[1] for _ in range(2)]
    staff_client.post(CHANGELIST, {"action": "force_logout", "_selected_action": [str(user.pk)]})
    assert not UserSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert all(bearer(p.access).get("/api/v1/auth/me").status_code == 401 for p in pairs)


def test_session_admin_lists_sessions_without_token_material(staff_client, user, pair_for):
    session, pair = pair_for(user, user_agent="AdminVisibleAgent/1.0")
    page = staff_client.get("/admin/accounts/usersession/").content.decode()
    assert "AdminVisibleAgent/1.0" in page
    detail = staff_client.get(f"/admin/accounts/usersession/{session.pk}/change/").content.decode()
    assert pair.refresh not in detail and session.refresh_jti not in detail


def test_raw_refresh_tokens_are_not_browsable_in_the_admin(staff_client):
    assert staff_client.get("/admin/token_blacklist/outstandingtoken/").status_code == 404


def test_admin_add_form_enforces_the_password_rules(staff_client):
    response = staff_client.post(
        "/admin/accounts/user/add/",
        {
            "email": "weak@example.com",
            "username": "weak",
            "password1": "weakpass",
            "password2": "weakpass",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="weak@example.com").exists()


def test_createsuperuser_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "weak")
    with pytest.raises(CommandError):
        call_command("createsuperuser", "--noinput", "--email", "root@example.com", "--username", "root")
    assert not User.objects.filter(email="root@example.com").exists()
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root-Password-2026!")
    call_command("createsuperuser", "--noinput", "--email", "root@example.com", "--username", "root")
    assert User.objects.get(email="root@example.com").is_superuser


def test_accounts_cannot_be_hard_deleted_from_the_admin(staff_client, user):
    assert staff_client.get(f"{CHANGELIST}{user.pk}/delete/").status_code == 403
    response = staff_client.post(CHANGELIST, {"action": "delete_selected", "_selected_action": [str(user.pk)]})
    assert response.status_code in (200, 302)
    assert User.objects.filter(pk=user.pk).exists()


def test_admin_changes_and_actions_are_audited_with_the_staff_user_and_ip(client, user):
    """Ticking Staff in the admin's change form, and an admin action, name the staff user as the
    actor of the audit entries (as Django's own admin history does) with the request's IP."""
    from auditlog.models import LogEntry

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = client.get(f"{CHANGELIST}{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    data.update(is_staff="on", is_active="on", groups=[], status=user.status)
    response = client.post(f"{CHANGELIST}{user.pk}/change/", data, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    user.refresh_from_db()
    assert user.is_staff

    change = LogEntry.objects.filter(object_pk=str(user.pk), changes__has_key="is_staff").latest("timestamp")
    assert change.actor_id == staff.pk and change.actor_email == staff.email
    assert change.remote_addr == "192.0.2.44"

    client.post(CHANGELIST, {"action": "lock_accounts", "_selected_action": [str(user.pk)]}, REMOTE_ADDR="192.0.2.44")
    entries = LogEntry.objects.filter(object_pk=str(user.pk), pk__gt=change.pk)
    assert entries.exists() and all(e.actor_id == staff.pk and e.remote_addr == "192.0.2.44" for e in entries)

    rows = bearer_for_admin_api(staff).get("/api/v1/audit-logs", {"resource_id": str(user.pk)}).json()["data"]
    rows = [row for row in rows if row["action"] != "user.created"]  # the factory's, before the admin
    assert rows and all(row["user_id"] == str(staff.pk) for row in rows)


def test_a_session_cookie_does_not_make_its_user_the_actor_of_an_api_call(client, user, pair_for):
    from auditlog.models import LogEntry

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)  # a staff session cookie rides along with a bearer call
    _, pair = pair_for(user)
    before = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(
        "/api/v1/workspaces",
        {"name": "Cookie and bearer"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {pair.access}",
    )
    assert response.status_code == 201, response.content
    entries = LogEntry.objects.filter(pk__gt=before)
    assert entries.exists() and {entry.actor_id for entry in entries} == {user.pk}


def bearer_for_admin_api(staff):
    from tests.factories.accounts import token_pair_for

    _, pair = token_pair_for(staff)
    return bearer(pair.access)
