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
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        elapsed = time.perf_counter() - started
        print(f"{args.requests} requests in {elapsed:.2f} s: {elapsed * 1000 / args.requests:.1f} ms per request")
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
