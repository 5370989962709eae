"""A chain too long to verify in the request: GET /audit-logs/verify answers 202 with a background
verification whose progress and verdict GET /audit-logs/verifications/{id} shows."""

import datetime as dt
import uuid
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from apps.archive.models import AuditChainLink, AuditChainVerification
from apps.archive.services import audit_chain
from apps.archive.services.audit_chain import enter_maintenance
from apps.archive.tasks import audit_chain_verify_task
from tests.archive.helpers import domain_entries
from tests.factories.accounts import UserFactory
from tests.factories.archive import audit_action, compliance_officer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/audit-logs/verify"


def verification_url(verification_id) -> str:
    return f"/api/v1/audit-logs/verifications/{verification_id}"


@pytest.fixture
def long_chain(settings, team, project):
    """A chain longer than the (lowered) inline limit, read two links per chunk."""
    settings.AUDIT_VERIFY_SYNC_MAX_ENTRIES = 3
    settings.AUDIT_VERIFY_CHUNK_SIZE = 2
    return [audit_action("project.viewed", actor=team.owner, target=project) for _ in range(8)]


def test_a_short_chain_is_still_verified_in_the_request(client_for, team, project):
    audit_action("project.viewed", actor=team.owner, target=project)
    response = client_for(compliance_officer()).get(VERIFY)
    assert response.status_code == 200 and "Location" not in response
    data = response.json()["data"]
    assert data["intact"] is True and data["checked_entries"] == data["head_seq"] > 0
    assert not AuditChainVerification.objects.exists()


def test_a_long_chain_answers_202_and_the_job_completes_with_progress(
    client_for, long_chain, django_capture_on_commit_callbacks
):
    officer = compliance_officer()
    client = client_for(officer)
    seen = []  # what a poller sees of the row while the walk is under way
    real_link_hash = audit_chain.link_hash
    head = audit_chain.chain_head()["seq"]

    def watching(*args, **kwargs):
        seen.append(AuditChainVerification.objects.values_list("checked_entries", "total_entries").get())
        return real_link_hash(*args, **kwargs)

    with mock.patch.object(audit_chain, "link_hash", watching), django_capture_on_commit_callbacks(execute=True):
        response = client.get(VERIFY)
    assert response.status_code == 202, response.content
    queued = response.json()["data"]
    assert queued["status"] == "queued" and queued["percent"] == 0 and queued["intact"] is None
    assert response["Location"] == queued["url"] and queued["url"].endswith(verification_url(queued["id"]))

    checked = [value for value, _ in seen]
    # Progress was stored after every chunk of two links, out of the links up to the head at start.
    assert checked == sorted(checked) and set(range(0, head, 2)) <= set(checked)
    assert {total for _, total in seen} == {head}

    data = client.get(verification_url(queued["id"])).json()["data"]
    assert (data["status"], data["intact"], data["percent"]) == ("completed", True, 100)
    assert data["checked_entries"] == data["total_entries"] == head
    assert data["first_problem"] is None and data["error"] == ""
    assert data["result"]["intact"] is True and data["result"]["checked_entries"] == head
    assert data["result"]["head_seq"] == head and data["result"]["problems"] == []
    assert domain_entries("audit_chain.verified").get().actor == officer


def test_a_tampered_entry_is_reported_with_its_position(client_for, long_chain, django_capture_on_commit_callbacks):
    forged = long_chain[4]
    with transaction.atomic():
        enter_maintenance()
        with connection.cursor() as cursor:
            cursor.execute("UPDATE auditlog_logentry SET object_pk = %s WHERE id = %s", ["forged", forged.pk])
    client = client_for(compliance_officer())
    with django_capture_on_commit_callbacks(execute=True):
        verification_id = client.get(VERIFY).json()["data"]["id"]
    data = client.get(verification_url(verification_id)).json()["data"]
    assert data["status"] == "completed" and data["intact"] is False
    seq = AuditChainLink.objects.get(entry=forged).seq
    assert data["first_problem"] == {
        "seq": seq,
        "entry_id": forged.pk,
        "reason": "entry content does not match its hash",
    }
    assert data["result"]["intact"] is False and data["result"]["problems"][0]["seq"] == seq


