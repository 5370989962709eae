"""Compliance exports of the audit log: JSON and CSV streamed in constant memory, PDF rendered with
WeasyPrint from templates/compliance/. On PostgreSQL the CSV and JSON rows are rendered by the
database and streamed with COPY (`apps.archive.services.export_copy`, the same bytes as the Python
writers below, which serve SQLite and the PDF's rows). PDFs above COMPLIANCE_PDF_SYNC_MAX_ROWS are rendered by a
Celery job (`ComplianceExport`) the client polls; its download link is signed and expires.

Every export is itself an audit entry (`compliance.exported`). The SHA-256 printed in a PDF's footer
is the digest of the CSV export of the same rows (same parameters), so a PDF can be proven against
a CSV download and vice versa.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import logging
import tempfile
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile, File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from apps.archive.choices import ExportFormat, ExportStatus
from apps.archive.models import ComplianceExport
from apps.archive.selectors import audit_entry_list, audit_records
from apps.archive.services.audit_chain import chain_head
from apps.archive.services.export_copy import ExportJobProgress, audit_csv_copy, audit_json_copy
from apps.core.audit import record_action
from apps.core.csvsafe import neutralise
from apps.core.exceptions import InvalidRequest, NotFound
from apps.core.pgcopy import copy_supported
from apps.core.queueing import publish_on_commit

CSV_COLUMNS = (
    "id",
    "timestamp",
    "action",
    "user_id",
    "user_email",
    "resource_type",
    "resource_id",
    "resource_name",
    "workspace_id",
    "ip_address",
    "changes",
    "sequence",
    "hash",
)
DOWNLOAD_SALT = "pronaflow.compliance.export-download"
logger = logging.getLogger("pronaflow.archive")


@dataclass(frozen=True)
class ExportRequest:
    start: dt.datetime
    end: dt.datetime
    format: str
    scope: list[str] | None  # workspace ids, None = every workspace
    workspace_id: str | None = None

    @property
    def filters(self) -> dict:
        return {
            "start_date": self.start.isoformat(),
            "end_date": self.end.isoformat(),
            "workspace_id": self.workspace_id,
            "scope": "all workspaces" if self.scope is None else f"{len(self.scope)} workspace(s)",
        }


def validate_order(start: dt.datetime | None, end: dt.datetime | None) -> None:
    """start <= end when both are given (400 naming end_date otherwise)."""
    if start is not None and end is not None and end < start:
        raise InvalidRequest("end_date is before start_date.", details={"field": "end_date", "reason": "Before start."})


def validate_range(start: dt.datetime | None, end: dt.datetime | None) -> None:
    """Both required, start <= end, at most COMPLIANCE_EXPORT_MAX_DAYS apart (400 otherwise)."""
    for name, value in (("start_date", start), ("end_date", end)):
        if value is None:
            raise InvalidRequest(f"'{name}' is required.", details={"field": name, "reason": "Required."})
    validate_order(start, end)
    limit = settings.COMPLIANCE_EXPORT_MAX_DAYS
    if end - start > dt.timedelta(days=limit):
        raise InvalidRequest(
            f"The date range is limited to {limit} days.",
            details={"field": "end_date", "reason": f"At most {limit} days after start_date."},
        )


def export_queryset(request: ExportRequest):
    return audit_entry_list(scope=request.scope, start=request.start, end=request.end).order_by("timestamp", "id")


# --- CSV ----------------------------------------------------------------------------------


def _csv_text(value) -> str:
    """A CSV cell that spreadsheets show as text, never evaluate (`apps.core.csvsafe`)."""
    if value is None:
        return ""
    if isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, cls=DjangoJSONEncoder)
    elif isinstance(value, dt.datetime):
        text = value.isoformat()
    else:
        text = str(value)
    return neutralise(text)


class _Line:
    """csv.writer target that hands back each written line."""

    def write(self, value: str) -> str:
        return value


def csv_lines(records) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS)
    for record in records:
        yield writer.writerow([_csv_text(record[column]) for column in CSV_COLUMNS])


def csv_chunks(records, *, lines_per_chunk: int = 500) -> Iterator[bytes]:
    """CSV as byte chunks of a few hundred lines (fewer, larger writes to the socket)."""
    buffer: list[str] = []
    for line in csv_lines(records):
        buffer.append(line)
        if len(buffer) >= lines_per_chunk:
            yield "".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "".join(buffer).encode()


def csv_digest(records) -> str:
    digest = hashlib.sha256()
    for chunk in csv_chunks(records):
        digest.update(chunk)
    return digest.hexdigest()


# --- JSON ---------------------------------------------------------------------------------


def _json_envelope(meta: dict) -> tuple[bytes, bytes]:
    head = json.dumps({"success": True, "data": {**meta, "entries": []}}, cls=DjangoJSONEncoder)
    return head[: -len("]}}")].encode(), b"]}}"


def json_chunks(meta: dict, records, *, records_per_chunk: int = 500) -> Iterator[bytes]:
    """The envelope `{"success": true, "data": {...meta, "entries": [...]}}`, streamed."""
    opening, closing = _json_envelope(meta)
    yield opening
    buffer: list[str] = []
    first = True
    for record in records:
        buffer.append(("" if first else ",") + json.dumps(record, cls=DjangoJSONEncoder))
        first = False
        if len(buffer) >= records_per_chunk:
            yield "".join(buffer).encode()
            buffer.clear()
    yield "".join(buffer).encode() + closing


def json_copy_chunks(meta: dict, items: Iterator[bytes]) -> Iterator[bytes]:
    """The same envelope around entries already rendered as comma-separated JSON (`audit_json_copy`)."""
    opening, closing = _json_envelope(meta)
    yield opening
    yield from items
    yield closing


def audit_csv_stream(queryset, *, progress=None) -> Iterator[bytes]:
    """The compliance CSV of `queryset`'s entries (in its order) as byte chunks: COPY on PostgreSQL,
    the Python writer elsewhere. `progress(rows)` is called now and then and at the end; on
    PostgreSQL it must not use the default connection (the COPY holds it)."""
    if copy_supported(queryset.db):
        return audit_csv_copy(queryset, progress=progress)
    return csv_chunks(_counted(audit_records(queryset), progress))


def audit_json_stream(meta: dict, queryset, *, progress=None) -> Iterator[bytes]:
    """The JSON export of `queryset`'s entries with `meta`, like `audit_csv_stream`."""
    if copy_supported(queryset.db):
        return json_copy_chunks(meta, audit_json_copy(queryset, progress=progress))
    return json_chunks(meta, _counted(audit_records(queryset), progress))


