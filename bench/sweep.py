"""Reminder sweep time: 1,000 due deadlines among 10,000 and among 1,000,000 open ones.

    python bench/sweep.py [--quick] [--rounds N]

The sweep must cost what is due, not what is open: the larger database must take less than
twice as long as the smaller one (issue 3). Both SQLite databases are built with bulk Core
inserts; each holds the same ``due`` open deadlines with a message due at 2026-11-27 10:00
(a quarter each: reminders 3 working days ahead, reminders on the day, overdue office
deadlines with their escalation, and closed party windows) among deadlines that fall due
from 2027 on. Figures, per size (median of the rounds, interleaved):

- first sweep: ``reminders.queue_due`` finds the due work, renders every message and
  writes it to the outbox (the outbox is emptied before each round);
- idle sweep: the same again right after, with nothing new (what the scheduler pays every
  five minutes).

``--quick`` uses 10x smaller sizes (100 due among 1,000 and 100,000). A benchmark, not a
test: it always exits 0 and says whether the target was met. ``bench/run.py`` runs it
with target 4 (listings).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, delete, event, insert, text  # noqa: E402

from bench.base import NOW  # noqa: E402
from bench.common import (  # noqa: E402
    Row,
    Scratch,
    compare,
    interleaved,
    make_office,
    scratch,
    table,
)
from bench.dataset import DEV_CIPHER  # noqa: E402
from supervise.adapters.orm import (  # noqa: E402
    cases,
    deadlines,
    organizations,
    outbox,
    persons,
    users,
)
from supervise.office import Office  # noqa: E402
from supervise.services.reminders import sweep  # noqa: E402

CHUNK = 20_000
TODAY = NOW.date()  # Friday 2026-11-27
CREATED = NOW - timedelta(days=30)
FAR = date(2027, 3, 1)


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _deadline(i: int, due_count: int, n: int) -> dict[str, Any]:
    """Deadline of case ``i``: the first ``due_count`` spread evenly over the ids are due."""
    step = n // due_count
    kind, nature, due, state = "rectification", "office", FAR + timedelta(days=i % 1000), None
    if i % step == 0 and i // step < due_count:
        quarter = (i // step) % 4
        if quarter == 0:  # a reminder 3 working days ahead (Wed 12-02)
            kind, nature, due = "interview", "office", date(2026, 12, 2)
        elif quarter == 1:  # a reminder on the day
            kind, nature, due = "decision", "office", TODAY
        elif quarter == 2:  # overdue since 11-20: repeat 2 today, with its escalation
            kind, nature, due = "replacement", "office", date(2026, 11, 19)
        else:  # a party's window closed yesterday
            kind, nature, due = "defence_window", "window", date(2026, 11, 26)
            state = "warning_proposed"
    return {
        "case_id": i,
        "kind": kind,
        "nature": nature,
        "owner": state or "rectifying",
        "start": date(2026, 10, 1),
        "rule": "fixed",
        "amount": 0,
        "due": due,
        "provisional": due.year >= 2027,
        "status": "open",
        "opened_seq": 1,
        "closed_seq": None,
    }


def build(url: str, n: int, due_count: int) -> float:
    """Fill a migrated, empty SQLite database with ``n`` cases, one open deadline each."""
    start = time.perf_counter()
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA synchronous=OFF")

    orgs = max(1, n // 20)
    people = max(1, n // 2)
    step = n // due_count
    with engine.begin() as conn:
        conn.execute(
            insert(users),
            [
                {
                    "id": 1,
                    "name": "wang",
                    "email": "wang@example.org",
                    "role": "director",
                    "reports_to_id": None,
                    "created_at": CREATED,
                    "version": 1,
                    "districts": [],
                    "disabled": False,
                },
                {
                    "id": 2,
                    "name": "zhang",
                    "email": "zhang@example.org",
                    "role": "supervisor",
                    "reports_to_id": 1,
                    "created_at": CREATED,
                    "version": 1,
                    "districts": [],
                    "disabled": False,
                },
            ],
        )
        for batch in _chunks(
            {
                "id": k,
                "name": f"组织{k}",
                "credit_code": f"{k:018d}",
                "kind": "social-group",
                "charity": False,
                "district": "渝中区",
                "township": None,
                "email": None,
                "status": "active",
                "created_at": CREATED,
                "version": 1,
                "professional": False,
                "services": [],
            }
            for k in range(1, orgs + 1)
        ):
            conn.execute(insert(organizations), batch)
        for batch in _chunks(
            {
                "id": k,
                "name": f"人员{k}",
                **dict(
                    zip(
                        ("id_number_enc", "id_number_hmac"),
                        DEV_CIPHER.seal(f"5001031980{k:08d}"),
                        strict=True,
                    )
                ),
                "email": None,
                "created_at": CREATED,
                "version": 1,
            }
            for k in range(1, people + 1)
        ):
            conn.execute(insert(persons), batch)
        for batch in _chunks(
            {
                "id": i,
                "organization_id": (i - 1) // 20 + 1,
                "person_id": (i - 1) % people + 1,
                "role": "秘书长",
                "state": "warning_proposed"
                if (i % step == 0 and (i // step) % 4 == 3 and i // step < due_count)
                else "rectifying",
                "stack": "",
                "proceeding_basis": "shetuan-30",
                "statement_waived": False,
                "hearing_recorded": False,
                "supervisor": "zhang",
                "last_event_at": CREATED,
                "seq": 1,
                "created_at": CREATED,
                "version": 1,
            }
            for i in range(1, n + 1)
        ):
            conn.execute(insert(cases), batch)
        for batch in _chunks(_deadline(i, due_count, n) for i in range(1, n + 1)):
            conn.execute(insert(deadlines), batch)
    engine.dispose()
    return time.perf_counter() - start


def sweep_once(office: Office, *, fresh: bool) -> tuple[float, int]:
    """Seconds one ``queue_due`` takes, and how many messages it queued."""
    if fresh:
        with office.runtime.database.engine().begin() as conn:
            conn.execute(delete(outbox))
    start = time.perf_counter()
    report = sweep.queue_due(office.runtime)
    return time.perf_counter() - start, len(report.queued)


def plan_of(office: Office) -> list[str]:
    """SQLite's plan for the sweep's selection of due deadlines."""
    from supervise.services.reminders.store import deadline_rows_query

    query = deadline_rows_query().where(
        deadlines.c.due < date(2026, 12, 3), deadlines.c.nature != "term"
    )
    compiled = query.compile(
        office.runtime.database.engine(), compile_kwargs={"literal_binds": True}
    )
    with office.runtime.database.engine().connect() as conn:
        return [row[-1] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))]


def measure(s: Scratch, quick: bool, rounds: int = 3) -> tuple[list[Row], list[str]]:
    """The sweep's rows (target 4 of ``bench/run.py``) and what it printed on the way."""
    scale = 10 if quick else 1
    due = 1_000 // scale
    sizes = {"small": 10_000 // scale, "large": 1_000_000 // scale}
    said: list[str] = []
    apps: dict[str, Office] = {}
    for label, n in sizes.items():
        url = s.sqlite(f"sweep{n}")
        seconds = build(url, n, due)
        said.append(f"built {n:,} open deadlines ({due:,} due) in {seconds:.1f} s")
        apps[label] = make_office(url, now=NOW)
    said.append("plan: " + "; ".join(plan_of(apps["large"])))
    queued: dict[str, int] = {}

    def first(label: str) -> float:
        seconds, count = sweep_once(apps[label], fresh=True)
        queued[label] = count
        return seconds

    def idle(label: str) -> float:
        return sweep_once(apps[label], fresh=False)[0]

    firsts = interleaved({k: (lambda k=k: first(k)) for k in sizes}, rounds)
    idles = interleaved({k: (lambda k=k: (first(k), idle(k))[1]) for k in sizes}, rounds)
    for office in apps.values():
        office.close()
    said.append(
        f"messages queued per first sweep: {queued['small']:,} (small), "
        f"{queued['large']:,} (large); rounds: {rounds}; now: {NOW.isoformat()}"
    )
    rows = [
        compare(
            "4", f"reminder sweep, {what}, {due:,} due among {sizes['large']:,} open, SQLite",
            "s", samples["large"], f"among {sizes['small']:,} open", samples["small"],
            limit=2.0,
        )
        for what, samples in (("first (queue + render)", firsts), ("idle", idles))
    ]  # fmt: skip
    return rows, said


def run(s: Scratch, quick: bool) -> list[Row]:
    return measure(s, quick)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller sizes")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with scratch() as s:
        rows, said = measure(s, args.quick, args.rounds)
    print("\n".join(said))
    print()
    print(table(rows))


if __name__ == "__main__":
    main()
