"""Fault drill: PronaFlow under 50 clients while its worker is killed, Redis stops for 30 s and
PostgreSQL restarts; then checks that nothing was lost, duplicated or answered 5xx.

It starts a stack of its own (bench/drills/stack.py): PostgreSQL 15 (initdb in a temporary directory,
port --pg-port), Redis (--redis-port, append-only file), gunicorn with gunicorn.conf.py as the README
runs it (gthread, 2 workers, DEBUG off, SECURE_SSL_REDIRECT=false), one Celery worker per queue
(celery, webhooks, email), beat, and a webhook receiver on loopback subscribed to task.created,
task.updated and comment.created. It seeds one workspace, one project and five users with bearer
tokens, then runs --clients threads of mixed traffic for --duration seconds:

  create task (35 %)  POST /tasks with an Idempotency-Key; the title carries a client-made marker
  comment (15 %)      POST /tasks/{id}/comments, same
  list (20 %), get (15 %), update (15 %)   GET /tasks?project_id=, GET /tasks/{id}, PATCH /tasks/{id}

A create that gets a 5xx, a 409 (the same key still running) or no answer is retried with the same
key, as the README tells clients to, for up to --retry-seconds. During the traffic (seconds from its
start): SIGKILL of the celery and webhooks workers at 6 s (restarted 3 s later), Redis stopped from
14 s to 44 s, `pg_ctl restart -m fast` at 50 s.

Then it waits (at most --drain-seconds) for every event to be dispatched and every delivery to
arrive, and checks:

  no 5xx other than a 503 during the database restart, and no request without an answer
  every marker answered 201 exists exactly once; every marker in the database was answered 201
  every task.created / comment.created event has one delivery, delivered and received (events =
  deliveries = received), and no webhook-id reached the receiver twice; no duplicate rows

prints a summary, records headline rows with bench/summary.py, and exits 1 when a check fails.

    .venv/bin/python bench/drills/faults.py [--clients 50] [--duration 60] [--keep-logs DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.drills.stack import Stack
from bench.summary import record

SUBSCRIBED = ("task.created", "task.updated", "comment.created")
# (seconds from the start of the traffic, action)
TIMELINE = [
    (6.0, "kill workers"),
    (9.0, "start workers"),
    (14.0, "stop redis"),
    (44.0, "start redis"),
    (50.0, "restart postgres"),
]


# --- Seed ---------------------------------------------------------------------------------


def seed(receiver_url: str) -> dict:
    """One workspace, one project with a list and 20 tasks, five members with access tokens, and a
    webhook to the receiver. Runs in the driver's own Django, connected to the drill's database."""
    import django

    django.setup()
    from django.db import connections

    from apps.accounts.models import User
    from apps.accounts.services.sessions import user_token_pair_issue
    from apps.integrations.services.webhooks import webhook_create
    from apps.projects.models import Project, ProjectMember
    from apps.tasks.models import Task, TaskList
    from apps.workspaces.models import Workspace, WorkspaceMember

    users = [
        User.objects.create_user(
            f"user{i}@drill.test", f"user{i}", "Drill-password-2026!", full_name=f"Drill {i}", status="active"
        )
        for i in range(5)
    ]
    workspace = Workspace.objects.create(name="Drill", created_by=users[0])
    for i, user in enumerate(users):
        WorkspaceMember.objects.create(workspace=workspace, user=user, role="owner" if i == 0 else "member")
    project = Project.objects.create(workspace=workspace, name="Drill project", created_by=users[0])
    for user in users:
        ProjectMember.objects.get_or_create(project=project, user=user)
    task_list = TaskList.objects.create(workspace=workspace, project=project, name="Backlog")
    tasks = [
        Task.objects.create(
            workspace=workspace, project=project, task_list=task_list, title=f"seed {i}", created_by=users[0]
        )
        for i in range(20)
    ]
    webhook_create(
        actor=users[0],
        workspace=workspace,
        name="Drill receiver",
        url=receiver_url,
        subscribed_events={event: True for event in SUBSCRIBED},
        max_retries=10,
    )
    tokens = [user_token_pair_issue(user=user)[1].access for user in users]
    connections.close_all()
    return {
        "project": str(project.pk),
        "list": str(task_list.pk),
        "tasks": [str(t.pk) for t in tasks],
        "tokens": tokens,
    }


# --- Traffic ------------------------------------------------------------------------------


class Ledger:
    """What the clients saw: every request's outcome, and every create's marker with its fate."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[tuple[float, float, str, int]] = []  # (start, end, op, status; 0 = no answer)
        self.markers: dict[str, dict] = {}  # marker -> {"kind", "answered_201", "id"}
        self.task_ids: list[str] = []
        self.started = time.time()

    def note(self, start: float, op: str, status: int) -> None:
        with self.lock:
            self.requests.append((start, time.time(), op, status))