def _counted(records, progress, *, every: int = 10_000):
    count = 0
    for record in records:
        yield record
        count += 1
        if progress is not None and count % every == 0:
            progress(count)
    if progress is not None:
        progress(count)


# --- the export itself --------------------------------------------------------------------


def export_meta(*, actor, request: ExportRequest, total: int, export_id: str) -> dict:
    return {
        "export_id": export_id,
        "generated_at": timezone.now(),
        "generated_by": actor.email,
        "start_date": request.start,
        "end_date": request.end,
        "workspace_id": request.workspace_id,
        "total": total,
        "chain_head": chain_head(),
    }


def compliance_export_record(*, actor, request: ExportRequest, total: int, export_id: str, **extra) -> None:
    """Audit the export itself (`compliance.exported`)."""
    record_action(
        "compliance.exported",
        actor=actor,
        target=actor,
        workspace_id=request.workspace_id,
        extra={"export_id": export_id, "format": request.format, "rows": total, **request.filters, **extra},
    )


def compliance_export_stream(*, actor, request: ExportRequest) -> tuple[Iterator[bytes], str]:
    """JSON or CSV as a byte stream plus its file name. Audited before the first byte is sent."""
    queryset = export_queryset(request)
    total = queryset.count()
    export_id = str(uuid.uuid4())
    compliance_export_record(actor=actor, request=request, total=total, export_id=export_id)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if request.format == ExportFormat.CSV:
        return audit_csv_stream(queryset), f"pronaflow-audit-{stamp}.csv"
    meta = export_meta(actor=actor, request=request, total=total, export_id=export_id)
    return audit_json_stream(meta, queryset), f"pronaflow-audit-{stamp}.json"


