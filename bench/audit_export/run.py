"""Benchmark: export N audit rows as CSV through PronaFlow's streaming code vs PostgreSQL COPY.

Creates a scratch database (pf_bench_audit by default), migrates it, fills it with N audit entries
in two INSERT ... SELECT statements (sealed into the chain table, so the export joins what
production joins), then measures in separate processes (so peak RSS is per method), interleaved
(`--rounds` times each, in turn, the median wall time counts):

  pronaflow  apps.archive.services.exports.audit_csv_stream(queryset) — what
             GET /compliance/export?format=csv sends, chunk by chunk (COPY of the computed columns)
  copy       the floor: COPY (SELECT the same raw columns, same joins, same order) TO STDOUT WITH CSV
  python     (--python) the former Python writer: csv_chunks(audit_records(queryset))

Peak RSS is the measuring process's (about 99 MB of it is Django itself); --heap adds one run per
method under tracemalloc (peak Python heap; tracemalloc slows Python). The headline rows go to
bench/summary.py: throughput against COPY (target >= 0.5) and PronaFlow's peak RSS (<= 200 MB).
The database is dropped at the end unless --keep.

    .venv/bin/python bench/audit_export/run.py [--rows 1000000] [--rounds 2] [--python] [--heap] [--keep]

Needs a local PostgreSQL reachable as postgres@127.0.0.1:5432 (override with --server).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START, END = "2020-01-01T00:00:00+00:00", "2020-12-31T23:59:59+00:00"


def django_setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "pronaflow-benchmark-only-secret-key-0123456789abcdefghijkl")
    os.environ.pop("REDIS_URL", None)
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "pronaflow.settings"
    import django

    django.setup()


def admin_connection(server: str):
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def create_database(server: str, name: str, rows: int) -> None:
    with admin_connection(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{server}/{name}"
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"],
        check=True,
        env={**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "REDIS_URL": ""},
        cwd=ROOT,
    )
    django_setup(database_url)
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from apps.accounts.models import User
    from apps.projects.models import Project

    user = User.objects.create_user(email="bench@example.com", username="bench", password="Bench-Password-42!")  # noqa: S106 - scratch database
    content_type = ContentType.objects.get_for_model(Project)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO auditlog_logentry (content_type_id, object_pk, object_repr, action, changes_text,
                changes, actor_id, actor_email, remote_addr, timestamp, additional_data)
            SELECT %s, gen_random_uuid()::text, 'Project ' || i, 1, '',
                   jsonb_build_object('status', jsonb_build_array('active', 'on_hold'),
                                      'name', jsonb_build_array('Old name ' || i, '=New name ' || i)),
                   CASE WHEN i %% 10 = 0 THEN NULL ELSE %s::uuid END, 'bench@example.com',
                   ('10.0.' || (i %% 250) || '.' || (i %% 200))::inet,
                   %s::timestamptz + (i || ' seconds')::interval,
                   CASE WHEN i %% 3 = 0
                        THEN jsonb_build_object('workspace_id', gen_random_uuid()::text, 'action', 'project.archived',
                                                'reason', 'Completed')
                        ELSE jsonb_build_object('workspace_id', gen_random_uuid()::text) END
            FROM generate_series(1, %s) AS i
            """,
            [content_type.pk, str(user.pk), START, rows],
        )
        cursor.execute(
            """
            INSERT INTO archive_auditchainlink (entry_id, seq, prev_hash, hash, personal_digest, personal_salt,
                                                export_changes)
            SELECT id, 1000 + row_number() OVER (ORDER BY id), md5(id::text) || md5((id - 1)::text),
                   md5(id::text) || md5(id::text), md5(id::text) || md5((id + 1)::text), md5(id::text),
                   pronaflow_audit_changes_csv(changes)  -- what the sealer stores (audit_changes_text)
            FROM auditlog_logentry WHERE NOT EXISTS (
                SELECT 1 FROM archive_auditchainlink l WHERE l.entry_id = auditlog_logentry.id)
            """
        )
        cursor.execute("ANALYZE")
    print(f"filled {rows} rows in {time.perf_counter() - started:.1f} s", flush=True)


