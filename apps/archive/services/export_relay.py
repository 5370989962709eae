"""The relay of compliance export jobs: a job row is written in the request and its render task
queued after commit (`publish_on_commit`); when the broker did not take that task, the job would stay
`pending` for ever. The beat job `compliance_exports_relay_task` queues such jobs again, and the
render task claims a job (pending -> running in one UPDATE) before working on it, so a job queued
twice (the lost message turning up late, or two relays) is rendered once.
"""

from __future__ import annotations

from django.utils import timezone

from apps.archive.choices import ExportStatus
from apps.archive.models import ComplianceExport
from apps.core.queueing import relay_stale


def compliance_export_job_claim(*, export_id) -> bool:
    """Take a pending job for this run: True when it was pending (now `running`, `started_at`
    stamped), False when another run has it or it is finished (completed, failed, expired)."""
    return bool(
        ComplianceExport.objects.filter(pk=export_id, status=ExportStatus.PENDING).update(
            status=ExportStatus.RUNNING, started_at=timezone.now()
        )
    )


def compliance_exports_relay() -> int:
    """Beat job body: queue again the jobs still `pending` TASK_RELAY_GRACE_SECONDS after they were
    last handed to the broker (running jobs are left alone). Returns how many were queued."""
    from apps.archive.tasks import compliance_export_render_task

    return relay_stale(
        ComplianceExport.objects.filter(status=ExportStatus.PENDING),
        task=compliance_export_render_task,
        stamp="queued_at",
    )
