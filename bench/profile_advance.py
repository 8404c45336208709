"""Profile ``advance`` (record_statement on a SQLite file) and write bench/profile_advance.txt.

    python bench/profile_advance.py [--count N] [--pg]

The file holds the top 25 functions by cumulative time, then the top 25 by own time, over
N advances (after a warm-up), and a breakdown of the wall time per advance by layer.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import dataset
from bench.bench_advance import service_op
from bench.common import Scratch, scratch

OUT = Path(__file__).resolve().parent / "profile_advance.txt"

# Where a function's file lies -> the layer its own time is charged to.
LAYERS = [
    ("supervise/services", "supervise services"),
    ("supervise/", "supervise domain (rules, states, model, views)"),
    ("transitions/", "transitions"),
    ("sqlalchemy/orm", "SQLAlchemy ORM"),
    ("sqlalchemy/", "SQLAlchemy Core/engine"),
    ("psycopg", "psycopg"),
    ("sqlite3", "sqlite3 (driver + database + fsync)"),
]


def layer_of(filename: str, func: str) -> str:
    if "sqlite3.Connection" in func or "sqlite3.Cursor" in func:
        return "sqlite3 (driver + database + fsync)"
    for needle, name in LAYERS:
        if needle in filename:
            return name
    return "other (stdlib, builtins)"


def profile(s: Scratch, count: int, pg: bool) -> str:
    url = s.pg("profile") if pg else s.sqlite("profile")
    if url is None:
        raise SystemExit("PostgreSQL is not reachable")
    n = 10 * count
    dataset.build(url, n, matching=count, overdue=count)
    ids = sorted(dataset.Layout(n, count, count).matching)
    from bench.common import make_office

    office = make_office(url)
    for cid in ids[:5]:
        service_op(office, cid, "record_statement")  # warm-up: caches, compiled SQL, calendar
    start = time.perf_counter()
    for cid in ids:
        service_op(office, cid, "record_statement")
    plain = (time.perf_counter() - start) / len(ids)
    prof = cProfile.Profile()
    prof.enable()
    for cid in ids:
        service_op(office, cid, "record_statement")
    prof.disable()
    office.close()

    out = io.StringIO()
    backend = "PostgreSQL" if pg else "SQLite file (WAL, synchronous=FULL)"
    out.write(
        f"advance(record_statement) on {backend}: {len(ids)} advances after a warm-up\n"
        f"wall time per advance without the profiler: {plain * 1e3:.2f} ms\n\n"
    )
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs = lambda: stats  # type: ignore[method-assign]  # keep full paths
    total = 0.0
    by_layer: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, func), (_cc, _nc, tt, _ct, _callers) in raw.items():
        name = layer_of(filename, func)
        by_layer[name] = by_layer.get(name, 0.0) + tt
        total += tt
    out.write("own time by layer (profiled; the profiler inflates Python-heavy layers):\n")
    for name, tt in sorted(by_layer.items(), key=lambda kv: -kv[1]):
        out.write(f"  {tt / total * 100:5.1f}%  {tt / len(ids) * 1e3:6.3f} ms  {name}\n")
    out.write("\n=== top 25 by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(25)
    out.write("\n=== top 25 by own time ===\n")
    stats.sort_stats("tottime").print_stats(25)
    text = out.getvalue().replace(str(Path(sys.prefix)), "<venv>")
    return text.replace(str(Path(__file__).resolve().parent.parent), "<repo>")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    with scratch() as s:
        text = profile(s, args.count, args.pg)
    args.out.write_text(text, encoding="utf-8")
    print(text[:3000])


if __name__ == "__main__":
    main()
