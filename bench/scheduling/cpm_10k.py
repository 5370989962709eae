"""Benchmark: the critical-path endpoint over one project of 10,000 tasks and 20,000 dependencies.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/scheduling/cpm_10k.py [--tasks 10000]

Builds a scratch PostgreSQL database (created, migrated and dropped; BENCH_DB names it, default
pf_bench_sched), loads an acyclic project (dependency types mostly FS, some SS/FF/SF; a fifth of the
tasks dated, the rest estimated), then times, best of --runs:

- plain: a textbook CPM in this file over rows loaded with `.values_list()` (two queries, calendar
  days, no dates in the output), the floor any implementation pays;
- selector: `apps.scheduling.selectors.critical_path_get`, what the endpoint runs without HTTP (its
  two queries read ids as text, then `apps.scheduling.cpm`: working-day calendar, dates, the
  response dicts);
- endpoint: `GET /api/v1/scheduling/projects/{id}/critical-path` through the full Django/DRF stack
  (authentication, rate limiting, envelope, JSON rendering of every task).

Prints each time, the endpoint/plain ratio, and the endpoint's query count, and records the endpoint
against the plain CPM with bench/summary.py (issue 10's target: the endpoint under 1 s at 10k tasks).
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections import deque
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "notifications"))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("BENCH_DB", "pf_bench_sched")

from scratch_db import scratch_database

from bench.summary import record

TYPES = ["FS"] * 17 + ["SS", "FF", "SF"]


def plain_cpm(tasks, deps):
    """Textbook CPM over (id, start, due, hours) and (task, depends_on, type) rows, in days."""
    index = {row[0]: i for i, row in enumerate(tasks)}
    n = len(tasks)
    dur = [0] * n
    for i, (_id, start, due, hours) in enumerate(tasks):
        if start and due:
            dur[i] = (due - start).days + 1
        else:
            dur[i] = max(1, -(-int(hours or 0) // 8))
    succ = [[] for _ in range(n)]
    indeg = [0] * n
    for task_id, pred_id, kind in deps:
        s, p = index.get(task_id), index.get(pred_id)
        if s is None or p is None:
            continue
        succ[p].append((s, kind))
        indeg[s] += 1
    queue = deque(i for i in range(n) if not indeg[i])
    order = []
    while queue:
        p = queue.popleft()
        order.append(p)
        for s, _kind in succ[p]:
            indeg[s] -= 1
            if not indeg[s]:
                queue.append(s)
    es = [0] * n
    for p in order:
        for s, kind in succ[p]:
            bound = {
                "FS": es[p] + dur[p],
                "SS": es[p],
                "FF": es[p] + dur[p] - dur[s],
                "SF": es[p] - dur[s],
            }[kind]
            es[s] = max(es[s], bound)
    finish = max(es[i] + dur[i] for i in range(n))
    lf = [finish] * n
    for p in reversed(order):
        for s, kind in succ[p]:
            bound = {
                "FS": lf[s] - dur[s],
                "SS": lf[s] - dur[s] + dur[p],
                "FF": lf[s],
                "SF": lf[s] + dur[p],
            }[kind]
            lf[p] = min(lf[p], bound)
    return [i for i in range(n) if lf[i] - dur[i] - es[i] == 0]


def best_of(runs, fn):
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def build(count: int, links: int):
    from apps.accounts.models import User
    from apps.projects.models import Project
    from apps.tasks.models import Task, TaskDependency
    from apps.workspaces.models import Workspace, WorkspaceMember

    rng = random.Random(5)
    owner = User.objects.create_user("owner@bench.test", "owner", "x", full_name="Bench Owner")
    workspace = Workspace.objects.create(name="Bench", created_by=owner, work_days=[1, 2, 3, 4, 5])
    WorkspaceMember.objects.create(workspace=workspace, user=owner, role="owner")
    start = dt.date(2026, 1, 5)
    project = Project.objects.create(workspace=workspace, name="Bench project", created_by=owner, start_date=start)
    tasks = []
    for i in range(count):
        dated = i % 5 == 0
        begin = start + dt.timedelta(days=rng.randrange(0, 200)) if dated else None
        tasks.append(
            Task(
                workspace=workspace,
                project=project,
                title=f"Task {i}",
                position=i,
                start_date=begin,
                due_date=begin + dt.timedelta(days=rng.randrange(0, 10)) if dated else None,
                estimated_hours=None if dated else Decimal(rng.randrange(1, 60)),
            )
        )
    Task.objects.bulk_create(tasks, batch_size=2000)
    pairs = set()
    while len(pairs) < links:
        later = rng.randrange(1, count)
        earlier = max(0, later - rng.randrange(1, 50))  # edges point forward: the graph is acyclic
        if earlier != later:
            pairs.add((later, earlier))
    TaskDependency.objects.bulk_create(
        [TaskDependency(task=tasks[a], depends_on=tasks[b], type=rng.choice(TYPES)) for a, b in pairs],
        batch_size=5000,
    )
    return owner, project


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--links", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from apps.projects.models import Project
    from apps.scheduling import selectors
    from apps.tasks.models import Task, TaskDependency

    owner, project = build(args.tasks, args.links)

    def load():
        tasks = list(
            Task.objects.filter(project=project)
            .order_by("position")
            .values_list("id", "start_date", "due_date", "estimated_hours")
        )
        deps = list(
            TaskDependency.objects.filter(task__project_id=project.pk).values_list("task_id", "depends_on_id", "type")
        )
        return tasks, deps

    plain_time, plain_critical = best_of(args.runs, lambda: plain_cpm(*load()))
    project = Project.objects.select_related("workspace").get(pk=project.pk)
    selector_time, schedule = best_of(args.runs, lambda: selectors.critical_path_get(project=project))
    client = APIClient()
    client.force_authenticate(user=owner)
    url = f"/api/v1/scheduling/projects/{project.pk}/critical-path"

    def call():
        response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        return response

    call()  # warm up (URL resolver, schema of the renderer)
    endpoint_time, response = best_of(args.runs, call)
    with CaptureQueriesContext(connection) as queries:
        call()
    data = response.json()["data"]
    assert len(data["tasks"]) == args.tasks
    print(f"project: {args.tasks:,} tasks, {args.links:,} dependencies; best of {args.runs} runs")
    print(f"  plain CPM over values_list rows   {plain_time * 1000:8.1f} ms  ({len(plain_critical):,} critical)")
    print(
        f"  critical_path_get (no HTTP)        {selector_time * 1000:8.1f} ms  "
        f"({len(schedule['critical_path']):,} critical, working days)"
    )
    print(
        f"  GET .../critical-path (HTTP, JSON) {endpoint_time * 1000:8.1f} ms  "
        f"({len(data['critical_path']):,} critical, {len(response.content) / 1e6:.1f} MB, {len(queries)} queries)"
    )
    print(f"  ratio endpoint / plain            {endpoint_time / plain_time:8.2f}x")
    record(
        "scheduling",
        f"critical path endpoint, {args.tasks:,} tasks / {args.links:,} links, vs plain CPM",
        endpoint_time * 1000,
        plain_time * 1000,
        "ms",
        higher_is_better=False,
        target="< 1000 ms",
    )


if __name__ == "__main__":
    with scratch_database():
        main()
