"""GET /compliance/my-data and POST /compliance/erasure."""

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.accounts.models import User
from apps.archive.models import AuditChainLink, ComplianceExport
from apps.archive.services.audit_chain import audit_chain_verify
from apps.workspaces.models import Invitation
from tests.archive.helpers import domain_entries
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.archive import audit_action
from tests.factories.collaboration import CommentFactory
from tests.factories.workspaces import InvitationFactory, WorkspaceFactory, WorkspaceMemberFactory
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

MY_DATA = "/api/v1/compliance/my-data"
ERASURE = "/api/v1/compliance/erasure"


def test_my_data_holds_profile_related_rows_and_audit_trail(client_for, team, task):
    comment = CommentFactory(task=task, author=team.member)
    audit_action("user.login", actor=team.member, target=team.member, remote_addr="203.0.113.8")
    response = client_for(team.member).get(MY_DATA)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["user"]["email"] == team.member.email
    assert "password" not in data["user"]
    assert [row["id"] for row in data["related"]["collaboration.comment"]["author"]] == [str(comment.pk)]
    assert data["related"]["workspaces.workspacemember"]["user"][0]["role"] == "member"
    assert any(entry["action"] == "user.login" for entry in data["audit_log"])
    assert domain_entries("user.data_exported").get().actor == team.member


def test_my_data_lists_export_jobs_with_their_file_path(client_for, team):
    job = ComplianceExport.objects.create(
        requested_by=team.owner,
        format="pdf",
        status="completed",
        start_date=timezone.now() - timedelta(days=1),
        end_date=timezone.now(),
    )
    job.file.save("audit.pdf", ContentFile(b"%PDF-1.7"), save=True)
    response = client_for(team.owner).get(MY_DATA)
    assert response.status_code == 200, response.content
    [row] = response.json()["data"]["related"]["archive.complianceexport"]["requested_by"]
    assert row["id"] == str(job.pk) and row["file"] == job.file.name


def test_my_data_anonymous_returns_401(api_client):
    assert_error(api_client.get(MY_DATA), 401, "UNAUTHORIZED")


def test_erasure_pseudonymises_the_account_and_the_audit_trail(client_for, team, task):
    person = UserFactory(email="erin@example.com", username="erin", full_name="Erin Example")
    WorkspaceMemberFactory(workspace=team.workspace, user=person)
    comment = CommentFactory(task=task, author=person)
    audit_action("user.login", actor=person, target=person, remote_addr="203.0.113.8")
    InvitationFactory(workspace=team.workspace, email="erin@example.com")
    client = client_for(person)
    response = client.post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    pseudonym = data["pseudonym"]
    assert pseudonym.startswith("erased-") and data["audit_entries_pseudonymised"] >= 1

    person.refresh_from_db()
    assert person.email == f"{pseudonym}@erased.pronaflow.invalid"
    assert person.username == pseudonym and person.full_name == "Erased user"
    assert person.status == "deleted" and not person.is_active and not person.has_usable_password()
    assert not Invitation.objects.filter(email__iexact="erin@example.com").exists()
    comment.refresh_from_db()
    assert comment.author_id == person.pk  # authorship stays, under the pseudonym

    leftovers = LogEntry.objects.filter(actor_email__icontains="erin@example.com") | LogEntry.objects.filter(
        changes__icontains="erin@example.com"
    )
    assert not leftovers.exists()
    login = LogEntry.objects.get(additional_data__action="user.login", actor=person)
    assert login.actor_email == person.email and login.remote_addr is None
    assert AuditChainLink.objects.get(entry=login).redacted_at is not None
    report = audit_chain_verify()
    assert report.intact, report.as_dict()
    assert report.redacted >= 1
    assert domain_entries("user.erased").get().additional_data["pseudonym"] == pseudonym


def test_erased_pseudonym_is_stable_in_the_audit_api(client_for, team):
    person = team.admin
    audit_action("project.viewed", actor=person, target=person, workspace_id=team.workspace.pk)
    client_for(person).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True})
    rows = client_for(team.owner).get("/api/v1/audit-logs", {"user_id": str(person.pk)}).json()["data"]
    assert rows and {row["user_email"] for row in rows} == {User.objects.get(pk=person.pk).email}


def test_erasure_revokes_refresh_tokens(client_for, user):
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
    from rest_framework_simplejwt.tokens import RefreshToken

    RefreshToken.for_user(user)
    client_for(user).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True})
    assert BlacklistedToken.objects.filter(token__user=user).count() >= 1


def test_erasure_with_a_wrong_password_returns_422_and_changes_nothing(client_for, user):
    email = user.email
    assert_error(
        client_for(user).post(ERASURE, {"password": "nope", "confirm": True}), 422, "VALIDATION_ERROR", field="password"
    )
    user.refresh_from_db()
    assert user.email == email and user.is_active


