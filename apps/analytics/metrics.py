"""The analytics engine: task figures aggregated by the database, whatever the number of tasks.

Definitions (documented in the API schema too):
- Cancelled and trashed tasks are left out of every figure.
- A task is *done* when its status is completed; its completion stamp is `completed_at` (the
  workflow sets it; `updated_at` stands in for rows completed before stamping existed) and never
  earlier than its creation.
- Its *duration* runs from `started_at` (or `created_at` when it was never started) to completion.
- *On time*: completed on or before its due date, in the workspace's time zone.
- Days, weeks (starting Monday) and months are those of the workspace's time zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.apps import apps
from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, Trunc, TruncDate

from apps.analytics.choices import Granularity, Metric

COMPLETED = "completed"
CANCELLED = "cancelled"
TRUNC_KIND = {Granularity.DAILY: "day", Granularity.WEEKLY: "week", Granularity.MONTHLY: "month"}


def workspace_tz(workspace) -> ZoneInfo:
    try:
        return ZoneInfo(workspace.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def day_start(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The first instant of `day` in `tz` (the exclusive end of the day before)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def counted_tasks(queryset: QuerySet | None = None) -> QuerySet:
    """Live, non-cancelled tasks annotated with `done_at` (completion stamp or null), `began_at`
    and `done_day` (completion date in the annotation's time zone is added by callers)."""
    queryset = queryset if queryset is not None else apps.get_model("tasks.Task").objects.all()
    done_at = Case(
        When(status=COMPLETED, then=Greatest(Coalesce("completed_at", "updated_at"), "created_at")),
        default=None,
        output_field=DateTimeField(),
    )
    return (
        queryset.exclude(status=CANCELLED)
        .annotate(done_at=done_at)
        .annotate(began_at=Least(Coalesce("started_at", "created_at"), F("done_at")))
    )


def duration() -> ExpressionWrapper:
    return ExpressionWrapper(F("done_at") - F("began_at"), output_field=DurationField())


def aggregates(start: dt.datetime, end: dt.datetime) -> dict:
    """Filtered aggregates over `counted_tasks()` annotated with `done_day`, for [start, end)."""
    done_in_range = Q(done_at__gte=start, done_at__lt=end)
    with_due = done_in_range & Q(due_date__isnull=False)
    return {
        "total": Count("pk", filter=Q(created_at__lt=end)),
        "completed": Count("pk", filter=Q(done_at__lt=end)),
        "done_in_range": Count("pk", filter=done_in_range),
        "avg_duration": Avg(duration(), filter=done_in_range),
        "with_due": Count("pk", filter=with_due),
        "on_time": Count("pk", filter=with_due & Q(done_day__lte=F("due_date"))),
    }


def with_done_day(queryset: QuerySet, tz: ZoneInfo) -> QuerySet:
    return queryset.annotate(done_day=TruncDate("done_at", tzinfo=tz))


def days_of(delta: dt.timedelta | None) -> float | None:
    return None if delta is None else round(max(delta.total_seconds(), 0) / 86400, 1)


def percent(part: int, whole: int) -> float | None:
    return None if not whole else round(part * 100 / whole, 1)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    tz: ZoneInfo

    @property
    def start_dt(self) -> dt.datetime:
        return day_start(self.start, self.tz)

    @property
    def end_dt(self) -> dt.datetime:
        return day_start(self.end + dt.timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def figures(row: dict, period: Period) -> dict:
    """The public metrics from one row of `aggregates()`.

    completion_rate is 0.0 for a project without tasks (like project progress); on_time_rate and
    avg_task_duration_days are null when no task of the kind they measure was completed.
    """
    return {
        Metric.TOTAL_TASKS.value: row["total"],
        Metric.COMPLETED_TASKS.value: row["completed"],
        Metric.COMPLETION_RATE.value: percent(row["completed"], row["total"]) or 0.0,
        Metric.AVG_TASK_DURATION_DAYS.value: days_of(row["avg_duration"]),
        Metric.ON_TIME_RATE.value: percent(row["on_time"], row["with_due"]),
        Metric.TEAM_VELOCITY.value: round(row["done_in_range"] * 7 / period.days, 1),
    }


def bucket_starts(period: Period, granularity: str) -> list[dt.date]:
    """Every bucket touching the period: days, Monday-based weeks or calendar months."""
    if granularity == Granularity.DAILY:
        first, step = period.start, None
    elif granularity == Granularity.WEEKLY:
        first, step = period.start - dt.timedelta(days=period.start.weekday()), None
    else:
        first, step = period.start.replace(day=1), "month"
    buckets, current = [], first
    while current <= period.end:
        buckets.append(current)
        if step == "month":
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            current += dt.timedelta(days=7 if granularity == Granularity.WEEKLY else 1)
    return buckets


def _bucket_key(value, tz: ZoneInfo) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).date() if value.tzinfo else value.date()
    return value


def project_metrics(project, period: Period, granularity: str) -> dict:
    """Headline figures and the time series of one project: three queries whatever its size."""
    tz = period.tz
    tasks = counted_tasks(apps.get_model("tasks.Task").objects.filter(project_id=project.pk))
    row = with_done_day(tasks, tz).aggregate(**aggregates(period.start_dt, period.end_dt))
    kind = TRUNC_KIND[Granularity(granularity)]
    created = (
        tasks.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
        .annotate(bucket=Trunc("created_at", kind, output_field=DateTimeField(), tzinfo=tz))
        .order_by()
        .values("bucket")
        .annotate(n=Count("pk"))
    )
    completed = (
        tasks.filter(done_at__gte=period.start_dt, done_at__lt=period.end_dt)
        .annotate(bucket=Trunc("done_at", kind, output_field=DateTimeField(), tzinfo=tz))
        .order_by()
        .values("bucket")
        .annotate(n=Count("pk"), avg=Avg(duration()))
    )
    created_by_bucket = {_bucket_key(r["bucket"], tz): r["n"] for r in created}
    completed_by_bucket = {_bucket_key(r["bucket"], tz): (r["n"], r["avg"]) for r in completed}
    series = []
    for start in bucket_starts(period, granularity):
        done, avg = completed_by_bucket.get(start, (0, None))
        series.append(
            {
                "date": start,
                "tasks_completed": done,
                "tasks_created": created_by_bucket.get(start, 0),
                "avg_resolution_time": days_of(avg),
            }
        )
    return {"project_id": project.pk, **figures(row, period), "metrics": series}
