"""Build a big supervise database fast: bulk inserts straight into the migrated tables.

The rows look like what the service writes (the same columns, encodings and histories);
going around the service is what makes 1,000,000 cases buildable in a minute or two.

Layout of ``n`` cases (ids 1..n), with ``step = n // matching``:
- ``matching`` cases in ``warning_proposed`` (ids ``1 + k*step + step//3``), each with an
  open defence window and decision deadline: ``case list --state warning_proposed``;
- ``overdue`` cases in ``rectifying`` whose rectification deadline passed (ids
  ``1 + k*step + 2*step//3``): ``case list --overdue``;
- the rest by ``id % 10``: 0-6 appointed, 7 rectifying (deadline in the future, a closed
  interview deadline in the past), 8 left, 9 interview_scheduled (an open interview date).
Organizations hold 20 cases each; each person holds two posts.

``only="matching"`` (or another kind) lays out every case alike instead: the peers
benchmark compares bytes per case after the same steps on every case.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bench.base import NOW, psycopg_conninfo, sqlite_file
from supervise.adapters.personal_data import DEVELOPMENT_KEY, Cipher, parse_ring
from supervise.chain import GENESIS, history_hash

STATE = "warning_proposed"  # the state `case list --state` asks for
BASIS = "shetuan-30"  # the one basis that allows a warning for a social group
CASES_PER_ORG = 20
TODAY = NOW.date()
# Due dates spread out as in a real register: closed ones over the past years, open ones
# over the coming months, overdue ones over the last weeks (keyed by case id).
PAST, FUTURE, LATE = "past", "future", "late"
SPREAD = {PAST: (-3 * 365, -40), FUTURE: (1, 120), LATE: (-30, -1)}
CREATED = (NOW - timedelta(days=400)).astimezone(UTC).replace(tzinfo=None)
EVENT_AT = (NOW - timedelta(days=30)).astimezone(UTC).replace(tzinfo=None)

ORG_COLS = (
    "id name credit_code kind charity district township email status created_at version "
    "professional services"
)
PERSON_COLS = "id name id_number_enc id_number_hmac email created_at version"
DEV_CIPHER = Cipher(parse_ring(DEVELOPMENT_KEY, "the development key"))
CASE_COLS = (
    "id organization_id person_id role state stack proceeding_basis statement_waived "
    "hearing_recorded supervisor last_event_at seq created_at version chain_head"
)
HISTORY_COLS = (
    "case_id seq event from_state to_state at recorded_at by reason basis data prev_hash hash"
)
DEADLINE_COLS = (
    "case_id kind nature owner start rule amount due provisional status opened_seq closed_seq"
)


class Layout:
    def __init__(
        self, n: int, matching: int = 100, overdue: int = 100, only: str | None = None
    ) -> None:
        self.n = n
        self.only = only
        if only is not None:
            if only not in KINDS:
                raise ValueError(f"no kind of case {only!r}; one of {', '.join(KINDS)}")
            matching = overdue = 0
        step = n // max(matching, overdue, 1)
        if step < 3 and only is None:
            raise ValueError(f"{n} cases cannot hold {matching} matching and {overdue} overdue")
        self.matching = frozenset(1 + k * step + step // 3 for k in range(matching))
        self.overdue = frozenset(1 + k * step + 2 * step // 3 for k in range(overdue))
        self.orgs = max(1, (n + CASES_PER_ORG - 1) // CASES_PER_ORG)
        self.persons = max(1, n // 2)

    def person_of(self, case_id: int) -> int:
        return (case_id - 1) % self.persons + 1

    def org_of(self, case_id: int) -> int:
        return (case_id - 1) // CASES_PER_ORG + 1

    def event_at(self, case_id: int) -> datetime:
        """When the case's steps happened (the reports benchmark archives most of them)."""
        return EVENT_AT


def _kind(layout: Layout, i: int) -> str:
    if layout.only is not None:
        return layout.only
    if i in layout.matching:
        return "matching"
    if i in layout.overdue:
        return "overdue"
    r = i % 10
    if r <= 6:
        return "appointed"
    return ("rectifying", "left", "interview")[r - 7]


# Per kind: state, stack, basis, seq, history (event, from, to), deadlines
# (kind, nature, owner, rule, amount, due, status, opened_seq, closed_seq).
_H = tuple[str, str | None, str]
_D = tuple[str, str, str, str, int, str, str, int, int | None]
KINDS: dict[str, tuple[str, str, str | None, list[_H], list[_D]]] = {
    "appointed": ("appointed", "", None, [("appoint", None, "appointed")], []),
    "left": (
        "left",
        "",
        None,
        [("appoint", None, "appointed"), ("leave", "appointed", "left")],
        [],
    ),
    "interview": (
        "interview_scheduled",
        "appointed||",
        None,
        [
            ("appoint", None, "appointed"),
            ("schedule_interview", "appointed", "interview_scheduled"),
        ],
        [("interview", "office", "interview_scheduled", "fixed", 0, FUTURE, "open", 2, None)],
    ),
    "rectifying": (
        "rectifying",
        "",
        None,
        [
            ("appoint", None, "appointed"),
            ("schedule_interview", "appointed", "interview_scheduled"),
            ("record_interview", "interview_scheduled", "rectifying"),
        ],
        [
            ("interview", "office", "interview_scheduled", "fixed", 0, PAST, "closed", 2, 3),
            ("rectification", "office", "rectifying", "calendar", 30, FUTURE, "open", 3, None),
        ],
    ),
    "overdue": (
        "rectifying",
        "",
        None,
        [
            ("appoint", None, "appointed"),
            ("schedule_interview", "appointed", "interview_scheduled"),
            ("record_interview", "interview_scheduled", "rectifying"),
        ],
        [
            ("interview", "office", "interview_scheduled", "fixed", 0, PAST, "closed", 2, 3),
            ("rectification", "office", "rectifying", "calendar", 30, LATE, "open", 3, None),
        ],
    ),
    "matching": (
        STATE,
        "appointed||",
        BASIS,
        [("appoint", None, "appointed"), ("propose_warning", "appointed", STATE)],
        [
            ("defence_window", "window", STATE, "workdays", 3, FUTURE, "open", 2, None),
            ("decision", "office", STATE, "calendar", 90, FUTURE, "open", 2, None),
        ],
    ),
}


