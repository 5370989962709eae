"""Benchmark: `GET /api/v1/tasks?project_id=…&page_size=20` against a bare Django view (the floor).

One run creates a scratch database (pf_bench_perf_lists), migrates it, fills one workspace with two
projects (1,000 tasks, and 100,000 tasks unless --small-only; every task has 0-3 assignees, 0-4
subtasks and 0-2 comments), starts gunicorn (2 gthread workers, DEBUG off, SECURE_SSL_REDIRECT off,
bench-only settings that add the floor views, see urls.py) and measures, interleaved in short slices so
that the noise of a shared machine hits every target alike:

  pronaflow    GET /api/v1/tasks?project_id=…&page_size=20[&page=…] with a real bearer token
  floor        GET /bench/floor?…       the same 20 rows with .values() + JsonResponse
  floor_auth   GET /bench/floor-auth?…  the same behind simplejwt's bearer authentication

with 1 and 8 keep-alive clients (httpx, one thread each). For each it prints req/s, p50, p99, the
gunicorn workers' CPU per request, the ratio to the floor and to the floor with auth, and the queries
one request runs (counted in-process with the Django test client).

--baseline REF also serves `git archive REF` (exported to /tmp) on a second gunicorn and measures it
as `pronaflow@REF` in the same slices: before/after from one run.

    .venv/bin/python bench/lists/run.py [--duration 10] [--large 100000] [--small-only] [--baseline main] [--keep]

Headline rows for bench/summary.py: the ratio to the floor per scenario and client count (target
>= 0.5) and the single-client p50 at 1,000 tasks (target <= 10 ms). `make bench` (bench/run_all.py)
runs it with --small-only --duration 4; --duration 4 alone (100,000 tasks too) takes about 4
minutes, --large shortens the fill. --db, --port and --redis default to $BENCH_LISTS_DB,
$BENCH_LISTS_PORT and $BENCH_LISTS_REDIS when set.

Needs PostgreSQL as postgres@127.0.0.1:5432 and Redis on 127.0.0.1:6379 (db 13 by default).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from summary import record  # noqa: E402

SECRET_KEY = "pronaflow-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - scratch runs
SERVER = "postgres://postgres@127.0.0.1:5432"


def base_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of every process of the run (driver, gunicorn, query counter)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "RATE_LIMIT_USER": "100000000/min",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "bench.lists.settings",
    }


# --- The data -----------------------------------------------------------------------------

FILL_SQL = [
    # Tasks: ten lists, positions with ties (the sort falls through to created_at and id).
    """
    INSERT INTO tasks_task (id, created_at, updated_at, workspace_id, project_id, task_list_id, title, description,
        status, priority, position, start_date, due_date, estimated_hours, tags, created_by_id)
    SELECT gen_random_uuid(), now() - (%(n)s - i) * interval '1 second', now(), %(ws)s, %(project)s,
           (%(lists)s::uuid[])[1 + i %% 10], 'Task ' || i, 'Description of task ' || i,
           (ARRAY['todo', 'in_progress', 'in_review', 'blocked', 'completed', 'cancelled'])[1 + i %% 6],
           (ARRAY['low', 'medium', 'high', 'critical'])[1 + i %% 4], i / 10,
           date '2026-01-01' + (i %% 300), date '2026-02-01' + (i %% 300), (i %% 40) / 2.0 + 1,
           jsonb_build_array('tag' || (i %% 7), 'area' || (i %% 3)), %(owner)s
    FROM generate_series(1, %(n)s) AS i
    """,
    """
    CREATE TEMP TABLE bench_numbered AS
    SELECT id, row_number() OVER (ORDER BY created_at, id) AS i FROM tasks_task WHERE project_id = %(project)s
    """,
    """
    INSERT INTO tasks_taskassignee (id, task_id, user_id, assigned_at)
    SELECT gen_random_uuid(), t.id, (%(users)s::uuid[])[1 + (t.i + k) %% 8], now()
    FROM bench_numbered t CROSS JOIN generate_series(0, 2) AS k WHERE k < t.i %% 4
    """,
    """
    INSERT INTO tasks_subtask (id, created_at, updated_at, task_id, title, is_done, position)
    SELECT gen_random_uuid(), now(), now(), t.id, 'Step ' || k, k %% 2 = 0, k
    FROM bench_numbered t CROSS JOIN generate_series(0, 3) AS k WHERE k < t.i %% 5
    """,
    """
    INSERT INTO collaboration_comment (id, created_at, updated_at, workspace_id, task_id, author_id, content)
    SELECT gen_random_uuid(), now(), now(), %(ws)s, t.id, (%(users)s::uuid[])[1 + k], 'Comment ' || k
    FROM bench_numbered t CROSS JOIN generate_series(0, 1) AS k WHERE k < t.i %% 3
    """,
    "DROP TABLE bench_numbered",
]


def fill(sizes: list[int]) -> dict:
    """One workspace (owner + 7 members), one project per size; returns ids and a bearer token."""
    import django

    django.setup()
    from django.db import connection

    from apps.tasks.models import TaskList
    from tests.factories.accounts import UserFactory, token_pair_for
    from tests.factories.projects import ProjectFactory
    from tests.factories.workspaces import WorkspaceFactory, WorkspaceMemberFactory

    owner = UserFactory()
    workspace = WorkspaceFactory(created_by=owner)
    members = [WorkspaceMemberFactory(workspace=workspace).user for _ in range(7)]
    users = [str(owner.pk)] + [str(user.pk) for user in members]
    projects = {}
    for size in sizes:
        project = ProjectFactory(workspace=workspace)
        lists = [str(TaskList.objects.create(workspace=workspace, project=project, name=f"L{i}").pk) for i in range(10)]
        started = time.perf_counter()
        params = {"n": size, "ws": workspace.pk, "project": project.pk, "lists": lists, "owner": owner.pk}
        with connection.cursor() as cursor:
            for sql in FILL_SQL:
                cursor.execute(sql, {**params, "users": users})
        print(f"filled {size} tasks in {time.perf_counter() - started:.1f} s", flush=True)
        projects[size] = str(project.pk)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    token = token_pair_for(members[0])[1].access  # a workspace member, the common caller
    return {"projects": projects, "token": token}


# --- Servers ------------------------------------------------------------------------------


def export_source(ref: str) -> Path:
    """`git archive ref` in /tmp, with this run's bench/lists beside it (the floor views)."""
    target = Path(tempfile.gettempdir()) / f"pf_bench_perf_src_{ref.replace('/', '_')}"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    shutil.rmtree(target / "bench" / "lists", ignore_errors=True)
    shutil.copytree(ROOT / "bench" / "lists", target / "bench" / "lists")
    return target


