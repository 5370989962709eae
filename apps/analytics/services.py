"""Writes of module 11: reports, their beat schedules, executions and exports.

Rights: reports belong to a workspace and are read by all its members; members and above create,
edit, delete and execute them (viewers only read and export). Scheduling is an admin decision:
creating a scheduled report, or adding a schedule to a report, needs a workspace owner or admin;
a scheduled report is then changed or deleted by owners, admins or its creator.
`actor=None` means the system (the beat scheduler, staff in the admin): no workspace rights apply.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from apps.analytics import exports, reporting
from apps.analytics.choices import ExecutionStatus, ExecutionTrigger, ScheduleType
from apps.analytics.metrics import Period, workspace_tz
from apps.analytics.models import Report, ReportExecution
from apps.core.access import require, restrict
from apps.core.audit import record_action
from apps.core.exceptions import Conflict, ValidationFailed
from apps.core.queueing import publish_on_commit
from apps.core.services import model_update
from apps.projects.models import Project
from apps.workspaces.access import workspace_role
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.policies import MANAGERS, require_role_at_least

logger = logging.getLogger("pronaflow.analytics")

SCHEDULED_TASK = "apps.analytics.tasks.report_execute_scheduled_task"
EDITABLE_FIELDS = ("name", "description", "type", "filters", "metrics", "schedule")
DEFAULT_PERIOD_DAYS = 30


# --- Rights --------------------------------------------------------------------------------


def _can_manage_schedule(actor, report: Report | None, role: str | None) -> bool:
    if role in MANAGERS:
        return True
    return (
        report is not None
        and bool(report.schedule)
        and report.created_by_id == actor.pk
        and role == WorkspaceRole.MEMBER
    )


def _require_can_write(actor, workspace, report: Report | None = None, *, adds_schedule: bool = False) -> None:
    if actor is None:
        return
    require_role_at_least(actor, workspace, WorkspaceRole.MEMBER)
    role = workspace_role(actor, workspace.pk)
    if adds_schedule:
        require(role in MANAGERS, "Only workspace owners and admins can schedule reports.")
    if report is not None and report.schedule:
        require(
            _can_manage_schedule(actor, report, role),
            "Only workspace owners, admins and the report's creator can change a scheduled report.",
        )


# --- Filters and schedules -------------------------------------------------------------------


def _check_projects(actor, workspace, filters: dict) -> None:
    """Re-check after validation: every chosen project is in the workspace and visible (422)."""
    project_ids = {str(pk) for pk in filters.get("project_ids") or []}
    if not project_ids:
        return
    projects = restrict(Project.objects, actor) if actor is not None else workspace.projects.all()
    found = {str(pk) for pk in projects.filter(workspace=workspace, pk__in=project_ids).values_list("pk", flat=True)}
    missing = sorted(project_ids - found)
    if missing:
        raise ValidationFailed({"filters": {"project_ids": [f"Unknown project: {pk}" for pk in missing]}})


def _crontab(schedule: dict, workspace) -> CrontabSchedule:
    hour, minute = (int(part) for part in schedule["time"].split(":"))
    day_of_week, day_of_month = "*", "*"
    if schedule["type"] == ScheduleType.WEEKLY:
        day_of_week = str(schedule["day_of_week"] % 7)  # ISO 1-7 (Monday-Sunday) -> cron 0-6 (Sunday-Saturday)
    elif schedule["type"] == ScheduleType.MONTHLY:
        day_of_month = str(schedule["day_of_month"])
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=str(minute),
        hour=str(hour),
        day_of_week=day_of_week,
        day_of_month=day_of_month,
        month_of_year="*",
        timezone=str(workspace_tz(workspace)),
    )
    return crontab


def _sync_schedule(report: Report) -> None:
    """Make the report's PeriodicTask match its schedule: created, updated or removed."""
    task = report.periodic_task
    if not report.schedule:
        if task is not None:
            report.periodic_task = None
            report.save(update_fields=["periodic_task", "updated_at"])
            task.delete()
        return
    values = {
        "task": SCHEDULED_TASK,
        "kwargs": json.dumps({"report_id": str(report.pk)}),
        "crontab": _crontab(report.schedule, report.workspace),
        "enabled": True,
        "description": f"Scheduled run of report '{report.name}' ({report.workspace.name})"[:200],
    }
    if task is None:
        task = PeriodicTask.objects.create(name=f"analytics.report:{report.pk}", **values)
        report.periodic_task = task
        report.save(update_fields=["periodic_task", "updated_at"])
    else:
        model_update(instance=task, fields=values, data=values, save=False)
        task.save()


# --- Reports -----------------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *,
    actor,
    workspace,
    name: str,
    type: str,
    metrics: list[str],
    description: str = "",
    filters: dict | None = None,
    schedule: dict | None = None,
) -> Report:
    """Create a report of `workspace`, with its beat schedule when `schedule` is given.

    Raises PermissionDenied (viewers; members asking for a schedule), ValidationFailed (a chosen
    project outside the workspace or invisible to the actor). Nothing is written on failure.
    """
    _require_can_write(actor, workspace, adds_schedule=bool(schedule))
    filters = filters or {}
    _check_projects(actor, workspace, filters)
    report = Report.objects.create(
        workspace=workspace,
        name=name,
        description=description,
        type=type,
        filters=filters,
        metrics=reporting.ordered_metrics(metrics),
        schedule=schedule or None,
        created_by=actor,
    )
    _sync_schedule(report)
    return report