def render_pdf(*, actor, request: ExportRequest, records: list[dict], digest: str, export_id: str) -> bytes:
    """The PDF report: title page (who, when, range, filters, totals by action), the entries table
    with page numbers, and the SHA-256 of the rows in every page footer."""
    from weasyprint import HTML

    totals = sorted(Counter(record["action"] for record in records).items())
    html = render_to_string(
        "compliance/audit_report.html",
        {
            "generated_by": actor.email if actor else "",
            "generated_at": timezone.now(),
            "export": request,
            "records": records,
            "total": len(records),
            "totals": totals,
            "digest": digest,
            "export_id": export_id,
            "chain_head": chain_head(),
        },
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_row_count(request: ExportRequest) -> int:
    """How many audit entries the export covers (any format)."""
    return export_queryset(request).count()


export_row_count = pdf_row_count


def compliance_export_pdf(*, actor, request: ExportRequest) -> tuple[bytes, str, str]:
    """A small PDF rendered in the request: (pdf bytes, file name, sha256 of the rows)."""
    records = list(audit_records(export_queryset(request)))
    digest = csv_digest(records)
    export_id = str(uuid.uuid4())
    pdf = render_pdf(actor=actor, request=request, records=records, digest=digest, export_id=export_id)
    compliance_export_record(actor=actor, request=request, total=len(records), export_id=export_id, sha256=digest)
    return pdf, f"pronaflow-audit-{timezone.now():%Y%m%d-%H%M%S}.pdf", digest


# --- export jobs (large PDFs, CSV and JSON) -----------------------------------------------

FILE_TYPES = {
    ExportFormat.PDF: ("pdf", "application/pdf"),
    ExportFormat.CSV: ("csv", "text/csv; charset=utf-8"),
    ExportFormat.JSON: ("json", "application/json"),
}


def compliance_export_job_create(
    *, actor, request: ExportRequest, total: int, entry_ids: list[int] | None = None
) -> ComplianceExport:
    """Queue an export for the worker (after commit): a PDF above COMPLIANCE_PDF_SYNC_MAX_ROWS or a
    CSV/JSON above COMPLIANCE_SYNC_MAX_ROWS entries (`total`). `entry_ids` pins the job to exactly
    those audit entries (the admin's export of a filtered list) instead of the request's date range
    and scope. Raises InvalidRequest (400) for a PDF above COMPLIANCE_PDF_MAX_ROWS. Audited when the
    file is produced."""
    if request.format == ExportFormat.PDF and total > settings.COMPLIANCE_PDF_MAX_ROWS:
        raise InvalidRequest(
            f"A PDF holds at most {settings.COMPLIANCE_PDF_MAX_ROWS} entries; narrow the range or use CSV.",
            details={"field": "format", "reason": f"{total} entries match."},
        )
    from apps.archive.tasks import compliance_export_render_task

    with transaction.atomic():
        job = ComplianceExport.objects.create(
            requested_by=actor,
            format=request.format,
            start_date=request.start,
            end_date=request.end,
            workspace_id=request.workspace_id,
            scope_workspace_ids=request.scope,
            entry_ids=entry_ids,
            total_rows=total,
        )
        job_id = str(job.pk)
        publish_on_commit(compliance_export_render_task, job_id)
    return job


def _job_request(job: ComplianceExport) -> ExportRequest:
    return ExportRequest(
        start=job.start_date,
        end=job.end_date,
        format=job.format,
        scope=job.scope_workspace_ids,
        workspace_id=str(job.workspace_id) if job.workspace_id else None,
    )


def _job_queryset(job: ComplianceExport, request: ExportRequest):
    if job.entry_ids is not None:
        return LogEntry.objects.filter(pk__in=job.entry_ids).order_by("timestamp", "id")
    return export_queryset(request)


def _write_stream_file(job: ComplianceExport, request: ExportRequest, handle) -> tuple[str, int]:
    """Write the job's CSV or JSON to the binary file `handle` in constant memory; returns (sha256
    of the file, which for CSV is the rows' digest a PDF footer shows, row count)."""
    progress = ExportJobProgress(job, share=95)
    queryset = _job_queryset(job, request)
    try:
        if request.format == ExportFormat.CSV:
            chunks = audit_csv_stream(queryset, progress=progress)
        else:
            actor = job.requested_by
            meta = export_meta(actor=actor, request=request, total=job.total_rows, export_id=str(job.pk))
            if actor is None:
                meta["generated_by"] = None
            chunks = audit_json_stream(meta, queryset, progress=progress)
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
            handle.write(chunk)
    finally:
        progress.close()
    handle.seek(0)
    return digest.hexdigest(), progress.rows


def compliance_export_job_run(*, export_id) -> ComplianceExport:
    """Produce the job's file. A PDF reports progress as rows are collected (0-60 %), then renders;
    a CSV or JSON is written row by row to a temporary file in constant memory (0-95 %), then
    stored. Idempotent: a completed job is left alone; a failure marks the job failed with the error.
    """
    job = ComplianceExport.objects.select_related("requested_by").get(pk=export_id)
    if job.status == ExportStatus.COMPLETED:
        return job
    ComplianceExport.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())
    request = _job_request(job)
    if job.format != ExportFormat.PDF:
        return _stream_job_run(job, request)
    try:
        records: list[dict] = []
        step = max(1, job.total_rows // 20)
        for record in audit_records(_job_queryset(job, request)):
            records.append(record)
            if len(records) % step == 0:
                progress = min(60, 60 * len(records) // max(1, job.total_rows))
                ComplianceExport.objects.filter(pk=job.pk).update(processed_rows=len(records), progress=progress)
        ComplianceExport.objects.filter(pk=job.pk).update(processed_rows=len(records), progress=60)
        digest = csv_digest(records)
        pdf = render_pdf(actor=job.requested_by, request=request, records=records, digest=digest, export_id=str(job.pk))
    except Exception as exc:
        logger.exception("Compliance export %s failed", job.pk)
        ComplianceExport.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        job.refresh_from_db()
        return job
    with transaction.atomic():
        job.refresh_from_db()
        job.file.save(f"{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status = ExportStatus.COMPLETED
        job.progress = 100
        job.processed_rows = len(records)
        job.total_rows = len(records)
        job.sha256 = digest
        job.finished_at = timezone.now()
        job.expires_at = job.finished_at + dt.timedelta(hours=settings.COMPLIANCE_EXPORT_LINK_HOURS)
        job.save()
        if job.requested_by is not None:
            compliance_export_record(
                actor=job.requested_by,
                request=request,
                total=len(records),
                export_id=str(job.pk),
                sha256=digest,
            )
    return job


def _stream_job_run(job: ComplianceExport, request: ExportRequest) -> ComplianceExport:
    extension, _ = FILE_TYPES[job.format]
    with tempfile.TemporaryFile() as handle:
        try:
            digest, rows = _write_stream_file(job, request, handle)
        except Exception as exc:
            logger.exception("Compliance export %s failed", job.pk)
            ComplianceExport.objects.filter(pk=job.pk).update(
                status=ExportStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
            )
            job.refresh_from_db()
            return job
        with transaction.atomic():
            job.refresh_from_db()
            job.file.save(f"{job.pk}.{extension}", File(handle), save=False)
            job.status = ExportStatus.COMPLETED
            job.progress = 100
            job.processed_rows = rows
            job.total_rows = rows
            job.sha256 = digest
            job.finished_at = timezone.now()
            job.expires_at = job.finished_at + dt.timedelta(hours=settings.COMPLIANCE_EXPORT_LINK_HOURS)
            job.save()
            if job.requested_by is not None:
                compliance_export_record(
                    actor=job.requested_by, request=request, total=rows, export_id=str(job.pk), sha256=digest
                )
    return job


def compliance_export_job_get(*, actor, export_id) -> ComplianceExport:
    job = ComplianceExport.objects.filter(pk=export_id, requested_by_id=actor.pk).first()
    if job is None:
        raise NotFound("Export not found.")
    return job


def download_token(job: ComplianceExport) -> str:
    return signing.dumps({"export_id": str(job.pk)}, salt=DOWNLOAD_SALT)


def compliance_export_job_for_download(*, export_id, token: str) -> ComplianceExport:
    """The completed job a signed, unexpired link points at (404 for anything else)."""
    try:
        data = signing.loads(
            token or "", salt=DOWNLOAD_SALT, max_age=dt.timedelta(hours=settings.COMPLIANCE_EXPORT_LINK_HOURS)
        )
    except signing.BadSignature:
        raise NotFound("This download link is invalid or has expired.") from None
    if data.get("export_id") != str(export_id):
        raise NotFound("This download link is invalid or has expired.")
    job = ComplianceExport.objects.filter(pk=export_id, status=ExportStatus.COMPLETED).first()
    if job is None or not job.file or (job.expires_at and job.expires_at < timezone.now()):
        raise NotFound("This download link is invalid or has expired.")
    return job


def compliance_exports_expire(*, now: dt.datetime | None = None) -> int:
    """Delete the files of completed exports past their expiry; the job rows stay as a record."""
    now = now or timezone.now()
    expired = 0
    for job in ComplianceExport.objects.filter(status=ExportStatus.COMPLETED, expires_at__lt=now):
        if job.file:
            job.file.delete(save=False)
        job.status = ExportStatus.EXPIRED
        job.save(update_fields=["file", "status"])
        expired += 1
    return expired