class Gunicorn:
    """gunicorn serving `source` on 127.0.0.1:port (its own gunicorn.conf.py if it has one)."""

    def __init__(self, source: Path, port: int, env: dict[str, str]) -> None:
        self.source, self.port = source, port
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "pronaflow.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ]
        if (source / "gunicorn.conf.py").exists():
            command += ["--config", "gunicorn.conf.py"]
        self.process = subprocess.Popen(command, cwd=source, env=env)

    def wait_ready(self, path: str, headers: dict[str, str]) -> None:
        """Polls until `path` answers 200 (at most 60 s); warms both workers up."""
        import httpx

        deadline = time.monotonic() + 60
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", headers=headers) as client:
            while time.monotonic() < deadline:
                try:
                    if client.get(path).status_code == 200:
                        for _ in range(20):
                            client.get(path)
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer {path}")

    def workers_cpu(self) -> float:
        """CPU seconds (user + system) of the workers so far."""
        total = 0.0
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in children:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def stop(self) -> None:
        """SIGTERM, then wait (at most 30 s)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- Load ---------------------------------------------------------------------------------


def load(port: int, path: str, headers: dict[str, str], clients: int, seconds: float) -> tuple[list[float], int]:
    """`clients` keep-alive clients requesting `path` for `seconds`: (latencies in s, failures)."""
    import httpx

    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client_loop() -> None:
        mine, failed = [], 0
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=30) as client:
            while (started := time.perf_counter()) < deadline:
                response = client.get(path)
                mine.append(time.perf_counter() - started)
                failed += response.status_code != 200
        with lock:
            latencies.extend(mine)
            failures[0] += failed

    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile of `values` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- Query counts (in-process, in a subprocess per served source) ---------------------------


def count_queries(paths: list[str], token: str) -> None:
    """Prints {path: queries of one request} as JSON (after one warm-up request each)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    counts = {}
    for path in paths:
        assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts[path] = len(captured.captured_queries)
    print(json.dumps(counts))


