"""/workspaces/{id}/invitations, /invitations/{invitation_id} and /workspaces/invitations/accept."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from apps.workspaces.choices import InvitationStatus
from apps.workspaces.models import Invitation, WorkspaceMember
from tests.factories.accounts import UserFactory
from tests.factories.workspaces import InvitationFactory
from tests.helpers import assert_error, data, events

pytestmark = pytest.mark.django_db

ACCEPT = "/api/v1/workspaces/invitations/accept"


def url(team) -> str:
    return f"/api/v1/workspaces/{team.workspace.pk}/invitations"


def invite(team, client_for, django_capture_on_commit_callbacks, email="new.person@example.com", role="member"):
    """Invite through the API; returns (response body, raw token taken from the e-mail)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.admin).post(url(team), {"email": email, "role": role})
    body = data(response, 201)
    match = re.search(r"/invitations/accept\?token=([\w-]+)", mail.outbox[-1].body)
    return body, match.group(1)


def test_invite_sends_a_text_and_html_email_with_a_single_use_link(
    team, client_for, django_capture_on_commit_callbacks
):
    body, token = invite(team, client_for, django_capture_on_commit_callbacks, email="New.Person@Example.com")
    assert body["email"] == "new.person@example.com"
    assert body["status"] == "pending"
    assert "token" not in body and "token_hash" not in body
    [message] = mail.outbox
    assert message.to == ["new.person@example.com"]
    assert team.workspace.name in message.subject
    assert f"https://app.pronaflow.test/invitations/accept?token={token}" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f"https://app.pronaflow.test/invitations/accept?token={token}" in html
    invitation = Invitation.objects.get(pk=body["id"])
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.filter(pk=body["id"]).values().get())
    expected = timezone.now() + timedelta(days=7)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60


def test_no_email_is_sent_when_the_invitation_is_rolled_back(team, client_for, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.admin).post(url(team), {"email": team.member.email})
    assert_error(response, 409, "CONFLICT")
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_invite_with_role_owner_is_422(team, client_for):
    response = client_for(team.owner).post(url(team), {"email": "x@example.com", "role": "owner"})
    assert_error(response, 422, "VALIDATION_ERROR")
    assert_error(client_for(team.owner).post(url(team), {"email": "not-an-email"}), 422, "VALIDATION_ERROR")
    assert not Invitation.objects.exists()


def test_members_invite_only_when_the_workspace_allows_it_and_never_as_admin(team, client_for):
    client = client_for(team.member)
    assert_error(client.post(url(team), {"email": "x@example.com"}), 403, "FORBIDDEN")
    team.workspace.allow_member_invitations = True
    team.workspace.save()
    data(client.post(url(team), {"email": "x@example.com", "role": "viewer"}), 201)
    assert_error(client.post(url(team), {"email": "y@example.com", "role": "admin"}), 403, "FORBIDDEN")
    assert_error(client_for(team.viewer).post(url(team), {"email": "z@example.com"}), 403, "FORBIDDEN")


def test_a_new_invitation_supersedes_the_pending_one(team, client_for, django_capture_on_commit_callbacks):
    first, old_token = invite(team, client_for, django_capture_on_commit_callbacks)
    invite(team, client_for, django_capture_on_commit_callbacks)
    assert Invitation.objects.get(pk=first["id"]).status == InvitationStatus.CANCELLED
    invitee = UserFactory(email="new.person@example.com")
    assert_error(client_for(invitee).post(ACCEPT, {"token": old_token}), 409, "CONFLICT")


def test_list_shows_expired_ones_as_expired_and_filters_by_status(team, client_for, django_assert_max_num_queries):
    for _ in range(20):
        InvitationFactory(workspace=team.workspace)
    InvitationFactory(workspace=team.workspace, expires_at=timezone.now() - timedelta(minutes=1))
    client = client_for(team.admin)
    with django_assert_max_num_queries(5):
        rows = data(client.get(url(team) + "?page_size=100"))
    assert len(rows) == 21
    expired = data(client.get(url(team) + "?status=expired"))
    assert len(expired) == 1
    assert len(data(client.get(url(team) + "?status=pending&page_size=100"))) == 20
    assert_error(client.get(url(team) + "?status=lost"), 400, "INVALID_REQUEST")
    assert_error(client_for(team.viewer).get(url(team)), 403, "FORBIDDEN")


