"""Benchmark: webhook deliveries through the real pipeline (domain event -> Celery dispatch -> the
"webhooks" queue -> signed POST) to a loopback receiver, against a bare httpx client.

A receiver runs in its own process on 127.0.0.1:8170 (--port; HTTP/1.1 keep-alive, answers 200 `{}`, notes
when each message arrives). Two Celery workers run against a scratch database and Redis, as `make
worker` and `make webhook-worker` start them on a 2-core machine: one on the default queue (event
dispatch, 2 processes) and --webhook-workers on the "webhooks" queue (deliveries, 8 threads in each
process; default one per core, as the README deploys them: a thread pool runs Python on one core, so
a 2-core machine runs two). One webhook subscribes to the events.

  latency     --latency-events emitted at a steady --rate (each in its own transaction): time from
              the commit to the receiver getting the message, p50 / p90 / p99
  burst       --burst-events emitted at once: end-to-end deliveries per second (first commit to last
              receipt)
  drain       --events deliveries queued at once on the "webhooks" queue as the pipeline queues a
              backlog (one task per WEBHOOK_BATCH_SIZE ids): deliveries per second of the webhooks
              workers (claim, sign, POST, record), and the CPU time they spent per delivery
  floor       one process, one reused httpx.Client, POSTing the same bodies one after another, and
              its CPU time per request

Drain and floor run in --rounds interleaved slices. The ratio reported is drain / floor; it and the
latency p50 are recorded with bench/summary.py. On a shared machine the rates follow the load of
other work; the CPU times per delivery do not, so both are printed. Nothing leaves 127.0.0.1; the
scratch database (BENCH_DB, default pf_bench_webhooks) is dropped at the end and the Redis database
(BENCH_REDIS, default redis://127.0.0.1:6379/7) flushed.

    DJANGO_SETTINGS_MODULE=tests.settings .venv/bin/python bench/webhooks/run.py [--events 1000] [--port 8170]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench" / "notifications"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BENCH_DB", "pf_bench_webhooks")
# A Redis database of its own (flushed before and after): never the one REDIS_URL names.
os.environ["REDIS_URL"] = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/7")
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
os.environ["WEBHOOK_ALLOW_PRIVATE_TARGETS"] = "true"  # the receiver is on loopback
os.environ["LOG_LEVEL"] = "WARNING"
PORT = 8170


# --- The receiver ---------------------------------------------------------------------------------


def serve(port: int) -> None:
    arrivals: dict[str, float] = {}

    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            arrivals.setdefault(json.loads(body).get("id") or "", time.time())
            self._answer(b"{}")

        def do_GET(self):  # the arrival times, for the benchmark; DELETE-free reset by ?reset
            payload = json.dumps(arrivals).encode()
            if self.path.endswith("reset"):
                arrivals.clear()
            self._answer(payload)

        def _answer(self, payload: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    server.daemon_threads = True
    server.serve_forever()


def arrivals(url: str, *, reset: bool = False) -> dict[str, float]:
    import httpx

    return httpx.get(url + ("?reset" if reset else ""), timeout=10).json()


def wait_for(url: str, ids: set[str], timeout: float) -> dict[str, float]:
    deadline = time.time() + timeout
    while True:
        seen = arrivals(url)
        if ids <= set(seen) or time.time() > deadline:
            missing = len(ids - set(seen))
            if missing:
                raise RuntimeError(f"{missing} of {len(ids)} messages did not arrive within {timeout:.0f} s")
            return seen
        time.sleep(0.2)


# --- Celery workers -------------------------------------------------------------------------------


def start_worker(name: str, queue: str, concurrency: int, workdir: str, *pool: str) -> subprocess.Popen:
    pidfile = os.path.join(workdir, f"{name}.pid")
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "pronaflow",
        "worker",
        "-Q",
        queue,
        "-c",
        str(concurrency),
        "-n",
        f"{name}@bench",
        "--pidfile",
        pidfile,
        "--loglevel=warning",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        *pool,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=dict(os.environ), stdout=subprocess.DEVNULL)


def wait_for_workers(names: list[str], timeout: float = 60) -> None:
    from pronaflow.celery import app

    deadline = time.time() + timeout
    while time.time() < deadline:
        replies = {name for reply in app.control.ping(timeout=1) for name in reply}
        if all(f"{name}@bench" in replies for name in names):
            return
    raise RuntimeError("the Celery workers did not start")


def stop(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


# --- Measurements ---------------------------------------------------------------------------------


def emit_events(world, count: int, rate: float | None) -> dict[str, float]:
    """Emit `count` project.updated events, each in its own transaction; returns event id -> the
    time its transaction committed."""
    from django.db import transaction

    from apps.events.services import emit

    committed, started = {}, time.time()
    for index in range(count):
        if rate:
            time.sleep(max(0.0, started + index / rate - time.time()))
        with transaction.atomic():
            event = emit(
                "project.updated",
                aggregate=world["project"],
                actor=world["owner"],
                workspace=world["workspace"],
                project=world["project"],
                payload={
                    "project_id": str(world["project"].pk),
                    "workspace_id": str(world["workspace"].pk),
                    "name": world["project"].name,
                    "status": "active",
                    "visibility": "workspace",
                    "changes": {"name": {"old": f"Bench {index}", "new": f"Bench {index + 1}"}},
                },
            )
        committed[str(event.pk)] = time.time()
    return committed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children, from /proc."""
    pids, total = [pid], 0.0
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        pids.append(int(entry))
            except (OSError, ValueError, IndexError):
                continue
    for each in pids:
        with open(f"/proc/{each}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def make_drain_rows(webhook, count: int, offset: int) -> list:
    from django.utils import timezone

    from apps.events.webhooks import message
    from apps.integrations.models import WebhookDelivery

    return WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                webhook=webhook,
                event_type="project.updated",
                body=message(
                    event_id=f"drain-{index}",
                    event_type="project.updated",
                    timestamp=timezone.now(),
                    workspace_id=webhook.workspace_id,
                    data={"project_id": "bench", "name": "Bench", "status": "active", "visibility": "workspace"},
                ),
            )
            for index in range(offset, offset + count)
        ]
    )


