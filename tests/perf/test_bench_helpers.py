"""The helpers the peers benchmark (bench/peers.py) stands on, on both databases.

The benchmark compares bytes per case after the same steps on every case, so the uniform
layout of ``bench/dataset.py`` must give every case the same state, history and deadlines
that supervise itself can advance; the bare floor must write what it claims (one history
row, the version bumped, in two statements); the table sizes must count what is stored.
SpiffWorkflow and Django (the ``bench`` extra) are not needed here.

Each test has a database of its own, also on PostgreSQL: ``dataset.build`` runs ANALYZE
there, and the statistics of its bulk rows, left in the session's shared database after
the rows are truncated, would change the plans that tests/perf/test_query_plans.py checks.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

import supervise
from bench import dataset
from bench.peers import Floor
from bench.peers_base import EVENT, STATE, check_durability, stored_bytes, verbs, work
from supervise.adapters.orm import cases as C
from supervise.adapters.orm import deadlines as D
from supervise.adapters.orm import history as H
from tests.conftest import BACKENDS, NOW, TEST_ENV, migrated_pg_database

N = 12


@pytest.fixture(params=BACKENDS)
def own_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    """A migrated, empty database for this test alone (dropped afterwards on PostgreSQL)."""
    if request.param == "sqlite":
        path = tmp_path / "bench.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    with migrated_pg_database("supervise_bench_test") as url:
        yield url


def test_uniform_layout_lays_out_every_case_alike_and_supervise_advances_it(own_url: str) -> None:
    dataset.build(own_url, N, only="matching")
    office = supervise.open(own_url, actor="zhang", now=NOW, environ=TEST_ENV)
    assert [v.id for v in office.cases(state=STATE)] == list(range(1, N + 1))
    engine = office.runtime.database.engine()
    with engine.connect() as conn:
        per_case = conn.execute(
            select(H.c.case_id, func.count()).group_by(H.c.case_id).order_by(H.c.case_id)
        ).all()
        open_deadlines = conn.execute(
            select(func.count()).select_from(D).where(D.c.status == "open")
        ).scalar_one()
    assert [tuple(r) for r in per_case] == [(i, 2) for i in range(1, N + 1)]
    assert open_deadlines == 2 * N
    result = office.advance(N, EVENT, reason="陈述申辩")
    office.close()
    assert (result.from_state.value, result.to_state.value) == (STATE, STATE)


def test_uniform_layout_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="no kind of case 'nonsense'"):
        dataset.Layout(10, only="nonsense")


def test_the_floor_bumps_the_version_and_appends_history_in_two_statements(own_url: str) -> None:
    dataset.build(own_url, N, only="matching")
    floor = Floor(own_url)
    try:
        check_durability(own_url, floor.name, floor.durability())
        floor.step(3)
        sql = floor.statements(3)
        with floor.engine.connect() as conn:
            case = conn.execute(select(C.c.version, C.c.seq).where(C.c.id == 3)).one()
            rows = conn.execute(
                select(H.c.seq, H.c.event).where(H.c.case_id == 3).order_by(H.c.seq)
            ).all()
    finally:
        floor.close()
    assert (case.version, case.seq) == (3, 4)
    assert [tuple(r) for r in rows] == [
        (1, "appoint"), (2, "propose_warning"), (3, EVENT), (4, EVENT),
    ]  # fmt: skip
    assert verbs(work(sql)) == "UPDATE, INSERT"


def test_stored_bytes_count_the_rows_and_their_indexes(own_url: str) -> None:
    tables = ("cases", "history", "deadlines")
    empty = stored_bytes(own_url, tables)
    dataset.build(own_url, 200, only="matching")
    filled = stored_bytes(own_url, tables)
    # 200 cases, 400 history rows and 400 deadlines take more than 100 bytes a case
    assert filled - empty > 200 * 100
    assert stored_bytes(own_url, ("organizations",)) < filled - empty


def test_the_durability_check_refuses_weaker_settings() -> None:
    with pytest.raises(RuntimeError, match="would be unfair"):
        check_durability("sqlite:///x.db", "lax", {"journal_mode": "wal", "synchronous": "1"})
    with pytest.raises(RuntimeError, match="would be unfair"):
        check_durability("postgresql://x/y", "lax", {"fsync": "on", "synchronous_commit": "off"})
    check_durability("postgresql://x/y", "strict", {"fsync": "on", "synchronous_commit": "on"})


def test_the_sweep_benchmark_builds_what_the_sweep_queues(
    tmp_path: Path, sqlite_template: Path
) -> None:
    # bench/sweep.py fills its SQLite file with bulk Core inserts: a column added to the
    # schema without a value there broke it unnoticed once (users.districts, issue 11).
    from bench import sweep
    from bench.common import make_office

    path = tmp_path / "sweep.db"
    shutil.copy(sqlite_template, path)
    sweep.build(f"sqlite:///{path}", 400, 40)
    office = make_office(f"sqlite:///{path}", now=sweep.NOW)
    try:
        seconds, queued = sweep.sweep_once(office, fresh=True)
        assert queued > 0 and seconds > 0
        assert sweep.sweep_once(office, fresh=False)[1] == 0  # nothing new: nothing queued
    finally:
        office.close()
