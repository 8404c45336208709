"""Target 1: advance a case through the public service API vs the same work in bare SQL.

Events that can repeat forever, on a fixed (monotonic) clock:

- ``record_statement`` on a ``warning_proposed`` case (no notice): a self-loop; reads the
  case with its organization, person, running deadlines and the acting user in one
  statement, updates the case (version-checked) and inserts one history row.
- ``cancel_interview`` on an ``interview_scheduled`` case (no notice): also closes the
  interview's deadlines and looks for deadlines to reopen.
- ``schedule_interview`` on an ``appointed`` case: creates an interview notice (a number,
  a rendered HTML document, a service deadline) besides the interview deadline. Its
  baseline is the same Core transaction plus a bare Jinja2 render of the same template.

Contenders, each on its own cases of the same database, in interleaved rounds:
``service`` (``office.advance``, the library API), ``core`` (one SQLAlchemy Core
transaction with the same reads and writes) and ``raw`` (the same SQL through ``sqlite3``
or ``psycopg``: the floor).

    python bench/bench_advance.py [--quick]
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import Engine, and_, bindparam, insert, select, update

from bench import dataset
from bench.base import NOW, psycopg_conninfo, sqlite_file
from bench.common import (
    Row,
    Scratch,
    compare,
    interleaved,
    make_office,
    per_op,
    scratch,
    statements_on,
)
from supervise.adapters import orm
from supervise.adapters.database import SQLITE_BUSY_MS
from supervise.adapters.orm import cases as C
from supervise.adapters.orm import deadlines as D
from supervise.adapters.orm import history as H
from supervise.adapters.orm import organizations as O
from supervise.adapters.orm import persons as P
from supervise.adapters.orm import users as U
from supervise.chain import GENESIS
from supervise.notices.types import NOTICE_TYPES
from supervise.office import Office

INTERVIEW = date(2026, 12, 10)
SERVICE_DUE = date(2026, 12, 8)  # 7 working days after NOW: the service deadline
REASON = "当事人陈述申辩意见：已按要求整改"
INTERVIEW_DETAILS = {
    "facts": "未按规定报送年度工作报告",
    "place": "渝中区民政局301会议室",
    "interviewers": ["张三", "王五"],
}
WHEN = NOW.astimezone(UTC)
WHEN_NAIVE = WHEN.replace(tzinfo=None)
WHEN_SQLITE = WHEN_NAIVE.isoformat(sep=" ", timespec="microseconds")
SCHEDULED = "interview_scheduled"
# The floors write the hash columns (NOT NULL) without computing a chain.
UNCHAINED = {"prev_hash": GENESIS, "hash": GENESIS}
RUNNING = ("open", "waiting")
#: The one read an advance needs (what ``services/cases/store.load_case_to_advance`` sends).
JOINED_READ = (
    select(C, O, P, D, U.c.id, U.c.role, U.c.districts, U.c.disabled)
    .join(O, O.c.id == C.c.organization_id)
    .join(P, P.c.id == C.c.person_id)
    .outerjoin(D, and_(D.c.case_id == C.c.id, D.c.status.in_(RUNNING)))
    .outerjoin(U, U.c.name == "bench")
    .where(C.c.id == bindparam("id"))
    .order_by(D.c.due, D.c.id)
)
NOTICES = getattr(orm, "notices", None)  # the notices tables (issue 3), when present
NUMBERS = getattr(orm, "number_sequences", None)


def inputs_for(ev: str) -> dict[str, Any]:
    if ev == "record_statement":
        return {"reason": REASON}
    if ev == "schedule_interview":
        return {"date": INTERVIEW, "details": INTERVIEW_DETAILS}
    return {"reason": "约谈取消"}


# --- the service ---------------------------------------------------------------------------


def service_op(office: Office, case_id: int, ev: str) -> bool:
    """Advance through the library API; True when the result carries the case's history."""
    return bool(office.advance(case_id, ev, **inputs_for(ev)).case.history)


