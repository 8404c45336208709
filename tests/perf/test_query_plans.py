"""Every filter `case list` offers, and every query the case service runs, uses an index.

Issue 5, target 4: listing scales with the answer, not the table. The statements are the
service's own: a ``before_cursor_execute`` listener records the SQL and parameters while
the test calls the case service through the library API (list, show, next, appoint,
advance), and each
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

from supervise.office import Office
from supervise.services.cases import store
from supervise.states import CaseState
from supervise.story import DETAILS, PATHS, drive_to
from supervise.views import AdvanceResult
from tests.conftest import MakeOffice, new_person, open_case

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


def advance(office: Office, case_id: int, event: str, **inputs: Any) -> AdvanceResult:
    """office.advance with the event's notice content (story.DETAILS) filled in."""
    return office.advance(case_id, event, details=DETAILS.get(event), **inputs)


@contextmanager
def recorded(office: Office) -> Iterator[list[Statement]]:
    """The statements ``office`` sends while the block runs (executemany ones left out)."""
    seen: list[Statement] = []

    def listen(
        conn: Any, cursor: Any, sql: str, params: Any, context: Any, executemany: bool
    ) -> None:
        if not executemany:
            seen.append(Statement(sql, params))

    engine = office.runtime.database.engine()
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


def full_scans(office: Office, statements: list[Statement]) -> list[str]:
    """One line per statement that reads a watched table whole, with its plan."""
    engine = office.runtime.database.engine()
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

    office: Office
    later: Office
    appointed: int
    proposed: int
    scheduled: int
    org: int
    person: int
    banned_person: int


@pytest.fixture
def register(make_office: MakeOffice) -> Register:
    office = make_office()
    appointed = open_case(office)
    proposed = open_case(office)
    drive_to(office, proposed, S.WARNING_PROPOSED)
    scheduled = open_case(office)
    drive_to(office, scheduled, S.INTERVIEW_SCHEDULED)
    person = new_person(office)
    open_case(office, person_id=person)
    open_case(office, person_id=person)
    banned_person = new_person(office)
    first = open_case(office, person_id=banned_person)
    open_case(office, person_id=banned_person)
    org = office.case(first).organization.id
    return Register(
        office, make_office(now=LATER), appointed, proposed, scheduled, org, person, banned_person
    )


def list_filters(r: Register) -> dict[str, dict[str, Any]]:
    return {
        "state": {"state": "warning_proposed"},
        "org": {"org": r.org},
        "person": {"person": r.person},
        "overdue": {"overdue": True},
        "state+org": {"state": "appointed", "org": r.org},
        "state+overdue": {"state": "interview_scheduled", "overdue": True},
        "person+overdue": {"person": r.person, "overdue": True},
    }


@pytest.mark.parametrize(
    "which", ["state", "org", "person", "overdue", "state+org", "state+overdue", "person+overdue"]
)
def test_case_list_filter_is_served_by_an_index(register: Register, which: str) -> None:
    kwargs = list_filters(register)[which]
    office = register.later  # a clock at which one interview is overdue
    with recorded(office) as seen:
        views = list(office.cases(**kwargs))
    if which == "overdue":
        assert register.scheduled in [v.id for v in views]
    listing = [st for st in seen if explainable(st)]
    assert listing, "list_cases ran no query on the cases table"
    problems = full_scans(office, listing)
    assert not problems, f"case list {which}: full scan\n" + "\n".join(problems)


@pytest.mark.slow
def test_case_list_filters_use_an_index_at_scale_on_postgresql(make_office: MakeOffice) -> None:
    office = make_office()
    if office.runtime.database.engine().dialect.name != "postgresql":
        pytest.skip("SQLite plans without statistics: the small register shows its plans")
    from bench import dataset

    dataset.build(office.runtime.db_url, 20_000)  # bulk rows, then ANALYZE
    layout = dataset.Layout(20_000)
    some = min(layout.matching)
    filters: dict[str, dict[str, Any]] = {
        "state": {"state": dataset.STATE},
        "org": {"org": layout.org_of(some)},
        "person": {"person": layout.person_of(some)},
        "overdue": {"overdue": True},
        "state+overdue": {"state": "rectifying", "overdue": True},
    }
    problems = []
    for which, kwargs in filters.items():
        with recorded(office) as seen:
            views = list(office.cases(**kwargs))
        assert views, which
        problems += [f"{which}: {p}" for p in full_scans(office, seen)]
    assert not problems, "full scans:\n" + "\n".join(problems)


def test_every_query_of_the_case_service_uses_an_index(register: Register) -> None:
    office = register.office
    with recorded(office) as seen:
        office.case(register.proposed)
        office.next_events(register.proposed)
        advance(office, register.proposed, "record_statement", reason="陈述申辩")
        advance(office, register.scheduled, "cancel_interview", reason="改期")
        advance(office, register.appointed, "schedule_interview", date=date(2026, 12, 10))
        banned = list(office.cases(person=register.banned_person))[0].id
        step, *_ = PATHS[S.BANNED]
        # a court ban that cascades to the other post
        advance(office, banned, step.event, **step.inputs)
        with pytest.raises(Exception, match="cannot be appointed"):
            office.appoint(org=register.org, person=register.banned_person, role="理事长")
        with office.runtime.uow() as uow:
            store.history_of(uow, [register.proposed, register.scheduled])
    statements = [st for st in seen if explainable(st)]
    assert len(statements) > 20
    problems = full_scans(office, statements)
    assert not problems, "full scans:\n" + "\n".join(problems)