def queries_of(source: Path, env: dict[str, str], paths: list[str], token: str) -> dict[str, int]:
    """Runs `count_queries` against `source`'s code."""
    output = subprocess.run(
        [
            *(sys.executable, "bench/lists/run.py", "--count-queries", json.dumps({"paths": paths, "token": token})),
            *("--db", env["DATABASE_URL"].rsplit("/", 1)[1], "--redis", env["REDIS_URL"]),
        ],
        cwd=source,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- The run ------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per target and client count.")
    parser.add_argument("--slices", type=int, default=5, help="Interleaved slices the duration is cut into.")
    parser.add_argument("--clients", default="1,8")
    parser.add_argument("--small-only", action="store_true", help="Skip the large project.")
    parser.add_argument("--large", type=int, default=100_000, help="Tasks of the large project.")
    parser.add_argument("--baseline", help="A git ref to serve and measure beside the working tree.")
    parser.add_argument("--db", default=os.environ.get("BENCH_LISTS_DB", "pf_bench_perf_lists"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_LISTS_PORT", "8140")))
    parser.add_argument("--redis", default=os.environ.get("BENCH_LISTS_REDIS", "redis://127.0.0.1:6379/13"))
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    parser.add_argument("--count-queries", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(Path.cwd() if args.count_queries else ROOT))

    env = base_env(f"{SERVER}/{args.db}", args.redis)
    if args.count_queries:
        os.environ.update(env)
        spec = json.loads(args.count_queries)
        count_queries(spec["paths"], spec["token"])
        return
    if not args.db.startswith("pf_bench_perf_"):
        parser.error("--db must start with pf_bench_perf_ (it is dropped)")

    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.db}"')
    servers: dict[str, Gunicorn] = {}
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "pronaflow.settings"},
            check=True,
        )
        os.environ.update({**env, "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher"})
        sizes = [1_000] if args.small_only else [1_000, args.large]
        world = fill(sizes)
        from django.db import connections

        connections.close_all()
        headers = {"Authorization": f"Bearer {world['token']}"}
        sources = {"pronaflow": ROOT}
        if args.baseline:
            sources[f"pronaflow@{args.baseline}"] = export_source(args.baseline)
        for index, (name, source) in enumerate(sources.items()):
            servers[name] = Gunicorn(source, args.port + index, env)

        pages = min(100, args.large // 20)
        scenarios = [(1_000, 1)] + ([] if args.small_only else [(args.large, 1), (args.large, pages)])
        results = []
        for size, page in scenarios:
            query = f"project_id={world['projects'][size]}&page_size=20" + (f"&page={page}" if page > 1 else "")
            targets = {name: (server, f"/api/v1/tasks?{query}") for name, server in servers.items()}
            targets["floor"] = (servers["pronaflow"], f"/bench/floor?{query}")
            targets["floor_auth"] = (servers["pronaflow"], f"/bench/floor-auth?{query}")
            for server, path in targets.values():
                server.wait_ready(path, headers)
            queries = {}
            for name, source in sources.items():
                paths = [targets[name][1], targets["floor"][1], targets["floor_auth"][1]]
                counted = queries_of(source, env, paths, world["token"])
                queries[name] = counted[targets[name][1]]
                queries["floor"], queries["floor_auth"] = counted[paths[1]], counted[paths[2]]
            for clients in [int(c) for c in args.clients.split(",")]:
                latencies = {name: [] for name in targets}
                failures = dict.fromkeys(targets, 0)
                cpu = dict.fromkeys(targets, 0.0)
                for _ in range(args.slices):
                    for name, (server, path) in targets.items():
                        before = server.workers_cpu()
                        got, failed = load(server.port, path, headers, clients, args.duration / args.slices)
                        cpu[name] += server.workers_cpu() - before
                        latencies[name] += got
                        failures[name] += failed
                rates = {name: len(latencies[name]) / args.duration for name in targets}
                for name in targets:
                    results.append(
                        {
                            "tasks": size,
                            "page": page,
                            "clients": clients,
                            "target": name,
                            "req_s": round(rates[name], 1),
                            "p50_ms": round(statistics.median(latencies[name]) * 1000, 1),
                            "p99_ms": round(percentile(latencies[name], 0.99) * 1000, 1),
                            "cpu_ms": round(cpu[name] * 1000 / max(1, len(latencies[name])), 1),
                            "vs_floor": round(rates[name] / rates["floor"], 2),
                            "vs_floor_auth": round(rates[name] / rates["floor_auth"], 2),
                            "queries": queries[name],
                            "failures": failures[name],
                        }
                    )
                block = (size, page, clients)
                print_table([row for row in results if (row["tasks"], row["page"], row["clients"]) == block])
                scenario = f"{size:,} tasks, page {page}, {clients} client{'s' if clients > 1 else ''}"
                record(
                    "lists",
                    f"GET /api/v1/tasks, {scenario}: req/s",
                    rates["pronaflow"],
                    rates["floor"],
                    "req/s",
                    higher_is_better=True,
                    target=">= 0.5",
                )
                if (size, page, clients) == (1_000, 1, 1):
                    p50 = statistics.median(latencies["pronaflow"]) * 1000
                    measure = f"GET /api/v1/tasks, {scenario}: p50"
                    record("lists", measure, p50, None, "ms", higher_is_better=False, target="<= 10")
        print("\nsummary (json):", json.dumps(results))
    finally:
        for server in servers.values():
            server.stop()
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


def print_table(rows: list[dict]) -> None:
    """One block of the results as a Markdown table."""
    if not rows:
        return
    first = rows[0]
    print(f"\n{first['tasks']:,} tasks, page {first['page']}, {first['clients']} client(s)")
    print("| target | req/s | p50 ms | p99 ms | worker CPU ms/req | vs floor | vs floor+auth | queries | failures |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['target']} | {row['req_s']} | {row['p50_ms']} | {row['p99_ms']} | {row['cpu_ms']} | "
            f"{row['vs_floor']} | {row['vs_floor_auth']} | {row['queries']} | {row['failures']} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
