"""Profile ``advance`` (record_statement on a SQLite file) and write bench/profile_advance.txt.

    python bench/profile_advance.py [--count N] [--pg]

The file holds the wall time of one advance statement by statement (the Python before each
statement, the statement in the driver and database, the commit, what follows it), then
a breakdown of the profiled time per advance by layer, the top 25 functions by cumulative
time and the top 25 by own time, over N advances (after a warm-up).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

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


def statement_times(engine: Engine, advance: Callable[[int], object], ids: Sequence[int]) -> str:
    """Where one advance's wall time goes, statement by statement (medians over ``ids``).

    Marks are taken around every cursor execute and around the DBAPI commit; the time
    between two marks is Python (supervise, the ORM, Core) preparing the next statement or
    handling the last one's result.
    """
    marks: list[tuple[str, float]] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        marks.append((statement, time.perf_counter()))

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        marks.append(("", time.perf_counter()))

    dialect: Any = engine.dialect
    plain_commit = dialect.do_commit

    def timed_commit(dbapi_connection: Any) -> None:
        marks.append(("COMMIT", time.perf_counter()))
        plain_commit(dbapi_connection)
        marks.append(("", time.perf_counter()))

    runs: list[list[tuple[str, float, float]]] = []  # (statement, python before, in database)
    ends: list[float] = []
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    dialect.do_commit = timed_commit
    try:
        for case_id in ids:
            marks.clear()
            start = time.perf_counter()
            advance(case_id)
            end = time.perf_counter()
            steps, last = [], start
            for (sql, began), (_, done) in zip(marks[::2], marks[1::2], strict=True):
                steps.append((sql, began - last, done - began))
                last = done
            runs.append(steps)
            ends.append(end - last)
    finally:
        dialect.do_commit = plain_commit
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
    shape = [sql for sql, _, _ in runs[0]]
    runs = [r for r in runs if [sql for sql, _, _ in r] == shape]
    total = statistics.median(
        sum(p + d for _, p, d in r) + e for r, e in zip(runs, ends, strict=False)
    )
    out = [
        f"per advance, statement by statement (medians over {len(runs)} advances; "
        f"total {total * 1e3:.2f} ms):",
        f"  {'Python before':>13}  {'in database':>11}  statement",
    ]
    python = database = 0.0
    for k, sql in enumerate(shape):
        p = statistics.median(r[k][1] for r in runs)
        d = statistics.median(r[k][2] for r in runs)
        python, database = python + p, database + d
        text = " ".join(sql.split())
        out.append(f"  {p * 1e6:10.0f} µs  {d * 1e6:8.0f} µs  {text[:110]}")
    tail = statistics.median(ends)
    out.append(f"  {tail * 1e6:10.0f} µs  {'':>11}  (after the commit: closing, the result)")
    out.append(
        f"  {python * 1e6 + tail * 1e6:10.0f} µs  {database * 1e6:8.0f} µs  "
        f"in all: Python, driver and database ({len(shape) - 1} statements and the commit)"
    )
    return "\n".join(out) + "\n"


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
    by_statement = statement_times(
        office.runtime.database.engine(),
        lambda cid: service_op(office, cid, "record_statement"),
        ids,
    )
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
    out.write(by_statement + "\n")
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
