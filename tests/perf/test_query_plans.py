"""Every filter `case list` offers, and every query the case service runs, uses an index.

Issue 5, target 4: listing scales with the answer, not the table. The statements are the
service's own: a ``before_cursor_execute`` listener records the SQL and parameters while
the test calls ``supervise.services.cases`` (list, show, next, appoint, advance), and each
recorded SELECT/UPDATE/DELETE is then explained with the same parameters.

- SQLite: ``EXPLAIN QUERY PLAN`` may not show ``SCAN`` of a watched table (a full pass over
  the table or over one of its indexes); ``SEARCH ... USING INDEX`` / ``PRIMARY KEY`` is the
  goal. SQLite plans without statistics (supervise never runs ANALYZE), so a plan on this
  small database is the plan on a big one.
- PostgreSQL (``SUPERVISE_TEST_PG_URL``): ``EXPLAIN`` with ``enable_seqscan = off``, so the
  planner only falls back to a sequential scan when no index can serve the query; neither
  a ``Seq Scan`` nor an index scan without an index condition (a full walk of the index) of
  a watched table may appear. PostgreSQL plans from statistics, so the filters are also
  explained on 20,000 bulk-loaded, analysed cases (``bench/dataset.py``): that is where a
  query can look fine on a toy database and still walk the whole table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Connection, event

from supervise.bootstrap import App
from supervise.rules import Params
from supervise.services import cases
from supervise.states import CaseState
from tests.conftest import MakeApp, new_person
from tests.integration.ladder import PATHS, advance, drive, open_case

S = CaseState
# Tables that grow with the number of cases: reading any of them whole is what must not be.
WATCHED = frozenset({"cases", "deadlines", "history", "bans", "notices"})
LATER = "2027-01-26T10:00:00+08:00"  # the interview of 2026-12-10 is overdue by then


@dataclass(frozen=True)
class Statement:
    sql: str
    params: Any

    @property
    def first_line(self) -> str:
        return " ".join(self.sql.split())[:160]


@contextmanager
def recorded(app: App) -> Iterator[list[Statement]]:
    """The statements ``app`` sends while the block runs (executemany ones left out)."""
    seen: list[Statement] = []

    def listen(
        conn: Any, cursor: Any, sql: str, params: Any, context: Any, executemany: bool
    ) -> None:
        if not executemany:
            seen.append(Statement(sql, params))

    engine = app.engine()
    event.listen(engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listen)


def explainable(st: Statement) -> bool:
    head = st.sql.lstrip().split(None, 1)[0].upper()
    if head not in ("SELECT", "UPDATE", "DELETE", "WITH"):
        return False
    tables = set(re.findall(r"\b(?:FROM|JOIN|UPDATE)\s+\"?(\w+)", st.sql, re.IGNORECASE))
    return bool(tables & WATCHED)


def _sqlite_scans(conn: Connection, st: Statement) -> tuple[list[str], list[str]]:
    rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + st.sql, st.params).all()
    plan = [str(r[-1]) for r in rows]
    bad = []
    for line in plan:
        m = re.match(r"SCAN (\w+)", line)
        if m and re.sub(r"_\d+$", "", m.group(1)) in WATCHED:
            bad.append(line)
    return bad, plan


def _pg_nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _pg_nodes(child)


def _pg_scans(conn: Connection, st: Statement) -> tuple[list[str], list[str]]:
    conn.exec_driver_sql("SET enable_seqscan = off")
    raw = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + st.sql, st.params).scalar_one()
    doc = json.loads(raw) if isinstance(raw, str) else raw
    top = doc[0]["Plan"]
    plan, bad = [], []
    for node in _pg_nodes(top):
        kind, rel = node["Node Type"], node.get("Relation Name")
        cond = node.get("Index Cond") or node.get("Recheck Cond")
        plan.append(f"{kind} {rel or ''} {node.get('Index Name', '')} {cond or ''}".strip())
        if rel not in WATCHED:
            continue
        if kind == "Seq Scan" or (kind in ("Index Scan", "Index Only Scan") and not cond):
            bad.append(plan[-1])
    return bad, plan


def full_scans(app: App, statements: list[Statement]) -> list[str]:
    """One line per statement that reads a watched table whole, with its plan."""
    engine = app.engine()
    check: Callable[[Connection, Statement], tuple[list[str], list[str]]] = (
        _pg_scans if engine.dialect.name == "postgresql" else _sqlite_scans
    )
    problems = []
    with engine.connect() as conn:
        for st in statements:
            if not explainable(st):
                continue
            bad, plan = check(conn, st)
            if bad:
                problems.append(f"{st.first_line}\n    plan: {' / '.join(plan)}")
        conn.rollback()
    return problems


@dataclass
class Register:
    """A small register with a case in each interesting shape."""

    app: App
    later: App
    appointed: int
    proposed: int
    scheduled: int
    org: int
    person: int
    banned_person: int


@pytest.fixture
def register(make_app: MakeApp) -> Register:
    app = make_app()
    appointed = open_case(app)
    proposed = open_case(app)
    drive(app, proposed, S.WARNING_PROPOSED)
    scheduled = open_case(app)
    drive(app, scheduled, S.INTERVIEW_SCHEDULED)
    person = new_person(app)
    open_case(app, person_id=person)
    open_case(app, person_id=person)
    banned_person = new_person(app)
    first = open_case(app, person_id=banned_person)
    open_case(app, person_id=banned_person)
    org = cases.show_case(app, first).organization.id
    return Register(
        app, make_app(now=LATER), appointed, proposed, scheduled, org, person, banned_person
    )


def list_filters(r: Register) -> dict[str, dict[str, Any]]:
    return {
        "state": {"state": "warning_proposed"},
        "org": {"org_id": r.org},
        "person": {"person_id": r.person},
        "overdue": {"overdue": True},
        "state+org": {"state": "appointed", "org_id": r.org},
        "state+overdue": {"state": "interview_scheduled", "overdue": True},
        "person+overdue": {"person_id": r.person, "overdue": True},
    }


@pytest.mark.parametrize(
    "which", ["state", "org", "person", "overdue", "state+org", "state+overdue", "person+overdue"]
)
def test_case_list_filter_is_served_by_an_index(register: Register, which: str) -> None:
    kwargs = list_filters(register)[which]
    app = register.later  # a clock at which one interview is overdue
    with recorded(app) as seen:
        views = cases.list_cases(app, **kwargs)
    if which == "overdue":
        assert register.scheduled in [v.id for v in views]
    listing = [st for st in seen if explainable(st)]
    assert listing, "list_cases ran no query on the cases table"
    problems = full_scans(app, listing)
    assert not problems, f"case list {which}: full scan\n" + "\n".join(problems)


@pytest.mark.slow
def test_case_list_filters_use_an_index_at_scale_on_postgresql(make_app: MakeApp) -> None:
    app = make_app()
    if app.engine().dialect.name != "postgresql":
        pytest.skip("SQLite plans without statistics: the small register shows its plans")
    from bench import dataset

    dataset.build(app.db_url, 20_000)  # bulk rows, then ANALYZE
    layout = dataset.Layout(20_000)
    some = min(layout.matching)
    filters: dict[str, dict[str, Any]] = {
        "state": {"state": dataset.STATE},
        "org": {"org_id": layout.org_of(some)},
        "person": {"person_id": layout.person_of(some)},
        "overdue": {"overdue": True},
        "state+overdue": {"state": "rectifying", "overdue": True},
    }
    problems = []
    for which, kwargs in filters.items():
        with recorded(app) as seen:
            views = cases.list_cases(app, **kwargs)
        assert views, which
        problems += [f"{which}: {p}" for p in full_scans(app, seen)]
    assert not problems, "full scans:\n" + "\n".join(problems)


def test_every_query_of_the_case_service_uses_an_index(register: Register) -> None:
    app = register.app
    with recorded(app) as seen:
        cases.show_case(app, register.proposed)
        cases.next_events(app, register.proposed)
        advance(app, register.proposed, "record_statement", Params(reason="陈述申辩"))
        advance(app, register.scheduled, "cancel_interview", Params(reason="改期"))
        advance(app, register.appointed, "schedule_interview", Params(date=date(2026, 12, 10)))
        banned = cases.list_cases(app, person_id=register.banned_person)[0].id
        (event, params), *_ = PATHS[S.BANNED]
        advance(app, banned, event, params)  # a court ban that cascades to the other post
        with pytest.raises(Exception, match="cannot be appointed"):
            cases.appoint(app, register.org, register.banned_person, "理事长", None)
        with app.uow() as uow:
            cases.history_of(uow, [register.proposed, register.scheduled])
    statements = [st for st in seen if explainable(st)]
    assert len(statements) > 20
    problems = full_scans(app, statements)
    assert not problems, "full scans:\n" + "\n".join(problems)
