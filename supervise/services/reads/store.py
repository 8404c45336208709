"""The SQL of the read commands, in Core (service layer): `case show`, `case list`,
`case next` and `bans check`.

The same rows as the ORM's queries (``services/cases/store.py``), read as plain Core rows
and turned into the domain classes here, so that a read command neither imports nor
configures the ORM (issue 13, target 3: a read command starts faster than
``import sqlalchemy.orm`` alone). Each function runs on the caller's unit of work (its Core
connection: the session's, when it has one) and never commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Row, Select, select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.adapters.personal_data import Cipher, cipher_from
from supervise.banterm import IN_FORCE, bars
from supervise.services.cases.store import RUNNING, CaseNotFound, CaseRow
from supervise.states import CaseState

T = TypeVar("T")

_CASE_KEYS = tuple(cases_table.c.keys())
_ORG_KEYS = tuple(orgs_table.c.keys())
_PERSON_KEYS = tuple(persons_table.c.keys())
_ORG_AT = len(_CASE_KEYS)
_PERSON_AT = _ORG_AT + len(_ORG_KEYS)


def _make(cls: type[T], keys: Sequence[str], values: Sequence[Any]) -> T:
    # The mapping maps every column to the attribute of its name, so a Core row fills the
    # same attributes an ORM load would.
    return cls(**dict(zip(keys, values, strict=True)))


class _Persons:
    """Builds persons from rows, opening each sealed ID number (the cipher read once)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._cipher: Cipher | None = None

    def __call__(self, values: Sequence[Any]) -> model.Person:
        columns = dict(zip(_PERSON_KEYS, values, strict=True))
        if self._cipher is None:
            self._cipher = cipher_from(self._uow.personal_data)
        number = self._cipher.open(columns["id_number_enc"], columns["id_number_hmac"])
        return model.Person(**columns, id_number=number)


CaseQuery = Select[Any]


def cases_query(
    *,
    state: CaseState | None = None,
    org_id: int | None = None,
    person_id: int | None = None,
    limit: int | None = None,
    districts: Sequence[str] | None = None,
) -> CaseQuery:
    """Cases with their organization and person, matching every filter given, oldest
    first; each filter is served by an index."""
    query = (
        select(cases_table, orgs_table, persons_table)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .join(persons_table, persons_table.c.id == cases_table.c.person_id)
        .order_by(cases_table.c.id)
    )
    if limit is not None:
        query = query.limit(limit)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(districts))
    if state is not None:
        query = query.where(cases_table.c.state == state)
    if org_id is not None:
        query = query.where(cases_table.c.organization_id == org_id)
    if person_id is not None:
        query = query.where(cases_table.c.person_id == person_id)
    return query


def _case_row(row: Row[Any], persons: _Persons) -> CaseRow:
    return (
        _make(model.Case, _CASE_KEYS, row[:_ORG_AT]),
        _make(model.Organization, _ORG_KEYS, row[_ORG_AT:_PERSON_AT]),
        persons(row[_PERSON_AT:]),
    )


def load_case(uow: UnitOfWork, case_id: int, districts: Sequence[str] | None = None) -> CaseRow:
    """The case with its organization and person, in one statement; a case outside
    ``districts`` (when given) is not found, not shown to exist."""
    query = cases_query(districts=districts).where(cases_table.c.id == case_id)
    row = uow.connection.execute(query).first()
    if row is None:
        raise CaseNotFound(case_id)
    return _case_row(row, _Persons(uow))


def stream_cases(uow: UnitOfWork, query: CaseQuery, batch: int) -> Iterator[list[CaseRow]]:
    """The rows of ``query`` in batches of ``batch``; ``yield_per`` in the query's execution
    options streams them from the server."""
    persons = _Persons(uow)
    for rows in uow.connection.execute(query).partitions(batch):
        yield [_case_row(row, persons) for row in rows]


def running_deadlines(uow: UnitOfWork, case_id: int) -> list[model.Deadline]:
    """Deadlines that run, and windows waiting for their notice to be served."""
    d = deadlines_table.c
    rows = uow.connection.execute(
        select(deadlines_table)
        .where(d.case_id == case_id, d.status.in_(RUNNING))
        .order_by(d.due, d.id)
    )
    keys = tuple(deadlines_table.c.keys())
    return [_make(model.Deadline, keys, row) for row in rows]


def history_of(uow: UnitOfWork, case_id: int) -> list[model.HistoryEntry]:
    h = history_table.c
    rows = uow.connection.execute(select(history_table).where(h.case_id == case_id).order_by(h.seq))
    keys = tuple(history_table.c.keys())
    return [_make(model.HistoryEntry, keys, row) for row in rows]


def _bans(uow: UnitOfWork, where: Any) -> list[model.Ban]:
    rows = uow.connection.execute(
        select(bans_table).where(where, bans_table.c.status.in_(IN_FORCE))
    )
    keys = tuple(bans_table.c.keys())
    return [_make(model.Ban, keys, row) for row in rows]


def case_bans(uow: UnitOfWork, case_id: int) -> list[model.Ban]:
    """The case's bans still in force in the registry (a decided, unserved ban: pending)."""
    return _bans(uow, bans_table.c.case_id == case_id)


def active_bans(uow: UnitOfWork, person_id: int, on: date) -> list[model.Ban]:
    """The person's bans that bar a post on ``on``, a pending one included."""
    return [b for b in _bans(uow, bans_table.c.person_id == person_id) if bars(b, on)]


def person_by_id_number(uow: UnitOfWork, number: str) -> model.Person | None:
    """The person with this (normalized) number: one probe of the keyed-hash index, after
    checking that the ring holds every key the database's numbers are under."""
    cipher = cipher_from(uow.personal_data)
    cipher.check(uow.connection)
    row = uow.connection.execute(
        select(persons_table).where(persons_table.c.id_number_hmac.in_(cipher.indexes(number)))
    ).first()
    return None if row is None else _Persons(uow)(row)
