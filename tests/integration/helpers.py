"""Small helpers the integration tests share (the story itself is ``supervise.story``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, select, text

from supervise.adapters.orm import audit, history
from supervise.chain import GENESIS, history_hash
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import DETAILS, drive_to, with_inputs
from supervise.views import AdvanceResult
from tests.conftest import open_case


def advance(
    office: Office, case_id: int, event: str, at: datetime | None = None, **inputs: Any
) -> AdvanceResult:
    """office.advance with the event's default notice content (``story.DETAILS``) and
    options (``story.INPUTS``: a ban proposal's term, a hearing's hour)."""
    return office.advance(
        case_id, event, at=at, details=DETAILS.get(event), **with_inputs(event, inputs)
    )


def case_in(office: Office, state: CaseState, **kwargs: Any) -> int:
    """A fresh case (``open_case`` keywords) brought to ``state`` along ``story.PATHS``."""
    case_id = open_case(office, **kwargs)
    drive_to(office, case_id, state)
    return case_id


def kinds(office: Office, case_id: int, *, service: bool = False) -> list[str]:
    """The kinds of the case's open deadlines (service duties left out unless asked)."""
    return [d.kind for d in office.case(case_id).deadlines if service or d.kind != "service"]


@contextmanager
def write_lock(db_url: str, table: str, row_id: int) -> Iterator[None]:
    """Hold the writer's lock while the body runs: SQLite's write lock (BEGIN IMMEDIATE), or
    on PostgreSQL the row ``row_id`` of ``table`` locked FOR UPDATE."""
    if db_url.startswith("sqlite"):
        conn = sqlite3.connect(db_url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()
        return
    engine = create_engine(db_url)
    with engine.connect() as conn:
        trans = conn.begin()
        conn.execute(text(f"SELECT id FROM {table} WHERE id = :id FOR UPDATE"), {"id": row_id})
        try:
            yield
        finally:
            trans.rollback()
    engine.dispose()


def audit_rows(office: Office) -> list[dict[str, Any]]:
    """Every row of the audit table, oldest first (read past the library API on purpose)."""
    engine = create_engine(office.runtime.db_url)
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(select(audit).order_by(audit.c.id))]
    engine.dispose()
    return rows


def _tamper(conn: Any, statement: str, **params: object) -> None:
    pg = conn.dialect.name == "postgresql"
    if pg:  # as the tables' owner can
        conn.execute(text("ALTER TABLE history DISABLE TRIGGER history_append_only"))
    conn.execute(text(statement), params)
    if pg:
        conn.execute(text("ALTER TABLE history ENABLE TRIGGER history_append_only"))


def rewrite_chain(office: Office, case_id: int, seq: int, reason: str) -> None:
    """Change step ``seq``'s reason, then recompute the case's whole chain and its head, as
    someone with write access would so that the chain agrees with itself."""
    engine = create_engine(office.runtime.db_url)
    try:
        with engine.begin() as conn:
            _tamper(
                conn,
                "UPDATE history SET reason = :r WHERE case_id = :c AND seq = :s",
                r=reason,
                c=case_id,
                s=seq,
            )
            rows = [
                dict(r._mapping)
                for r in conn.execute(
                    select(history).where(history.c.case_id == case_id).order_by(history.c.seq)
                )
            ]
            prev = GENESIS
            for row in rows:
                digest = history_hash(prev, row)
                _tamper(
                    conn,
                    "UPDATE history SET prev_hash = :p, hash = :h WHERE id = :i",
                    p=prev,
                    h=digest,
                    i=row["id"],
                )
                prev = digest
            conn.execute(
                text("UPDATE cases SET chain_head = :h WHERE id = :c"), {"h": prev, "c": case_id}
            )
    finally:
        engine.dispose()
