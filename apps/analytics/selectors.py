"""Reads of module 11, always scoped through `apps.core.access.restrict` (foreign ids answer 404)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import QuerySet
from django.utils import timezone

from apps.analytics import burndown, metrics, reporting
from apps.analytics.choices import ExecutionStatus, Granularity
from apps.analytics.models import Report, ReportExecution
from apps.core.access import restrict
from apps.core.exceptions import InvalidRequest, NotFound
from apps.projects.models import Project
from apps.workspaces.models import Workspace

DEFAULT_METRICS_DAYS = 30
# Longest range per granularity, so a response stays a sensible size.
MAX_DAYS = {Granularity.DAILY: 366, Granularity.WEEKLY: 366 * 5, Granularity.MONTHLY: 366 * 20}
MAX_BURNDOWN_DAYS = 3660


def analytics_project_get(*, actor, project_id):
    """A project `actor` can see (any role); 404 otherwise."""
    project = restrict(Project.objects, actor).select_related("workspace").filter(pk=project_id).first()
    if project is None:
        raise NotFound("Project not found.")
    return project


def _today(tz) -> dt.date:
    return timezone.now().astimezone(tz).date()


def _check_range(start: dt.date, end: dt.date, max_days: int) -> None:
    if start > end:
        raise InvalidRequest(
            "start_date must be on or before end_date.", details={"field": "end_date", "reason": "Before start_date."}
        )
    if (end - start).days + 1 > max_days:
        raise InvalidRequest(
            f"The range is limited to {max_days} days.", details={"field": "start_date", "reason": "Range too long."}
        )


def project_metrics_get(
    *, actor, project_id, start: dt.date | None, end: dt.date | None, granularity: str = Granularity.DAILY
) -> dict:
    """Headline figures and the bucketed series of a project over [start, end] (workspace days).

    Defaults: the 30 days up to today. Raises NotFound (invisible project) and InvalidRequest
    (start after end, range longer than the granularity allows).
    """
    project = analytics_project_get(actor=actor, project_id=project_id)
    tz = metrics.workspace_tz(project.workspace)
    end = end or (max(start, _today(tz)) if start else _today(tz))
    start = start or end - dt.timedelta(days=DEFAULT_METRICS_DAYS - 1)
    _check_range(start, end, MAX_DAYS[Granularity(granularity)])
    return metrics.project_metrics(project, metrics.Period(start=start, end=end, tz=tz), granularity)


def project_burndown_get(*, actor, project_id, start: dt.date | None, end: dt.date | None) -> dict:
    """Burndown of a project from its daily snapshots (see `apps.analytics.burndown`).

    Defaults: the project's start and end dates, else from the day its first task was created
    (today when it has none) to today. The first request after a day closes records that day's
    snapshot. Raises NotFound, InvalidRequest.
    """
    project = analytics_project_get(actor=actor, project_id=project_id)
    tz = metrics.workspace_tz(project.workspace)
    today = _today(tz)
    if start is None:
        start = project.start_date
    if start is None:
        first = (
            apps.get_model("tasks.Task")
            .objects.filter(project_id=project.pk)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        start = first.astimezone(tz).date() if first else today
    if end is None:
        end = project.end_date if project.end_date and project.end_date >= start else max(today, start)
    _check_range(start, end, MAX_BURNDOWN_DAYS)
    return burndown.project_burndown(project, metrics.Period(start=start, end=end, tz=tz), today)


def report_list(*, actor) -> QuerySet:
    """Reports of the workspaces `actor` belongs to."""
    return Report.objects.filter(workspace__in=restrict(Workspace.objects, actor)).select_related("workspace")


def report_get(*, actor, report_id) -> Report:
    """One report of a workspace `actor` belongs to; 404 otherwise."""
    report = report_list(actor=actor).select_related("periodic_task").filter(pk=report_id).first()
    if report is None:
        raise NotFound("Report not found.")
    return report


def report_execution_list(*, actor, report: Report) -> QuerySet:
    """Every execution of `report` (already scoped to `actor`), newest first."""
    return ReportExecution.objects.filter(report=report).order_by("-created_at", "id")


def report_visible_project_ids(*, actor, report: Report) -> set[str]:
    """Ids (strings) of the projects of the report's workspace `actor` can see: what a row of its
    results needs to be shown to them."""
    return {
        str(pk)
        for pk in restrict(Project.objects, actor).filter(workspace_id=report.workspace_id).values_list("pk", flat=True)
    }


def report_results_get(*, actor, report: Report, execution_id=None) -> dict:
    """The latest execution of `report` (or the one asked for) with the rows `actor` can see.

    Raises NotFound when the report was never executed or the execution is not the report's.
    """
    executions = ReportExecution.objects.filter(report=report).order_by("-created_at")
    execution = (executions.filter(pk=execution_id) if execution_id else executions).first()
    if execution is None:
        raise NotFound("This report has no results yet: execute it first." if not execution_id else None)
    completed = execution.status == ExecutionStatus.COMPLETED
    results = reporting.visible_results(report, execution.results, actor) if completed else None
    return {
        "report_id": report.pk,
        "execution_id": execution.pk,
        "status": execution.status,
        "generated_at": execution.finished_at if completed else None,
        "start_date": execution.start_date,
        "end_date": execution.end_date,
        "summary": results["summary"] if results else None,
        "details": results["details"] if results else [],
        "error": execution.error,
    }
