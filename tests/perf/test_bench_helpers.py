"""The helpers the peers benchmark (bench/peers.py) stands on, on both databases.

The benchmark compares bytes per case after the same steps on every case, so the uniform
layout of ``bench/dataset.py`` must give every case the same state, history and deadlines
that supervise itself can advance; the bare floor must write what it claims (one history
row, the version bumped, in two statements); the table sizes must count what is stored.
SpiffWorkflow and Django (the ``bench`` extra) are not needed here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bench import dataset
from bench.peers import Floor
from bench.peers_base import EVENT, STATE, check_durability, stored_bytes, verbs, work
from supervise.adapters.orm import cases as C
from supervise.adapters.orm import deadlines as D
from supervise.adapters.orm import history as H
from tests.conftest import MakeOffice

N = 12


def test_uniform_layout_lays_out_every_case_alike_and_supervise_advances_it(
    make_office: MakeOffice,
) -> None:
    office = make_office()
    dataset.build(office.runtime.db_url, N, only="matching")
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
    assert (result.from_state.value, result.to_state.value) == (STATE, STATE)


def test_uniform_layout_refuses_an_unknown_kind() -> None:
    with pytest.raises(ValueError, match="no kind of case 'nonsense'"):
        dataset.Layout(10, only="nonsense")


def test_the_floor_bumps_the_version_and_appends_history_in_two_statements(
    make_office: MakeOffice,
) -> None:
    url = make_office().runtime.db_url
    dataset.build(url, N, only="matching")
    floor = Floor(url)
    try:
        check_durability(url, floor.name, floor.durability())
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


def test_stored_bytes_count_the_rows_and_their_indexes(make_office: MakeOffice) -> None:
    url = make_office().runtime.db_url
    tables = ("cases", "history", "deadlines")
    empty = stored_bytes(url, tables)
    dataset.build(url, 200, only="matching")
    filled = stored_bytes(url, tables)
    # 200 cases, 400 history rows and 400 deadlines take more than 100 bytes a case
    assert filled - empty > 200 * 100
    assert stored_bytes(url, ("organizations",)) < filled - empty


def test_the_durability_check_refuses_weaker_settings() -> None:
    with pytest.raises(RuntimeError, match="would be unfair"):
        check_durability("sqlite:///x.db", "lax", {"journal_mode": "wal", "synchronous": "1"})
    with pytest.raises(RuntimeError, match="would be unfair"):
        check_durability("postgresql://x/y", "lax", {"fsync": "on", "synchronous_commit": "off"})
    check_durability("postgresql://x/y", "strict", {"fsync": "on", "synchronous_commit": "on"})
