"""Shared pieces of the benchmarks: rows of the table, timing rounds, scratch databases.

Benchmarks are plain scripts, not tests: they never fail, they measure. Every figure is
measured beside its baseline in the same run, in interleaved rounds, and reported as the
median with its spread (half the min-max range, relative to the median).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

import supervise
from bench import dataset
from bench.base import NOW, PG_SERVER, sqlite_file
from supervise.adapters.database import make_engine
from supervise.adapters.personal_data import DEVELOPMENT_KEY, KEY_ENV
from supervise.office import Office

#: The PUBLIC development key (README): sample data only.
DEV_ENV = {KEY_ENV: DEVELOPMENT_KEY}


@dataclass
class Row:
    """One line of the table: a figure, its side-by-side baseline and the target."""

    target: str
    name: str
    unit: str
    value: float
    spread: float = 0.0  # relative: half the min-max range over the median
    baseline_name: str = ""
    baseline: float | None = None
    ratio: float | None = None
    ratio_spread: float = 0.0
    goal: str = ""  # e.g. "<= 2.0" (on ratio) or "< 200 MB" (on value)
    met: bool | None = None
    note: str = ""
    samples: list[float] = field(default_factory=list)
    baseline_samples: list[float] = field(default_factory=list)


def spread(values: Sequence[float]) -> float:
    if len(values) < 2:
        return 0.0
    mid = statistics.median(values)
    return 0.0 if mid == 0 else (max(values) - min(values)) / 2 / mid


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def compare(
    target: str,
    name: str,
    unit: str,
    values: Sequence[float],
    baseline_name: str,
    baselines: Sequence[float],
    *,
    limit: float | None = None,
    higher_is_better: bool = False,
    note: str = "",
) -> Row:
    """A row whose ratio is the median of per-round ratios (pairs measured side by side)."""
    ratios = [v / b for v, b in zip(values, baselines, strict=True) if b]
    ratio = median(ratios) if ratios else None
    met: bool | None = None
    goal = ""
    if limit is not None and ratio is not None:
        met = ratio >= limit if higher_is_better else ratio <= limit
        goal = f"{'>=' if higher_is_better else '<='} {limit:g}x"
    return Row(
        target=target,
        name=name,
        unit=unit,
        value=median(values),
        spread=spread(values),
        baseline_name=baseline_name,
        baseline=median(baselines),
        ratio=ratio,
        ratio_spread=spread(ratios),
        goal=goal,
        met=met,
        note=note,
        samples=list(values),
        baseline_samples=list(baselines),
    )


def interleaved(contenders: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    """Run each contender once per round, rotating the order; each returns one sample."""
    names = list(contenders)
    out: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(contenders[name]())
    return out


def per_op(fn: Callable[[int], object], count: int) -> float:
    """Seconds per call of ``fn(i)`` over ``count`` calls."""
    start = time.perf_counter()
    for i in range(count):
        fn(i)
    return (time.perf_counter() - start) / count


def statements_on(engine: Engine, fn: Callable[[], object]) -> list[str]:
    """The SQL ``fn`` sends through ``engine``, in order (transaction control is not seen:
    the drivers issue it themselves)."""
    seen: list[str] = []

    def listen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", listen)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listen)
    return seen


# --- databases ---------------------------------------------------------------------------


class Scratch:
    """A scratch directory and the PostgreSQL databases a benchmark creates; all removed."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="supervise-bench-"))
        self._pg: list[str] = []
        self._template: Path | None = None
        self._built: dict[tuple[str, int], tuple[str, float]] = {}

    def sqlite(self, name: str, *, migrated: bool = True) -> str:
        """A migrated, empty SQLite file (WAL, as `supervise init` leaves it); with
        ``migrated=False`` an empty file in WAL mode, for another program's tables."""
        if not migrated:
            path = self.dir / f"{name}.db"
            con = sqlite3.connect(path)
            con.execute("PRAGMA journal_mode=WAL")  # kept in the file, as `init` does
            con.close()
            return f"sqlite:///{path}"
        if self._template is None:
            from supervise.adapters.migrate import upgrade_to_head

            self._template = self.dir / "template.db"
            engine = make_engine(f"sqlite:///{self._template}", must_exist=False)
            upgrade_to_head(engine)
            engine.dispose()
        path = self.dir / f"{name}.db"
        shutil.copy(self._template, path)
        return f"sqlite:///{path}"

    def pg(self, name: str, *, migrated: bool = True) -> str | None:
        """A migrated, empty PostgreSQL database (``migrated=False``: without supervise's
        tables), or None when the server is unreachable."""
        if not pg_available():
            return None
        from supervise.adapters.migrate import upgrade_to_head

        db = f"supervise_bench_{name}_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db}"'))
        admin.dispose()
        self._pg.append(db)
        url = make_url(PG_SERVER).set(database=db).render_as_string(hide_password=False)
        if not migrated:
            return url
        engine = make_engine(url, must_exist=False)
        upgrade_to_head(engine)
        engine.dispose()
        return url

    def dataset(self, backend: str, n: int) -> tuple[str, float] | None:
        """A database of ``n`` cases laid out by ``bench.dataset`` (built once per run).

        Returns the URL and the seconds the build took, or None without PostgreSQL.
        """
        key = (backend, n)
        if key not in self._built:
            url = self.sqlite(f"cases{n}") if backend == "sqlite" else self.pg(f"cases{n}")
            if url is None:
                return None
            self._built[key] = (url, dataset.build(url, n))
        return self._built[key]

    def forget(self, backend: str, n: int) -> None:
        """Remove a built database early (the 1,000,000-case ones are big)."""
        built = self._built.pop((backend, n), None)
        if built is None:
            return
        if backend == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(sqlite_file(built[0]) + suffix).unlink(missing_ok=True)
        else:
            self.drop_pg(built[0])

    def drop_pg(self, url: str) -> None:
        db = make_url(url).database
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'))
        admin.dispose()
        if db in self._pg:
            self._pg.remove(db)

    def close(self) -> None:
        for db in list(self._pg):
            self.drop_pg(make_url(PG_SERVER).set(database=db).render_as_string(False))
        shutil.rmtree(self.dir, ignore_errors=True)


