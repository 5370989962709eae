"""A scratch PostgreSQL database for the benchmarks: created, migrated, dropped afterwards.

`--source DIR` (read by `source_root`) imports PronaFlow from DIR instead of this checkout, e.g. a
`git archive main` extracted elsewhere, so the same script measures "before" and "after".
"""

import contextlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DB_NAME = os.environ.get("BENCH_DB", "pf_bench_notify")
SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def source_root(argv: list[str]) -> Path:
    """The checkout PronaFlow is imported from: `--source DIR`, else this one."""
    if "--source" in argv:
        return Path(argv[argv.index("--source") + 1]).resolve()
    return ROOT


def int_flag(argv: list[str], name: str, default: int) -> int:
    return int(argv[argv.index(name) + 1]) if name in argv else default


@contextlib.contextmanager
def scratch_database(root: Path = ROOT):
    import psycopg

    sys.path.insert(0, str(ROOT))  # bench.summary
    sys.path.insert(0, str(root))
    os.chdir(root)  # start-up code puts the working directory first on sys.path
    os.environ["DATABASE_URL"] = f"{SERVER}/{DB_NAME}"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("RATE_LIMIT_USER", "1000000/min")  # repeated requests of one user
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        from collections import deque

        from django.db import connection

        # CaptureQueriesContext counts through the query log, which keeps 9,000 entries by default.
        connection.queries_limit = 1_000_000
        connection.queries_log = deque(maxlen=connection.queries_limit)
        yield
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
