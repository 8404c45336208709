"""Run every benchmark and print one table: figure, side-by-side baseline, ratio, target.

    python bench/run.py [--quick] [--json PATH] [--only 1,3,7] [--profile | --no-profile]

Benchmarks are not tests: they never fail (the exit status is 0 even when a target is not
met); ``--quick`` (10x smaller databases, fewer rounds) runs in CI only to prove the suite
still works. Every figure is the median of several rounds; "±" is half the min-max range
relative to the median; a ratio is the median of the per-round ratios (figure and
baseline are measured in the same round). PostgreSQL rows need a server at $BENCH_PG_URL
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres) and are left out without.
Target 7 (the same step on SpiffWorkflow and Django + django-fsm-2) needs the ``bench``
extra: ``pip install -e '.[bench]'`` (``make bench`` installs it).
The full run writes the profile of one ``advance`` to bench/profile_advance.txt.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy  # noqa: E402

from bench import (  # noqa: E402
    bench_advance,
    bench_cli,
    bench_concurrency,
    bench_listing,
    bench_memory,
    bench_security,
    notices,
    peers,
    profile_advance,
    reports,
    sweep,
)
from bench.base import PG_SERVER  # noqa: E402
from bench.common import Row, as_json, pg_available, scratch, table  # noqa: E402

BENCHMARKS = {
    "1": ("advance a case", bench_advance.run),
    "2": ("many supervisors at once", bench_concurrency.run),
    "3": ("a command answers fast", bench_cli.run),
    "4": (
        "listing and the reminder sweep scale with the answer",
        lambda s, quick: bench_listing.run(s, quick) + sweep.run(s, quick),
    ),
    "5": ("memory stays flat", bench_memory.run),
    "6": ("notices render fast", notices.run),
    "7": ("the same step on the peers", peers.run),
    "8": ("what security costs", bench_security.run),
    "9": ("the bureau's view: import, reports, export", reports.run),
}


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    pg = None
    if pg_available():
        engine = sqlalchemy.create_engine(PG_SERVER)
        with engine.connect() as conn:
            pg = str(conn.exec_driver_sql("SHOW server_version").scalar())
        engine.dispose()
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "load": os.getloadavg()[0],
        "python": platform.python_version(),
        "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
        "postgresql": pg,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller, fewer rounds")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write JSON here")
    parser.add_argument(
        "--only", metavar="N,N", help=f"targets to run, of {','.join(BENCHMARKS)}; e.g. 1,4"
    )
    parser.add_argument(
        "--profile", action=argparse.BooleanOptionalAction, default=None,
        help="write bench/profile_advance.txt (default: on for a full run)",
    )  # fmt: skip
    args = parser.parse_args()
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = [key for key in chosen if key not in BENCHMARKS]
    if unknown:
        parser.error(f"no target {', '.join(unknown)}; the targets are {', '.join(BENCHMARKS)}")
    meta = machine()
    meta["quick"] = args.quick
    print(
        f"supervise benchmarks{' (--quick)' if args.quick else ''}: {meta['date']}, "
        f"{meta['cpus']} x {meta['cpu']}, load {meta['load']:.2f}, Python {meta['python']}, "
        f"SQLAlchemy {meta['sqlalchemy']}, SQLite {meta['sqlite']}, "
        f"PostgreSQL {meta['postgresql'] or 'not reachable'}",
        flush=True,
    )
    rows: list[Row] = []
    started = time.perf_counter()
    with scratch() as s:
        for key in chosen:
            title, run = BENCHMARKS[key]
            t0 = time.perf_counter()
            print(f"[{key}] {title} ...", end=" ", flush=True)
            try:
                got = run(s, args.quick)
            except Exception as exc:  # noqa: BLE001 - a broken benchmark is a row, not a crash
                got = [Row(key, f"{title}: FAILED", "", 0.0, note=f"{type(exc).__name__}: {exc}")]
            rows += got
            print(f"{time.perf_counter() - t0:.0f} s", flush=True)
        if args.profile or (args.profile is None and not args.quick):
            t0 = time.perf_counter()
            print("[profile] advance ...", end=" ", flush=True)
            text = profile_advance.profile(s, 300, pg=False)
            profile_advance.OUT.write_text(text, encoding="utf-8")
            print(f"{time.perf_counter() - t0:.0f} s -> {profile_advance.OUT}", flush=True)
    meta["seconds"] = round(time.perf_counter() - started)
    print()
    print(table(rows))
    if args.json:
        args.json.write_text(as_json(rows, meta), encoding="utf-8")


if __name__ == "__main__":
    main()