def client_loop(client_no: int, world: dict, base: str, ledger: Ledger, until: float, retry_seconds: float) -> None:
    import httpx

    rng = random.Random(client_no)
    token = world["tokens"][client_no % len(world["tokens"])]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:

        def call(op: str, method: str, path: str, **kwargs):
            start = time.time()
            try:
                response = http.request(method, path, **kwargs)
            except httpx.HTTPError:
                ledger.note(start, op, 0)
                return None
            ledger.note(start, op, response.status_code)
            return response

        def create(kind: str, path: str, body: dict, marker: str) -> None:
            key = str(uuid.uuid4())
            with ledger.lock:
                ledger.markers[marker] = {"kind": kind, "answered_201": False, "id": None}
            deadline = time.time() + retry_seconds
            while True:
                at = time.time() - ledger.started
                response = call(f"create {kind}", "POST", path, json=body, headers={"Idempotency-Key": key})
                with ledger.lock:
                    ledger.markers[marker].setdefault("statuses", []).append(
                        (round(at, 1), response.status_code if response is not None else 0)
                    )
                if response is not None and response.status_code == 201:
                    with ledger.lock:
                        ledger.markers[marker].update(answered_201=True, id=response.json()["data"]["id"])
                        if kind == "task":
                            ledger.task_ids.append(ledger.markers[marker]["id"])
                    return
                retryable = response is None or response.status_code >= 500 or response.status_code == 409
                if not retryable or time.time() > deadline or time.time() > until + retry_seconds:
                    return
                time.sleep(1.0)

        while time.time() < until:
            with ledger.lock:
                known = ledger.task_ids[-200:] or world["tasks"]
            task_id = rng.choice(known if rng.random() < 0.7 else world["tasks"])
            roll = rng.random()
            marker = f"drill-{uuid.uuid4().hex}"
            if roll < 0.35:
                body = {"project_id": world["project"], "task_list_id": world["list"], "title": marker}
                create("task", "/api/v1/tasks", body, marker)
            elif roll < 0.50:
                create("comment", f"/api/v1/tasks/{task_id}/comments", {"content": marker}, marker)
            elif roll < 0.70:
                call("list", "GET", "/api/v1/tasks", params={"project_id": world["project"], "page_size": 20})
            elif roll < 0.85:
                call("get", "GET", f"/api/v1/tasks/{task_id}")
            else:
                call("update", "PATCH", f"/api/v1/tasks/{task_id}", json={"priority": rng.choice(["low", "high"])})


def run_faults(stack: Stack, started: float, log: list[tuple[float, str]], outage: list[float]) -> None:
    """The timeline's faults, at their offsets from `started`; `outage` gets the database restart's
    start and end (the window in which a 503 is allowed)."""
    for at, action in TIMELINE:
        time.sleep(max(0.0, started + at - time.time()))
        log.append((time.time() - started, action))
        if action == "kill workers":
            stack.kill("worker-celery")
            stack.kill("worker-webhooks")
        elif action == "start workers":
            stack.worker_start("worker-celery")
            stack.worker_start("worker-webhooks")
        elif action == "stop redis":
            stack.redis_stop()
        elif action == "start redis":
            stack.redis_start()
        elif action == "restart postgres":
            outage.append(time.time())
            stack.postgres_restart()
            outage.append(time.time())
        log.append((time.time() - started, f"{action}: done"))


