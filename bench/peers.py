"""Target 7: the same step on supervise and on what a Python developer would pick instead.

The step: ``record_statement`` on a case in ``warning_proposed``, a self-loop that appends
a history row. Contenders, each on its own database (SQLite file, or PostgreSQL database)
holding the same number of cases, all in ``warning_proposed`` after the same two events:

- ``floor``: a bare SQLAlchemy Core transaction with only the writes, on supervise's
  tables: UPDATE the case's version (RETURNING its new seq), INSERT a history row, COMMIT;
- ``supervise``: ``office.advance(case, "record_statement", reason=...)``, the library API,
  with everything it does that the others do not (guards, deadlines, version check);
- ``spiff``: SpiffWorkflow, the ladder as BPMN (bench/ladder.bpmn), the workflow serialized
  to a row as its users do (bench/peers_spiff.py);
- ``django``: Django + django-fsm-2, a model with an FSMField and a history model
  (bench/peers_django.py).

A warm-up pass takes one step on every case (the SQL of its last step is recorded), then
each pass takes one more step on every case, in rounds of 20 cases, contenders interleaved
and rotated (``common.interleaved``): every case has taken the same steps when the bytes
are measured.
On SQLite every contender is checked to run with journal_mode=WAL and synchronous=FULL on
its own connection; on PostgreSQL with fsync and synchronous_commit on.

Also per contender: memory per loaded case (tracemalloc: supervise's ``Case`` with its ORM
state, a Core row, a restored Spiff workflow, a Django model instance) and bytes stored per
case (the tables of its cases with their indexes, compacted: ``dbstat`` after VACUUM on
SQLite, ``pg_total_relation_size`` after VACUUM FULL on PostgreSQL).

Each database runs in a child process of its own: Django is configured once per process.
Needs the ``bench`` extra (``pip install -e '.[bench]'``).

    python bench/peers.py [--quick]
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, update

from bench import dataset
from bench.base import NOW
from bench.common import (
    Row,
    Scratch,
    compare,
    interleaved,
    make_office,
    median,
    per_op,
    scratch,
    spread,
    statements_on,
)
from bench.peers_base import (
    ACTOR,
    EVENT,
    REASON,
    STATE,
    Contender,
    bytes_held,
    check_durability,
    read_durability,
    recorded_at,
    stored_bytes,
    verbs,
    work,
)
from supervise.adapters.database import make_engine
from supervise.adapters.orm import cases as C
from supervise.adapters.orm import history as H
from supervise.chain import GENESIS

ORDER = ("floor", "supervise", "spiff", "django")
SLICE = 20  # cases per round
FLOOR_NAME = "bare Core UPDATE+INSERT"


class Supervise:
    """supervise through its library API, on a database laid out by bench/dataset.py."""

    name = "supervise"
    tables: tuple[str, ...] = ("cases", "history", "deadlines")  # not the organizations and persons

    def __init__(self, url: str) -> None:
        self.url = url
        self.office = make_office(url)
        self.engine = self.office.runtime.database.engine()

    def fill(self, n: int) -> None:
        dataset.build(self.url, n, only="matching")

    def step(self, case_id: int) -> None:
        self.office.advance(case_id, EVENT, reason=REASON)

    def statements(self, case_id: int) -> list[str]:
        return statements_on(self.engine, lambda: self.step(case_id))

    def memory(self, count: int) -> float:
        """Per ``Case`` with its ORM state, held in the session (as bench_memory.py)."""
        from supervise import model

        with self.office.runtime.uow() as uow:
            query = select(model.Case).where(C.c.id <= count).order_by(C.c.id)
            return bytes_held(lambda: list(uow.session.scalars(query)))

    def durability(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return read_durability(self.url, lambda sql: conn.exec_driver_sql(sql).scalar())

    def close(self) -> None:
        self.office.close()


class Floor:
    """Only the writes, through bare SQLAlchemy Core, on supervise's tables."""

    name = FLOOR_NAME
    tables: tuple[str, ...] = ("cases", "history")  # a case row and its history rows, nothing else

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)  # supervise's engine settings

    def fill(self, n: int) -> None:
        dataset.build(self.url, n, only="matching")

    def step(self, case_id: int) -> None:
        with self.engine.begin() as conn:
            seq = conn.execute(
                update(C)
                .where(C.c.id == case_id)
                .values(version=C.c.version + 1, seq=C.c.seq + 1, last_event_at=NOW)
                .returning(C.c.seq)
            ).scalar_one()
            conn.execute(
                insert(H).values(
                    case_id=case_id, seq=seq, event=EVENT, from_state=STATE, to_state=STATE,
                    at=NOW, recorded_at=recorded_at(), by=ACTOR,
                    reason=REASON, basis=None, data={}, prev_hash=GENESIS, hash=GENESIS,
                )
            )  # fmt: skip

    def statements(self, case_id: int) -> list[str]:
        return statements_on(self.engine, lambda: self.step(case_id))

    def memory(self, count: int) -> float:
        """Per Core row of the cases table."""
        with self.engine.connect() as conn:
            query = select(C).where(C.c.id <= count).order_by(C.c.id)
            return bytes_held(lambda: conn.execute(query).all())

    def durability(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return read_durability(self.url, lambda sql: conn.exec_driver_sql(sql).scalar())

    def close(self) -> None:
        self.engine.dispose()


def contender(kind: str, url: str) -> Contender:
    if kind == "floor":
        return Floor(url)
    if kind == "supervise":
        return Supervise(url)
    if kind == "spiff":
        from bench.peers_spiff import Spiff

        return Spiff(url)
    from bench.peers_django import DjangoFsm

    return DjangoFsm(url)


def child(urls: dict[str, str], n: int, passes: int) -> dict[str, Any]:
    """Everything measured on one database server, in this process."""
    cs = {k: contender(k, urls[k]) for k in ORDER}
    settings = {}
    for k, c in cs.items():
        settings[k] = c.durability()
        check_durability(urls[k], c.name, settings[k])

    def per_case(sizes: dict[str, int]) -> dict[str, float]:
        """Bytes per case beyond what the empty tables and indexes take."""
        return {k: (stored_bytes(urls[k], c.tables) - sizes[k]) / n for k, c in cs.items()}

    empty = {k: stored_bytes(urls[k], c.tables) for k, c in cs.items()}
    for c in cs.values():
        c.fill(n)
    start_bytes = per_case(empty)
    sql: dict[str, list[str]] = {}
    for k, c in cs.items():  # the warm-up pass: one step on every case
        for case_id in range(1, n):
            c.step(case_id)
        sql[k] = c.statements(n)

    # Short rounds (a slice of the cases each) keep the contenders' samples close in time,
    # so that a burst of load on this shared machine falls on all of them alike.
    slices = [list(range(a, min(a + SLICE, n + 1))) for a in range(1, n + 1, SLICE)]

    def timer(c: Contender) -> Callable[[], float]:
        todo = itertools.cycle(slices)

        def one_slice() -> float:
            ids = next(todo)
            return per_op(lambda i: c.step(ids[i]), len(ids))

        return one_slice

    samples = interleaved({k: timer(c) for k, c in cs.items()}, passes * len(slices))
    memory = {}
    for k, c in cs.items():
        c.memory(min(5, n))  # warm-up: compiled statements, caches
        memory[k] = c.memory(n)
        c.close()
    return {
        "names": {k: c.name for k, c in cs.items()},
        "samples": samples,
        "sql": sql,
        "settings": settings,
        "memory": memory,
        "start_bytes": start_bytes,
        "bytes": per_case(empty),
        "steps": 1 + passes,
        "n": n,
    }


def run_child(urls: dict[str, str], n: int, passes: int) -> dict[str, Any]:
    args = [sys.executable, __file__, "--child", json.dumps(urls), str(n), str(passes)]
    done = subprocess.run(args, capture_output=True, text=True, check=False, env=dict(os.environ))
    if done.returncode != 0:
        raise RuntimeError(f"peers child failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def quartiles(values: Sequence[float], baselines: Sequence[float]) -> str:
    """The middle half of the per-round ratios: how far one ratio can be trusted."""
    ratios = [v / b for v, b in zip(values, baselines, strict=True) if b]
    if len(ratios) < 4:
        return ""
    low, _, high = statistics.quantiles(ratios, n=4)
    return f"per-round ratios over {len(ratios)} rounds: middle half {low:.2f}-{high:.2f}x"


def rows_for(backend: str, got: dict[str, Any]) -> list[Row]:
    names, samples, sql = got["names"], got["samples"], got["sql"]

    def described(k: str) -> str:
        done = work(sql[k])
        control = [s for s in sql[k] if s not in done]
        return f"{names[k]} {len(done)} ({verbs(done)})" + (
            f" + {verbs(control)}" if control else ""
        )

    counts = "; ".join(described(k) for k in ORDER)
    settings = ", ".join(f"{k}={v}" for k, v in got["settings"]["floor"].items())
    where = f"{got['n']} cases each, {got['steps']} steps per case"
    floor = samples["floor"]
    rows = [
        Row("7", f"record_statement per step, {backend}: {FLOOR_NAME}", "s", median(floor),
            spread(floor), samples=list(floor),
            note=f"{where}; every contender checked on its own connection: {settings}; "
            f"SQL per step (transaction control after +): {counts}"),
    ]  # fmt: skip
    for k in ORDER[1:]:
        rows.append(
            compare("7", f"record_statement per step, {backend}: {names[k]}", "s", samples[k],
                    FLOOR_NAME, floor, note=quartiles(samples[k], floor))
        )  # fmt: skip
    for k in ORDER[2:]:
        rows.append(
            compare("7", f"record_statement per step, {backend}: supervise vs {names[k]}", "s",
                    samples["supervise"], names[k], samples[k],
                    limit=1.0 if k == "django" else None,
                    note=quartiles(samples["supervise"], samples[k]))
        )  # fmt: skip
    for measure, unit, title in (
        ("memory", "KiB", "memory per loaded case"),
        ("bytes", "KiB", f"bytes stored per case after {got['steps']} steps"),
    ):
        ours = got[measure]["supervise"] / 1024
        for k in ("floor", "spiff", "django"):
            theirs = got[measure][k] / 1024
            note = ""
            if measure == "bytes":
                note = (
                    f"before the steps: supervise {got['start_bytes']['supervise'] / 1024:.1f} "
                    f"KiB, {names[k]} {got['start_bytes'][k] / 1024:.1f} KiB"
                )
            rows.append(
                Row("7", f"{title}, {backend}: supervise vs {names[k]}", unit, ours,
                    baseline_name=names[k], baseline=theirs,
                    ratio=ours / theirs if theirs else None, note=note)
            )  # fmt: skip
    return rows


PEERS = {"SpiffWorkflow": "SpiffWorkflow", "django": "Django", "django_fsm": "django-fsm-2"}


def run(s: Scratch, quick: bool) -> list[Row]:
    from importlib.util import find_spec

    missing = [dist for module, dist in PEERS.items() if find_spec(module) is None]
    if missing:
        raise RuntimeError(
            f"the peers are not installed ({', '.join(missing)}): pip install -e '.[bench]'"
        )
    n, passes = (40, 3) if quick else (400, 7)
    rows = rows_for(
        "SQLite",
        run_child({k: s.sqlite(f"peers_{k}", migrated=k in ("floor", "supervise")) for k in ORDER},
                  n, passes),
    )  # fmt: skip
    urls = {k: s.pg(f"peers_{k}", migrated=k in ("floor", "supervise")) for k in ORDER}
    if all(urls.values()):
        pg = {k: u for k, u in urls.items() if u is not None}
        try:
            rows += rows_for("PostgreSQL", run_child(pg, n, passes))
        finally:
            for url in pg.values():
                s.drop_pg(url)
    return rows


def main() -> None:
    if len(sys.argv) > 4 and sys.argv[1] == "--child":
        print(json.dumps(child(json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
        return
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))


if __name__ == "__main__":
    main()
