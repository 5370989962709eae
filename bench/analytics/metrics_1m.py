"""Benchmark: project metrics and burndown over one project with 1,000,000 tasks.

Runs against the database of DATABASE_URL (a migrated PronaFlow database, e.g. a test database),
inserts its own user, workspace, project and tasks with one INSERT ... SELECT generate_series,
times the analytics queries, counts them, and deletes everything it created. The 365-day metrics and
burndown are recorded with bench/summary.py ("report only": no floor here and no bound in any issue;
bench/analytics/burndown_100k.py holds the comparisons against SQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_pf_analytics \
        .venv/bin/python bench/analytics/metrics_1m.py [--tasks 1000000]
"""

import argparse
import datetime as dt
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.analytics import burndown, metrics  # noqa: E402
from apps.projects.models import Project  # noqa: E402
from apps.workspaces.models import Workspace  # noqa: E402
from bench.summary import record  # noqa: E402

INSERT_TASKS = """
INSERT INTO tasks_task (id, workspace_id, project_id, title, description, status, priority, position, tags,
                        created_at, updated_at, started_at, completed_at, due_date)
SELECT gen_random_uuid(), %(workspace)s, %(project)s, 'Bench ' || n, '',
       CASE WHEN n %% 3 = 0 THEN 'completed' WHEN n %% 17 = 0 THEN 'cancelled' ELSE 'todo' END,
       'medium', 0, '[]'::jsonb,
       %(origin)s + (n %% 365) * interval '1 day' + (n %% 1440) * interval '1 minute',
       %(origin)s + (n %% 365) * interval '1 day',
       CASE WHEN n %% 2 = 0 THEN %(origin)s + (n %% 365) * interval '1 day' + interval '1 hour' END,
       CASE WHEN n %% 3 = 0 THEN %(origin)s + (n %% 365 + n %% 9) * interval '1 day' + interval '5 hours' END,
       CASE WHEN n %% 4 = 0 THEN (%(origin)s + (n %% 365 + 5) * interval '1 day')::date END
FROM generate_series(1, %(count)s) AS n
"""


def timed(label, fn, repeat=3, timings=None):
    """Best of `repeat` calls of `fn`, printed; the time (ms) also lands in `timings[label]`."""
    best, queries = None, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        queries = len(ctx.captured_queries)
    print(f"{label:<40} best of {repeat}: {best * 1000:8.1f} ms, {queries} queries")
    if timings is not None:
        timings[label] = best * 1000
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    count = parser.parse_args().tasks
    tag = uuid.uuid4().hex[:8]
    user = User.objects.create_user(email=f"bench-{tag}@example.com", username=f"bench-{tag}")
    workspace = Workspace.objects.create(name=f"Bench {tag}", created_by=user)
    project = Project.objects.create(workspace=workspace, name=f"Bench {tag}", created_by=user)
    origin = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    try:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT_TASKS, {"workspace": workspace.pk, "project": project.pk, "origin": origin, "count": count}
            )
            cursor.execute("ANALYZE tasks_task")
        print(f"inserted {count:,} tasks in {time.perf_counter() - start:.1f} s")
        tz = metrics.workspace_tz(workspace)
        year = metrics.Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), tz=tz)
        month = metrics.Period(start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 30), tz=tz)
        timed("metrics, 30 days, daily", lambda: metrics.project_metrics(project, month, "daily"))
        timings = {}
        timed("metrics, 365 days, daily", lambda: metrics.project_metrics(project, year, "daily"), timings=timings)
        result = timed("metrics, 365 days, weekly", lambda: metrics.project_metrics(project, year, "weekly"))
        timed(
            "burndown, 365 days",
            lambda: burndown.project_burndown(project, year, dt.date(2026, 1, 1)),
            timings=timings,
        )
        print(
            f"total_tasks={result['total_tasks']:,} completed={result['completed_tasks']:,} "
            f"rate={result['completion_rate']} velocity={result['team_velocity']}"
        )
        for label, what in (("metrics, 365 days, daily", "metrics"), ("burndown, 365 days", "burndown")):
            record(
                "analytics",
                f"{what}, 365 days daily, {count:,} tasks",
                timings[label],
                None,
                "ms",
                higher_is_better=False,
                target="report only",
            )
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM tasks_task WHERE project_id = %s", [project.pk])
        Project.all_objects.filter(pk=project.pk).delete()
        Workspace.all_objects.filter(pk=workspace.pk).delete()
        user.delete()


if __name__ == "__main__":
    main()
