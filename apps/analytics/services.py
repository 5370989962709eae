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
from apps.core.queueing import publish_on_commit, relay_stale
from apps.core.services import model_update
from apps.events.services import emit
from apps.projects.models import Project
from apps.workspaces.access import workspace_role
from apps.workspaces.choices import WorkspaceRole
from apps.workspaces.policies import MANAGERS, require_role_at_least, role_at_least

logger = logging.getLogger("pronaflow.analytics")

SCHEDULED_TASK = "apps.analytics.tasks.report_execute_scheduled_task"
EDITABLE_FIELDS = ("name", "description", "type", "filters", "metrics", "schedule")
DEFAULT_PERIOD_DAYS = 30
# Scheduled runs that may fail in a row before the schedule pauses itself.
SCHEDULE_MAX_CONSECUTIVE_FAILURES = 5
LOST_ACCESS = "The report's creator can no longer run reports in this workspace."


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


def schedule_tz(schedule: dict, workspace) -> str:
    """The IANA time zone a schedule runs in: its own `timezone`, else the workspace's."""
    return schedule.get("timezone") or str(workspace_tz(workspace))


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
        timezone=schedule_tz(schedule, workspace),
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
        "enabled": report.schedule.get("enabled", True),
        "description": f"Scheduled run of report '{report.name}' ({report.workspace.name})"[:200],
    }
    if task is None:
        task = PeriodicTask.objects.create(name=f"analytics.report:{report.pk}", **values)
        report.periodic_task = task
        report.save(update_fields=["periodic_task", "updated_at"])
    else:
        model_update(instance=task, fields=values, data=values, save=False)
        task.save()


def _fresh_schedule(schedule: dict | None) -> dict | None:
    """A schedule as saved by its editor: running (a paused one stores `enabled` false and a
    `paused_reason`; saving it again drops both)."""
    if not schedule:
        return None
    return {key: value for key, value in schedule.items() if key not in ("enabled", "paused_reason")}


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
        schedule=_fresh_schedule(schedule),
        created_by=actor,
    )
    _sync_schedule(report)
    return report


@transaction.atomic
def report_update(*, actor, report: Report, data: dict) -> Report:
    """Change a report; its PeriodicTask follows the schedule (created, retimed or removed).

    Saving a schedule (even unchanged) resumes a paused one and clears its failure count.

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
        data["schedule"] = _fresh_schedule(data["schedule"])
    _, changes = model_update(instance=report, fields=EDITABLE_FIELDS, data=data, save=False)
    update_fields = list(changes)
    if "schedule" in data and report.consecutive_failures:
        report.consecutive_failures = 0
        update_fields.append("consecutive_failures")
    if update_fields:
        report.save(update_fields=[*update_fields, "updated_at"])
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


def report_schedules_follow_workspace(*, workspace, changes: dict) -> int:
    """Re-time the PeriodicTasks of `workspace`'s scheduled reports after its time zone changed,
    in the caller's transaction (registered with `apps.workspaces.hooks` in `ready()`). Schedules
    that name their own `timezone` are left alone. Returns the number of reports re-synced."""
    if "timezone" not in changes:
        return 0
    synced = 0
    reports = Report.objects.select_for_update(of=("self",)).select_related("periodic_task")
    for report in reports.filter(workspace=workspace, schedule__isnull=False):
        if not report.schedule or report.schedule.get("timezone"):
            continue
        report.workspace = workspace
        _sync_schedule(report)
        synced += 1
    return synced


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


def report_runs_relay() -> int:
    """Beat job body: queue `report_run_task` again for executions still `processing` whose row was
    not touched for TASK_RELAY_GRACE_SECONDS since they were queued (their publish was lost). A run
    being computed holds its row lock (see `report_execution_run`) and is skipped; a duplicate
    message finds the execution finished and does nothing. Returns how many were queued."""
    from apps.analytics.tasks import report_run_task

    return relay_stale(
        ReportExecution.objects.filter(status=ExecutionStatus.PROCESSING), task=report_run_task, stamp="updated_at"
    )


def _creator_may_run(report: Report) -> bool:
    """Whether the report's creator may still run it: an active user with the member role or higher."""
    creator = report.created_by
    if creator is None or not creator.is_active:
        return False
    return role_at_least(workspace_role(creator, report.workspace_id), WorkspaceRole.MEMBER)