# --- SQLAlchemy Core -----------------------------------------------------------------------


class NoticeBaseline:
    """What issuing the interview notice needs at least: a number, a bare Jinja2 render of
    the same template (built once, as any renderer should be) and the notice row."""

    def __init__(self, snapshot: dict[str, Any]) -> None:
        import jinja2

        from supervise.notices import render

        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(render.TEMPLATE_DIR)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters.update(render._FILTERS)
        nt = NOTICE_TYPES["interview_notice"]
        self.template_name = nt.template_name
        self.snapshot = snapshot
        self.context = dict(snapshot)
        given = snapshot.get("details") or {}
        self.context["details"] = {name: given.get(name) for name in nt.allowed_fields}

    def issue(self, conn: Any, case_id: int, seq: int) -> int:
        assert NOTICES is not None and NUMBERS is not None
        year = NOW.year  # the row exists: the service issued one in the warm-up
        conn.execute(
            update(NUMBERS)
            .where(NUMBERS.c.type == "interview_notice", NUMBERS.c.year == year)
            .values(last=NUMBERS.c.last + 1)
        )
        number = conn.execute(
            select(NUMBERS.c.last).where(
                NUMBERS.c.type == "interview_notice", NUMBERS.c.year == year
            )
        ).scalar_one()
        html = self.env.get_template(self.template_name).render(self.context)
        return int(
            conn.execute(
                insert(NOTICES)
                .values(
                    case_id=case_id, history_seq=seq, type="interview_notice",
                    number=f"bench-{year}-{number}", year=year, seq=number, created_at=NOW,
                    snapshot=self.snapshot, template_version="bench", html=html,
                    html_sha256=hashlib.sha256(html.encode()).hexdigest(), status="active",
                )
                .returning(NOTICES.c.id)
            ).scalar_one()
        )  # fmt: skip


def core_op(
    engine: Engine,
    case_id: int,
    ev: str,
    notice: NoticeBaseline | None = None,
    read_history: bool = True,
) -> None:
    """One transaction doing what ``advance`` must do for ``ev``, and no more: one read of
    the case with its organization, person, running deadlines and the acting user (the
    permission check), the version-checked UPDATE, the history INSERT, deadline writes.

    ``read_history``: read the case's history back, as the service does when the result it
    returns carries the history.
    """
    with engine.begin() as conn:
        rows = conn.execute(JOINED_READ, {"id": case_id}).all()
        case = rows[0]
        open_now = [r._mapping for r in rows if r._mapping[D.c.id] is not None]
        seq = case.seq + 1
        values: dict[str, Any] = {
            "seq": seq,
            "last_event_at": NOW,
            "version": case.version + 1,
        }
        if ev == "record_statement":
            before = after = case.state.value
        elif ev == "schedule_interview":
            before, after = "appointed", SCHEDULED
            values.update(state=after, stack=f"{before}||")
        else:
            before, after = SCHEDULED, "appointed"
            values.update(state=after, stack="")
        done = conn.execute(
            update(C).where(C.c.id == case_id, C.c.version == case.version).values(**values)
        )
        if done.rowcount != 1:
            raise RuntimeError("lost update")
        conn.execute(
            insert(H).values(
                case_id=case_id, seq=seq, event=ev, from_state=before, to_state=after,
                at=NOW, recorded_at=datetime.now(UTC), by="bench",
                reason=None if ev == "schedule_interview" else REASON, basis=None,
                data={"date": INTERVIEW.isoformat()} if ev == "schedule_interview" else {},
                **UNCHAINED,
            )
        )  # fmt: skip
        if ev == "schedule_interview":
            conn.execute(
                insert(D).values(
                    case_id=case_id, kind="interview", nature="office", owner=SCHEDULED,
                    start=NOW.date(), rule="fixed", amount=0, due=INTERVIEW,
                    provisional=False, status="open", opened_seq=seq, closed_seq=None,
                )
            )  # fmt: skip
            notice_id = None if notice is None else notice.issue(conn, case_id, seq)
            conn.execute(
                insert(D).values(
                    case_id=case_id, kind="service", nature="office", owner=SCHEDULED,
                    start=NOW.date(), rule="workdays", amount=7, due=SERVICE_DUE,
                    provisional=False, status="open", opened_seq=seq, closed_seq=None,
                    **({"notice_id": notice_id} if "notice_id" in D.c else {}),
                )
            )  # fmt: skip
        elif ev == "cancel_interview":
            for d in open_now:
                if SCHEDULED in d[D.c.owner].split(","):
                    conn.execute(
                        update(D).where(D.c.id == d[D.c.id]).values(status="closed", closed_seq=seq)
                    )
            left_at = conn.execute(
                select(H.c.seq)
                .where(H.c.case_id == case_id, H.c.from_state == after, H.c.to_state != after)
                .order_by(H.c.seq.desc())
                .limit(1)
            ).scalar()
            conn.execute(
                select(D).where(
                    D.c.case_id == case_id, D.c.status == "closed", D.c.closed_seq == left_at
                )
            ).all()
        if read_history:
            conn.execute(select(H).where(H.c.case_id == case_id).order_by(H.c.seq)).all()


