"""A production-like PronaFlow stack of its own for the fault drill: PostgreSQL (initdb in a temporary
directory), Redis, gunicorn, one Celery worker per queue, beat, and a loopback webhook receiver.

Every process runs in its own session (process group), so the drill can SIGKILL a Celery worker with
its pool children, and the teardown stops exactly what the drill started. Nothing listens beyond
127.0.0.1.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = "/usr/bin/redis-server"
SECRET_KEY = "pronaflow-drill-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105 - scratch runs
DB_NAME = "pf_drill"


def drill_env(pg_port: int, redis_port: int, workdir: Path) -> dict[str, str]:
    """The environment of every PronaFlow process of the drill (and of the driver's own Django)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pronaflow.settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/{DB_NAME}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "DEBUG": "false",
        "SECRET_KEY": SECRET_KEY,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # 50 clients share five users: the per-user limit is not what the drill measures.
        "RATE_LIMIT_USER": "1000000/min",
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "BEAT_HEARTBEAT_FILE": str(workdir / "beat.heartbeat"),
        "PYTHONUNBUFFERED": "1",
    }


class Stack:
    """Starts and stops the drill's processes; logs go to `workdir/<name>.log`."""

    def __init__(self, workdir: Path, *, pg_port: int, redis_port: int, http_port: int):
        self.workdir, self.pg_port, self.redis_port, self.http_port = workdir, pg_port, redis_port, http_port
        self.env = drill_env(pg_port, redis_port, workdir)
        self.pgdir = workdir / "pg"  # data, socket and log; owned by `postgres` when the drill runs as root
        self.pgdata = self.pgdir / "data"
        self.procs: dict[str, subprocess.Popen] = {}

    # --- processes ------------------------------------------------------------------------

    def spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            command, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.procs[name] = proc
        return proc

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def kill(self, name: str) -> None:
        """SIGKILL a process and its children (a Celery worker and its pool): no warm shutdown."""
        self.stop(name, signal.SIGKILL)

    # --- PostgreSQL -----------------------------------------------------------------------

    @staticmethod
    def as_pg_owner(command: list[str]) -> list[str]:
        """PostgreSQL refuses to run as root: then its commands run as the `postgres` user."""
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command

    def pg_ctl(self, *args: str) -> None:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.pgdata), "-l", str(self.pgdir / "postgres.log"), "-w", *args]
        subprocess.run(self.as_pg_owner(command), check=True, stdout=subprocess.DEVNULL)

    def postgres_start(self) -> None:
        self.pgdir.mkdir()
        if os.geteuid() == 0:
            os.chmod(self.workdir, 0o755)  # noqa: S103 - the postgres user must reach its directory
            shutil.chown(self.pgdir, "postgres", "postgres")
        command = [str(PG_BIN / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        subprocess.run(self.as_pg_owner(command), check=True, stdout=subprocess.DEVNULL)
        options = (
            f"-p {self.pg_port} -k {self.pgdir} -c listen_addresses=127.0.0.1 -c max_connections=200 "
            "-c fsync=off -c full_page_writes=off"  # scratch data: a fast restart is what is tested
        )
        self.pg_ctl("-o", options, "start")
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", DB_NAME],
            check=True,
        )

    def postgres_restart(self) -> None:
        """`pg_ctl restart -m fast`: every connection is cut, the server is back when this returns."""
        self.pg_ctl("-m", "fast", "restart")

    def postgres_stop(self) -> None:
        if (self.pgdata / "postmaster.pid").exists():
            self.pg_ctl("-m", "immediate", "stop")

    # --- Redis ----------------------------------------------------------------------------

    def redis_start(self) -> None:
        """Redis as in production: an append-only file, so a clean stop keeps queued tasks."""
        self.spawn(
            "redis",
            [
                REDIS_SERVER,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.workdir),
                "--appendonly",
                "yes",
                "--save",
                "",
            ],
        )
        self.wait_port(self.redis_port)

    def redis_stop(self) -> None:
        self.stop("redis")

    # --- PronaFlow ------------------------------------------------------------------------

    def manage(self, *args: str) -> None:
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def gunicorn_start(self) -> None:
        """The README's production command (gthread), with the repository's gunicorn.conf.py."""
        self.spawn(
            "gunicorn",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "pronaflow.wsgi:application",
                "-c",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{self.http_port}",
                "--worker-class",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "16",
                "--timeout",
                "30",
                "--graceful-timeout",
                "10",
                "--keep-alive",
                "5",
            ],
        )
        self.wait_port(self.http_port)

    WORKERS = {
        # name: the README's worker per queue (a 2-core machine: 2 processes on the default queue)
        "worker-celery": ["-Q", "celery", "-c", "2"],
        "worker-webhooks": ["-Q", "webhooks", "-P", "threads", "-c", "8"],
        "worker-email": ["-Q", "email", "-c", "1"],
    }

    def worker_start(self, name: str) -> None:
        queue_args = self.WORKERS[name]
        self.spawn(
            name,
            [
                *(sys.executable, "-m", "celery", "-A", "pronaflow", "worker", *queue_args, "-n", f"{name}@drill"),
                *("--loglevel=info", "--without-gossip", "--without-mingle"),
            ],
            env={**self.env, "LOG_LEVEL": "INFO"},
        )

    def beat_start(self) -> None:
        self.spawn(
            "beat",
            [
                *(sys.executable, "-m", "celery", "-A", "pronaflow", "beat", "--loglevel=info"),
                *("--schedule", str(self.workdir / "celerybeat-schedule"), "--pidfile", ""),
            ],
            env={**self.env, "LOG_LEVEL": "INFO"},
        )

    def receiver_start(self, port: int) -> None:
        self.spawn("receiver", [sys.executable, __file__, "receiver", str(port)])
        self.wait_port(port)

    # --- helpers --------------------------------------------------------------------------

    @staticmethod
    def wait_port(port: int, timeout: float = 60) -> None:
        import socket

        deadline = time.time() + timeout
        while time.time() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                return
            time.sleep(0.2)
        raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")

    def teardown(self) -> None:
        """SIGTERM to every process at once (Celery and gunicorn shut down warm), Redis last."""
        names = [name for name in self.procs if name != "redis"]
        for name in names:
            if self.procs[name].poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.procs[name].pid, signal.SIGTERM)
        for name in names:
            self.stop(name, timeout=15)
        self.redis_stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            self.postgres_stop()


# --- The webhook receiver (its own process) ---------------------------------------------------


def serve_receiver(port: int) -> None:
    """Answers every POST 200 and keeps (webhook-id, event id, type, time); GET returns them all."""
    received: list[dict] = []
    lock = threading.Lock()

    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            with lock:
                received.append(
                    {
                        "webhook_id": self.headers.get("webhook-id"),
                        "event_id": body.get("id"),
                        "type": body.get("type"),
                        "at": time.time(),
                    }
                )
            self._answer(b"{}")

        def do_GET(self):
            with lock:
                payload = json.dumps(received).encode()
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


if __name__ == "__main__" and sys.argv[1:2] == ["receiver"]:
    serve_receiver(int(sys.argv[2]))
