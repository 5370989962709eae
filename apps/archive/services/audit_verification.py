"""Background verification of the audit hash chain (a Celery job with progress).

Started from the admin dashboard (`audit_chain_verification_request`) or by GET /audit-logs/verify
when the chain is longer than AUDIT_VERIFY_SYNC_MAX_ENTRIES (`audit_chain_verification_start`, which
joins a run already under way). `audit_chain_verification_run` walks the chain with the same
service as the inline check and `manage.py audit_verify` (`audit_chain_verify`), storing
`checked_entries` of `total_entries` after every chunk, then records the verdict and the full report
on the row and as an audit entry (`audit_chain.verified`), so the dashboard can say when the chain
was last verified, whether it was intact and how many entries were written since. A run whose
task was never queued (broker down) is queued again by `audit_chain_verifications_relay`.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from apps.archive.choices import VerificationStatus
from apps.archive.models import AuditChainVerification
from apps.archive.services.audit_chain import audit_chain_size, audit_chain_verify
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, NotFound, PermissionDenied
from apps.core.queueing import publish_on_commit, relay_stale

VERIFY_PERMISSION = "archive.verify_auditchain"
OPEN_STATUSES = (VerificationStatus.QUEUED, VerificationStatus.RUNNING)
# A running verification stores its progress after every chunk (about every second); one silent for
# this long lost its worker: it no longer blocks new runs and a redelivered message takes it over.
STALE_AFTER = dt.timedelta(minutes=10)
logger = logging.getLogger("pronaflow.archive")


# pg_advisory_xact_lock key serialising the "is a run open? else create one" step (an arbitrary
# constant: FOR UPDATE on an empty result would lock nothing).
_REQUEST_LOCK_KEY = 0x7066_6175_6469_7476  # "pfauditv"


def _serialise_requests() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_REQUEST_LOCK_KEY])


def _open_runs():
    """Runs queued or running, less those abandoned by a dead worker (marked failed here)."""
    now = timezone.now()
    AuditChainVerification.objects.filter(_abandoned(now)).update(
        status=VerificationStatus.FAILED,
        error=f"Abandoned: no progress for {STALE_AFTER.total_seconds() / 60:.0f} minutes (the worker stopped).",
        finished_at=now,
    )
    return AuditChainVerification.objects.filter(status__in=OPEN_STATUSES)


def _queue(actor) -> AuditChainVerification:
    from apps.archive.tasks import audit_chain_verify_task

    verification = AuditChainVerification.objects.create(requested_by=actor, total_entries=audit_chain_size())
    publish_on_commit(audit_chain_verify_task, str(verification.pk))
    return verification


def audit_chain_verification_request(*, actor) -> AuditChainVerification:
    """Queue a verification of the whole chain for the worker (after commit).

    Raises PermissionDenied without `archive.verify_auditchain`, Conflict while another run is queued
    or running (one walk of the chain at a time is enough)."""
    if not actor.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied("You may not verify the audit chain.")
    with transaction.atomic():
        _serialise_requests()
        if _open_runs().exists():
            raise Conflict("A verification of the audit chain is already under way.")
        return _queue(actor)


def audit_chain_verification_start(*, actor) -> AuditChainVerification:
    """The run under way (queued or running), else a new one queued after commit: what
    GET /audit-logs/verify answers 202 with for a long chain, so polling clients never start a
    second walk. Raises PermissionDenied without `archive.verify_auditchain`."""
    if not actor.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied("You may not verify the audit chain.")
    with transaction.atomic():
        _serialise_requests()  # two concurrent requests must not both find none and start two walks
        current = _open_runs().order_by("created_at").first()
        return current or _queue(actor)


def audit_chain_verification_get(*, actor, verification_id) -> AuditChainVerification:
    """One verification run (any requester's: the chain is the installation's). Raises
    PermissionDenied unless `actor` is staff with `archive.verify_auditchain`, NotFound for an
    unknown id."""
    if not (actor.is_staff and actor.has_perm(VERIFY_PERMISSION)):
        raise PermissionDenied("Verifying the audit chain is reserved to compliance staff.")
    verification = AuditChainVerification.objects.filter(pk=verification_id).first()
    if verification is None:
        raise NotFound("Verification not found.")
    return verification


def _abandoned(now) -> Q:
    """Runs marked running whose worker stopped storing progress (it died mid-walk)."""
    return Q(status=VerificationStatus.RUNNING, heartbeat_at__lt=now - STALE_AFTER)


def _record_progress(verification_id):
    def record(checked: int, total: int) -> None:
        AuditChainVerification.objects.filter(pk=verification_id).update(
            checked_entries=checked, total_entries=total, heartbeat_at=timezone.now()
        )

    return record


def audit_chain_verification_run(*, verification_id) -> AuditChainVerification:
    """Walk the chain, storing progress after every chunk, and record the verdict (intact, entries
    checked, head reached, problems, the full report).

    Idempotent: a finished run is returned as it is. A crash marks the run failed with the error.
    Audited as `audit_chain.verified`."""
    verification = AuditChainVerification.objects.select_related("requested_by").get(pk=verification_id)
    now = timezone.now()
    # Claim it in one UPDATE: a queued run, or one whose worker died (no progress for STALE_AFTER,
    # then its message is redelivered). A duplicate message of a live or finished run does nothing.
    claimed = (
        AuditChainVerification.objects.filter(pk=verification.pk)
        .filter(Q(status=VerificationStatus.QUEUED) | _abandoned(now))
        .update(status=VerificationStatus.RUNNING, started_at=now, heartbeat_at=now)
    )
    if not claimed:
        return verification
    try:
        report = audit_chain_verify(
            chunk_size=settings.AUDIT_VERIFY_CHUNK_SIZE, on_progress=_record_progress(verification.pk)
        )
    except Exception as exc:
        logger.exception("Audit chain verification %s failed", verification.pk)
        AuditChainVerification.objects.filter(pk=verification.pk).update(
            status=VerificationStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        verification.refresh_from_db()
        return verification
    with transaction.atomic():
        verification.refresh_from_db()
        verification.status = VerificationStatus.COMPLETED
        verification.intact = report.intact
        verification.checked_entries = report.checked
        verification.total_entries = max(verification.total_entries, report.checked)
        verification.head_seq = report.head_seq
        verification.problems = report.problems
        verification.report = report.as_dict()
        verification.finished_at = timezone.now()
        verification.save()
        record_action(
            "audit_chain.verified",
            actor=verification.requested_by,
            target=verification,
            extra={"intact": report.intact, "checked_entries": report.checked, "head_seq": report.head_seq},
        )
    return verification


def audit_chain_verifications_relay() -> int:
    """Beat job body: queue again the verifications still `queued` TASK_RELAY_GRACE_SECONDS after
    they were last handed to the broker (their publish was lost). Returns how many were queued."""
    from apps.archive.tasks import audit_chain_verify_task

    return relay_stale(
        AuditChainVerification.objects.filter(status=VerificationStatus.QUEUED),
        task=audit_chain_verify_task,
        stamp="queued_at",
    )