@transaction.atomic
def report_update(*, actor, report: Report, data: dict) -> Report:
    """Change a report; its PeriodicTask follows the schedule (created, retimed or removed).

    Raises PermissionDenied (see the module rules) and ValidationFailed (foreign projects).
    """
    report = (
        Report.objects.select_for_update(of=("self",)).select_related("workspace", "periodic_task").get(pk=report.pk)
    )
    adds_schedule = bool(data.get("schedule")) and not report.schedule
    _require_can_write(actor, report.workspace, report, adds_schedule=adds_schedule)
    if "filters" in data:
        data["filters"] = data["filters"] or {}
        _check_projects(actor, report.workspace, data["filters"])
    if "metrics" in data:
        data["metrics"] = reporting.ordered_metrics(data["metrics"])
    if "schedule" in data:
        data["schedule"] = data["schedule"] or None
    model_update(instance=report, fields=EDITABLE_FIELDS, data=data)
    _sync_schedule(report)
    return report


@transaction.atomic
def report_delete(*, actor, report: Report) -> None:
    """Delete a report, its executions and its PeriodicTask. Raises PermissionDenied."""
    _require_can_write(actor, report.workspace, report)
    task_id = report.periodic_task_id
    report.delete()
    if task_id is not None:
        PeriodicTask.objects.filter(pk=task_id).delete()


# --- Executions -----------------------------------------------------------------------------------


def report_period(report: Report) -> Period:
    """The report's date range: its filters, else the 30 days up to today (workspace time zone)."""
    tz = workspace_tz(report.workspace)
    filters = report.filters or {}
    today = timezone.now().astimezone(tz).date()
    start = dt.date.fromisoformat(filters["start_date"]) if filters.get("start_date") else None
    end = dt.date.fromisoformat(filters["end_date"]) if filters.get("end_date") else None
    if end is None:
        end = max(today, start) if start else today
    if start is None:
        start = end - dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    return Period(start=start, end=end, tz=tz)


def _start(*, actor, report: Report, trigger: str) -> ReportExecution:
    period = report_period(report)
    return ReportExecution.objects.create(
        report=report,
        trigger=trigger,
        triggered_by=actor,
        start_date=period.start,
        end_date=period.end,
    )


@transaction.atomic
def report_execute(*, actor, report: Report) -> ReportExecution:
    """Start an execution (status processing) and queue `report_run_task` after commit.

    Raises PermissionDenied for viewers.
    """
    if actor is not None:
        require_role_at_least(actor, report.workspace, WorkspaceRole.MEMBER)
    execution = _start(actor=actor, report=report, trigger=ExecutionTrigger.MANUAL)
    from apps.analytics.tasks import report_run_task

    execution_id = str(execution.pk)
    publish_on_commit(report_run_task, execution_id)
    return execution


def report_execution_run(*, execution_id) -> ReportExecution | None:
    """Compute an execution's results: processing -> completed (or failed, with the reason logged).

    Idempotent: an execution that is no longer processing is left alone, so a retried task does
    not run twice. Stamps the report's last_executed_at on success.
    """
    with transaction.atomic():
        execution = (
            ReportExecution.objects.select_for_update(of=("self",))
            .select_related("report__workspace")
            .filter(pk=execution_id)
            .first()
        )
        if execution is None or execution.status != ExecutionStatus.PROCESSING:
            return execution
        report = execution.report
        period = Period(start=execution.start_date, end=execution.end_date, tz=workspace_tz(report.workspace))
        try:
            with transaction.atomic():
                results = reporting.compute(report, period)
        except Exception:
            logger.exception("Report execution %s failed", execution.pk)
            execution.status = ExecutionStatus.FAILED
            execution.error = "The report could not be computed; the error was logged."
        else:
            execution.status = ExecutionStatus.COMPLETED
            execution.results = results
        execution.finished_at = timezone.now()
        execution.save(update_fields=["status", "results", "error", "finished_at", "updated_at"])
        if execution.status == ExecutionStatus.COMPLETED:
            Report.objects.filter(pk=report.pk).update(last_executed_at=execution.finished_at)
    return execution


def report_run_now(*, actor, report: Report, trigger: str) -> ReportExecution:
    """Create an execution and compute it in this process (scheduler, export, admin, demo)."""
    with transaction.atomic():
        execution = _start(actor=actor, report=report, trigger=trigger)
    return report_execution_run(execution_id=execution.pk)


def report_export(*, actor, report: Report, fmt: str, include_charts: bool = True) -> exports.ExportFile:
    """Render the latest completed results of `report` (restricted to what `actor` can see) as a
    file; a report never completed is executed synchronously first. Audited as report.exported.

    Raises Conflict when the synchronous execution fails.
    """
    execution = report.executions.filter(status=ExecutionStatus.COMPLETED).order_by("-created_at").first()
    if execution is None:
        execution = report_run_now(actor=actor, report=report, trigger=ExecutionTrigger.EXPORT)
        if execution.status != ExecutionStatus.COMPLETED:
            raise Conflict("The report could not be generated. Try again later.")
    results = reporting.visible_results(report, execution.results, actor)
    file = exports.render(report=report, execution=execution, results=results, fmt=fmt, include_charts=include_charts)
    record_action(
        "report.exported",
        actor=actor,
        target=report,
        workspace_id=report.workspace_id,
        extra={"report_id": str(report.pk), "execution_id": str(execution.pk), "format": fmt},
    )
    return file
