"""One summary row per measure, shared by every benchmark.

Each benchmark still prints its own detailed table; it also calls ``record`` once per headline
measure. When ``BENCH_SUMMARY`` names a file (``make bench`` sets it), the row is appended to it as
one JSON line, and ``bench/run_all.py`` prints all rows as one table at the end.

A row: ``benchmark`` (folder name), ``measure`` (what was timed), ``pronaflow`` and ``floor`` (same
unit, from the same run), ``unit`` (``req/s``, ``ms``, ``rows/s``...), ``higher_is_better``, and
``target`` (the ratio PronaFlow must reach, as the issue states it: e.g. ``>= 0.5`` of the floor's
throughput, ``<= 1.5`` of the floor's time). ``floor`` may be ``None`` for absolute targets, with
``target`` then the absolute bound in ``unit``.
"""

from __future__ import annotations

import json
import os


def ratio(pronaflow: float, floor: float | None) -> float | None:
    if not floor:
        return None
    return pronaflow / floor


def record(
    benchmark: str,
    measure: str,
    pronaflow: float,
    floor: float | None,
    unit: str,
    *,
    higher_is_better: bool,
    target: str,
) -> dict:
    """Print one headline row and append it to ``$BENCH_SUMMARY`` when set; returns the row."""
    row = {
        "benchmark": benchmark,
        "measure": measure,
        "pronaflow": round(pronaflow, 3),
        "floor": None if floor is None else round(floor, 3),
        "ratio": None if floor is None else round(ratio(pronaflow, floor), 3),
        "unit": unit,
        "higher_is_better": higher_is_better,
        "target": target,
    }
    shown = "" if floor is None else f"  floor {floor:.1f} {unit}  ratio {row['ratio']:.2f}"
    print(f"SUMMARY {benchmark}: {measure}: {pronaflow:.1f} {unit}{shown}  (target {target})", flush=True)
    path = os.environ.get("BENCH_SUMMARY")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(row) + "\n")
    return row
