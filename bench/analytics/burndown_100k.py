"""Benchmark: project metrics and the burndown of a 100,000-task project, each against a SQL floor.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/analytics/burndown_100k.py [--tasks 100000]

Builds a scratch PostgreSQL database (created, migrated and dropped; BENCH_DB names it, default
pf_bench_burndown) holding one workspace and one project whose tasks were created over the last
--days days (about half completed, a few cancelled, a few trashed), records the burndown snapshots
of the past days through the app's beat job (`burndown_snapshots_record`), then times, best of
--runs:

- metrics: `apps.analytics.selectors.project_metrics_get` over the --days days up to today (its
  headline figures plus the daily series) against one hand-written `GROUP BY status` over the same
  rows (counts by status, completion rate);
- burndown, past days: `project_burndown_get` over the --days days up to yesterday, against a
  hand-written SQL computing the same per-day scope and remaining work from the tasks (events per
  day and a running sum), and the queries it runs, none of which may read `tasks_task`;
- burndown with today: the same range up to today, where only today's live point reads the tasks.

Both floors are checked against the services' answers before anything is timed. The burndown of
past days and the metrics against the same figures are recorded with bench/summary.py (issue 10 asks
for the ratios, with no bound: "report only"; that the burndown reads snapshots is asserted here).
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("BENCH_DB", "pf_bench_burndown")

from scratch_db import scratch_database

from bench.summary import record

FLOOR_STATUS = """
SELECT status, count(*) FROM tasks_task
WHERE project_id = %(project)s AND deleted_at IS NULL
GROUP BY status
"""

# What the metrics service answers besides the counts: the headline figures of the period (as in
# apps.analytics.metrics.aggregates) and the daily created/completed series, in two queries.
FLOOR_METRICS_FULL = """
WITH t AS (
    SELECT created_at, due_date, done_at,
           LEAST(COALESCE(started_at, created_at), done_at) AS began_at
    FROM (SELECT *, CASE WHEN status = 'completed'
                         THEN GREATEST(COALESCE(completed_at, updated_at), created_at) END AS done_at
          FROM tasks_task
          WHERE project_id = %(project)s AND deleted_at IS NULL AND status <> 'cancelled') AS live
)
SELECT count(*) FILTER (WHERE created_at < %(end)s),
       count(*) FILTER (WHERE done_at < %(end)s),
       count(*) FILTER (WHERE done_at >= %(start)s AND done_at < %(end)s),
       avg(done_at - began_at) FILTER (WHERE done_at >= %(start)s AND done_at < %(end)s),
       count(*) FILTER (WHERE done_at >= %(start)s AND done_at < %(end)s AND due_date IS NOT NULL),
       count(*) FILTER (WHERE done_at >= %(start)s AND done_at < %(end)s
                        AND (done_at AT TIME ZONE %(tz)s)::date <= due_date)