def drain(rows: list, url: str, worker_pids: list[int]) -> tuple[float, float, float]:
    """Queue `rows` as the pipeline queues a backlog (one task per WEBHOOK_BATCH_SIZE ids) and wait
    until the receiver has every message: (seconds, CPU seconds of the webhooks workers, load)."""
    from apps.integrations.services.sending import queue_deliveries

    names = {row.body["id"] for row in rows}
    arrivals(url, reset=True)
    cpu_before, started = sum(map(cpu_seconds, worker_pids)), time.time()
    queue_deliveries([str(row.pk) for row in rows], on_commit=False)
    seen = wait_for(url, names, timeout=600)
    return max(seen.values()) - started, sum(map(cpu_seconds, worker_pids)) - cpu_before, os.getloadavg()[0]


def floor(url: str, body: bytes, count: int) -> tuple[float, float]:
    """One reused httpx.Client POSTing `body` `count` times: (seconds, CPU seconds)."""
    import httpx

    with httpx.Client(timeout=10) as client:
        client.post(url, content=body)  # warm-up: the connection and the CA bundle
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            client.post(url, content=body, headers={"Content-Type": "application/json"}).raise_for_status()
        return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=1000, help="deliveries of the drain and of the floor")
    parser.add_argument("--burst-events", type=int, default=300, help="events of the burst run")
    parser.add_argument("--latency-events", type=int, default=200, help="events of the latency run")
    parser.add_argument("--rate", type=float, default=5.0, help="events per second in the latency run")
    parser.add_argument("--rounds", type=int, default=3, help="drain and floor slices, interleaved")
    parser.add_argument("--port", type=int, default=PORT, help="the receiver's loopback port")
    parser.add_argument(
        "--webhook-workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes on the webhooks queue (8 threads each; default one per core, at most 2)",
    )
    args = parser.parse_args()

    receiver = multiprocessing.Process(target=serve, args=(args.port,), daemon=True)
    receiver.start()
    url = f"http://127.0.0.1:{args.port}/hooks/bench"
    from scratch_db import scratch_database
    from summary import record

    with scratch_database(), tempfile.TemporaryDirectory() as workdir:
        import redis

        from apps.accounts.models import User
        from apps.core import crypto
        from apps.core.webhooks import new_secret
        from apps.events.webhooks import encode
        from apps.integrations.models import Webhook
        from apps.projects.models import Project
        from apps.workspaces.models import Workspace, WorkspaceMember

        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        owner = User.objects.create_user("owner@bench.test", "owner", "x", full_name="Bench Owner")
        workspace = Workspace.objects.create(name="Bench", created_by=owner)
        WorkspaceMember.objects.create(workspace=workspace, user=owner, role="owner")
        project = Project.objects.create(workspace=workspace, name="Bench project", created_by=owner)
        webhook = Webhook.objects.create(
            workspace=workspace,
            created_by=owner,
            name="Bench receiver",
            url=url,
            secret_encrypted=crypto.encrypt(new_secret()),
            subscribed_events={"project.updated": True},
        )
        world = {"owner": owner, "workspace": workspace, "project": project}
        slices = [args.events // args.rounds + (index < args.events % args.rounds) for index in range(args.rounds)]
        from django.db import connections

        connections.close_all()
        webhook_workers = [f"webhooks{index}" for index in range(args.webhook_workers)]
        workers = [
            start_worker("default", "celery", 2, workdir),
            *(start_worker(name, "webhooks", 8, workdir, "-P", "threads") for name in webhook_workers),
        ]
        try:
            wait_for_workers(["default", *webhook_workers])
            emit_events(world, 20, None)  # warm-up: worker processes, connections, clients
            time.sleep(2)
            arrivals(url, reset=True)

            committed = emit_events(world, args.latency_events, args.rate)
            seen = wait_for(url, set(committed), timeout=600)
            latencies = [(seen[event_id] - at) * 1000 for event_id, at in committed.items()]
            p50 = percentile(latencies, 0.5)
            print(
                f"latency    {args.latency_events} events at {args.rate:.0f}/s, commit -> receipt: "
                f"p50 {p50:.0f} ms, p90 {percentile(latencies, 0.9):.0f} ms, "
                f"p99 {percentile(latencies, 0.99):.0f} ms (mean {statistics.fmean(latencies):.0f} ms)"
            )

            arrivals(url, reset=True)
            committed = emit_events(world, args.burst_events, None)
            seen = wait_for(url, set(committed), timeout=600)
            burst = args.burst_events / (max(seen.values()) - min(committed.values()))
            print(f"burst      {args.burst_events} events at once, event -> receipt: {burst:.0f} deliveries/s")

            # Drain and floor in interleaved slices, so the load of other work hits both alike.
            drained = drain_cpu = bare = bare_cpu = 0.0
            for index, size in enumerate(slices):
                # Created now, not before: the worker would send due deliveries with earlier batches.
                rows = make_drain_rows(webhook, size, sum(slices[:index]))
                body = encode(rows[0].body)
                seconds, cpu, load = drain(rows, url, [worker.pid for worker in workers[1:]])
                drained, drain_cpu = drained + seconds, drain_cpu + cpu
                seconds_floor, cpu_floor = floor(url, body, len(rows))
                bare, bare_cpu = bare + seconds_floor, bare_cpu + cpu_floor
                print(
                    f"  slice    {len(rows)} deliveries: drain {len(rows) / seconds:.0f}/s, "
                    f"floor {len(rows) / seconds_floor:.0f}/s (load {load:.1f})"
                )
        finally:
            stop(workers)
        drain_rate, floor_rate = args.events / drained, args.events / bare
        drain_ms, floor_ms = drain_cpu / args.events * 1000, bare_cpu / args.events * 1000
        print(
            f"drain      {args.events} queued deliveries, {args.webhook_workers} webhooks worker process(es): "
            f"{drain_rate:.0f} deliveries/s, "
            f"{drain_ms:.2f} ms CPU per delivery"
        )
        print(f"floor      one reused httpx.Client, same bodies: {floor_rate:.0f}/s, {floor_ms:.2f} ms CPU per request")
        print(
            f"ratio      drain / floor = {drain_rate / floor_rate:.0%}; burst / floor = {burst / floor_rate:.0%}; "
            f"CPU per delivery / per bare request = {drain_ms / floor_ms:.1f}x; load average {os.getloadavg()[0]:.1f}"
        )
        record(
            "webhooks",
            "sustained delivery rate (queue drain) vs a bare httpx client",
            drain_rate,
            floor_rate,
            "deliveries/s",
            higher_is_better=True,
            target=">= 0.25",
        )
        record(
            "webhooks",
            f"p50 event commit -> receipt at {args.rate:g} events/s",
            p50,
            None,
            "ms",
            higher_is_better=False,
            target="<= 250 ms",
        )
        redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    receiver.terminate()


if __name__ == "__main__":
    main()