# --- raw DB-API ----------------------------------------------------------------------------


def _columns(alias: str, table: Any) -> str:
    return ", ".join(f'{alias}."{c.name}"' for c in table.c)


RAW_SQL = {
    "joined": f"SELECT {_columns('c', C)}, {_columns('o', O)}, {_columns('p', P)}, "
    f"{_columns('d', D)}, u.role, u.districts, u.disabled FROM cases c "
    "JOIN organizations o ON o.id = c.organization_id JOIN persons p ON p.id = c.person_id "
    "LEFT JOIN deadlines d ON d.case_id = c.id AND d.status IN ('open', 'waiting') "
    "LEFT JOIN users u ON u.name = 'bench' WHERE c.id = :id ORDER BY d.due, d.id",
    "update": "UPDATE cases SET seq = :seq, last_event_at = :at, version = :version, "
    "state = :state, stack = :stack WHERE id = :id AND version = :old",
    "history": "INSERT INTO history (case_id, seq, event, from_state, to_state, at, "
    'recorded_at, "by", reason, basis, data, prev_hash, hash) VALUES (:id, :seq, :event, '
    ":before, :after, :at, :recorded, 'bench', :reason, NULL, :data, :zero, :zero)",
    "deadline": "INSERT INTO deadlines (case_id, kind, nature, owner, start, rule, amount, "
    "due, provisional, status, opened_seq, closed_seq) VALUES (:id, :kind, 'office', "
    "'interview_scheduled', :start, 'fixed', 0, :due, :false, 'open', :seq, NULL)",
    "close": "UPDATE deadlines SET status = 'closed', closed_seq = :seq WHERE id = :did",
    "left_at": "SELECT seq FROM history WHERE case_id = :id AND from_state = :state "
    "AND to_state != :state ORDER BY seq DESC LIMIT 1",
    "reopen": "SELECT * FROM deadlines WHERE case_id = :id AND status = 'closed' "
    "AND closed_seq = :seq",
    "all_history": "SELECT * FROM history WHERE case_id = :id ORDER BY seq",
}
PG_SQL = {k: re.sub(r":(\w+)", r"%(\1)s", v) for k, v in RAW_SQL.items()}