FROM t
"""
FLOOR_METRICS_SERIES = """
SELECT day, sum(created), sum(completed), avg(took) FROM (
    SELECT (created_at AT TIME ZONE %(tz)s)::date AS day, 1 AS created, 0 AS completed, NULL::interval AS took
    FROM tasks_task
    WHERE project_id = %(project)s AND deleted_at IS NULL AND status <> 'cancelled'
      AND created_at >= %(start)s AND created_at < %(end)s
    UNION ALL
    SELECT (done_at AT TIME ZONE %(tz)s)::date, 0, 1, done_at - LEAST(COALESCE(started_at, created_at), done_at)
    FROM (SELECT started_at, created_at,
                 GREATEST(COALESCE(completed_at, updated_at), created_at) AS done_at
          FROM tasks_task
          WHERE project_id = %(project)s AND deleted_at IS NULL AND status = 'completed') AS done
    WHERE done_at >= %(start)s AND done_at < %(end)s
) AS events
GROUP BY day ORDER BY day
"""

# Same definitions as apps.analytics.burndown.history: cancelled tasks never count; a task is in
# scope from its creation until it is trashed; done from its completion stamp on, unless trashed
# before it. Days are those of the workspace time zone.
FLOOR_BURNDOWN = """
WITH t AS (
    SELECT created_at, deleted_at,
           CASE WHEN status = 'completed'
                THEN GREATEST(COALESCE(completed_at, updated_at), created_at) END AS done_at
    FROM tasks_task
    WHERE project_id = %(project)s AND status <> 'cancelled'
), events AS (
    SELECT (created_at AT TIME ZONE %(tz)s)::date AS day, 1 AS scope, 0 AS done FROM t
    UNION ALL
    SELECT (deleted_at AT TIME ZONE %(tz)s)::date, -1, CASE WHEN done_at < deleted_at THEN -1 ELSE 0 END
    FROM t WHERE deleted_at IS NOT NULL
    UNION ALL
    SELECT (done_at AT TIME ZONE %(tz)s)::date, 0, 1
    FROM t WHERE done_at IS NOT NULL AND (deleted_at IS NULL OR done_at < deleted_at)
    UNION ALL
    SELECT day::date, 0, 0 FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS day
), running AS (
    SELECT day, sum(sum(scope)) OVER (ORDER BY day) AS scope, sum(sum(done)) OVER (ORDER BY day) AS done
    FROM events GROUP BY day
)
SELECT day, scope, scope - done FROM running WHERE day BETWEEN %(first)s AND %(last)s ORDER BY day
"""


def best_of(runs, fn):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def build(count: int, days: int, today: dt.date):
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.projects.models import Project
    from apps.tasks.models import Task
    from apps.workspaces.models import Workspace, WorkspaceMember

    rng = random.Random(11)
    owner = User.objects.create_user("owner@bench.test", "owner", "x", full_name="Bench Owner")
    workspace = Workspace.objects.create(name="Bench", created_by=owner, timezone="UTC")
    WorkspaceMember.objects.create(workspace=workspace, user=owner, role="owner")
    first = today - dt.timedelta(days=days - 1)
    project = Project.objects.create(workspace=workspace, name="Bench project", created_by=owner, start_date=first)
    origin = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    now = timezone.now()
    span = (now - origin).total_seconds()
    # Timestamps are the history under test: keep bulk_create from stamping them with now().
    fields = [Task._meta.get_field("created_at"), Task._meta.get_field("updated_at")]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        batch = []
        for i in range(count):
            created = origin + dt.timedelta(seconds=rng.random() * span * 0.97)
            roll = rng.random()
            completed = created + dt.timedelta(seconds=rng.random() * (now - created).total_seconds())
            status = "completed" if roll < 0.5 else "cancelled" if roll < 0.53 else rng.choice(["todo", "in_progress"])
            deleted = None
            if rng.random() < 0.01:
                deleted = created + dt.timedelta(seconds=rng.random() * (now - created).total_seconds())
            batch.append(
                Task(
                    workspace=workspace,
                    project=project,
                    title=f"Task {i}",
                    position=i,
                    status=status,
                    created_at=created,
                    updated_at=deleted or (completed if status == "completed" else created),
                    completed_at=completed if status == "completed" else None,
                    deleted_at=deleted,
                )
            )
            if len(batch) == 5000:
                Task.all_objects.bulk_create(batch)
                batch = []
        if batch:
            Task.all_objects.bulk_create(batch)
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
    return owner, project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from apps.analytics import selectors
    from apps.analytics.burndown import burndown_snapshots_record
    from apps.analytics.models import BurndownSnapshot

    today = timezone.now().astimezone(dt.UTC).date()
    yesterday = today - dt.timedelta(days=1)
    started = time.perf_counter()
    owner, project = build(args.tasks, args.days, today)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE tasks_task")
    print(f"built {args.tasks:,} tasks over {args.days} days in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as record_queries:
        written = burndown_snapshots_record()
    record_time = time.perf_counter() - started
    stored = BurndownSnapshot.objects.filter(project=project).count()
    assert written == stored == args.days - 1, (written, stored)
    print(
        f"burndown_snapshots_record: {written} past days in {record_time * 1000:.1f} ms, "
        f"{len(record_queries)} queries (one-off reconstruction from the tasks)"
    )

    first = project.start_date
    tz = "UTC"

    def floor_metrics():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_STATUS, {"project": project.pk})
            by_status = dict(cursor.fetchall())
        total = sum(n for status, n in by_status.items() if status != "cancelled")
        done = by_status.get("completed", 0)
        return by_status, total, done, round(done * 100 / total, 1) if total else 0.0

    period_start = dt.datetime.combine(first, dt.time.min, tzinfo=dt.UTC)
    period_end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)

    def floor_metrics_full():
        params = {"project": project.pk, "tz": tz, "start": period_start, "end": period_end}
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_METRICS_FULL, params)
            figures = cursor.fetchone()
            cursor.execute(FLOOR_METRICS_SERIES, params)
            return figures, cursor.fetchall()

    def floor_burndown(last):
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_BURNDOWN, {"project": project.pk, "tz": tz, "first": first, "last": last})
            return cursor.fetchall()

    def service_metrics():
        return selectors.project_metrics_get(actor=owner, project_id=project.pk, start=first, end=today)

    def service_burndown(last):
        return selectors.project_burndown_get(actor=owner, project_id=project.pk, start=first, end=last)

    # The floors answer what the services answer.
    _, total, done, rate = floor_metrics()
    got = service_metrics()
    assert (got["total_tasks"], got["completed_tasks"], got["completion_rate"]) == (total, done, rate), got
    figures, series = floor_metrics_full()
    assert figures[:2] == (total, done), figures
    served = [(p["date"], p["tasks_created"], p["tasks_completed"]) for p in got["metrics"]]
    assert served == [(day, created, completed) for day, created, completed, _ in series], series[:3]
    for last in (yesterday, today):
        chart = service_burndown(last)
        served = [
            (p["date"], s["tasks"], p["remaining_work"])
            for p, s in zip(chart["actual_line"], chart["scope_line"], strict=True)
        ]
        assert served == [tuple(row) for row in floor_burndown(last)], (served[:3], floor_burndown(last)[:3])

    rows = []

    def measure(label, service, floor):
        service_time = floor_time = float("inf")
        for _ in range(args.runs):  # interleaved: both get the same slices of a shared machine's noise
            service_time = min(service_time, best_of(1, service)[0])
            floor_time = min(floor_time, best_of(1, floor)[0])
        with CaptureQueriesContext(connection) as ctx:
            service()
        sql = [q["sql"] for q in ctx.captured_queries]
        rows.append((label, service_time, floor_time, len(sql), sum('"tasks_task"' in q for q in sql)))
        return sql

    measure("metrics vs counts by status", service_metrics, floor_metrics)
    measure("metrics vs same figures+series", service_metrics, floor_metrics_full)
    past = measure("burndown, past days only", lambda: service_burndown(yesterday), lambda: floor_burndown(yesterday))
    live = measure("burndown, past days + today", lambda: service_burndown(today), lambda: floor_burndown(today))
    assert not [q for q in past if '"tasks_task"' in q], "a past day of the burndown read the tasks"
    reading_tasks = [q for q in live if '"tasks_task"' in q]
    assert len(reading_tasks) == 1, reading_tasks

    print(f"\nproject: {args.tasks:,} tasks, {args.days} days ({first} to {today}); best of {args.runs} runs")
    print(f"  {'measure':<32} {'PronaFlow ms':>12} {'floor ms':>9} {'ratio':>7} {'queries':>8} {'read tasks':>10}")
    for label, service_time, floor_time, queries, on_tasks in rows:
        print(
            f"  {label:<32} {service_time * 1000:12.1f} {floor_time * 1000:9.1f} "
            f"{service_time / floor_time:6.2f}x {queries:8d} {on_tasks:10d}"
        )
    print(
        f"  the burndown of the {args.days - 1} past days read {BurndownSnapshot._meta.db_table} only; "
        "with today, one query (the live point) read tasks_task"
    )
    timings = {label: (service_time, floor_time) for label, service_time, floor_time, *_ in rows}
    for label, measure in (
        ("burndown, past days only", f"burndown of {args.days - 1} past days, {args.tasks:,} tasks, vs SQL over tasks"),
        ("metrics vs same figures+series", f"project metrics, {args.tasks:,} tasks, vs SQL for the same figures"),
    ):
        service_time, floor_time = timings[label]
        record(
            "analytics",
            measure,
            service_time * 1000,
            floor_time * 1000,
            "ms",
            higher_is_better=False,
            target="report only",
        )


if __name__ == "__main__":
    with scratch_database():
        main()
