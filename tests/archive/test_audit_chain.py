"""Tamper evidence: the hash chain, GET /audit-logs/verify, `manage.py audit_verify`, the
append-only guard, and retention that keeps the chain verifiable."""

import threading

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from apps.archive.models import AuditChainAnchor, AuditChainLink
from apps.archive.services.audit_chain import audit_chain_verify, enter_maintenance
from apps.archive.tasks import audit_retention_enforce_task
from tests.factories.accounts import UserFactory
from tests.factories.archive import audit_action, compliance_officer
from tests.helpers import assert_error

pytestmark = pytest.mark.django_db

VERIFY = "/api/v1/audit-logs/verify"


def tamper(sql: str, params=()) -> None:
    """What a database user bypassing the application could do."""
    with transaction.atomic():
        enter_maintenance()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def test_every_entry_is_sealed_in_sequence(team, project):
    entries = [audit_action("project.viewed", actor=team.owner, target=project) for _ in range(3)]
    links = [AuditChainLink.objects.get(entry=entry) for entry in entries]
    assert [link.seq for link in links] == [links[0].seq, links[0].seq + 1, links[0].seq + 2]
    assert links[1].prev_hash == links[0].hash and links[2].prev_hash == links[1].hash
    report = audit_chain_verify()
    assert report.intact and report.unsealed_entries == 0 and report.last_seq == links[-1].seq


def test_verify_endpoint_reports_an_intact_chain(client_for, team, project):
    officer = compliance_officer()
    response = client_for(officer).get(VERIFY)
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["intact"] is True and data["problems"] == []
    assert data["checked_entries"] == data["head_seq"] > 0


def test_altered_core_field_is_detected(client_for, team, project):
    entry = audit_action("project.archived", actor=team.owner, target=project, changes={"status": ["a", "b"]})
    tamper("UPDATE auditlog_logentry SET object_pk = %s WHERE id = %s", ["forged", entry.pk])
    data = client_for(compliance_officer()).get(VERIFY).json()["data"]
    assert data["intact"] is False
    assert any(problem["entry_id"] == entry.pk for problem in data["problems"])


def test_altered_personal_field_is_detected(team, project):
    entry = audit_action("project.archived", actor=team.owner, target=project, changes={"status": ["a", "b"]})
    tamper("UPDATE auditlog_logentry SET changes = %s WHERE id = %s", ['{"status": ["a", "c"]}', entry.pk])
    report = audit_chain_verify()
    assert not report.intact
    assert report.problems[0]["reason"] == "personal fields were altered"


def test_deleted_entry_in_the_middle_is_detected(team, project):
    entries = [audit_action("project.viewed", actor=team.owner, target=project) for _ in range(3)]
    tamper("DELETE FROM archive_auditchainlink WHERE entry_id = %s", [entries[1].pk])
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [entries[1].pk])
    report = audit_chain_verify()
    assert not report.intact
    assert any("sequence gap" in problem["reason"] for problem in report.problems)


def test_deleted_newest_entry_is_detected_against_the_head(team, project):
    entry = audit_action("project.viewed", actor=team.owner, target=project)
    tamper("DELETE FROM archive_auditchainlink WHERE entry_id = %s", [entry.pk])
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [entry.pk])
    report = audit_chain_verify()
    assert not report.intact and "head" in report.problems[-1]["reason"]


def test_management_command_fails_on_a_broken_chain(team, project, capsys):
    entry = audit_action("project.viewed", actor=team.owner, target=project)
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out
    tamper("UPDATE auditlog_logentry SET actor_id = NULL WHERE id = %s", [entry.pk])
    with pytest.raises(CommandError, match="BROKEN"):
        call_command("audit_verify")


def test_audit_rows_cannot_be_updated_or_deleted_through_the_orm(team, project):
    entry = audit_action("project.viewed", actor=team.owner, target=project)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditChainLink.objects.filter(entry=entry).update(hash="0" * 64)
    assert audit_chain_verify().intact


def test_verify_is_reserved_to_compliance_staff(client_for, team, api_client):
    assert_error(client_for(team.owner).get(VERIFY), 403, "FORBIDDEN")
    assert_error(client_for(UserFactory(is_staff=True)).get(VERIFY), 403, "FORBIDDEN")
    assert_error(api_client.get(VERIFY), 401, "UNAUTHORIZED")


def test_retention_removes_old_entries_behind_an_anchor_and_the_chain_still_verifies(settings):
    settings.AUDIT_RETENTION_DAYS = 365
    with freeze_time("2025-01-01T00:00:00Z"):
        user = UserFactory()
        old = [audit_action("user.pinged", actor=user, target=user) for _ in range(3)]
    old_count = LogEntry.objects.filter(timestamp__year=2025).count()  # the user's own creation may be audited
    with freeze_time("2026-06-01T00:00:00Z"):
        recent = audit_action("user.pinged", actor=user, target=user)
        removed = audit_retention_enforce_task.delay().get()
    assert removed == old_count >= 3
    assert not LogEntry.objects.filter(pk__in=[entry.pk for entry in old]).exists()
    assert LogEntry.objects.filter(pk=recent.pk).exists()
    anchor = AuditChainAnchor.objects.get()
    assert anchor.last_purged_seq == AuditChainLink.objects.get(entry=recent).seq - 1
    report = audit_chain_verify()
    assert report.intact, report.as_dict()
    assert report.anchor_seq == anchor.last_purged_seq


def test_retention_zero_keeps_everything(team, project, settings):
    settings.AUDIT_RETENTION_DAYS = 0
    with freeze_time("2000-01-01T00:00:00Z"):
        audit_action("project.viewed", actor=team.owner, target=project)
    assert audit_retention_enforce_task.delay().get() == 0
    assert not AuditChainAnchor.objects.exists()