def due_date(when: str, case_id: int) -> date:
    low, high = SPREAD[when]
    return TODAY + timedelta(days=low + (case_id * 7919) % (high - low + 1))


def rows(layout: Layout) -> dict[str, Iterator[tuple[Any, ...]]]:
    """The rows of each table, in column order, as Python values."""

    def orgs() -> Iterator[tuple[Any, ...]]:
        for o in range(1, layout.orgs + 1):
            yield (
                o, f"测试社会组织{o}", f"52500103{o:010d}", "social-group", True, "渝中区",
                None, None, "active", CREATED, 1, False, "[]",
            )  # fmt: skip

    def persons() -> Iterator[tuple[Any, ...]]:
        # Sealed as supervise seals them, under the PUBLIC development key.
        for p in range(1, layout.persons + 1):
            yield (p, f"负责人{p}", *DEV_CIPHER.seal(f"500103{p:012d}"), None, CREATED, 1)

    def chained(i: int) -> list[tuple[Any, ...]]:
        """Case ``i``'s history rows, hash-chained as supervise writes them."""
        _, _, basis, hist, _ = KINDS[_kind(layout, i)]
        at = layout.event_at(i)
        out, prev = [], GENESIS
        for seq, (event, before, after) in enumerate(hist, start=1):
            fields = {
                "case_id": i, "seq": seq, "event": event, "from_state": before,
                "to_state": after, "at": at, "recorded_at": at, "by": "bench",
                "reason": None, "basis": basis if event == "propose_warning" else None,
                "data": {},
            }  # fmt: skip
            digest = history_hash(prev, fields)
            out.append((*list(fields.values())[:-1], "{}", prev, digest))
            prev = digest
        return out

    def cases() -> Iterator[tuple[Any, ...]]:
        for i in range(1, layout.n + 1):
            state, stack, basis, hist, _ = KINDS[_kind(layout, i)]
            rows = chained(i)
            yield (
                i, layout.org_of(i), layout.person_of(i), "秘书长", state, stack, basis,
                False, False, "bench", EVENT_AT, len(hist), CREATED, 1,
                rows[-1][-1] if rows else None,
            )  # fmt: skip

    def history() -> Iterator[tuple[Any, ...]]:
        for i in range(1, layout.n + 1):
            yield from chained(i)

    def deadlines() -> Iterator[tuple[Any, ...]]:
        for i in range(1, layout.n + 1):
            for kind, nature, owner, rule, amount, due, status, opened, closed in KINDS[
                _kind(layout, i)
            ][4]:
                day = due_date(due, i)
                yield (
                    i, kind, nature, owner, min(day, TODAY), rule, amount, day, False, status,
                    opened, closed,
                )  # fmt: skip

    return {
        "data_keys": iter([(DEV_CIPHER.current.fingerprint,)]),
        "organizations": orgs(),
        "persons": persons(),
        "cases": cases(),
        "history": history(),
        "deadlines": deadlines(),
    }


COLUMNS = {
    "data_keys": "fingerprint",
    "organizations": ORG_COLS,
    "persons": PERSON_COLS,
    "cases": CASE_COLS,
    "history": HISTORY_COLS,
    "deadlines": DEADLINE_COLS,
}


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, datetime):
        return v.isoformat(sep=" ", timespec="microseconds")
    if isinstance(v, date):
        return v.isoformat()
    return v


def build(
    url: str,
    n: int,
    matching: int = 100,
    overdue: int = 100,
    only: str | None = None,
    layout: Layout | None = None,
) -> float:
    """Fill the migrated, empty database at ``url``; return the seconds it took."""
    start = time.perf_counter()
    layout = layout or Layout(n, matching, overdue, only)
    data = rows(layout)
    if url.startswith("sqlite"):
        con = sqlite3.connect(sqlite_file(url), isolation_level=None)
        con.execute("PRAGMA synchronous=OFF")
        con.execute("BEGIN")
        for table, gen in data.items():
            cols = COLUMNS[table].split()
            quoted = ", ".join(f'"{c}"' for c in cols)
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(cols))})"
            con.executemany(sql, (tuple(_sqlite_value(v) for v in row) for row in gen))
        con.execute("COMMIT")
        con.close()
    else:
        import psycopg

        with psycopg.connect(psycopg_conninfo(url)) as conn:
            with conn.cursor() as cur:
                for table, gen in data.items():
                    quoted = ", ".join(f'"{c}"' for c in COLUMNS[table].split())
                    with cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                        for row in gen:
                            copy.write_row(row)
                for table in COLUMNS.keys() - {"data_keys"}:
                    cur.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
            conn.commit()
            conn.autocommit = True
            # Autovacuum would gather these statistics within a minute of a real bulk load.
            conn.execute("ANALYZE")
    return time.perf_counter() - start
