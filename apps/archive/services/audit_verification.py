"""Background verification of the audit hash chain, started from the admin dashboard.

`audit_chain_verification_request` records a queued run and hands it to the worker after commit;
`audit_chain_verification_run` walks the chain (`audit_chain_verify`) and records the verdict on the
row and as an audit entry (`audit_chain.verified`), so the dashboard can say when the chain was last
verified, whether it was intact and how many entries were written since.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from apps.archive.choices import VerificationStatus
from apps.archive.models import AuditChainVerification
from apps.archive.services.audit_chain import audit_chain_verify
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, PermissionDenied

VERIFY_PERMISSION = "archive.verify_auditchain"
OPEN_STATUSES = (VerificationStatus.QUEUED, VerificationStatus.RUNNING)
logger = logging.getLogger("pronaflow.archive")


def audit_chain_verification_request(*, actor) -> AuditChainVerification:
    """Queue a verification of the whole chain for the worker (after commit).

    Raises PermissionDenied without `archive.verify_auditchain`, Conflict while another run is queued
    or running (one walk of the chain at a time is enough)."""
    if not actor.has_perm(VERIFY_PERMISSION):
        raise PermissionDenied("You may not verify the audit chain.")
    from apps.archive.tasks import audit_chain_verify_task

    with transaction.atomic():
        if AuditChainVerification.objects.select_for_update().filter(status__in=OPEN_STATUSES).exists():
            raise Conflict("A verification of the audit chain is already under way.")
        verification = AuditChainVerification.objects.create(requested_by=actor)
        verification_id = str(verification.pk)
        transaction.on_commit(lambda: audit_chain_verify_task.delay(verification_id))
    return verification


def audit_chain_verification_run(*, verification_id) -> AuditChainVerification:
    """Walk the chain and record the verdict (intact, entries checked, head reached, problems).

    Idempotent: a finished run is returned as it is. A crash marks the run failed with the error.
    Audited as `audit_chain.verified`."""
    verification = AuditChainVerification.objects.select_related("requested_by").get(pk=verification_id)
    if verification.status not in OPEN_STATUSES:
        return verification
    AuditChainVerification.objects.filter(pk=verification.pk).update(
        status=VerificationStatus.RUNNING, started_at=timezone.now()
    )
    try:
        report = audit_chain_verify()
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
        verification.head_seq = report.head_seq
        verification.problems = report.problems
        verification.finished_at = timezone.now()
        verification.save()
        record_action(
            "audit_chain.verified",
            actor=verification.requested_by,
            target=verification,
            extra={"intact": report.intact, "checked_entries": report.checked, "head_seq": report.head_seq},
        )
    return verification