def raw_op(
    con: Any, sql: dict[str, str], pg: bool, case_id: int, ev: str, read_history: bool = True
) -> None:
    """The same statements through the bare driver; ``con`` is sqlite3 or psycopg."""
    cur = con.cursor()
    cur.execute(sql["joined"], {"id": case_id})
    rows = cur.fetchall()
    case = dict(zip([c.name for c in C.c], rows[0], strict=False))
    first = len(C.c) + len(O.c) + len(P.c)
    dcols = [c.name for c in D.c]
    open_now = [
        dict(zip(dcols, r[first : first + len(dcols)], strict=True))
        for r in rows
        if r[first] is not None
    ]
    seq = case["seq"] + 1
    at: Any = WHEN_NAIVE if pg else WHEN_SQLITE
    recorded = datetime.now(UTC).replace(tzinfo=None)
    if ev == "record_statement":
        before = after = case["state"]
        stack = case["stack"]
    elif ev == "schedule_interview":
        before, after = "appointed", SCHEDULED
        stack = f"{before}||"
    else:
        before, after = SCHEDULED, "appointed"
        stack = ""
    cur.execute(
        sql["update"],
        {"seq": seq, "at": at, "version": case["version"] + 1, "state": after,
         "stack": stack, "id": case_id, "old": case["version"]},
    )  # fmt: skip
    if cur.rowcount != 1:
        raise RuntimeError("lost update")
    data = '{"date": "2026-12-10"}' if ev == "schedule_interview" else "{}"
    cur.execute(
        sql["history"],
        {"id": case_id, "seq": seq, "event": ev, "before": before, "after": after, "at": at,
         "recorded": recorded if pg else recorded.isoformat(sep=" "),
         "reason": None if ev == "schedule_interview" else REASON, "data": data,
         "zero": GENESIS},
    )  # fmt: skip
    if ev == "schedule_interview":
        for kind, due in (("interview", INTERVIEW), ("service", SERVICE_DUE)):
            cur.execute(
                sql["deadline"],
                {"id": case_id, "kind": kind,
                 "start": NOW.date() if pg else NOW.date().isoformat(),
                 "due": due if pg else due.isoformat(), "false": False if pg else 0,
                 "seq": seq},
            )  # fmt: skip
    elif ev == "cancel_interview":
        for d in open_now:
            if SCHEDULED in d["owner"].split(","):
                cur.execute(sql["close"], {"seq": seq, "did": d["id"]})
        cur.execute(sql["left_at"], {"id": case_id, "state": after})
        row = cur.fetchone()
        cur.execute(sql["reopen"], {"id": case_id, "seq": row[0] if row else None})
        cur.fetchall()
    if read_history:
        cur.execute(sql["all_history"], {"id": case_id})
        cur.fetchall()
    con.commit()


def sqlite_raw(url: str) -> sqlite3.Connection:
    con = sqlite3.connect(sqlite_file(url))  # deferred: BEGIN before the first write
    con.execute("PRAGMA synchronous=FULL")
    con.execute("PRAGMA foreign_keys=ON")
    con.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    return con


# --- the benchmark -------------------------------------------------------------------------


def count_statements(engine: Engine, fn: Callable[[], object]) -> int:
    return len(statements_on(engine, fn))


def stored_snapshot(engine: Engine) -> dict[str, Any] | None:
    """The context of an interview notice the service issued (to render the same page)."""
    if NOTICES is None:
        return None
    with engine.connect() as conn:
        snap = conn.execute(
            select(NOTICES.c.snapshot)
            .where(NOTICES.c.type == "interview_notice")
            .order_by(NOTICES.c.id.desc())
            .limit(1)
        ).scalar()
    if isinstance(snap, str):
        snap = json.loads(snap)
    return snap if isinstance(snap, dict) else None


