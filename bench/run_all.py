"""Runs every benchmark in bench/ within about 15 minutes and prints one summary table.

    .venv/bin/python bench/run_all.py [--only scale,lists] [--skip webhooks] [--db-prefix pf_bench_]
                                      [--redis redis://127.0.0.1:6379/10] [--port 8140]

Each benchmark runs as a subprocess, one after another, with the sizes and durations below (flags
chosen so that the whole run fits the budget on a 2-core machine; run a script alone for its full
size). Its own output passes through as it comes; `BENCH_SUMMARY` names a temporary file where
`bench/summary.py`'s `record()` appends one JSON line per headline measure. At the end: the time each
benchmark took, then one Markdown table of every recorded row (benchmark, measure, PronaFlow, floor,
ratio, target, met?). A benchmark that fails, or that records nothing, gets a row saying so, and the
run goes on with the next one. The exit status is 1 when any benchmark failed.

Flags passed to the scripts (each script's own `--help` documents them):

  notifications/fanout.py, notifications/inbox_1m.py   (none: fixed sizes)
  scheduling/cpm_10k.py        --tasks 10000 --runs 3
  analytics/burndown_100k.py   --tasks 100000 --runs 3
  analytics/metrics_1m.py      --tasks 200000    (on a scratch database run_all creates and migrates)
  admin_dashboard/run.py       --requests 10     (same scratch database)
  lists/run.py                 --small-only --duration 4 [--db --port --redis]
  audit_export/run.py          --rows 200000 [--db]
  webhooks/run.py              --events 1000 --latency-events 100 --burst-events 200 [--port]
  scale/run.py                 --duration 30 [--db --port --redis]

Namespacing, for running beside other people on a shared machine: --db-prefix names every scratch
database (`<prefix>notify`, `<prefix>sched`...; the lists benchmark insists on `pf_bench_perf_`, so
it gets `pf_bench_perf_<prefix>lists` unless the prefix is the default), --redis points every
benchmark at one Redis database (the webhooks benchmark flushes it), --port is the first of the
loopback ports the HTTP benchmarks bind (lists: port, scale: port+1 to port+3, the webhooks
benchmark's receiver: port+4). Without them each script keeps its own defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_PREFIX = "pf_bench_"
TESTS_SETTINGS = {"DJANGO_SETTINGS_MODULE": "tests.settings"}


@dataclass
class Bench:
    """One script to run: `name` is its path under bench/; `db` the scratch database's suffix."""

    name: str
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    db: str = ""
    # "env": the script reads BENCH_DB; "flag": it takes --db; "shared": run_all creates the database
    # and passes DATABASE_URL (the script works inside an existing migrated database).
    db_via: str = "env"
    http: bool = False  # binds loopback ports: takes --port (and --redis)


BENCHES = [
    Bench("notifications/fanout.py", env=TESTS_SETTINGS, db="notify"),
    Bench("notifications/inbox_1m.py", env=TESTS_SETTINGS, db="notify"),
    Bench("scheduling/cpm_10k.py", ["--tasks", "10000", "--runs", "3"], TESTS_SETTINGS, db="sched"),
    Bench("analytics/burndown_100k.py", ["--tasks", "100000", "--runs", "3"], TESTS_SETTINGS, db="burndown"),
    Bench("analytics/metrics_1m.py", ["--tasks", "200000"], TESTS_SETTINGS, db="analytics", db_via="shared"),
    Bench("admin_dashboard/run.py", ["--requests", "10"], TESTS_SETTINGS, db="analytics", db_via="shared"),
    Bench("lists/run.py", ["--small-only", "--duration", "4"], db="perf_lists", db_via="flag", http=True),
    Bench("audit_export/run.py", ["--rows", "200000"], db="audit", db_via="flag"),
    Bench(
        "webhooks/run.py",
        ["--events", "1000", "--latency-events", "100", "--burst-events", "200"],
        TESTS_SETTINGS,
        db="webhooks",
        http=True,
    ),
    Bench("scale/run.py", ["--duration", "30"], db="scale", db_via="flag", http=True),
]


def database_name(bench: Bench, prefix: str) -> str:
    if bench.name.startswith("lists/"):  # its --db must start with pf_bench_perf_ (it drops it)
        return "pf_bench_perf_lists" if prefix == DEFAULT_PREFIX else f"pf_bench_perf_{prefix}lists"
    return f"{prefix}{bench.db}"


