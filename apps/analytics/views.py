"""Module 11 endpoints. Thin: parse, scope through selectors (404), call a service (403/422)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.analytics import selectors, services
from apps.analytics.choices import ExportFormat, Granularity
from apps.analytics.filters import ReportFilterSet
from apps.analytics.models import Report
from apps.analytics.serializers import (
    BurndownSerializer,
    ProjectMetricsSerializer,
    ReportCreateSerializer,
    ReportExecutionHistorySerializer,
    ReportExecutionSerializer,
    ReportResultsSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
)
from apps.core.api.params import MAX_YEAR, MIN_YEAR, bool_param, choice_param, uuid_param
from apps.core.exceptions import InvalidRequest

ANALYTICS_TAGS = ["analytics"]
REPORT_TAGS = ["reports"]

DATE_PARAMS = [
    OpenApiParameter(
        "start_date", OpenApiTypes.DATE, description="ISO 8601 date (a date-time counts as its day).", required=False
    ),
    OpenApiParameter(
        "end_date",
        OpenApiTypes.DATE,
        description="ISO 8601 date, inclusive (a date-time counts as its day).",
        required=False,
    ),
]


def date_param(params, name: str) -> dt.date | None:
    """An ISO 8601 date, or a date-time taken as its (UTC-offset local) day; 400 otherwise."""
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = parse_date(raw) or parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise InvalidRequest(
            f"Invalid value for '{name}'.", details={"field": name, "reason": "Must be an ISO 8601 date."}
        )
    day = value.date() if isinstance(value, dt.datetime) else value
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidRequest(
            f"Invalid value for '{name}'.",
            details={"field": name, "reason": f"Years {MIN_YEAR} to {MAX_YEAR} only."},
        )
    return day


class ProjectMetricsView(APIView):
    @extend_schema(
        operation_id="analytics_project_metrics",
        tags=ANALYTICS_TAGS,
        summary="Project metrics and their daily, weekly or monthly series (default: the last 30 days)",
        description=(
            "Days, weeks (Monday-based) and months follow the workspace's time zone. Cancelled and trashed tasks "
            "are left out. The daily range is limited to 366 days, weekly to 1830, monthly to 7320."
        ),
        parameters=[
            *DATE_PARAMS,
            OpenApiParameter("granularity", str, enum=Granularity.values, default=Granularity.DAILY, required=False),
        ],
        responses=ProjectMetricsSerializer,
    )
    def get(self, request, project_id):
        params = request.query_params
        data = selectors.project_metrics_get(
            actor=request.user,
            project_id=project_id,
            start=date_param(params, "start_date"),
            end=date_param(params, "end_date"),
            granularity=choice_param(params, "granularity", Granularity.values, default=Granularity.DAILY),
        )
        return Response(ProjectMetricsSerializer(data).data)


class ProjectBurndownView(APIView):
    @extend_schema(
        operation_id="analytics_project_burndown",
        tags=ANALYTICS_TAGS,
        summary="Burndown: ideal, actual and scope lines per day, from daily snapshots",
        description=(
            "Defaults: the project's start and end dates, else from the day its first task was created to today. "
            "Remaining work counts open tasks (cancelled and trashed ones excluded). Each closed day (workspace time "
            "zone) is read from a snapshot taken when it closed, so deleting or moving tasks later never changes it; "
            "days nobody recorded are reconstructed once from the tasks' history and then frozen. Today is live; "
            "the actual and scope lines stop at today. The range is limited to 3660 days."
        ),
        parameters=DATE_PARAMS,
        responses=BurndownSerializer,
    )
    def get(self, request, project_id):
        params = request.query_params
        data = selectors.project_burndown_get(
            actor=request.user,
            project_id=project_id,
            start=date_param(params, "start_date"),
            end=date_param(params, "end_date"),
        )
        return Response(BurndownSerializer(data).data)


class ReportListCreateView(generics.ListCreateAPIView):
    serializer_class = ReportSerializer
    filterset_class = ReportFilterSet
    ordering_fields = ["name", "type", "created_at", "updated_at", "last_executed_at"]
    ordering = ["-created_at", "id"]
    queryset = Report.objects.none()

    def get_queryset(self):
        return selectors.report_list(actor=self.request.user)

    @extend_schema(operation_id="reports_list", tags=REPORT_TAGS, summary="Reports of my workspaces")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        operation_id="reports_create",
        tags=REPORT_TAGS,
        request=ReportCreateSerializer,
        responses={201: ReportSerializer},
        summary="Create a report (workspace members and above; a schedule needs an owner or admin)",
    )
    def post(self, request, *args, **kwargs):
        serializer = ReportCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        report = services.report_create(actor=request.user, workspace=data.pop("workspace_id"), **data)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)


class ReportScopedView(APIView):
    @cached_property
    def report(self) -> Report:
        return selectors.report_get(actor=self.request.user, report_id=self.kwargs["report_id"])


class ReportDetailView(ReportScopedView):
    @extend_schema(operation_id="reports_retrieve", tags=REPORT_TAGS, responses=ReportSerializer)
    def get(self, request, report_id):
        return Response(ReportSerializer(self.report).data)

    @extend_schema(
        operation_id="reports_update",
        tags=REPORT_TAGS,
        request=ReportUpdateSerializer,
        responses=ReportSerializer,
        summary="Edit a report; its beat schedule follows (members and above; scheduled: owners, admins, creator)",
    )
    def patch(self, request, report_id):
        serializer = ReportUpdateSerializer(
            data=request.data, partial=True, context={"request": request, "workspace": self.report.workspace}
        )
        serializer.is_valid(raise_exception=True)
        report = services.report_update(actor=request.user, report=self.report, data=dict(serializer.validated_data))
        return Response(ReportSerializer(report).data)

    @extend_schema(
        operation_id="reports_destroy",
        tags=REPORT_TAGS,
        responses={204: None},
        summary="Delete a report with its executions and schedule",
    )
    def delete(self, request, report_id):
        services.report_delete(actor=request.user, report=self.report)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReportExecuteView(ReportScopedView):
    @extend_schema(
        operation_id="reports_execute",
        tags=REPORT_TAGS,
        request=None,
        responses={202: ReportExecutionSerializer},
        summary="Run the report in the background (202 Accepted; poll /results)",
    )
    def post(self, request, report_id):
        execution = services.report_execute(actor=request.user, report=self.report)
        execution.refresh_from_db(fields=["status"])
        return Response(ReportExecutionSerializer(execution).data, status=status.HTTP_202_ACCEPTED)


class ReportExecutionListView(generics.ListAPIView):
    serializer_class = ReportExecutionHistorySerializer
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "id"]
    queryset = Report.objects.none()

    @cached_property
    def report(self) -> Report:
        return selectors.report_get(actor=self.request.user, report_id=self.kwargs["report_id"])

    def get_queryset(self):
        return selectors.report_execution_list(actor=self.request.user, report=self.report)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        context["visible_project_ids"] = selectors.report_visible_project_ids(
            actor=self.request.user, report=self.report
        )
        return context

    @extend_schema(
        operation_id="reports_executions",
        tags=REPORT_TAGS,
        summary="Run history of a report, newest first (each run's results: GET /results?execution_id=)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReportResultsView(ReportScopedView):
    @extend_schema(
        operation_id="reports_results",
        tags=REPORT_TAGS,
        parameters=[
            OpenApiParameter(
                "execution_id", OpenApiTypes.UUID, required=False, description="An earlier execution (default: latest)."
            )
        ],
        responses=ReportResultsSerializer,
        summary="Results of the latest execution (404 before the first one), restricted to projects I can see",
    )
    def get(self, request, report_id):
        data = selectors.report_results_get(
            actor=request.user, report=self.report, execution_id=uuid_param(request.query_params, "execution_id")
        )
        return Response(ReportResultsSerializer(data).data)


class FirstRendererNegotiation(DefaultContentNegotiation):
    """`?format=` names the file format here, not a DRF renderer; errors still answer JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportExportView(ReportScopedView):
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="reports_export",
        tags=REPORT_TAGS,
        parameters=[
            OpenApiParameter("format", str, enum=ExportFormat.values, default=ExportFormat.CSV, required=False),
            OpenApiParameter(
                "include_charts",
                bool,
                default=True,
                required=False,
                description="PDF: a completion-rate bar chart. Excel: native charts (completion rate by project, "
                "velocity trend, and the burndown of a one-project report).",
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY, description="CSV of the details rows."),
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF report."),
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Excel workbook (Summary and Details sheets)."
            ),
        },
        summary="Download the latest results as CSV, PDF or Excel (runs the report first if it never ran)",
    )
    def get(self, request, report_id):
        params = request.query_params
        file = services.report_export(
            actor=request.user,
            report=self.report,
            fmt=choice_param(params, "format", ExportFormat.values, default=ExportFormat.CSV),
            include_charts=bool_param(params, "include_charts", default=True),
        )
        response = HttpResponse(file.content, content_type=file.content_type)
        response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
        return response
