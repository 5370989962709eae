"""Burndown history: one frozen snapshot per project per closed day, and the chart drawn from them.

A day (workspace time zone) is *closed* once it has ended. Its snapshot holds the project's scope
and remaining work at its end and never changes afterwards, so deleting, moving or reopening a task
today leaves the past alone. Snapshots are written by the hourly beat job
(`burndown_snapshots_record`) and by the first burndown request that finds a closed day missing;
a missing day is computed from the tasks' history (`created_at`, completion stamp, `deleted_at`)
as it stands at that moment and is frozen from then on. Today is always live.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.analytics.metrics import Period, counted_tasks, day_start, workspace_tz
from apps.analytics.models import BurndownSnapshot

# Longest stretch of days one call reconstructs (the burndown range is capped at the same).
MAX_FILL_DAYS = 3660


def _tasks(project_id):
    """Every task of the project ever counted: trashed ones too (their `deleted_at` is history)."""
    return counted_tasks(apps.get_model("tasks.Task").all_objects.filter(project_id=project_id))


def history(project_id, first: dt.date, last: dt.date, tz: ZoneInfo) -> dict[dt.date, tuple[int, int]]:
    """`{day: (scope, remaining)}` at the end of each day of [first, last], from the tasks' history.

    A task is in scope from its creation until it is trashed; it counts as done from its
    completion stamp on, unless it was trashed before it. Four queries whatever the size.
    """
    tasks = _tasks(project_id)
    start = day_start(first, tz)
    trashed_after_done = Q(deleted_at__isnull=True) | Q(done_at__lt=F("deleted_at"))
    base = tasks.aggregate(
        created=Count("pk", filter=Q(created_at__lt=start)),
        trashed=Count("pk", filter=Q(deleted_at__lt=start)),
        done=Count("pk", filter=Q(done_at__lt=start) & trashed_after_done),
        done_trashed=Count("pk", filter=Q(deleted_at__lt=start, done_at__lt=F("deleted_at"))),
    )

    def per_day(field: str, condition: Q) -> Counter:
        rows = (
            tasks.filter(condition, **{f"{field}__gte": start})
            .annotate(day=TruncDate(field, tzinfo=tz))
            .order_by()
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
        return Counter(dict(rows))

    created = per_day("created_at", Q())
    done = per_day("done_at", trashed_after_done)
    trashed_rows = (
        tasks.filter(deleted_at__gte=start)
        .annotate(day=TruncDate("deleted_at", tzinfo=tz))
        .order_by()
        .values("day")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(done_at__lt=F("deleted_at"))))
        .values_list("day", "n", "done")
    )
    trashed = {day: (n, n_done) for day, n, n_done in trashed_rows}
    scope = base["created"] - base["trashed"]
    completed = base["done"] - base["done_trashed"]
    out, day = {}, first
    while day <= last:
        gone, gone_done = trashed.get(day, (0, 0))
        scope += created[day] - gone
        completed += done[day] - gone_done
        out[day] = (max(scope, 0), max(scope - completed, 0))
        day += dt.timedelta(days=1)
    return out


def snapshots_fill(project, first: dt.date, last: dt.date, *, tz: ZoneInfo | None = None, today=None) -> int:
    """Write the missing snapshots of `project` for the closed days of [first, last].

    Days from today on (workspace time zone) are never stored. Existing rows are left untouched
    (frozen); concurrent callers are harmless (the unique constraint keeps one row per day).
    Returns the number of rows written.
    """
    tz = tz or workspace_tz(project.workspace)
    today = today or timezone.now().astimezone(tz).date()
    last = min(last, today - dt.timedelta(days=1))
    first = max(first, last - dt.timedelta(days=MAX_FILL_DAYS - 1))
    if first > last:
        return 0
    stored = BurndownSnapshot.objects.filter(project_id=project.pk, day__gte=first, day__lte=last)
    have = set(stored.values_list("day", flat=True))
    if len(have) == (last - first).days + 1:
        return 0
    missing = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    missing = [day for day in missing if day not in have]
    values = history(project.pk, missing[0], missing[-1], tz)
    yesterday = today - dt.timedelta(days=1)
    rows = [
        BurndownSnapshot(
            project=project,
            day=day,
            scope=values[day][0],
            remaining=values[day][1],
            reconstructed=day < yesterday,
        )
        for day in missing
    ]
    BurndownSnapshot.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def project_first_day(project, tz: ZoneInfo) -> dt.date:
    """Where a project's history begins: its start date, else the day its first task was created,
    else the day the project was created."""
    if project.start_date:
        return project.start_date
    first = (
        apps.get_model("tasks.Task")
        .all_objects.filter(project_id=project.pk)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return (first or project.created_at).astimezone(tz).date()


def burndown_snapshots_record(*, now: dt.datetime | None = None) -> int:
    """Beat job: close yesterday (each workspace's time zone) for every live project.

    A project whose last snapshot is older gets the days in between; one without snapshots gets
    its history from `project_first_day`. Returns the number of rows written.
    """
    now = now or timezone.now()
    project_model = apps.get_model("projects.Project")
    latest = dict(
        BurndownSnapshot.objects.order_by()
        .values("project_id")
        .annotate(day=Max("day"))
        .values_list("project_id", "day")
    )
    written = 0
    for project in project_model.objects.filter(workspace__deleted_at__isnull=True).select_related("workspace"):
        tz = workspace_tz(project.workspace)
        today = now.astimezone(tz).date()
        last = latest.get(project.pk)
        if last is not None and last >= today - dt.timedelta(days=1):
            continue
        first = last + dt.timedelta(days=1) if last else project_first_day(project, tz)
        written += snapshots_fill(project, first, today, tz=tz, today=today)
    return written


def project_burndown(project, period: Period, today: dt.date) -> dict:
    """Ideal, actual and scope lines of a project over `period`, read from snapshots.

    Closed days come from snapshots (missing ones are filled first, see `snapshots_fill`); today,
    when inside the period, is computed live. The actual line stops at today. The ideal line runs
    straight from the work remaining at the end of the first day to 0 on the last; when no task
    existed then (the project started before its tasks were created) or the period has not begun,
    it starts from the current scope. `scope_line` counts the tasks in scope each day, so work
    added or removed shows as a change of scope, not as progress.
    """
    tz = period.tz
    last_actual = min(period.end, today)
    snapshots_fill(project, period.start, last_actual, tz=tz, today=today)
    points = {
        day: (scope, remaining)
        for day, scope, remaining in BurndownSnapshot.objects.filter(
            project_id=project.pk, day__gte=period.start, day__lte=last_actual
        ).values_list("day", "scope", "remaining")
    }
    live: dict = {}

    def current() -> dict:
        if not live:
            live.update(
                _tasks(project.pk).aggregate(
                    scope=Count("pk", filter=Q(deleted_at__isnull=True)),
                    remaining=Count("pk", filter=Q(deleted_at__isnull=True, done_at__isnull=True)),
                )
            )
        return live

    if period.start <= today <= period.end:
        points[today] = (current()["scope"], current()["remaining"])
    days = sorted(points)
    actual = [{"date": day, "remaining_work": points[day][1]} for day in days]
    scope_line = [{"date": day, "tasks": points[day][0]} for day in days]
    if period.start > today:
        start_work = current()["remaining"]
    elif days and points[days[0]][0]:
        start_work = points[days[0]][1]
    else:
        start_work = current()["scope"]
    steps = period.days - 1
    ideal = [
        {
            "date": period.start + dt.timedelta(days=i),
            "remaining_work": round(start_work * (1 - i / steps), 1) if steps else float(start_work),
        }
        for i in range(period.days)
    ]
    return {
        "project_id": project.pk,
        "start_date": period.start,
        "end_date": period.end,
        "ideal_line": ideal,
        "actual_line": actual,
        "scope_line": scope_line,
    }
