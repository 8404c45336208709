"""The SQL of imports and exports (service layer): Core queries and bulk statements."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, select

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import cases, organizations, persons
from supervise.adapters.personal_data import lookup_indexes, open_number, seal_for_insert


def stream(uow: UnitOfWork, query: Select[Any], batch: int) -> Iterator[Row[Any]]:
    """The rows of ``query``, fetched ``batch`` at a time (server-side on PostgreSQL)."""
    result = uow.session.execute(query.execution_options(yield_per=batch))
    for part in result.partitions(batch):
        yield from part


def orgs_query() -> Select[Any]:
    return select(organizations).order_by(organizations.c.id)


def cases_query() -> Select[Any]:
    return (
        select(
            cases.c.id,
            cases.c.organization_id,
            organizations.c.name.label("org_name"),
            organizations.c.credit_code,
            organizations.c.district,
            cases.c.person_id,
            persons.c.name.label("person_name"),
            persons.c.id_number_enc,
            persons.c.id_number_hmac,
            cases.c.role,
            cases.c.state,
            cases.c.supervisor,
            cases.c.created_at,
            cases.c.last_event_at,
        )
        .join(organizations, organizations.c.id == cases.c.organization_id)
        .join(persons, persons.c.id == cases.c.person_id)
        .order_by(cases.c.id)
    )


_TABLES = {"orgs": (organizations, "credit_code"), "persons": (persons, "id_number")}


def id_number_of(uow: UnitOfWork, row: Row[Any]) -> str:
    """The clear number of a row holding ``id_number_enc`` and ``id_number_hmac``."""
    return open_number(uow.session, row.id_number_enc, row.id_number_hmac)


def stored_by_key(uow: UnitOfWork, kind: str, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored rows whose key is among ``keys`` (one query per call), by key; persons
    are found by the keyed hashes of their numbers (one index probe each)."""
    table, key = _TABLES[kind]
    if not keys:
        return {}
    if kind == "persons":
        by_index = {i: k for k in keys for i in lookup_indexes(uow.session, k)}
        query = select(table).where(table.c.id_number_hmac.in_(list(by_index)))
        found = {}
        for row in uow.session.execute(query):
            number = by_index[row.id_number_hmac]
            found[number] = {**dict(row._mapping), "id_number": number}
        return found
    rows = uow.session.execute(select(table).where(table.c[key].in_(keys)))
    return {row._mapping[key]: dict(row._mapping) for row in rows}


def insert_rows(uow: UnitOfWork, kind: str, rows: list[dict[str, Any]], now: datetime) -> None:
    """Insert ``rows`` (clean values) with one executemany through Core."""
    table, _ = _TABLES[kind]
    extra: dict[str, Any] = {"created_at": now, "version": 1}
    if kind == "orgs":
        extra["status"] = "active"
        # Issue 12's columns: not professional and no services unless the file says so.
        rows = [
            {"township": None, "email": None, "charity": False, "professional": False,
             "services": [], **r, **extra}
            for r in rows
        ]  # fmt: skip
    else:
        rows = [_sealed({"email": None, **r, **extra}, uow) for r in rows]
    uow.session.execute(table.insert(), rows)


def _sealed(row: dict[str, Any], uow: UnitOfWork) -> dict[str, Any]:
    clean = dict(row)
    clean["id_number_enc"], clean["id_number_hmac"] = seal_for_insert(
        uow.session, clean.pop("id_number")
    )
    return clean