def test_erasure_needs_confirmation(client_for, user):
    assert_error(
        client_for(user).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": False}), 422, "VALIDATION_ERROR"
    )
    assert_error(client_for(user).post(ERASURE, {}), 422, "VALIDATION_ERROR")


def test_owner_of_a_shared_workspace_must_transfer_it_first(client_for, team):
    body = assert_error(
        client_for(team.owner).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True}), 409, "CONFLICT"
    )
    assert str(team.workspace.pk) in body["error"]["details"]["workspace_ids"]
    assert User.objects.get(pk=team.owner.pk).is_active


def test_owner_of_a_solo_workspace_can_erase(client_for):
    owner = UserFactory()
    WorkspaceFactory(created_by=owner)
    assert client_for(owner).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True}).status_code == 200


def test_erasure_anonymous_returns_401(api_client):
    assert_error(api_client.post(ERASURE, {}), 401, "UNAUTHORIZED")


def test_erasure_over_a_real_session_scrubs_email_and_ip_from_every_audit_column(api_client, team):
    """Signed in with a bearer token from an IP (so the request's audit context names the person):
    no audit column keeps the e-mail or the IP afterwards, `user.erased` included, and the chain
    (and `manage.py audit_verify`) still verifies."""
    import json

    from django.contrib.admin.models import CHANGE
    from django.contrib.admin.models import LogEntry as AdminLogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from apps.accounts.models import UserSession
    from tests.accounts.conftest import bearer

    ip = "198.51.100.77"
    person = UserFactory(email="ivy@example.com", username="ivy", full_name="Ivy Example")
    WorkspaceMemberFactory(workspace=team.workspace, user=person)
    AdminLogEntry.objects.create(
        user=team.owner,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message="[]",
    )
    api_client.post(
        "/api/v1/auth/login", {"email": "nobody@example.com", "password": "wrong"}, format="json", REMOTE_ADDR=ip
    )
    api_client.post("/api/v1/auth/login", {"email": person.email, "password": "wrong"}, format="json", REMOTE_ADDR=ip)
    login = api_client.post(
        "/api/v1/auth/login", {"email": person.email, "password": DEFAULT_PASSWORD}, format="json", REMOTE_ADDR=ip
    )
    assert login.status_code == 200, login.content
    assert LogEntry.objects.filter(remote_addr=ip).exists()

    client = bearer(login.json()["data"]["access_token"])
    response = client.post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True}, format="json", REMOTE_ADDR=ip)
    assert response.status_code == 200, response.content

    columns = ("actor_email", "remote_addr", "object_repr", "changes", "changes_text", "serialized_data")
    for entry in LogEntry.objects.all():
        text = json.dumps([getattr(entry, c) for c in columns] + [entry.additional_data], default=str).lower()
        assert "ivy@example.com" not in text and ip not in text, (entry.additional_data, text)
    erased = domain_entries("user.erased").get()
    assert erased.actor_id == person.pk and erased.actor_email.startswith("erased-") and erased.remote_addr is None
    assert not AdminLogEntry.objects.filter(object_repr__icontains="ivy@example.com").exists()
    assert not UserSession.objects.filter(user=person).exclude(ip_address=None).exists()

    report = audit_chain_verify()
    assert report.intact, report.as_dict()
    call_command("audit_verify")  # exits non-zero (SystemExit) when the chain is broken


def test_erasure_revokes_api_tokens_oauth_connections_and_the_webhooks_it_created(client_for, team):
    from apps.events.models import EventConsumer
    from apps.integrations.models import ApiToken, OAuthConnection, Webhook
    from tests.factories.integrations import ApiTokenFactory, OAuthConnectionFactory, WebhookFactory

    person = team.admin
    token = ApiTokenFactory(user=person)
    connection = OAuthConnectionFactory(user=person)
    webhook = WebhookFactory(workspace=team.workspace, created_by=person)
    others = WebhookFactory(workspace=team.workspace, created_by=team.owner)
    consumer = EventConsumer.objects.create(
        owner=person, event_type="task.created", handler_type="in_app", config={"user_ids": [str(person.pk)]}
    )

    response = client_for(person).post(ERASURE, {"password": DEFAULT_PASSWORD, "confirm": True})
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["api_tokens_revoked"] == 1 and data["oauth_connections_revoked"] == 1
    assert data["webhooks_deactivated"] == 1 and data["event_consumers_deactivated"] == 1

    token = ApiToken.objects.get(pk=token.pk)
    assert token.is_revoked and not token.is_usable
    connection = OAuthConnection.objects.get(pk=connection.pk)
    assert not connection.is_active and connection.access_token_encrypted == ""
    assert not Webhook.objects.get(pk=webhook.pk).is_active and Webhook.objects.get(pk=others.pk).is_active
    assert not EventConsumer.objects.get(pk=consumer.pk).is_active
    assert domain_entries("user.erased").get().additional_data["api_tokens_revoked"] == 1