def measure(url: str, backend: str, rounds: int, batch: int) -> list[Row]:
    pg = backend == "PostgreSQL"
    pool = 3 * batch
    dataset.build(url, 10 * pool, matching=pool, overdue=pool)
    layout = dataset.Layout(10 * pool, pool, pool)
    proposed = sorted(layout.matching)
    appointed = [i for i in range(1, 10 * pool + 1) if dataset._kind(layout, i) == "appointed"]
    office = make_office(url)
    engine = office.runtime.database.engine()
    con: Any
    if pg:
        import psycopg

        con = psycopg.connect(psycopg_conninfo(url))
        sql = PG_SQL
    else:
        con = sqlite_raw(url)
        sql = RAW_SQL
    names = ["service", "core", "raw"]
    statement_pool = {n: proposed[k * batch : (k + 1) * batch] for k, n in enumerate(names)}
    pair_pool = {n: appointed[k * batch : (k + 1) * batch] for k, n in enumerate(names)}
    # Warm every path up once (caches, compiled SQL, the calendar, templates).
    history = service_op(office, statement_pool["service"][0], "record_statement")
    service_op(office, pair_pool["service"][0], "schedule_interview")
    snapshot = stored_snapshot(engine)
    notice = NoticeBaseline(snapshot) if snapshot is not None else None
    service_op(office, pair_pool["service"][0], "cancel_interview")

    ops: dict[str, Callable[[int, str], object]] = {
        "service": lambda cid, ev: service_op(office, cid, ev),
        "core": lambda cid, ev: core_op(engine, cid, ev, notice, history),
        "raw": lambda cid, ev: raw_op(con, sql, pg, cid, ev, history),
    }
    for n in names[1:]:
        ops[n](statement_pool[n][0], "record_statement")
        ops[n](pair_pool[n][0], "schedule_interview")
        ops[n](pair_pool[n][0], "cancel_interview")

    def statement(n: str) -> Callable[[], float]:
        return lambda: per_op(lambda i: ops[n](statement_pool[n][i], "record_statement"), batch)

    schedule: dict[str, list[float]] = {n: [] for n in names}

    def pair(n: str) -> Callable[[], float]:
        def run() -> float:
            schedule[n].append(
                per_op(lambda i: ops[n](pair_pool[n][i], "schedule_interview"), batch)
            )
            return per_op(lambda i: ops[n](pair_pool[n][i], "cancel_interview"), batch)

        return run

    rs = interleaved({n: statement(n) for n in names}, rounds)
    rc = interleaved({n: pair(n) for n in names}, rounds)

    def stmts(n: str, cid: int, ev: str) -> int:
        return count_statements(engine, lambda: ops[n](cid, ev))

    counts = {
        (n, ev): stmts(n, cid, ev)
        for n in ("service", "core")
        for ev, cid in (
            ("record_statement", proposed[0]),
            ("schedule_interview", appointed[0]),
            ("cancel_interview", appointed[0]),
        )
    }
    con.close()
    office.close()
    floor = "psycopg" if pg else "sqlite3"
    where = "SQLite file (WAL, synchronous=FULL)" if not pg else "PostgreSQL 127.0.0.1"

    def n_sql(ev: str) -> str:
        return f"SQL statements: service {counts[('service', ev)]}, Core {counts[('core', ev)]}"

    rows = [
        compare("1", f"advance record_statement, {backend}: service", "s", rs["service"],
                "Core txn", rs["core"], limit=2.0, note=f"{where}; {n_sql('record_statement')}"),
        compare("1", f"advance record_statement, {backend}: Core", "s", rs["core"],
                f"raw {floor}", rs["raw"]),
        compare("1", f"advance cancel_interview, {backend}: service", "s", rc["service"],
                "Core txn", rc["core"], limit=2.0, note=n_sql("cancel_interview")),
        compare("1", f"advance cancel_interview, {backend}: Core", "s", rc["core"],
                f"raw {floor}", rc["raw"]),
    ]  # fmt: skip
    if notice is not None:
        rows.append(
            compare(
                "1", f"advance schedule_interview (notice), {backend}: service", "s",
                schedule["service"], "Core txn + Jinja2", schedule["core"], limit=1.2,
                note=f"creates an interview notice; {n_sql('schedule_interview')}",
            )
        )  # fmt: skip
    return rows


def run(s: Scratch, quick: bool) -> list[Row]:
    rounds, batch = (3, 20) if quick else (7, 50)
    rows = measure(s.sqlite("advance"), "SQLite", rounds, batch)
    url = s.pg("advance")
    if url is not None:
        rows += measure(url, "PostgreSQL", rounds, batch)
        s.drop_pg(url)
    return rows


if __name__ == "__main__":
    from bench.common import table

    with scratch() as sc:
        print(table(run(sc, "--quick" in sys.argv)))