def test_a_verification_under_way_is_joined_not_started_again(client_for, long_chain):
    client = client_for(compliance_officer())
    first = client.get(VERIFY)
    again = client_for(compliance_officer()).get(VERIFY)
    assert first.status_code == again.status_code == 202
    assert first.json()["data"]["id"] == again.json()["data"]["id"]
    assert AuditChainVerification.objects.count() == 1


def test_background_verification_is_reserved_to_compliance_staff(client_for, team, long_chain, api_client):
    verification = AuditChainVerification.objects.create(requested_by=compliance_officer())
    for outsider in (team.owner, UserFactory(is_staff=True), UserFactory(is_superuser=False)):
        assert_error(client_for(outsider).get(VERIFY), 403, "FORBIDDEN")
        assert_error(client_for(outsider).get(verification_url(verification.pk)), 403, "FORBIDDEN")
    assert_error(api_client.get(verification_url(verification.pk)), 401, "UNAUTHORIZED")
    assert AuditChainVerification.objects.count() == 1
    # Another officer may follow it (the chain is the installation's, not the requester's).
    other = client_for(compliance_officer())
    assert other.get(verification_url(verification.pk)).json()["data"]["id"] == str(verification.pk)
    assert_error(other.get(verification_url(uuid.uuid4())), 404, "NOT_FOUND")
    assert_error(other.get("/api/v1/audit-logs/verifications/not-a-uuid"), 404, "NOT_FOUND")


def test_the_command_proves_the_whole_chain_with_progress(long_chain, capsys):
    call_command("audit_verify", "--progress")
    out, err = capsys.readouterr()
    head = audit_chain.chain_head()["seq"]
    assert "intact" in out and f"{head}/{head} links checked (100 %)" in err


def test_a_duplicate_message_does_not_verify_twice(client_for, long_chain, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        verification_id = client_for(compliance_officer()).get(VERIFY).json()["data"]["id"]
    assert audit_chain_verify_task.apply(args=[verification_id]).get() == "completed"
    assert domain_entries("audit_chain.verified").count() == 1


def test_a_run_abandoned_by_its_worker_no_longer_blocks_a_new_one(
    client_for, long_chain, django_capture_on_commit_callbacks
):
    officer = compliance_officer()
    abandoned = AuditChainVerification.objects.create(
        requested_by=officer, status="running", heartbeat_at=timezone.now() - dt.timedelta(minutes=11)
    )
    alive = AuditChainVerification.objects.create(
        requested_by=officer, status="running", heartbeat_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # A live run is joined ...
    assert client_for(officer).get(VERIFY).json()["data"]["id"] == str(alive.pk)
    alive.delete()
    # ... one whose worker went silent is marked failed, and a new walk starts.
    with django_capture_on_commit_callbacks(execute=True):
        data = client_for(officer).get(VERIFY).json()["data"]
    assert data["id"] != str(abandoned.pk)
    abandoned.refresh_from_db()
    assert abandoned.status == "failed" and abandoned.error.startswith("Abandoned")
    assert AuditChainVerification.objects.get(pk=data["id"]).status == "completed"


def test_links_past_the_head_are_reported(team, project):
    entry = audit_action("project.viewed", actor=team.owner, target=project)
    seq = AuditChainLink.objects.get(entry=entry).seq
    with transaction.atomic():
        enter_maintenance()
        with connection.cursor() as cursor:  # a head moved back, as if the newest link were forged
            cursor.execute("UPDATE archive_auditchainhead SET seq = seq - 1 WHERE id = 1")
    report = audit_chain.audit_chain_verify()
    assert not report.intact
    assert {"seq": seq, "entry_id": entry.pk, "reason": "link past the chain head"} in report.problems
