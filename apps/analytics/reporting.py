"""What a report computes: one row per project (or per project and assignee) and a summary.

Rows are aggregated by the database in a constant number of queries whatever the number of
projects and tasks. The summary is derived from the rows, so a reader who may see only some of the
projects gets a summary of exactly those (see `visible_results`).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.db.models import Count, DateTimeField, Q
from django.db.models.functions import Trunc
from django.utils import timezone

from apps.analytics import burndown
from apps.analytics.choices import COUNT_METRICS, Granularity, Metric, ReportType
from apps.analytics.metrics import (
    Period,
    aggregates,
    bucket_starts,
    counted_tasks,
    figures,
    with_done_day,
)
from apps.core.access import restrict
from apps.projects.models import Project

STATUSES = ("todo", "in_progress", "in_review", "blocked", "completed", "cancelled")
UNASSIGNED = "Unassigned"


def ordered_metrics(metrics) -> list[str]:
    """The selected metrics in their canonical order."""
    return [metric.value for metric in Metric if metric.value in set(metrics)]


def report_projects(report, actor=None):
    """The report's projects: the chosen ones still alive in its workspace, else all of them;
    with `actor`, only those `actor` can see."""
    projects = apps.get_model("projects.Project").objects.filter(workspace_id=report.workspace_id)
    if actor is not None:
        projects = restrict(projects, actor)
    project_ids = (report.filters or {}).get("project_ids") or []
    if project_ids:
        projects = projects.filter(pk__in=project_ids)
    return projects.order_by("name", "pk")


def compute(report, period: Period, actor=None) -> dict:
    """Rows and summary of `report` over `period` (with `actor`: the projects they can see)."""
    metrics = ordered_metrics(report.metrics)
    projects = list(report_projects(report, actor).values_list("pk", "name"))
    names = {pk: name for pk, name in projects}
    tasks = apps.get_model("tasks.Task").objects.filter(project_id__in=names.keys())
    counted = with_done_day(counted_tasks(tasks), period.tz)
    measures = aggregates(period.start_dt, period.end_dt)

    if report.type == ReportType.TEAM_PERFORMANCE:
        rows = (
            counted.order_by()
            .values("project_id", "assignments__user_id")
            .annotate(**measures)
            .order_by("project_id", "assignments__user_id")
        )
        user_ids = {row["assignments__user_id"] for row in rows if row["assignments__user_id"]}
        users = {
            user.pk: user.get_full_name() or user.email
            for user in apps.get_model("accounts.User").objects.filter(pk__in=user_ids)
        }
        details = []
        for row in rows:
            user_id = row["assignments__user_id"]
            values = figures(row, period)
            details.append(
                {
                    "project_id": str(row["project_id"]),
                    "project_name": names[row["project_id"]],
                    "user_id": str(user_id) if user_id else None,
                    "user_name": users.get(user_id, UNASSIGNED) if user_id else UNASSIGNED,
                    **{metric: values[metric] for metric in metrics},
                }
            )
        details.sort(key=lambda d: (d["project_name"].lower(), d["user_id"] is None, d["user_name"].lower()))
    else:
        by_project = {row["project_id"]: row for row in counted.order_by().values("project_id").annotate(**measures)}
        statuses = {}
        if report.type == ReportType.TASK_STATUS:
            statuses = {
                row["project_id"]: row
                for row in tasks.order_by()
                .values("project_id")
                .annotate(**{status: Count("pk", filter=Q(status=status)) for status in STATUSES})
            }
        empty = {"total": 0, "completed": 0, "done_in_range": 0, "avg_duration": None, "with_due": 0, "on_time": 0}
        details = []
        for pk, name in projects:
            values = figures(by_project.get(pk, empty), period)
            row = {"project_id": str(pk), "project_name": name}
            if report.type == ReportType.TASK_STATUS:
                counts = statuses.get(pk, {})
                row.update({status: counts.get(status, 0) for status in STATUSES})
            row.update({metric: values[metric] for metric in metrics})
            details.append(row)
    return {
        "type": report.type,
        "metrics": metrics,
        "summary": summarize(report.type, metrics, details),
        "details": details,
        "trend": velocity_trend(counted, period, names),
        "burndown": report_burndown(report, period, [pk for pk, _ in projects]),
    }


def velocity_trend(counted, period: Period, names: dict) -> dict:
    """Tasks completed per Monday-based week of the period, per project (one query):
    `{"weeks": [iso date, ...], "completed": {project_id: [count per week]}}` (projects without
    completions left out)."""
    weeks = bucket_starts(period, Granularity.WEEKLY)
    index = {week: i for i, week in enumerate(weeks)}
    rows = (
        counted.filter(done_at__gte=period.start_dt, done_at__lt=period.end_dt)
        .annotate(bucket=Trunc("done_at", "week", output_field=DateTimeField(), tzinfo=period.tz))
        .order_by()
        .values("project_id", "bucket")
        .annotate(n=Count("pk"))
    )
    completed: dict[str, list[int]] = {}
    for row in rows:
        day = row["bucket"].astimezone(period.tz).date() if row["bucket"].tzinfo else row["bucket"].date()
        if day in index and row["project_id"] in names:
            completed.setdefault(str(row["project_id"]), [0] * len(weeks))[index[day]] += row["n"]
    return {"weeks": [week.isoformat() for week in weeks], "completed": completed}


def report_burndown(report, period: Period, project_ids: list) -> dict | None:
    """The burndown of a report that covers exactly one project (the only case where one line
    means something), read from the project's daily snapshots; None otherwise:
    `{"project_id", "points": [{"date", "ideal", "actual", "scope"}]}` (actual and scope null after
    today)."""
    if len(project_ids) != 1:
        return None
    project = apps.get_model("projects.Project").objects.select_related("workspace").get(pk=project_ids[0])
    today = timezone.now().astimezone(period.tz).date()
    lines = burndown.project_burndown(project, period, today)
    actual = {point["date"]: point["remaining_work"] for point in lines["actual_line"]}
    scope = {point["date"]: point["tasks"] for point in lines["scope_line"]}
    return {
        "project_id": str(project.pk),
        "points": [
            {
                "date": point["date"].isoformat(),
                "ideal": point["remaining_work"],
                "actual": actual.get(point["date"]),
                "scope": scope.get(point["date"]),
            }
            for point in lines["ideal_line"]
        ],
    }


def _mean(values) -> float | None:
    present = [value for value in values if value is not None]
    return round(sum(present) / len(present), 1) if present else None


def summarize(report_type: str, metrics, details: list[dict]) -> dict:
    """total_projects, then per metric the sum (counts) or the mean of the rows that have a value
    (rates, durations, velocity): `total_tasks`, `avg_completion_rate`, `avg_task_duration_days`, ..."""
    summary = {"total_projects": len({row["project_id"] for row in details})}
    if report_type == ReportType.TEAM_PERFORMANCE:
        summary["total_members"] = len({row["user_id"] for row in details if row["user_id"]})
    if report_type == ReportType.TASK_STATUS:
        summary.update({status: sum(row[status] for row in details) for status in STATUSES})
    for metric in ordered_metrics(metrics):
        if metric in COUNT_METRICS:
            summary[metric] = sum(row[metric] for row in details)
        else:
            key = metric if metric.startswith("avg_") else f"avg_{metric}"
            summary[key] = _mean(row[metric] for row in details)
    return summary


def visible_results(report, results: dict | None, user) -> dict | None:
    """The stored results restricted to the projects `user` can see, with the summary recomputed
    (from the type and metrics the execution ran with, whatever the report says today)."""
    if results is None:
        return None
    details = results.get("details", [])
    ids = {row["project_id"] for row in details}
    allowed = {
        str(pk)
        for pk in restrict(Project.objects, user)
        .filter(workspace_id=report.workspace_id, pk__in=ids)
        .values_list("pk", flat=True)
    }
    kept = [row for row in details if row["project_id"] in allowed]
    report_type, metrics = results.get("type", report.type), results.get("metrics", report.metrics)
    trend = results.get("trend") or {"weeks": [], "completed": {}}
    velocity = [
        {
            "week": dt.date.fromisoformat(week),
            "completed": sum(counts[i] for pid, counts in trend["completed"].items() if pid in allowed),
        }
        for i, week in enumerate(trend["weeks"])
    ]
    chart = results.get("burndown")
    return {
        "type": report_type,
        "metrics": metrics,
        "summary": summarize(report_type, metrics, kept),
        "details": kept,
        "velocity_trend": velocity,
        "burndown": chart if chart and chart["project_id"] in allowed else None,
    }
