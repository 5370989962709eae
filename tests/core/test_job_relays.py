"""Relays of job rows whose task never reached the broker: compliance export jobs, report runs and
audit-chain verifications are queued again by their beat jobs (claimed safely, run once); immediate
notification e-mails are picked up by the digest job."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.utils import timezone
from freezegun import freeze_time
from kombu.exceptions import OperationalError as KombuOperationalError
from kombu.messaging import Producer

from apps.analytics.models import ReportExecution
from apps.analytics.tasks import report_run_task, report_runs_relay_task
from apps.archive.models import AuditChainVerification, ComplianceExport
from apps.archive.tasks import (
    audit_chain_verifications_relay_task,
    compliance_export_render_task,
    compliance_exports_relay_task,
)
from apps.notifications.models import EmailNotification
from apps.notifications.tasks import digests_send_due_task, email_notifications_send_task
from pronaflow.celery import app as celery_app
from tests.archive.helpers import domain_entries
from tests.factories.analytics import ReportFactory
from tests.factories.archive import audit_action, compliance_officer
from tests.factories.workspaces import Team
from tests.notification_world import assign_event, fire, task_event, world  # noqa: F401

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(minutes=10)  # older than TASK_RELAY_GRACE_SECONDS (5 minutes)


def _refuse(*args, **kwargs):
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


@pytest.fixture
def broker_down():
    """Publish through the real broker path, with the broker refusing every message; `back()` brings
    it back (tasks then run in-process, as the worker would)."""
    from apps.core import queueing

    queueing.publishing_resume()
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    patch = mock.patch.object(Producer, "publish", _refuse)
    patch.start()

    def back():
        patch.stop()
        celery_app.conf.task_always_eager = True
        queueing.publishing_resume()

    yield back
    mock.patch.stopall()
    celery_app.conf.task_always_eager = previous
    queueing.publishing_resume()


def relay(task, capture) -> int:
    with capture(execute=True):
        return task.apply().get()


def test_an_export_job_whose_publish_failed_is_queued_by_the_relay_and_rendered_once(
    client_for, team, project, settings, broker_down, django_capture_on_commit_callbacks
):
    settings.COMPLIANCE_SYNC_MAX_ROWS = 1
    for _ in range(3):
        audit_action("project.viewed", actor=team.owner, target=project, workspace_id=team.workspace.pk)
    today = timezone.now().date().isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.owner).get(
            "/api/v1/compliance/export", {"start_date": today, "end_date": today, "format": "csv"}
        )
    assert response.status_code == 202, response.content
    job = ComplianceExport.objects.get(pk=response.json()["data"]["id"])
    assert job.status == "pending"  # the broker refused the render task

    broker_down()
    assert relay(compliance_exports_relay_task, django_capture_on_commit_callbacks) == 0  # within the grace
    ComplianceExport.objects.filter(pk=job.pk).update(queued_at=timezone.now() - LONG_AGO)
    assert relay(compliance_exports_relay_task, django_capture_on_commit_callbacks) == 1
    job.refresh_from_db()
    assert job.status == "completed" and job.processed_rows == job.total_rows >= 3 and job.file

    # Nothing left to relay; the lost message turning up late does not render it again.
    ComplianceExport.objects.filter(pk=job.pk).update(queued_at=timezone.now() - LONG_AGO)
    assert relay(compliance_exports_relay_task, django_capture_on_commit_callbacks) == 0
    assert compliance_export_render_task.apply(args=[str(job.pk)]).get() is None
    assert ComplianceExport.objects.get(pk=job.pk).sha256 == job.sha256
    assert domain_entries("compliance.exported").filter(additional_data__export_id=str(job.pk)).count() == 1


def test_a_running_export_job_is_not_queued_again(team, django_capture_on_commit_callbacks):
    job = ComplianceExport.objects.create(
        requested_by=team.owner,
        format="csv",
        status="running",
        start_date=timezone.now(),
        end_date=timezone.now(),
        queued_at=timezone.now() - LONG_AGO,
    )
    assert relay(compliance_exports_relay_task, django_capture_on_commit_callbacks) == 0
    assert compliance_export_render_task.apply(args=[str(job.pk)]).get() is None
    assert ComplianceExport.objects.get(pk=job.pk).status == "running"


def test_a_report_run_whose_publish_failed_is_queued_by_the_relay_and_computed_once(
    client_for, team, broker_down, django_capture_on_commit_callbacks
):
    report = ReportFactory(workspace=team.workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(team.member).post(f"/api/v1/reports/{report.pk}/execute")
    assert response.status_code == 202, response.content
    execution = ReportExecution.objects.get()
    assert execution.status == "processing"

    broker_down()
    assert relay(report_runs_relay_task, django_capture_on_commit_callbacks) == 0  # within the grace
    ReportExecution.objects.update(updated_at=timezone.now() - LONG_AGO)
    assert relay(report_runs_relay_task, django_capture_on_commit_callbacks) == 1
    execution.refresh_from_db()
    assert execution.status == "completed" and execution.results is not None

    ReportExecution.objects.update(updated_at=timezone.now() - LONG_AGO)
    assert relay(report_runs_relay_task, django_capture_on_commit_callbacks) == 0
    assert report_run_task.apply(args=[str(execution.pk)]).get() == "completed"
    assert ReportExecution.objects.get().finished_at == execution.finished_at


def test_a_verification_whose_publish_failed_is_queued_by_the_relay(
    team, project, broker_down, django_capture_on_commit_callbacks
):
    from apps.archive.services.audit_verification import audit_chain_verification_request

    audit_action("project.viewed", actor=team.owner, target=project)
    with django_capture_on_commit_callbacks(execute=True):
        verification = audit_chain_verification_request(actor=compliance_officer())
    assert AuditChainVerification.objects.get().status == "queued"

    broker_down()
    AuditChainVerification.objects.update(queued_at=timezone.now() - LONG_AGO)
    assert relay(audit_chain_verifications_relay_task, django_capture_on_commit_callbacks) == 1
    verification.refresh_from_db()
    assert (verification.status, verification.intact) == ("completed", True)
    assert relay(audit_chain_verifications_relay_task, django_capture_on_commit_callbacks) == 0


def test_an_immediate_email_whose_publish_failed_goes_out_once_with_the_digest_job(world, assign_event):  # noqa: F811
    refused = mock.patch.object(email_notifications_send_task, "apply_async", side_effect=_refuse)
    with freeze_time("2026-03-02 10:00:00"), refused:
        assign_event(world.member)
    row = EmailNotification.objects.get(user=world.member)
    assert row.sent_at is None and mail.outbox == []
    with freeze_time("2026-03-02 10:05:00"):
        digests_send_due_task.delay()  # not lost yet: the send task may still be on its way
    assert mail.outbox == []
    with freeze_time("2026-03-02 10:11:00"):
        digests_send_due_task.delay()
        digests_send_due_task.delay()
        email_notifications_send_task.delay([str(row.pk)])  # the lost message, late: nothing more
    [message] = mail.outbox
    assert message.to == [world.member.email] and "Task assigned to you" in message.body
    assert EmailNotification.objects.get(pk=row.pk).sent_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_relay_skips_rows_another_transaction_holds_without_waiting():
    """A run being computed (or claimed by a concurrent relay) holds its row lock: the relay passes
    it by at once instead of queueing it a second time; once released it is relayed."""
    team = Team()
    execution = ReportExecution.objects.create(report=ReportFactory(workspace=team.workspace))
    ReportExecution.objects.update(updated_at=timezone.now() - LONG_AGO)
    locked, release = threading.Event(), threading.Event()

    def hold_lock():
        try:
            with transaction.atomic():
                ReportExecution.objects.select_for_update().get(pk=execution.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        assert report_runs_relay_task.apply().get() == 0
    finally:
        release.set()
        holder.join()
    assert report_runs_relay_task.apply().get() == 1
    assert ReportExecution.objects.get(pk=execution.pk).status in ("completed", "failed")
