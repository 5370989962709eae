"""Module 8 endpoints: archive, trash, audit log, compliance export and GDPR tools."""

from __future__ import annotations

import re
from types import SimpleNamespace

from django.conf import settings
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from apps.archive import selectors
from apps.archive.choices import ExportFormat
from apps.archive.models import ArchiveHistory, AuditEntry, TrashItem
from apps.archive.serializers import (
    ArchiveHistorySerializer,
    ArchiveRequestSerializer,
    ArchiveStateSerializer,
    AuditChainVerificationSerializer,
    AuditLogSerializer,
    ChainReportSerializer,
    ComplianceExportSerializer,
    ErasureRequestSerializer,
    ErasureResultSerializer,
    MyDataSerializer,
    TrashCreateSerializer,
    TrashItemSerializer,
    TrashRestoreSerializer,
    UnarchiveRequestSerializer,
)
from apps.archive.services import archive as archive_services
from apps.archive.services import audit_verification, exports, gdpr
from apps.archive.services import trash as trash_services
from apps.archive.services.audit_chain import audit_chain_size, audit_chain_verify
from apps.core import trash as core_trash
from apps.core.api.envelope import ok
from apps.core.api.pagination import PagePagination
from apps.core.api.params import bool_param, choice_param, datetime_param, uuid_param
from apps.core.audit import current_remote_addr, record_action
from apps.core.exceptions import InvalidRequest, PermissionDenied

RESOURCE_TYPE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,63}")
TAG_ARCHIVE, TAG_TRASH, TAG_AUDIT, TAG_COMPLIANCE = "Archive", "Trash", "Audit logs", "Compliance"