def test_retention_only_cuts_a_prefix_of_the_chain(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    user = UserFactory()
    audit_action("user.pinged", actor=user, target=user)
    with freeze_time("2025-01-01T00:00:00Z"):
        old = audit_action("user.pinged", actor=user, target=user)
    assert audit_retention_enforce_task.delay().get() == 0
    assert LogEntry.objects.filter(pk=old.pk).exists()


def test_removal_after_retention_is_still_detected(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    with freeze_time("2025-01-01T00:00:00Z"):
        user = UserFactory()
        audit_action("user.pinged", actor=user, target=user)
    kept = [audit_action("user.pinged", actor=user, target=user) for _ in range(2)]
    assert audit_retention_enforce_task.delay().get() >= 1
    assert audit_chain_verify().intact
    tamper("DELETE FROM archive_auditchainlink WHERE entry_id = %s", [kept[0].pk])
    tamper("DELETE FROM auditlog_logentry WHERE id = %s", [kept[0].pk])
    assert not audit_chain_verify().intact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_writers_cannot_fork_the_chain():
    owner = UserFactory()
    errors = []

    def write(n):
        try:
            for _ in range(n):
                with transaction.atomic():
                    audit_action("user.pinged", actor=owner, target=owner)
        except Exception as exc:  # noqa: BLE001 - surfaced through the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    report = audit_chain_verify()
    assert report.intact, report.as_dict()
    seqs = list(AuditChainLink.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert LogEntry.objects.filter(additional_data__action="user.pinged").count() == 60


# --- deferred sealing (production's default): no lock shared by audited writes ---------------


@pytest.fixture
def deferred(settings):
    settings.AUDIT_SEAL_DEFERRED = True
    return settings


def test_deferred_entries_are_pending_until_the_sealer_links_them_in_order(
    deferred, team, project, django_capture_on_commit_callbacks
):
    from apps.archive.services.audit_chain import audit_entries_seal_pending

    audit_entries_seal_pending()  # whatever the fixtures wrote
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entries = [audit_action("project.viewed", actor=team.owner, target=project) for _ in range(3)]
    assert callbacks  # the sealer is queued after commit
    assert not AuditChainLink.objects.filter(entry__in=entries).exists()
    report = audit_chain_verify()
    assert report.intact and report.pending_entries == 3 and report.unsealed_entries == 0

    assert audit_entries_seal_pending(batch_size=2) == 3
    links = [AuditChainLink.objects.get(entry=entry) for entry in entries]
    assert [link.seq for link in links] == [links[0].seq, links[0].seq + 1, links[0].seq + 2]
    assert links[1].prev_hash == links[0].hash and links[2].prev_hash == links[1].hash
    report = audit_chain_verify()
    assert report.intact and report.pending_entries == 0 and report.head_seq == links[-1].seq
    assert audit_entries_seal_pending() == 0


def test_after_commit_the_queued_sealer_seals_the_entry(deferred, team, project, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        entry = audit_action("project.viewed", actor=team.owner, target=project)
    assert AuditChainLink.objects.filter(entry=entry).exists()  # eager mode: the task ran in-process
    assert audit_chain_verify().intact


def test_an_entry_left_unsealed_past_the_grace_period_breaks_the_chain(deferred, team, project):
    from apps.archive.services.audit_chain import audit_entries_seal_pending

    audit_entries_seal_pending()
    with freeze_time("2020-01-01T00:00:00Z"):
        audit_action("project.viewed", actor=team.owner, target=project)
    report = audit_chain_verify()
    assert not report.intact and report.unsealed_entries == 1
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audited_writes_do_not_wait_for_the_chain_head(settings):
    """A sealer (or retention) holding the head lock does not block audited writes."""
    from apps.archive.services.audit_chain import audit_entries_seal_pending, lock_chain_head

    settings.AUDIT_SEAL_DEFERRED = True
    owner = UserFactory()
    locked, release = threading.Event(), threading.Event()

    def hold_head():
        try:
            with transaction.atomic():
                lock_chain_head()
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_head)
    holder.start()
    assert locked.wait(10)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            audit_action("user.pinged", actor=owner, target=owner)  # would time out on the head lock
    finally:
        release.set()
        holder.join()
    audit_entries_seal_pending()
    assert audit_chain_verify().intact


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_deferred_writers_and_sealers_cannot_fork_the_chain(settings):
    from apps.archive.services.audit_chain import audit_entries_seal_pending

    settings.AUDIT_SEAL_DEFERRED = True
    owner = UserFactory()
    errors = []
    done = threading.Event()

    def write(n):
        try:
            for _ in range(n):
                with transaction.atomic():
                    audit_action("user.pinged", actor=owner, target=owner)
        except Exception as exc:  # noqa: BLE001 - surfaced through the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def seal():
        try:
            while not done.is_set():
                audit_entries_seal_pending(batch_size=7)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    sealers = [threading.Thread(target=seal) for _ in range(2)]
    writers = [threading.Thread(target=write, args=(15,)) for _ in range(4)]
    for thread in sealers + writers:
        thread.start()
    for thread in writers:
        thread.join()
    done.set()
    for thread in sealers:
        thread.join()
    audit_entries_seal_pending()
    assert not errors, errors
    report = audit_chain_verify()
    assert report.intact and report.pending_entries == 0, report.as_dict()
    seqs = list(AuditChainLink.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))
    assert AuditChainLink.objects.filter(entry__additional_data__action="user.pinged").count() == 60