def test_accept_by_the_invited_user_joins_and_emits_user_joined(team, client_for, django_capture_on_commit_callbacks):
    _, token = invite(team, client_for, django_capture_on_commit_callbacks, role="viewer")
    invitee = UserFactory(email="new.person@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(invitee).post(ACCEPT, {"token": token})
    body = data(response)
    assert body["id"] == str(team.workspace.pk)
    assert body["role"] == "viewer"
    assert WorkspaceMember.objects.get(workspace=team.workspace, user=invitee).role == "viewer"
    invitation = Invitation.objects.get()
    assert (invitation.status, invitation.accepted_by) == (InvitationStatus.ACCEPTED, invitee)
    [event] = events("user.joined")
    assert event.payload == {
        "workspace_id": str(team.workspace.pk),
        "user_id": str(invitee.pk),
        "role": "viewer",
        "via": "invitation",
    }


def test_accept_by_another_user_is_403_and_writes_nothing(team, client_for, django_capture_on_commit_callbacks):
    _, token = invite(team, client_for, django_capture_on_commit_callbacks)
    assert_error(client_for(team.outsider).post(ACCEPT, {"token": token}), 403, "FORBIDDEN")
    assert not WorkspaceMember.objects.filter(workspace=team.workspace, user=team.outsider).exists()
    assert Invitation.objects.get().status == InvitationStatus.PENDING
    assert events("user.joined") == []


def test_a_reused_token_is_409(team, client_for, django_capture_on_commit_callbacks):
    _, token = invite(team, client_for, django_capture_on_commit_callbacks)
    invitee = UserFactory(email="new.person@example.com")
    data(client_for(invitee).post(ACCEPT, {"token": token}))
    assert_error(client_for(invitee).post(ACCEPT, {"token": token}), 409, "CONFLICT")
    assert len(events("user.joined")) == 1


def test_an_expired_token_is_409(team, client_for, django_capture_on_commit_callbacks):
    _, token = invite(team, client_for, django_capture_on_commit_callbacks)
    invitee = UserFactory(email="new.person@example.com")
    with freeze_time(timezone.now() + timedelta(days=7, minutes=1)):
        assert_error(client_for(invitee).post(ACCEPT, {"token": token}), 409, "CONFLICT")
    assert not WorkspaceMember.objects.filter(user=invitee).exists()


def test_an_unknown_token_is_404_and_anonymous_is_401(team, client_for, api_client):
    assert_error(client_for(team.outsider).post(ACCEPT, {"token": "guessed"}), 404, "NOT_FOUND")
    assert_error(api_client.post(ACCEPT, {"token": "guessed"}), 401, "UNAUTHORIZED")


def test_cancel_makes_the_token_useless(team, client_for, django_capture_on_commit_callbacks):
    body, token = invite(team, client_for, django_capture_on_commit_callbacks)
    response = client_for(team.owner).delete(f"{url(team)}/{body['id']}")
    assert response.status_code == 204
    assert Invitation.objects.get().status == InvitationStatus.CANCELLED
    assert_error(client_for(team.owner).delete(f"{url(team)}/{body['id']}"), 409, "CONFLICT")
    invitee = UserFactory(email="new.person@example.com")
    assert_error(client_for(invitee).post(ACCEPT, {"token": token}), 409, "CONFLICT")


def test_cancel_by_member_is_403(team, client_for):
    invitation = InvitationFactory(workspace=team.workspace)
    assert_error(client_for(team.member).delete(f"{url(team)}/{invitation.pk}"), 403, "FORBIDDEN")
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.PENDING


def test_the_expiry_job_marks_overdue_invitations(team):
    from apps.workspaces.tasks import invitations_expire_task

    overdue = InvitationFactory(workspace=team.workspace, expires_at=timezone.now() - timedelta(seconds=1))
    fresh = InvitationFactory(workspace=team.workspace)
    assert invitations_expire_task.delay().get() == 1
    overdue.refresh_from_db()
    fresh.refresh_from_db()
    assert (overdue.status, fresh.status) == (InvitationStatus.EXPIRED, InvitationStatus.PENDING)