# --- Checks -------------------------------------------------------------------------------


def received(receiver_url: str) -> list[dict]:
    import httpx

    return httpx.get(receiver_url, timeout=10).json()


def drain(receiver_url: str, started: float, timeout: float) -> float:
    """Wait until every event is dispatched, no delivery is open and the receiver holds every
    delivered one; returns the seconds it took (or the timeout)."""
    from django.db import connections

    from apps.events.models import DomainEvent
    from apps.integrations.models import WebhookDelivery

    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            pending_events = DomainEvent.objects.filter(dispatched_at__isnull=True).count()
            open_deliveries = WebhookDelivery.objects.exclude(status__in=["delivered", "failed"]).count()
            delivered = WebhookDelivery.objects.filter(status="delivered").count()
        except Exception:  # noqa: BLE001 - the database may still be coming back: ask again
            connections.close_all()
            time.sleep(1)
            continue
        if (
            not pending_events
            and not open_deliveries
            and len({r["webhook_id"] for r in received(receiver_url)}) >= delivered
        ):
            return time.time() - started
        time.sleep(2)
    return time.time() - started


def cpu_model() -> str:
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def check(ledger: Ledger, outage: list[float], receiver_url: str, drain_seconds: float) -> tuple[list[str], dict]:
    from django.db.models import Count

    from apps.collaboration.models import Comment
    from apps.events.models import DomainEvent
    from apps.integrations.models import WebhookDelivery
    from apps.tasks.models import Task

    failures: list[str] = []
    statuses = Counter(status for _, _, _, status in ledger.requests)
    # A 503 is allowed for a request that overlapped the database restart (plus 2 s to reconnect).
    window = (outage[0] - 0.5, outage[1] + 2.0) if len(outage) == 2 else (0.0, 0.0)
    bad_5xx = [
        r for r in ledger.requests if r[3] >= 500 and not (r[3] == 503 and r[0] <= window[1] and r[1] >= window[0])
    ]
    no_answer = [r for r in ledger.requests if r[3] == 0]
    if bad_5xx:
        seconds = sorted({int(r[0] - ledger.started) for r in bad_5xx})
        failures.append(
            f"{len(bad_5xx)} responses 5xx outside the rule: {dict(Counter((r[2], r[3]) for r in bad_5xx))} "
            f"(started at t = {seconds} s)"
        )
    if no_answer:
        failures.append(f"{len(no_answer)} requests without an answer: {Counter(r[2] for r in no_answer)}")

    rows = Counter(Task.all_objects.filter(title__startswith="drill-").values_list("title", flat=True))
    rows.update(Comment.objects.filter(content__startswith="drill-").values_list("content", flat=True))
    answered = {m for m, fate in ledger.markers.items() if fate["answered_201"]}
    missing = [m for m in answered if rows[m] != 1]
    unseen = [m for m in rows if m not in answered]
    duplicates = [m for m, n in rows.items() if n > 1]
    if missing:
        failures.append(f"{len(missing)} creates answered 201 are not exactly once in the database")
    if unseen:
        kinds = Counter(ledger.markers.get(m, {}).get("kind", "?") for m in unseen)
        tried = [ledger.markers[m].get("statuses") for m in unseen if m in ledger.markers]
        failures.append(f"{len(unseen)} committed creates were never answered 201: {dict(kinds)}; answers {tried}")
    if duplicates:
        failures.append(f"{len(duplicates)} duplicate rows")

    events = DomainEvent.objects.filter(event_type__in=SUBSCRIBED)
    event_count = events.count()
    undispatched = events.filter(dispatched_at__isnull=True).count()
    deliveries = WebhookDelivery.objects.filter(webhook__isnull=False)
    delivery_count = deliveries.count()
    delivered = deliveries.filter(status="delivered").count()
    per_event = deliveries.values("event_id").annotate(n=Count("id")).filter(n__gt=1).count()
    created_events = DomainEvent.objects.filter(event_type="task.created").values_list("aggregate_id", flat=True)
    created_multi = [a for a, n in Counter(created_events).items() if n > 1]
    got = received(receiver_url)
    by_webhook_id = Counter(r["webhook_id"] for r in got)
    repeated = sum(n - 1 for n in by_webhook_id.values() if n > 1)
    received_events = {r["event_id"] for r in got}
    never_received = events.exclude(pk__in=[e for e in received_events if e]).count()
    if undispatched:
        stuck = events.filter(dispatched_at__isnull=True)
        ages = sorted({int(t.timestamp() - ledger.started) for t in stuck.values_list("occurred_at", flat=True)})
        attempts = Counter(stuck.values_list("dispatch_attempts", flat=True))
        failures.append(
            f"{undispatched} events not dispatched after the drain (occurred at t = {ages[0]}..{ages[-1]} s, "
            f"dispatch attempts {dict(attempts)})"
        )
    if delivery_count != event_count or delivered != event_count:
        failures.append(f"events {event_count} != deliveries {delivery_count} (delivered {delivered})")
    if per_event or created_multi:
        failures.append(
            f"{per_event} events with several deliveries, {len(created_multi)} tasks with several task.created"
        )
    if never_received:
        failures.append(f"{never_received} events never reached the receiver")
    if repeated:
        failures.append(f"{repeated} repeated webhook-ids at the receiver")

    latencies = [(end - start) * 1000 for start, end, _, status in ledger.requests if status]
    # The same by phase: Redis down (requests started in its outage), the rest.
    redis_down = (ledger.started + TIMELINE[2][0], ledger.started + TIMELINE[3][0])
    during = [(e - s) * 1000 for s, e, _, st in ledger.requests if st and redis_down[0] <= s < redis_down[1]]
    outside = [(e - s) * 1000 for s, e, _, st in ledger.requests if st and not redis_down[0] <= s < redis_down[1]]
    figures = {
        "requests": len(ledger.requests),
        "2xx": sum(n for s, n in statuses.items() if 200 <= s < 300),
        "4xx": sum(n for s, n in statuses.items() if 400 <= s < 500),
        "5xx": sum(n for s, n in statuses.items() if s >= 500),
        "503": statuses.get(503, 0),
        "5xx_not_allowed": len(bad_5xx),
        "no_answer": len(no_answer),
        "statuses": dict(sorted(statuses.items())),
        "p50_ms": percentile(latencies, 0.50),
        "p99_ms": percentile(latencies, 0.99),
        "redis_down_ms": (percentile(during, 0.5), percentile(during, 0.99), len(during)),
        "redis_up_ms": (percentile(outside, 0.5), percentile(outside, 0.99), len(outside)),
        "creates": len(ledger.markers),
        "answered_201": len(answered),
        "committed": len(rows),
        "committed_without_201": len(unseen),
        "duplicate_rows": len(duplicates),
        "events": event_count,
        "deliveries": delivery_count,
        "delivered": delivered,
        "received": len(received_events - {None}),
        "repeated_webhook_ids": repeated,
        "drain_s": drain_seconds,
    }
    return failures, figures


