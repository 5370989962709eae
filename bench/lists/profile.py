"""Profile `GET /api/v1/tasks?project_id=…&page_size=20` in-process with pyinstrument.

Fills a scratch database like bench/lists/run.py (1,000 tasks; --tasks to change), warms up, then
profiles N requests made with the Django test client through the whole middleware stack and a real
bearer token (DEBUG off, Redis for cache, sessions and limits). Prints pyinstrument's text report.

    .venv/bin/python bench/lists/profile.py [--requests 300] [--tasks 1000] [--page 1]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.lists.run import SERVER, base_env, fill  # noqa: E402


def main() -> None:
    """Create, fill, profile, drop."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=1_000)
    parser.add_argument("--page", type=int, default=1)
    parser.add_argument("--db", default="pf_bench_perf_profile")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--all", action="store_true", help="Show every frame (Django's and libraries' too).")
    parser.add_argument("--cpu", action="store_true", help="cProfile on process CPU time instead, by own time.")
    args = parser.parse_args()
    if not args.db.startswith("pf_bench_perf_"):
        parser.error("--db must start with pf_bench_perf_ (it is dropped)")

    import subprocess

    import psycopg

    env = base_env(f"{SERVER}/{args.db}", args.redis)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.db}"')
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "pronaflow.settings"},
            check=True,
        )
        os.environ.update({**env, "PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher"})
        world = fill([args.tasks])
        from django.test import Client
        from pyinstrument import Profiler

        client = Client(HTTP_AUTHORIZATION=f"Bearer {world['token']}")
        path = f"/api/v1/tasks?project_id={world['projects'][args.tasks]}&page_size=20&page={args.page}"
        for _ in range(30):
            assert client.get(path).status_code == 200
        if args.cpu:  # CPU only: waits on PostgreSQL and Redis (and other users of the machine) left out
            # This file is named profile.py: the standard library's profile module must win the import.
            here = str(Path(__file__).resolve().parent)
            sys.path[:] = [entry for entry in sys.path if entry and Path(entry).resolve() != Path(here)]
            sys.modules.pop("profile", None)
            import cProfile
            import pstats

            profiler = cProfile.Profile(time.process_time)
        else:
            profiler = Profiler(interval=0.0005)
        started, cpu = time.perf_counter(), time.process_time()
        profiler.enable() if args.cpu else profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.disable() if args.cpu else profiler.stop()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(
            f"{args.requests} requests in {elapsed:.2f} s: {elapsed * 1000 / args.requests:.1f} ms per request,"
            f" {cpu * 1000 / args.requests:.1f} ms CPU"
        )
        if args.cpu:
            stats = pstats.Stats(profiler)
            stats.sort_stats("tottime").print_stats(40)
            stats.sort_stats("cumulative").print_stats(60)
        else:
            print(profiler.output_text(unicode=False, color=False, show_all=args.all))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
