"""Small helpers the integration tests share (the story itself is ``supervise.story``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import create_engine, select, text

from supervise.adapters.orm import audit
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