@contextmanager
def scratch() -> Iterator[Scratch]:
    s = Scratch()
    try:
        yield s
    finally:
        s.close()


_pg_ok: bool | None = None


def pg_available() -> bool:
    global _pg_ok
    if _pg_ok is None:
        try:
            engine = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            engine.dispose()
            _pg_ok = True
        except Exception:  # noqa: BLE001 - any failure means: skip the PostgreSQL rows
            _pg_ok = False
    return _pg_ok


def make_office(url: str, now: datetime = NOW, user: str = "bench") -> Office:
    """The office on ``url`` at a fixed moment, opened the way the tests open theirs."""
    return supervise.open(url, actor=user, now=now, environ=DEV_ENV)


# --- the table ---------------------------------------------------------------------------


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        if value < 1e-3:
            return f"{value * 1e6:.0f} µs"
        if value < 1:
            return f"{value * 1e3:.2f} ms"
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "KiB":
        return f"{value:.1f} KiB"
    if unit == "/s":
        return f"{value:.0f}/s"
    return f"{value:g} {unit}".strip()


def table(rows: Sequence[Row]) -> str:
    head = ("#", "benchmark", "figure", "±", "baseline", "baseline fig.", "ratio", "goal", "met")
    lines: list[tuple[str, ...]] = [head]
    for r in rows:
        lines.append(
            (
                r.target,
                r.name,
                fmt(r.value, r.unit),
                f"{r.spread * 100:.0f}%",
                r.baseline_name or "-",
                fmt(r.baseline, r.unit) if r.baseline is not None else "-",
                "-" if r.ratio is None else f"{r.ratio:.2f}x",
                r.goal or "-",
                {True: "yes", False: "NO", None: "-"}[r.met],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    out = []
    for n, line in enumerate(lines):
        out.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if n == 0:
            out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    notes = [f"[{r.target}] {r.name}: {r.note}" for r in rows if r.note]
    return "\n".join(out + ([""] + notes if notes else []))


def as_json(rows: Sequence[Row], meta: dict[str, Any]) -> str:
    return json.dumps({"meta": meta, "rows": [asdict(r) for r in rows]}, indent=2, default=str)
