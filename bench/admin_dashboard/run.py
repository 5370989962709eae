"""Benchmark: the admin dashboard (admin index) with seed_demo data, cache cold and warm.

Runs against the database of DATABASE_URL (a migrated PronaFlow database; seed_demo is run on it,
which is idempotent), signs in as the demo staff user through Django's test client and times the
index page: each cold request clears the cache first, so every figure is queried. Target: under
300 ms cold, with the same number of queries whatever the volume. Each user's cold p95 is recorded
with bench/summary.py against that target.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pf_bench_dashboard \
        .venv/bin/python bench/admin_dashboard/run.py [--requests 20]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from bench.summary import record  # noqa: E402

TARGET_MS = 300


def _time(client: Client, *, cold: bool) -> tuple[float, int]:
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get("/admin/")
        elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    options = parser.parse_args()
    call_command("seed_demo", stdout=io.StringIO())
    for email in ("staff@pronaflow.demo", "compliance@pronaflow.demo"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(email=email))
        _time(client, cold=True)  # templates, imports, connections
        for cold in (True, False):
            runs = [_time(client, cold=cold) for _ in range(options.requests)]
            times = sorted(ms for ms, _ in runs)
            counts = sorted({count for _, count in runs})
            p95 = times[int(len(times) * 0.95) - 1]
            verdict = "ok" if not cold or p95 < TARGET_MS else f"SLOWER than {TARGET_MS} ms"
            print(
                f"{email:28} {'cold' if cold else 'warm'}: median {statistics.median(times):6.1f} ms, "
                f"p95 {p95:6.1f} ms, queries {counts} {verdict}"
            )
            if cold:
                record(
                    "admin_dashboard",
                    f"admin index, cache cold, p95 ({email.split('@')[0]}, seed_demo)",
                    p95,
                    None,
                    "ms",
                    higher_is_better=False,
                    target=f"< {TARGET_MS} ms",
                )


if __name__ == "__main__":
    main()