def drop_database(server: str, name: str) -> None:
    with admin_connection(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _export_queryset():
    import datetime as dt

    from apps.archive.services.exports import ExportRequest, export_queryset

    request = ExportRequest(
        start=dt.datetime.fromisoformat(START), end=dt.datetime.fromisoformat(END), format="csv", scope=None
    )
    return export_queryset(request)


def _count(chunks) -> tuple[int, int]:
    size = lines = 0
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\r\n")
    return size, lines - 1


def run_pronaflow() -> tuple[int, int]:
    from apps.archive.services.exports import audit_csv_stream

    return _count(audit_csv_stream(_export_queryset()))


def run_python() -> tuple[int, int]:
    from apps.archive.selectors import audit_records
    from apps.archive.services.exports import csv_chunks

    return _count(csv_chunks(audit_records(_export_queryset())))


COPY_SQL = """
COPY (
    SELECT e.id, e.timestamp, e.action, e.content_type_id, e.object_pk, e.object_repr, e.changes, e.actor_id,
           e.actor_email, u.email, e.remote_addr, e.additional_data, l.seq, l.hash, l.prev_hash
    FROM auditlog_logentry e
    LEFT OUTER JOIN accounts_user u ON u.id = e.actor_id
    LEFT OUTER JOIN archive_auditchainlink l ON l.entry_id = e.id
    WHERE e.timestamp >= %s AND e.timestamp <= %s
    ORDER BY e.timestamp ASC, e.id ASC
) TO STDOUT WITH (FORMAT csv, HEADER true)
"""


def run_copy() -> tuple[int, int]:
    from django.db import connection

    size = lines = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(COPY_SQL, [START, END]) as copy:
        for chunk in copy:
            size += len(chunk)
            lines += bytes(chunk).count(b"\n")
    return size, lines - 1


def measure(mode: str, traced: bool) -> dict:
    work = {"pronaflow": run_pronaflow, "python": run_python, "copy": run_copy}[mode]
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if traced:
        tracemalloc.start()
    cpu, wall = time.process_time(), time.perf_counter()
    size, rows = work()
    result = {
        "mode": mode,
        "traced": traced,
        "rows": rows,
        "bytes": size,
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rss_growth_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024, 1),
    }
    if traced:
        result["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 2)
        tracemalloc.stop()
    return result


def _run(mode: str, args, *, traced: bool = False) -> dict:
    command = [sys.executable, __file__, "--measure", mode, "--db", args.db, "--server", args.server]
    output = subprocess.run(
        [*command, *(["--traced"] if traced else [])], check=True, capture_output=True, text=True
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    print(json.dumps(result), flush=True)
    return result


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def report(results: list[dict], rows: int) -> None:
    head = f"{'mode':<10}{'traced':<8}{'rows':>10}{'MB out':>9}{'wall s':>9}{'cpu s':>8}{'peak RSS':>10}"
    print(f"\n{head}{'heap peak':>11}")
    for row in results:
        heap = f"{row['tracemalloc_peak_mb']} MB" if row["traced"] else "-"
        print(
            f"{row['mode']:<10}{row['traced']!s:<8}{row['rows']:>10}{row['bytes'] / 2**20:>9.1f}{row['wall_s']:>9}"
            f"{row['cpu_s']:>8}{row['peak_rss_mb']:>8} MB{heap:>11}"
        )
    plain = [row for row in results if not row["traced"]]
    modes = [mode for mode in ("pronaflow", "copy", "python") if any(row["mode"] == mode for row in plain)]
    wall = {mode: _median([row["wall_s"] for row in plain if row["mode"] == mode]) for mode in modes}
    speed = {mode: rows / max(wall[mode], 1e-9) for mode in modes}
    print(f"\nmedian of {sum(row['mode'] == 'copy' for row in plain)} interleaved runs, {rows} rows:")
    for mode in modes:
        share = speed[mode] / speed["copy"]
        print(f"  {mode:<10}{wall[mode]:>7.2f} s  {speed[mode]:>10,.0f} rows/s  {share:.2f} of COPY")
    peak = max(row["peak_rss_mb"] for row in results if row["mode"] == "pronaflow")

    sys.path.insert(0, str(ROOT / "bench"))
    from summary import record

    record(
        "audit_export",
        f"compliance CSV of {rows:,} audit rows (throughput vs COPY)",
        speed["pronaflow"],
        speed["copy"],
        "rows/s",
        higher_is_better=True,
        target=">= 0.5",
    )
    record(
        "audit_export",
        f"compliance CSV of {rows:,} audit rows (peak RSS)",
        peak,
        None,
        "MB",
        higher_is_better=False,
        target="<= 200 MB",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="Audit entries to export (default 1,000,000).")
    parser.add_argument("--rounds", type=int, default=2, help="Interleaved runs per method (median counts).")
    parser.add_argument("--python", action="store_true", help="Also measure the former Python writer (slow).")
    parser.add_argument("--heap", action="store_true", help="Also one run per method under tracemalloc.")
    parser.add_argument("--db", default="pf_bench_audit")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    parser.add_argument("--reuse", action="store_true", help="Measure an existing --db (left by --keep).")
    parser.add_argument("--measure", choices=["pronaflow", "python", "copy"], help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        django_setup(f"{args.server}/{args.db}")
        print(json.dumps(measure(args.measure, args.traced)))
        return

    if not args.reuse:
        create_database(args.server, args.db, args.rows)
    modes = ["pronaflow", "copy", *(["python"] if args.python else [])]
    results = []
    try:
        for _ in range(args.rounds):
            results += [_run(mode, args) for mode in modes]
        if args.heap:
            results += [_run(mode, args, traced=True) for mode in modes]
    finally:
        if not args.keep:
            drop_database(args.server, args.db)
    report(results, results[0]["rows"])


if __name__ == "__main__":
    main()
