"""The SQL of the hash chains (service layer): history and audit rows in chain order."""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import audit as audit_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import history as history_table


def history_rows(
    uow: UnitOfWork, batch: int, case_id: int | None = None
) -> Generator[dict[str, Any], None, None]:
    """History rows in chain order (case, step), each with its case's recorded head and step
    count, streamed in batches (a server-side cursor on PostgreSQL)."""
    h, c = history_table.c, cases_table.c
    query = (
        select(history_table, c.chain_head, c.seq.label("case_seq"))
        .join(cases_table, c.id == h.case_id)
        .order_by(h.case_id, h.seq)
        .execution_options(yield_per=batch)
    )
    if case_id is not None:
        query = query.where(h.case_id == case_id)
    result = uow.session.execute(query)
    try:  # closed even when the walk stops early (PostgreSQL: a server-side cursor)
        for part in result.mappings().partitions(batch):
            yield from (dict(row) for row in part)
    finally:
        result.close()


def audit_rows(uow: UnitOfWork, batch: int) -> Generator[dict[str, Any], None, None]:
    query = select(audit_table).order_by(audit_table.c.id).execution_options(yield_per=batch)
    result = uow.session.execute(query)
    try:
        for part in result.mappings().partitions(batch):
            yield from (dict(row) for row in part)
    finally:
        result.close()


def case_without_history(uow: UnitOfWork) -> int | None:
    """A case that records a chain head but has no history row left."""
    h, c = history_table.c, cases_table.c
    return uow.session.scalar(
        select(c.id)
        .where(c.chain_head.is_not(None), ~select(h.id).where(h.case_id == c.id).exists())
        .limit(1)
    )


@dataclass(frozen=True)
class Heads:
    """Every chain's head at a moment: the last history id, each case's last row hash up to
    it (case-id order), the last audit id and its hash, and how many rows they cover."""

    history_id: int
    cases: list[tuple[int, str]]
    audit_id: int
    audit_head: str | None
    history_rows: int
    audit_rows: int


def heads_now(uow: UnitOfWork) -> Heads:
    """The chains' heads now (the rows counted come with the same reads).

    On PostgreSQL the history and audit tables are locked against writers (SHARE mode) for
    the moment it takes, so that no row with a smaller id commits after the ids are read;
    SQLite has one writer at a time, whose ids are in commit order already."""
    if uow.dialect == "postgresql":
        uow.session.execute(text("LOCK TABLE history, audit IN SHARE MODE"))
    h, a = history_table.c, audit_table.c
    history_id = int(uow.session.scalar(select(func.coalesce(func.max(h.id), 0))) or 0)
    last = (
        select(func.max(h.id).label("id"), func.count().label("n"))
        .where(h.id <= history_id)
        .group_by(h.case_id)
        .subquery()
    )
    heads: list[tuple[int, str]] = []
    history_rows = 0
    for case_id, digest, n in uow.session.execute(
        select(h.case_id, h.hash, last.c.n).join(last, last.c.id == h.id).order_by(h.case_id)
    ):
        heads.append((int(case_id), str(digest)))
        history_rows += int(n)
    row = uow.session.execute(
        select(a.id, a.hash, select(func.count()).select_from(audit_table).scalar_subquery())
        .order_by(a.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return Heads(history_id, heads, 0, None, history_rows, 0)
    return Heads(history_id, heads, int(row[0]), str(row[1]), history_rows, int(row[2]))
