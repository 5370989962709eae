"""Celery tasks of module 8: thin wrappers around the services (ids in)."""

from celery import shared_task

from apps.archive.services.audit_chain import audit_entries_seal_pending
from apps.archive.services.audit_retention import audit_retention_enforce
from apps.archive.services.audit_verification import audit_chain_verification_run, audit_chain_verifications_relay
from apps.archive.services.export_relay import compliance_export_job_claim, compliance_exports_relay
from apps.archive.services.exports import compliance_export_job_run, compliance_exports_expire
from apps.archive.services.trash import trash_purge_expired
from apps.core.queueing import RETRY_ON_CONNECTION_ERRORS


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def audit_chain_seal_task() -> int:
    """Seal pending audit entries into the hash chain (queued after audited writes; beat, every 5 s)."""
    return audit_entries_seal_pending()


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def trash_purge_expired_task() -> int:
    """Beat job (hourly): purge trash items past TRASH_RETENTION_DAYS."""
    return trash_purge_expired()


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def audit_retention_enforce_task() -> int:
    """Beat job (daily): remove audit entries older than AUDIT_RETENTION_DAYS behind an anchor."""
    return audit_retention_enforce()


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def compliance_exports_purge_expired_task() -> int:
    """Delete the files of compliance exports whose download link has expired."""
    return compliance_exports_expire()


@shared_task(acks_late=True)
def compliance_export_render_task(export_id: str) -> str | None:
    """Render a queued compliance export (large PDFs, CSV and JSON); returns its status, or None
    when the job was not pending (a duplicate message: another run has it or it is finished)."""
    if not compliance_export_job_claim(export_id=export_id):
        return None
    return compliance_export_job_run(export_id=export_id).status


@shared_task(acks_late=True)
def audit_chain_verify_task(verification_id: str) -> str:
    """Verify the audit hash chain for a run requested from the admin; records the verdict."""
    return audit_chain_verification_run(verification_id=verification_id).status


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def compliance_exports_relay_task() -> int:
    """Beat job (every minute): queue again export jobs still pending after their publish was lost."""
    return compliance_exports_relay()


@shared_task(**RETRY_ON_CONNECTION_ERRORS)
def audit_chain_verifications_relay_task() -> int:
    """Beat job (every minute): queue again chain verifications still queued after their publish was lost."""
    return audit_chain_verifications_relay()