# --- Main ---------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--drain-seconds", type=float, default=180.0)
    parser.add_argument("--retry-seconds", type=float, default=10.0)
    parser.add_argument("--http-port", type=int, default=8341)
    parser.add_argument("--receiver-port", type=int, default=8342)
    parser.add_argument("--pg-port", type=int, default=55433)
    parser.add_argument("--redis-port", type=int, default=56380)
    parser.add_argument("--keep-logs", help="copy the processes' logs to this directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pf_drill_"))
    stack = Stack(workdir, pg_port=args.pg_port, redis_port=args.redis_port, http_port=args.http_port)
    os.environ.update(stack.env)
    receiver_url = f"http://127.0.0.1:{args.receiver_port}/hooks/drill"
    t0 = time.time()
    try:
        stack.postgres_start()
        stack.redis_start()
        stack.manage("migrate", "--noinput", "-v", "0")
        world = seed(receiver_url)
        stack.receiver_start(args.receiver_port)
        stack.gunicorn_start()
        for name in Stack.WORKERS:
            stack.worker_start(name)
        stack.beat_start()
        time.sleep(3)  # the workers connect to the broker
        print(f"stack up in {time.time() - t0:.0f} s (logs in {workdir})", flush=True)

        ledger, fault_log, outage = Ledger(), [], []
        started = ledger.started = time.time()
        until = started + args.duration
        base = f"http://127.0.0.1:{args.http_port}"
        threads = [
            threading.Thread(target=client_loop, args=(i, world, base, ledger, until, args.retry_seconds), daemon=True)
            for i in range(args.clients)
        ]
        faults = threading.Thread(target=run_faults, args=(stack, started, fault_log, outage), daemon=True)
        for thread in [*threads, faults]:
            thread.start()
        for thread in [*threads, faults]:
            thread.join()
        traffic_end = time.time()
        for at, action in fault_log:
            print(f"  t={at:5.1f} s  {action}", flush=True)
        drain_seconds = drain(receiver_url, traffic_end, args.drain_seconds)
        print(f"drained in {drain_seconds:.0f} s; checking", flush=True)
        failures, figures = check(ledger, outage, receiver_url, drain_seconds)
        print(f"checked in {time.time() - traffic_end - drain_seconds:.0f} s", flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        stack.teardown()
        if args.keep_logs:
            Path(args.keep_logs).mkdir(parents=True, exist_ok=True)
            for log in [*workdir.glob("*.log"), *workdir.glob("pg/*.log")]:
                shutil.copy(log, Path(args.keep_logs) / log.name)
        shutil.rmtree(workdir, ignore_errors=True)

    f = figures
    print(
        f"\nfault drill {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(t0))}: {args.clients} clients, "
        f"{args.duration:.0f} s; {cpu_model()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; "
        f"whole run {time.time() - t0:.0f} s"
    )
    print(
        f"requests {f['requests']}: 2xx {f['2xx']}, 4xx {f['4xx']}, 5xx {f['5xx']} (503 {f['503']}, "
        f"not allowed {f['5xx_not_allowed']}), no answer {f['no_answer']}; statuses {f['statuses']}"
    )
    down, up = f["redis_down_ms"], f["redis_up_ms"]
    print(
        f"latency p50 {f['p50_ms']:.0f} ms, p99 {f['p99_ms']:.0f} ms (Redis down: {down[2]} requests, "
        f"p50 {down[0]:.0f} / p99 {down[1]:.0f} ms; the rest: {up[2]}, p50 {up[0]:.0f} / p99 {up[1]:.0f} ms)"
    )
    print(
        f"creates {f['creates']}: answered 201 {f['answered_201']}, rows {f['committed']}, "
        f"committed without a 201 {f['committed_without_201']}, duplicate rows {f['duplicate_rows']}"
    )
    print(
        f"events {f['events']}, deliveries {f['deliveries']} (delivered {f['delivered']}), received {f['received']}, "
        f"repeated webhook-ids {f['repeated_webhook_ids']}; drained {f['drain_s']:.0f} s after the traffic"
    )
    record(
        "drills",
        "5xx other than 503 in the database restart",
        f["5xx_not_allowed"],
        None,
        "responses",
        higher_is_better=False,
        target="0",
    )
    record(
        "drills",
        "committed creates without a 201",
        f["committed_without_201"],
        None,
        "rows",
        higher_is_better=False,
        target="0",
    )
    ratio = f["received"] / f["events"] if f["events"] else 0.0
    record(
        "drills", "events received by the webhook / events", ratio, None, "ratio", higher_is_better=True, target="1.0"
    )
    for failure in failures:
        print(f"FAIL {failure}")
    print("drill: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
