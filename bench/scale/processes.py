"""The processes of a served PronaFlow for HTTP benchmarks: a scratch database, gunicorn, Celery.

Shared by bench/scale (and usable by any benchmark that serves the product over loopback): every
process gets the same environment (`serving_env`), gunicorn runs the repository's gunicorn.conf.py
with a chosen number of gthread workers, Celery workers consume the product's queues, and the CPU
time of a process tree is read from /proc so that a run can report CPU per request.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
SERVER = "postgres://postgres@127.0.0.1:5432"
SECRET_KEY = "pronaflow-bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - scratch runs


def serving_env(database_url: str, redis_url: str) -> dict[str, str]:
    """The environment of the driver, gunicorn and Celery: production settings, DEBUG off, a real
    broker (tasks are queued to Celery, not run in the request), the user rate limit out of the way."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "RATE_LIMIT_USER": "100000000/min",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # On a shared machine at load 10+, Redis can take longer than the default 0.5 s to confirm a
        # publish; the request would then leave the task to its relay (and skip publishing for 5 s),
        # and the Celery workers would get less work than the requests made.
        "TASK_PUBLISH_WAIT_SECONDS": "10",
        # E-mails are rendered and handed to a backend that drops them (the default console backend
        # would print every comment notification into the run's output).
        "EMAIL_URL": "dummymail://",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "pronaflow.settings",
    }


def scratch_database(name: str, env: dict[str, str]) -> None:
    """Drops `name` if it exists, creates it and migrates it with the product's settings."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cpu_of(pid: int | str, ticks: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:  # exited meanwhile
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) so far of `pid` and its descendants: a gunicorn master and its
    workers, a Celery worker's consumer process and its pool."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        parent = pending.pop()
        total += _cpu_of(parent, ticks)
        try:
            pending += [int(child) for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split()]
        except FileNotFoundError:
            continue
    return total


class Process:
    """A subprocess stopped with SIGTERM (then SIGKILL after 30 s)."""

    process: subprocess.Popen

    def cpu(self) -> float:
        return tree_cpu(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Gunicorn(Process):
    """gunicorn serving the working tree on 127.0.0.1:port with `workers` gthread workers (4 threads
    each, as the Dockerfile runs it) and the repository's gunicorn.conf.py."""

    def __init__(self, port: int, workers: int, env: dict[str, str]) -> None:
        self.port, self.workers = port, workers
        command = [
            str(BIN / "gunicorn"),
            "pronaflow.wsgi:application",
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)

    def wait_ready(self, path: str, headers: dict[str, str], timeout: float = 90) -> None:
        """Polls until `path` answers 200, then sends enough requests to warm every worker."""
        import httpx

        deadline = time.monotonic() + timeout
        with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", headers=headers, timeout=30) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"gunicorn on port {self.port} exited with {self.process.returncode}")
                with contextlib.suppress(httpx.TransportError):  # not listening yet
                    if client.get(path).status_code == 200:
                        for _ in range(10 * self.workers):
                            client.get(path)
                        return
                time.sleep(0.5)
        raise RuntimeError(f"gunicorn on port {self.port} did not answer {path}")


class CeleryWorker(Process):
    """`celery worker` on the product's queues (as `make worker` runs it) with `concurrency` prefork
    processes, named `name@bench` for remote control."""

    QUEUES = ("celery", "webhooks", "email")

    def __init__(self, name: str, env: dict[str, str], concurrency: int = 1) -> None:
        self.name = f"{name}@bench"
        command = [
            str(BIN / "celery"),
            "--quiet",  # no banner
            "-A",
            "pronaflow",
            "worker",
            "-Q",
            ",".join(self.QUEUES),
            "-c",
            str(concurrency),
            "-n",
            self.name,
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)


def celery_ready(app, names: list[str], timeout: float = 90) -> None:
    """Waits until every named worker answers a ping."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=names, timeout=1.0) or []
        if {name for reply in replies for name in reply} >= set(names):
            return
        time.sleep(0.5)
    raise RuntimeError(f"Celery workers {names} did not answer")


def celery_consume(app, name: str, *, on: bool) -> None:
    """Makes worker `name` start (on) or stop (off) consuming the product's queues: the second
    worker sits out the one-worker slices without a restart; what it already took it finishes."""
    for queue in CeleryWorker.QUEUES:
        if on:
            app.control.add_consumer(queue, destination=[name], reply=True, timeout=5)
        else:
            app.control.cancel_consumer(queue, destination=[name], reply=True, timeout=5)


def queued(redis_client) -> int:
    """Messages waiting in the broker or taken but not yet acknowledged (kombu's Redis transport
    keeps a queue as a list named after it, one per priority step, and unacked ones in a hash)."""
    waiting = 0
    for queue in CeleryWorker.QUEUES:
        for key in redis_client.scan_iter(match=f"{queue}*"):
            if redis_client.type(key) == b"list":
                waiting += redis_client.llen(key)
    return waiting + redis_client.hlen("unacked")
