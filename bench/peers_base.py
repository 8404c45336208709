"""What the contenders of bench/peers.py share: the step they all take, what a contender
offers the benchmark, and the measures taken on its database (durability settings, bytes).

Every contender holds cases 1..n, all in ``warning_proposed`` after the same two events
(``appoint``, ``propose_warning``) with one history row each, and takes the same step:
``record_statement``, a self-loop that appends a history row.
"""

from __future__ import annotations

import gc
import sqlite3
import tracemalloc
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from bench.base import NOW, psycopg_conninfo, sqlite_file

EVENT = "record_statement"
STATE = "warning_proposed"
REASON = "当事人陈述申辩意见：已按要求整改"
ACTOR = "bench"
ROLE = "秘书长"
CASES_PER_ORG = 20
# The two events that brought every case to warning_proposed, and when.
EARLIER = [("appoint", None, "appointed"), ("propose_warning", "appointed", STATE)]
CREATED = (NOW - timedelta(days=400)).astimezone(UTC)
EVENT_AT = (NOW - timedelta(days=30)).astimezone(UTC)
# Statements that only open or close a transaction; counted apart from the work.
CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


class Contender(Protocol):
    """One way of taking the step, on its own database holding cases 1..n."""

    name: str
    tables: tuple[str, ...]  # the tables a case's data lives in (with their indexes)

    def fill(self, n: int) -> None:
        """Lay out cases 1..n in its empty tables."""

    def step(self, case_id: int) -> None:
        """Take ``record_statement`` on the case, in one transaction."""

    def statements(self, case_id: int) -> list[str]:
        """The SQL one step on ``case_id`` sends to the database, in order."""

    def memory(self, count: int) -> float:
        """Bytes per case held when cases 1..count are loaded as a program holds them."""

    def durability(self) -> dict[str, str]:
        """The durability settings of the connection its steps use."""

    def close(self) -> None:
        """Let go of the connections (before the database is vacuumed and measured)."""


def bytes_held(load: Callable[[], Sequence[object]]) -> float:
    """Bytes per object still allocated after ``load()`` returned its objects (tracemalloc;
    what was allocated and freed on the way is not counted)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        held = load()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    if not held:
        raise RuntimeError("nothing was loaded")
    return (after - before) / len(held)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def org_of(case_id: int) -> int:
    return (case_id - 1) // CASES_PER_ORG + 1


def person_of(case_id: int, n: int) -> int:
    return (case_id - 1) % max(1, n // 2) + 1


def recorded_at() -> datetime:
    """The real time of writing, as every contender stores it besides the event's time."""
    return datetime.now(UTC)


def work(statements: Sequence[str]) -> list[str]:
    """The statements that do the work: transaction control left out."""
    return [s for s in statements if not s.lstrip().upper().startswith(CONTROL)]


def verbs(statements: Sequence[str]) -> str:
    """``SELECT, UPDATE, INSERT`` for a list of statements."""
    return ", ".join(s.split(None, 1)[0].upper() for s in statements) or "-"


def durability_query(url: str) -> list[tuple[str, str]]:
    """The settings every contender must run with, and the SQL that reads each."""
    if is_sqlite(url):
        return [("journal_mode", "PRAGMA journal_mode"), ("synchronous", "PRAGMA synchronous")]
    return [("fsync", "SHOW fsync"), ("synchronous_commit", "SHOW synchronous_commit")]


def read_durability(url: str, scalar: Callable[[str], Any]) -> dict[str, str]:
    return {name: str(scalar(sql)) for name, sql in durability_query(url)}


EXPECTED = {
    "sqlite": {"journal_mode": "wal", "synchronous": "2"},  # 2 is FULL
    "postgresql": {"fsync": "on", "synchronous_commit": "on"},
}


def check_durability(url: str, name: str, got: dict[str, str]) -> None:
    """Refuse to time a contender that runs with weaker settings than the others."""
    want = EXPECTED["sqlite" if is_sqlite(url) else "postgresql"]
    if {k: got.get(k, "").lower() for k in want} != want:
        raise RuntimeError(f"{name} runs with {got}, not {want}: the comparison would be unfair")


def stored_bytes(url: str, tables: Sequence[str]) -> int:
    """Bytes the tables and their indexes take, compacted first (VACUUM; on PostgreSQL
    VACUUM FULL, so that dead row versions left by updates are not counted)."""
    if is_sqlite(url):
        con = sqlite3.connect(sqlite_file(url), isolation_level=None)
        try:
            con.execute("VACUUM")
            marks = ", ".join("?" * len(tables))
            names = [
                r[0]
                for r in con.execute(
                    f"SELECT name FROM sqlite_master WHERE tbl_name IN ({marks})", tuple(tables)
                )
            ]
            marks = ", ".join("?" * len(names))
            total = con.execute(
                f"SELECT sum(pgsize) FROM dbstat WHERE name IN ({marks})", tuple(names)
            ).fetchone()[0]
        finally:
            con.close()
        return int(total or 0)
    import psycopg

    with psycopg.connect(psycopg_conninfo(url), autocommit=True) as conn:
        for table in tables:
            conn.execute(f'VACUUM FULL "{table}"')
        total = 0
        for table in tables:
            row = conn.execute("SELECT pg_total_relation_size(%s::regclass)", (table,)).fetchone()
            total += int(row[0]) if row else 0
    return total