def command_of(bench: Bench, options: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one benchmark under run_all's options."""
    command = [PYTHON, str(ROOT / "bench" / bench.name), *bench.args]
    env = {**os.environ, **bench.env}
    db = database_name(bench, options.db_prefix)
    if bench.db_via == "env":
        env["BENCH_DB"] = db
    elif bench.db_via == "flag":
        command += ["--db", db]
    else:
        env["DATABASE_URL"] = f"{SERVER}/{db}"
    if options.redis:
        env["REDIS_URL"] = env["BENCH_REDIS"] = options.redis
        if bench.http:
            command += ["--redis", options.redis]
    if options.port and bench.http:
        offset = {"scale/": 1, "webhooks/": 4}.get(bench.name.split("/")[0] + "/", 0)
        command += ["--port", str(options.port + offset)]
    return command, env


def shared_database(name: str, *, create: bool) -> None:
    """Creates and migrates (or drops) the scratch database of the scripts that need one given."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            admin.execute(f'CREATE DATABASE "{name}"')
    if create:
        env = {**os.environ, **TESTS_SETTINGS, "DATABASE_URL": f"{SERVER}/{name}"}
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)


# --- The summary table ----------------------------------------------------------------------

TARGET = re.compile(r"^\s*(>=|<=|>|<|≥|≤)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$")


def met(row: dict) -> str:
    """ "yes"/"no" against the row's target: a bound on the ratio ("> 1.0", ">= 0.5"), or on the value
    itself when the bound names the row's unit ("< 1000 ms") or there is no floor; "—" for "report
    only" or any target that is not a bound."""
    found = TARGET.match(row.get("target") or "")
    if not found:
        return "—"
    sign, bound, rest = found.group(1), float(found.group(2).replace(",", "")), found.group(3).strip()
    absolute = row.get("floor") is None or (rest and rest.split()[0] == row["unit"])
    value = row["pronaflow"] if absolute else row.get("ratio")
    if value is None:
        return "—"
    ok = {">": value > bound, ">=": value >= bound, "≥": value >= bound, "<": value < bound}.get(sign)
    if ok is None:
        ok = value <= bound
    return "yes" if ok else "**no**"


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}"
    return f"{shown} {unit}".strip()


def summary_table(rows: list[dict], outcomes: list[dict]) -> str:
    """One Markdown table: every recorded row, then a row per benchmark that failed or recorded nothing."""
    lines = [
        "| benchmark | measure | PronaFlow | floor | ratio | target | met? |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = "" if row.get("ratio") is None else f"{row['ratio']:.2f}"
        lines.append(
            f"| {row['benchmark']} | {row['measure']} | {number(row['pronaflow'], row['unit'])} | "
            f"{number(row.get('floor'), row['unit'])} | {ratio} | {row['target']} | {met(row)} |"
        )
    for outcome in outcomes:
        if outcome["status"] != "ok" or not outcome["rows"]:
            what = outcome["status"] if outcome["status"] != "ok" else "recorded nothing"
            lines.append(f"| {outcome['name']} | ({what}) | | | | | — |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help="Comma-separated names (e.g. scale,lists/run.py): run just those.")
    parser.add_argument("--skip", help="Comma-separated names to leave out.")
    parser.add_argument("--db-prefix", default=DEFAULT_PREFIX, help="Prefix of every scratch database's name.")
    parser.add_argument("--redis", help="One Redis URL for every benchmark (default: each script's own).")
    parser.add_argument("--port", type=int, help="First loopback port of the HTTP benchmarks (uses 5).")
    options = parser.parse_args()

    def chosen(bench: Bench, names: str | None) -> bool:
        return any(bench.name == n or bench.name.split("/")[0] == n for n in (names or "").split(",") if n)

    benches = [b for b in BENCHES if (not options.only or chosen(b, options.only)) and not chosen(b, options.skip)]
    summary = Path(tempfile.mkstemp(prefix="pf_bench_summary_", suffix=".jsonl")[1])
    os.environ["BENCH_SUMMARY"] = str(summary)
    outcomes: list[dict] = []
    shared: set[str] = set()
    started_all = time.perf_counter()
    try:
        for bench in benches:
            print(f"\n===== bench/{bench.name} =====", flush=True)
            before = len(summary.read_text(encoding="utf-8").splitlines())
            started = time.perf_counter()
            try:
                db = database_name(bench, options.db_prefix)
                if bench.db_via == "shared" and db not in shared:
                    shared_database(db, create=True)
                    shared.add(db)
                command, env = command_of(bench, options)
                status = subprocess.run(command, cwd=ROOT, env=env, check=False).returncode
                outcome = "ok" if status == 0 else f"failed: exit {status}"
            except (OSError, subprocess.SubprocessError) as error:
                outcome = f"failed: {error}"
            elapsed = time.perf_counter() - started
            rows = summary.read_text(encoding="utf-8").splitlines()[before:]
            outcomes.append({"name": bench.name, "status": outcome, "seconds": elapsed, "rows": len(rows)})
            later = {database_name(b, options.db_prefix) for b in benches[benches.index(bench) + 1 :]}
            for done in shared - later:  # no later script needs it
                shared_database(done, create=False)
                shared.discard(done)
            print(f"===== bench/{bench.name}: {outcome}, {elapsed:.0f} s, {len(rows)} summary row(s)", flush=True)
    finally:
        for db in shared:
            shared_database(db, create=False)
    total = time.perf_counter() - started_all
    rows = [json.loads(line) for line in summary.read_text(encoding="utf-8").splitlines() if line.strip()]
    summary.unlink()

    print(f"\n## Benchmarks run ({total / 60:.1f} min in all)\n")
    print("| benchmark | outcome | time s | summary rows |")
    print("|---|---|---|---|")
    for outcome in outcomes:
        print(f"| {outcome['name']} | {outcome['status']} | {outcome['seconds']:.0f} | {outcome['rows']} |")
    print("\n## Summary\n")
    print(summary_table(rows, outcomes))
    sys.exit(1 if any(o["status"] != "ok" for o in outcomes) else 0)


if __name__ == "__main__":
    main()