class IgnoreFormatParamNegotiation(DefaultContentNegotiation):
    """`?format=` chooses the export format here, not DRF's renderer."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class AuditLogPagination(PagePagination):
    page_size = 50


def end_datetime_param(params, name: str):
    """Like datetime_param, but a bare date means the end of that UTC day (inclusive range)."""
    return datetime_param(params, name, end_of_day=True)


def _uuid_field(name: str, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, required=False, description=description)


def _date_param(name: str, required: bool = False) -> OpenApiParameter:
    return OpenApiParameter(
        name, OpenApiTypes.STR, required=required, description="ISO 8601 date or date-time (UTC when no offset)."
    )


# --- archive ------------------------------------------------------------------------------


class ProjectArchiveView(APIView):
    @extend_schema(
        tags=[TAG_ARCHIVE],
        operation_id="archive_project",
        request=ArchiveRequestSerializer,
        responses={200: ArchiveStateSerializer},
        summary="Archive a project (read-only until unarchived)",
    )
    def post(self, request, project_id):
        # The URL id answers 404 before the body is judged.
        project = archive_services.project_for_archive(actor=request.user, project_id=project_id)
        serializer = ArchiveRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        history = archive_services.project_archive(actor=request.user, project=project, **serializer.validated_data)
        return ok(ArchiveStateSerializer(history).data, message="Project archived")


class ProjectUnarchiveView(APIView):
    @extend_schema(
        tags=[TAG_ARCHIVE],
        operation_id="unarchive_project",
        request=UnarchiveRequestSerializer,
        responses={200: ArchiveStateSerializer},
        summary="Unarchive a project (restores its previous status)",
    )
    def post(self, request, project_id):
        # The URL id answers 404 before the body is judged.
        project = archive_services.project_for_archive(actor=request.user, project_id=project_id)
        serializer = UnarchiveRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        history = archive_services.project_unarchive(actor=request.user, project=project, **serializer.validated_data)
        return ok(ArchiveStateSerializer(history).data, message="Project unarchived")


class ProjectArchiveHistoryView(GenericAPIView):
    serializer_class = ArchiveHistorySerializer
    queryset = ArchiveHistory.objects.none()

    @extend_schema(
        tags=[TAG_ARCHIVE], operation_id="archive_project_history", responses={200: ArchiveHistorySerializer(many=True)}
    )
    def get(self, request, project_id):
        project = archive_services.project_for_archive(actor=request.user, project_id=project_id)
        page = self.paginate_queryset(archive_services.archive_history_list(project=project))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- trash --------------------------------------------------------------------------------


class TrashView(GenericAPIView):
    serializer_class = TrashItemSerializer
    queryset = TrashItem.objects.none()

    @extend_schema(
        tags=[TAG_TRASH],
        operation_id="trash_list",
        parameters=[
            OpenApiParameter("resource_type", OpenApiTypes.STR, enum=core_trash.resource_types() or None),
            _uuid_field("workspace_id"),
        ],
        responses={200: TrashItemSerializer(many=True)},
    )
    def get(self, request):
        params = request.query_params
        queryset = trash_services.trash_item_list(
            actor=request.user,
            resource_type=choice_param(params, "resource_type", core_trash.resource_types()),
            workspace_id=uuid_param(params, "workspace_id"),
        )
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        tags=[TAG_TRASH],
        operation_id="trash_create",
        request=TrashCreateSerializer,
        parameters=[OpenApiParameter("force", OpenApiTypes.BOOL, description="Same as `force` in the body.")],
        responses={201: TrashItemSerializer},
        summary="Move a resource (and what it contains) to the trash",
    )
    def post(self, request):
        serializer = TrashCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["force"] = data["force"] or bool(bool_param(request.query_params, "force", default=False))
        item = trash_services.trash_item_create(actor=request.user, **data)
        return ok(TrashItemSerializer(item).data, message="Moved to trash", status=status.HTTP_201_CREATED)


class TrashRestoreView(APIView):
    @extend_schema(
        tags=[TAG_TRASH], operation_id="trash_restore", request=None, responses={200: TrashRestoreSerializer}
    )
    def post(self, request, trash_item_id):
        item = trash_services.trash_item_get(actor=request.user, trash_item_id=trash_item_id)
        result = trash_services.trash_item_restore(actor=request.user, trash_item=item)
        return ok(TrashRestoreSerializer(result).data, message="Restored")


class TrashItemView(APIView):
    @extend_schema(tags=[TAG_TRASH], operation_id="trash_purge", request=None, responses={204: None})
    def delete(self, request, trash_item_id):
        item = trash_services.trash_item_get(actor=request.user, trash_item_id=trash_item_id)
        trash_services.trash_item_purge(actor=request.user, trash_item=item)
        return HttpResponse(status=status.HTTP_204_NO_CONTENT)


# --- audit log ----------------------------------------------------------------------------


class AuditLogListView(GenericAPIView):
    serializer_class = AuditLogSerializer
    queryset = AuditEntry.objects.none()
    pagination_class = AuditLogPagination

    @extend_schema(
        tags=[TAG_AUDIT],
        operation_id="audit_logs_list",
        parameters=[
            _uuid_field("workspace_id"),
            _uuid_field("user_id", "Entries written by this user."),
            OpenApiParameter("action", OpenApiTypes.STR, description="`<resource>.<verb>`, e.g. project.archived."),
            _date_param("start_date"),
            _date_param("end_date"),
            OpenApiParameter("resource_type", OpenApiTypes.STR, description="e.g. project, task, task_list."),
            OpenApiParameter("resource_id", OpenApiTypes.STR),
        ],
        responses={200: AuditLogSerializer(many=True)},
        summary="Audit log: workspace owners/admins see their workspaces, compliance staff everything",
    )
    def get(self, request):
        params = request.query_params
        scope = selectors.audit_scope(request.user, workspace_id=uuid_param(params, "workspace_id"))
        resource_type = params.get("resource_type") or None
        if resource_type is not None and not RESOURCE_TYPE_PATTERN.fullmatch(resource_type):
            raise InvalidRequest(
                "Invalid value for 'resource_type'.", details={"field": "resource_type", "reason": "e.g. task_list."}
            )
        start, end = datetime_param(params, "start_date"), end_datetime_param(params, "end_date")
        exports.validate_order(start, end)
        queryset = selectors.audit_entry_list(
            scope=scope,
            user_id=uuid_param(params, "user_id"),
            action=params.get("action") or None,
            start=start,
            end=end,
            resource_type=resource_type,
            resource_id=(params.get("resource_id") or "")[:255] or None,
        ).values(*selectors.RECORD_VALUES)
        page = self.paginate_queryset(queryset)
        records = [selectors.audit_record(row) for row in page]
        return self.get_paginated_response(AuditLogSerializer(records, many=True).data)


class AuditChainVerifyView(APIView):
    @extend_schema(
        tags=[TAG_AUDIT],
        operation_id="audit_logs_verify",
        parameters=[
            OpenApiParameter(
                "Location",
                OpenApiTypes.URI,
                OpenApiParameter.HEADER,
                response=[202],
                description="Where to poll the background verification (GET /audit-logs/verifications/{id}).",
            )
        ],
        responses={
            200: OpenApiResponse(ChainReportSerializer, description="The chain verified in the request."),
            202: OpenApiResponse(
                AuditChainVerificationSerializer,
                description=(
                    "The chain is longer than AUDIT_VERIFY_SYNC_MAX_ENTRIES: a background verification "
                    "(queued, or the one already under way); poll the `Location` header (`data.url`)."
                ),
            ),
        },
        summary="Verify the audit hash chain (compliance staff)",
        description=(
            "Recomputes every link of the audit hash chain, from the newest retention anchor to the head. "
            "A chain of up to AUDIT_VERIFY_SYNC_MAX_ENTRIES links (default 10,000) is verified in the request "
            "(200, the report). A longer one is verified by a background job that reads the chain in chunks and "
            "records its progress: the answer is 202 with the job (`status`, `checked_entries` of "
            "`total_entries`, `percent`) and `Location: /api/v1/audit-logs/verifications/{id}`, which shows the "
            "progress, then the verdict (`intact`, `first_problem` with its chain position `seq`) and the same "
            "report in `result`. While a verification is queued or running, this answers with that one instead "
            "of starting another. Compliance staff only (staff with `archive.verify_auditchain`)."
        ),
    )
    def get(self, request):
        """The whole chain proved: inline (200) when short, else a background job with progress (202).

        Raises PermissionDenied (403) unless the caller is staff with `archive.verify_auditchain`."""
        if not (request.user.is_staff and request.user.has_perm("archive.verify_auditchain")):
            raise PermissionDenied("Verifying the audit chain is reserved to compliance staff.")
        if audit_chain_size() > settings.AUDIT_VERIFY_SYNC_MAX_ENTRIES:
            verification = audit_verification.audit_chain_verification_start(actor=request.user)
            data = AuditChainVerificationSerializer(verification, context={"request": request}).data
            response = ok(data, message="The audit chain is being verified.", status=status.HTTP_202_ACCEPTED)
            response["Location"] = data["url"]
            return response
        report = audit_chain_verify().as_dict()
        record_action("audit.verified", actor=request.user, target=request.user, extra={"intact": report["intact"]})
        return ok(ChainReportSerializer(report).data)


class AuditChainVerificationView(APIView):
    @extend_schema(
        tags=[TAG_AUDIT],
        operation_id="audit_logs_verification",
        responses={200: AuditChainVerificationSerializer},
        summary="Progress and verdict of a background audit-chain verification (compliance staff)",
        description=(
            "A verification started by GET /audit-logs/verify on a long chain (or from the admin dashboard): "
            "`status` (queued, running, completed, failed), `checked_entries` of `total_entries` and `percent` while "
            "it runs; then `intact`, `first_problem` (the first broken link, `seq` being its position in the chain) "
            "and `result`, the report GET /audit-logs/verify answers inline for a short chain. Compliance staff only."
        ),
    )
    def get(self, request, verification_id):
        """One background verification (see GET /audit-logs/verify): status, progress, then verdict.

        Raises PermissionDenied (403) unless the caller is staff with `archive.verify_auditchain`,
        NotFound (404) for an unknown id."""
        verification = audit_verification.audit_chain_verification_get(
            actor=request.user, verification_id=verification_id
        )
        return ok(AuditChainVerificationSerializer(verification, context={"request": request}).data)


# --- compliance export --------------------------------------------------------------------

EXPORT_JSON_SCHEMA = {
    "type": "object",
    "required": ["success", "data"],
    "properties": {
        "success": {"type": "boolean"},
        "data": {
            "type": "object",
            "properties": {
                "export_id": {"type": "string", "format": "uuid"},
                "generated_at": {"type": "string", "format": "date-time"},
                "generated_by": {"type": "string"},
                "start_date": {"type": "string", "format": "date-time"},
                "end_date": {"type": "string", "format": "date-time"},
                "workspace_id": {"type": "string", "format": "uuid", "nullable": True},
                "total": {"type": "integer"},
                "chain_head": {
                    "type": "object",
                    "properties": {"seq": {"type": "integer"}, "hash": {"type": "string"}},
                },
                "entries": {"type": "array", "items": {"$ref": "#/components/schemas/AuditLog"}},
            },
        },
    },
}


class ComplianceExportView(APIView):
    content_negotiation_class = IgnoreFormatParamNegotiation

    @extend_schema(
        tags=[TAG_COMPLIANCE],
        operation_id="compliance_export",
        parameters=[
            _date_param("start_date", required=True),
            _date_param("end_date", required=True),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv", "pdf"], default="json"),
            _uuid_field("workspace_id"),
        ],
        responses={
            (200, "application/json"): OpenApiResponse(EXPORT_JSON_SCHEMA, description="JSON in the envelope."),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV download (streamed)."),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF download."),
            (202, "application/json"): OpenApiResponse(
                ComplianceExportSerializer,
                description="A large export queued as an export job; poll its status, then download its link.",
            ),
        },
        summary="Export the audit log for a period (range at most COMPLIANCE_EXPORT_MAX_DAYS days)",
        description=(
            "CSV and JSON stream in constant memory up to COMPLIANCE_SYNC_MAX_ROWS (default 50,000) entries; "
            "a larger CSV or JSON, and a PDF of more than COMPLIANCE_PDF_SYNC_MAX_ROWS (default 500) entries, "
            "answers 202 with an export job (status, progress, then an expiring download link); PDFs hold at most "
            "COMPLIANCE_PDF_MAX_ROWS (default 5000) entries. The PDF footer carries the SHA-256 of the CSV export "
            "of the same rows."
        ),
    )
    def get(self, request):
        params = request.query_params
        start = datetime_param(params, "start_date")
        end = end_datetime_param(params, "end_date")
        export_format = choice_param(params, "format", ExportFormat.values, default=ExportFormat.JSON)
        workspace_id = uuid_param(params, "workspace_id")
        exports.validate_range(start, end)
        scope = selectors.audit_scope(
            request.user, workspace_id=workspace_id, all_permission=selectors.EXPORT_ALL_PERMISSION
        )
        export = exports.ExportRequest(
            start=start,
            end=end,
            format=export_format,
            scope=scope,
            workspace_id=str(workspace_id) if workspace_id else None,
        )
        if export_format == ExportFormat.PDF:
            total = exports.pdf_row_count(export)
            if total > settings.COMPLIANCE_PDF_SYNC_MAX_ROWS:
                job = exports.compliance_export_job_create(actor=request.user, request=export, total=total)
                data = ComplianceExportSerializer(job, context={"request": request}).data
                return ok(data, message="The export is being prepared.", status=status.HTTP_202_ACCEPTED)
            pdf, filename, digest = exports.compliance_export_pdf(actor=request.user, request=export)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            response["X-Content-SHA256"] = digest
            return response
        total = exports.export_row_count(export)
        if total > settings.COMPLIANCE_SYNC_MAX_ROWS:
            # A long download would outlive proxies' and servers' timeouts: write it in the background.
            job = exports.compliance_export_job_create(actor=request.user, request=export, total=total)
            data = ComplianceExportSerializer(job, context={"request": request}).data
            return ok(data, message="The export is being prepared.", status=status.HTTP_202_ACCEPTED)
        chunks, filename = exports.compliance_export_stream(actor=request.user, request=export)
        content_type = "text/csv; charset=utf-8" if export_format == ExportFormat.CSV else "application/json"
        response = StreamingHttpResponse(chunks, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class ComplianceExportJobView(APIView):
    @extend_schema(
        tags=[TAG_COMPLIANCE], operation_id="compliance_export_status", responses={200: ComplianceExportSerializer}
    )
    def get(self, request, export_id):
        job = exports.compliance_export_job_get(actor=request.user, export_id=export_id)
        return ok(ComplianceExportSerializer(job, context={"request": request}).data)


class ComplianceExportDownloadView(APIView):
    """The expiring link of a finished export job: the signed token is the credential."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        tags=[TAG_COMPLIANCE],
        operation_id="compliance_export_download",
        auth=[],
        parameters=[OpenApiParameter("token", OpenApiTypes.STR, required=True)],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
            (200, "application/json"): OpenApiResponse(OpenApiTypes.BINARY, description="The JSON export file."),
        },
    )
    def get(self, request, export_id):
        job = exports.compliance_export_job_for_download(export_id=export_id, token=request.query_params.get("token"))
        record_action(
            "compliance.export_downloaded",
            actor=job.requested_by,
            target=job,
            workspace_id=job.workspace_id,
            remote_addr=current_remote_addr(),
            extra={"sha256": job.sha256},
        )
        extension, content_type = exports.FILE_TYPES[job.format]
        response = FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=f"pronaflow-audit-{job.pk}.{extension}",
            content_type=content_type,
        )
        response["X-Content-SHA256"] = job.sha256
        return response


# --- GDPR ---------------------------------------------------------------------------------


class MyDataView(APIView):
    @extend_schema(tags=[TAG_COMPLIANCE], operation_id="compliance_my_data", responses={200: MyDataSerializer})
    def get(self, request):
        return ok(gdpr.user_data_export(actor=request.user))


class ErasureView(APIView):
    @extend_schema(
        tags=[TAG_COMPLIANCE],
        operation_id="compliance_erasure",
        request=ErasureRequestSerializer,
        responses={200: ErasureResultSerializer},
        summary="Erase my account by pseudonymisation (irreversible)",
    )
    def post(self, request):
        serializer = ErasureRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = gdpr.user_erase(actor=request.user, password=serializer.validated_data["password"])
        return ok(ErasureResultSerializer(result).data, message="Your account has been erased.")
