"""Migration 0002 creates exactly the users and outbox tables of adapters/orm."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, insert
from sqlalchemy.exc import IntegrityError

from supervise.adapters.orm import metadata, outbox
from supervise.db import KNOWN_REVISIONS

MINE = {"users", "outbox"}


def _table_of(diff: Any) -> str:
    """The table an Alembic autogenerate difference is about."""
    if isinstance(diff, list):  # modify_* ops: (op, schema, table, column, ...)
        return str(diff[0][2])
    op, *args = diff
    if op in ("add_column", "remove_column"):
        return str(args[1])
    item = args[0]
    if op in ("add_table", "remove_table"):
        return str(item.name)
    if op in ("add_fk", "remove_fk"):
        return str(item.parent.name)
    return str(item.table.name)  # indexes and constraints


def test_migration_matches_the_tables(db_url: str) -> None:
    assert KNOWN_REVISIONS[:2] == ("0001", "0002")
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if _table_of(d) in MINE]
    engine.dispose()
    assert diffs == []


def test_the_outbox_key_refuses_a_second_row(db_url: str) -> None:
    row = {
        "kind": "digest",
        "deadline_id": None,
        "case_id": None,
        "step": 0,
        "recipient": "user:zhang",
        "day": date(2026, 11, 27),
        "step_on": date(2026, 11, 27),
        "message_id": "<x@y>",
        "status": "pending",
        "late": False,
        "queued_at": datetime(2026, 11, 27, tzinfo=UTC),
        "attempts": 0,
    }
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(insert(outbox), [row])
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(insert(outbox), [row])
    with engine.begin() as conn:  # another day, another digest
        conn.execute(insert(outbox), [{**row, "day": date(2026, 11, 30)}])
    engine.dispose()
