"""Benchmark: does PronaFlow's throughput grow with processes? One instance against two, one database.

One run creates a scratch database (pf_bench_scale), migrates it, fills one workspace (an owner and
7 members) with a project of 1,000 tasks, and serves it with production settings (DEBUG off, tasks
queued to Celery through Redis, not run in the request) from three gunicorn instances on loopback
(gthread, 4 threads per worker, the repository's gunicorn.conf.py) and two Celery workers (one
process each, on the product's queues). It then drives the same mixed workload at three
configurations, interleaved in short slices so that a shared machine's noise hits each alike:

  1 instance x 1 worker   port P:        gunicorn --workers 1, Celery worker A       (the floor)
  2 instances x 1 worker  ports P, P+2:  two gunicorns, 1 worker each, Celery workers A and B
  1 instance x 2 workers  port P+1:      gunicorn --workers 2, Celery worker A

The workload: --clients keep-alive httpx clients (8 by default, one thread each), each signed in as
a workspace member with a real bearer token, each pinned to one instance round-robin as a load
balancer spreads connections, each sending a fixed mix: 40 % `GET /api/v1/tasks?project_id=…`
(page_size 20, pages 1-10), 30 % `GET /api/v1/tasks/{id}`, 15 % `POST /api/v1/tasks`, 15 %
`POST /api/v1/tasks/{id}/comments`. Writes emit domain events that the Celery workers dispatch;
after every slice the run waits until the broker is empty (and reports how long the backlog took),
so that no configuration inherits another's background work.

It prints, per configuration: requests per second, p50 and p99 latency, the failures (any answer
other than 200/201), the CPU time per request of the web workers, Celery and the clients, the cores
those kept busy (their CPU seconds per second of load; PostgreSQL and Redis come on top), and the
backlog's drain time; then the scale-up factors (2 instances / 1 instance, 2 workers / 1 worker,
against the same floor) and records both with bench/summary.py.

Each instance gets one web worker because this machine has 2 cores: one instance of one worker leaves
a core for a second instance, as a second machine would bring its own. Two instances of two workers
each (four web processes on two cores, with PostgreSQL, Celery and the clients) measure the cost of
oversubscribing the cores instead (0.86-0.95x of one such instance, see bench/README.md).

    .venv/bin/python bench/scale/run.py [--duration 60] [--slices 5] [--clients 8] [--port 8150]
                                        [--db pf_bench_scale] [--redis redis://127.0.0.1:6379/12]

The database is dropped at the end and the Redis database flushed before and after (never share it).
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.scale.processes import (  # noqa: E402
    SERVER,
    CeleryWorker,
    Gunicorn,
    celery_consume,
    celery_ready,
    drop_database,
    queued,
    scratch_database,
    serving_env,
)
from bench.summary import record  # noqa: E402

TASKS = 1_000
MEMBERS = 8
# One client's sequence of operations (20 steps: 8 lists, 6 reads, 3 creates, 3 comments), shuffled
# once per client so that the clients do not move in lockstep.
MIX = ["list"] * 8 + ["get"] * 6 + ["create"] * 3 + ["comment"] * 3


def fill() -> dict:
    """One workspace (owner + 7 members), one project of TASKS tasks; the ids and one bearer token
    per member."""
    import django

    django.setup()
    from django.db import connection

    from apps.tasks.models import Task
    from tests.factories.accounts import UserFactory, token_pair_for
    from tests.factories.projects import ProjectFactory
    from tests.factories.workspaces import WorkspaceFactory, WorkspaceMemberFactory

    owner = UserFactory()
    workspace = WorkspaceFactory(created_by=owner)
    users = [owner] + [WorkspaceMemberFactory(workspace=workspace).user for _ in range(MEMBERS - 1)]
    project = ProjectFactory(workspace=workspace)
    tasks = Task.objects.bulk_create(
        [
            Task(workspace=workspace, project=project, title=f"Task {i}", position=i, created_by=owner)
            for i in range(TASKS)
        ],
        batch_size=1000,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "project": str(project.pk),
        "tasks": [str(task.pk) for task in tasks],
        "tokens": [token_pair_for(user)[1].access for user in users],
    }


def client_loop(port: int, token: str, world: dict, seed: int, deadline: float, out: list) -> None:
    """One keep-alive client: the mix, in a shuffled order, until `deadline`; appends
    (operation, seconds, ok) per request to `out`."""
    import httpx

    rng = random.Random(seed)
    mix = MIX[:]
    rng.shuffle(mix)
    headers = {"Authorization": f"Bearer {token}"}
    tasks, project = world["tasks"], world["project"]
    mine = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as client:
        for operation in itertools.cycle(mix):
            started = time.perf_counter()
            if started >= deadline:
                break
            if operation == "list":
                response = client.get(f"/api/v1/tasks?project_id={project}&page_size=20&page={rng.randint(1, 10)}")
            elif operation == "get":
                response = client.get(f"/api/v1/tasks/{rng.choice(tasks)}")
            elif operation == "create":
                response = client.post("/api/v1/tasks", json={"project_id": project, "title": f"New {seed}"})
            else:
                response = client.post(f"/api/v1/tasks/{rng.choice(tasks)}/comments", json={"content": "Looks good"})
            mine.append((operation, time.perf_counter() - started, response.status_code in (200, 201)))
    out.extend(mine)


def drive(ports: list[int], world: dict, clients: int, seconds: float, seed: int) -> list[tuple[str, float, bool]]:
    """`clients` clients, client i on ports[i % len(ports)] (round-robin), for `seconds`."""
    results: list[tuple[str, float, bool]] = []
    deadline = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(ports[i % len(ports)], world["tokens"][i % MEMBERS], world, seed * 100 + i, deadline, results),
        )
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def drain(redis_client, timeout: float = 300) -> float:
    """Seconds until the broker holds nothing (waiting or unacknowledged)."""
    started = time.perf_counter()
    while queued(redis_client) and time.perf_counter() - started < timeout:
        time.sleep(0.05)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=60.0, help="Seconds of load per configuration.")
    parser.add_argument("--slices", type=int, default=5, help="Interleaved slices the duration is cut into.")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8150, help="First of the three loopback ports.")
    parser.add_argument("--db", default="pf_bench_scale", help="Scratch database (dropped).")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="Redis database (flushed).")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    args = parser.parse_args()

    import redis

    env = serving_env(f"{SERVER}/{args.db}", args.redis)
    os.environ.update(env)
    redis_client = redis.Redis.from_url(args.redis)
    redis_client.flushdb()
    scratch_database(args.db, env)
    processes = []
    try:
        started = time.perf_counter()
        world = fill()
        from django.db import connections

        connections.close_all()
        print(f"filled {TASKS:,} tasks, {MEMBERS} members in {time.perf_counter() - started:.1f} s", flush=True)

        one, second = Gunicorn(args.port, 1, env), Gunicorn(args.port + 2, 1, env)
        two_workers = Gunicorn(args.port + 1, 2, env)
        celery_a, celery_b = CeleryWorker("scale-a", env), CeleryWorker("scale-b", env)
        processes = [one, two_workers, second, celery_a, celery_b]
        headers = {"Authorization": f"Bearer {world['tokens'][1]}"}
        for server in (one, two_workers, second):
            server.wait_ready(f"/api/v1/tasks?project_id={world['project']}&page_size=20", headers)
        from pronaflow.celery import app

        celery_ready(app, [celery_a.name, celery_b.name])
        configs = {
            "1 instance x 1 worker": ([one], [celery_a]),
            "2 instances x 1 worker": ([one, second], [celery_a, celery_b]),
            "1 instance x 2 workers": ([two_workers], [celery_a]),
        }
        stats = {
            name: {"results": [], "web_cpu": 0.0, "celery_cpu": 0.0, "client_cpu": 0.0, "drain": []} for name in configs
        }
        drive([one.port, two_workers.port, second.port], world, args.clients, 3, seed=0)  # warm-up, all paths
        drain(redis_client)
        seconds = args.duration / args.slices
        for slice_no in range(args.slices):
            for name, (servers, workers) in configs.items():
                celery_consume(app, celery_b.name, on=celery_b in workers)
                web_before = sum(s.cpu() for s in servers)
                celery_before = sum(w.cpu() for w in workers)
                client_before = time.process_time()  # this process: the clients' threads
                got = drive([s.port for s in servers], world, args.clients, seconds, seed=slice_no + 1)
                stats[name]["client_cpu"] += time.process_time() - client_before
                stats[name]["drain"].append(drain(redis_client))
                stats[name]["web_cpu"] += sum(s.cpu() for s in servers) - web_before
                stats[name]["celery_cpu"] += sum(w.cpu() for w in workers) - celery_before
                stats[name]["results"] += got
            print(f"slice {slice_no + 1}/{args.slices} done (load average {os.getloadavg()[0]:.1f})", flush=True)
        report(stats, args)
    finally:
        for process in processes:
            process.stop()
        from django.db import connections

        connections.close_all()
        redis_client.flushdb()
        if not args.keep:
            drop_database(args.db)


def report(stats: dict, args: argparse.Namespace) -> None:
    """The table, the factors, and the two summary rows."""
    rates = {}
    print(
        f"\nmixed workload, {args.clients} clients, {args.duration:.0f} s per configuration in {args.slices} "
        f"interleaved slices; {os.cpu_count()} cores"
    )
    print(
        "| configuration | req/s | p50 ms | p99 ms | list / get / create / comment p50 ms | failures "
        "| CPU ms/req: web / Celery / clients | cores used (web + Celery + clients) | backlog drain s (max) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, data in stats.items():
        results = data["results"]
        count = max(1, len(results))
        rates[name] = len(results) / args.duration
        latencies = [seconds for _, seconds, _ in results]
        by_op = "/".join(
            f"{statistics.median([s for op, s, _ in results if op == wanted] or [0]) * 1000:.0f}"
            for wanted in ("list", "get", "create", "comment")
        )
        print(
            f"| {name} | {rates[name]:.1f} | {statistics.median(latencies) * 1000:.0f} | "
            f"{percentile(latencies, 0.99) * 1000:.0f} | {by_op} | {sum(not ok for *_, ok in results)} | "
            f"{data['web_cpu'] * 1000 / count:.1f} / {data['celery_cpu'] * 1000 / count:.1f} / "
            f"{data['client_cpu'] * 1000 / count:.1f} | "
            f"{(data['web_cpu'] + data['celery_cpu'] + data['client_cpu']) / args.duration:.2f} | "
            f"{max(data['drain']):.1f} |"
        )
    floor, instances, workers = rates.values()
    print(f"\nscale-out, 2 instances / 1 instance (1 worker each): {instances / floor:.2f}x")
    print(f"process scaling, 2 workers / 1 worker (one instance): {workers / floor:.2f}x")
    used = {name: (d["web_cpu"] + d["celery_cpu"] + d["client_cpu"]) / args.duration for name, d in stats.items()}
    web = {name: d["web_cpu"] * 1000 / max(1, len(d["results"])) for name, d in stats.items()}
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; web, Celery and clients used "
        f"{min(used.values()):.2f}-{max(used.values()):.2f} cores (PostgreSQL and Redis on top); web CPU per request "
        f"{' / '.join(f'{ms:.1f}' for ms in web.values())} ms. A configuration with more web processes than free "
        "cores only adds the cost of sharing them."
    )
    record(
        "scale",
        "mixed API req/s, 2 instances vs 1 (1 web worker each)",
        instances,
        floor,
        "req/s",
        higher_is_better=True,
        target="> 1.0",
    )
    record(
        "scale",
        "mixed API req/s, 2 workers vs 1 (one instance)",
        workers,
        floor,
        "req/s",
        higher_is_better=True,
        target="report only",
    )


if __name__ == "__main__":
    main()