def report_execution_run(*, execution_id) -> ReportExecution | None:
    """Compute an execution's results: processing -> completed (or failed, with the reason logged).

    Idempotent: an execution that is no longer processing is left alone, so a retried task does
    not run twice. Stamps the report's last_executed_at on success. A scheduled execution runs
    with its creator's current rights (only the projects they can see now) and fails when they
    may no longer run reports in the workspace; its outcome feeds the schedule's failure count
    (see `_record_scheduled_outcome`).
    """
    with transaction.atomic():
        execution = (
            ReportExecution.objects.select_for_update(of=("self",))
            .select_related("report__workspace", "report__created_by")
            .filter(pk=execution_id)
            .first()
        )
        if execution is None or execution.status != ExecutionStatus.PROCESSING:
            return execution
        report = execution.report
        scheduled = execution.trigger == ExecutionTrigger.SCHEDULED
        period = Period(start=execution.start_date, end=execution.end_date, tz=workspace_tz(report.workspace))
        if scheduled and not _creator_may_run(report):
            execution.status = ExecutionStatus.FAILED
            execution.error = LOST_ACCESS
        else:
            try:
                with transaction.atomic():
                    results = reporting.compute(report, period, actor=report.created_by if scheduled else None)
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
        if scheduled:
            _record_scheduled_outcome(report_id=report.pk, execution=execution)
    return execution


def _record_scheduled_outcome(*, report_id, execution: ReportExecution) -> None:
    """Count a scheduled run: a success clears the count; the fifth failure in a row pauses the
    schedule (`schedule.enabled` false with a `paused_reason`, PeriodicTask disabled) and emits
    `report.schedule_paused`, which notifies the creator in-app and by e-mail."""
    report = Report.objects.select_for_update(of=("self",)).select_related("workspace").get(pk=report_id)
    if execution.status == ExecutionStatus.COMPLETED:
        if report.consecutive_failures:
            report.consecutive_failures = 0
            report.save(update_fields=["consecutive_failures", "updated_at"])
        return
    report.consecutive_failures += 1
    report.save(update_fields=["consecutive_failures", "updated_at"])
    schedule = report.schedule or {}
    if report.consecutive_failures < SCHEDULE_MAX_CONSECUTIVE_FAILURES or not schedule.get("enabled", True):
        return
    reason = f"Paused after {report.consecutive_failures} scheduled runs failed in a row. Last error: {execution.error}"
    report_schedule_pause(report=report, reason=reason)


def report_schedule_pause(*, report: Report, reason: str) -> Report:
    """Pause a report's schedule (system action): `schedule.enabled` false with `paused_reason`,
    its PeriodicTask disabled (beat notices through the task's save), and `report.schedule_paused`
    emitted in the same transaction. A report without a schedule is returned unchanged."""
    if not report.schedule:
        return report
    with transaction.atomic():
        report.schedule = {**report.schedule, "enabled": False, "paused_reason": reason}
        report.save(update_fields=["schedule", "updated_at"])
        task = PeriodicTask.objects.filter(pk=report.periodic_task_id).first()
        if task is not None and task.enabled:
            task.enabled = False
            task.save(update_fields=["enabled"])
        emit(
            "report.schedule_paused",
            aggregate=report,
            actor=None,
            workspace=report.workspace,
            payload={
                "report_id": report.pk,
                "workspace_id": report.workspace_id,
                "name": report.name,
                "created_by_id": report.created_by_id,
                "consecutive_failures": report.consecutive_failures,
                "reason": reason,
            },
        )
    return report


def report_run_now(*, actor, report: Report, trigger: str) -> ReportExecution:
    """Create an execution and compute it in this process (scheduler, export, admin, demo)."""
    with transaction.atomic():
        execution = _start(actor=actor, report=report, trigger=trigger)
    return report_execution_run(execution_id=execution.pk)


def report_run_scheduled(*, report_id) -> ReportExecution | None:
    """A beat-fired run of a scheduled report, as its creator (see `report_execution_run`).

    Skipped (None) when the report was deleted or its schedule paused since the beat fired.
    """
    report = Report.objects.select_related("workspace", "created_by").filter(pk=report_id).first()
    if report is None or (report.schedule and not report.schedule.get("enabled", True)):
        return None
    return report_run_now(actor=None, report=report, trigger=ExecutionTrigger.SCHEDULED)


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
