"""The SQL of notices (service layer): numbers, supersession, the notices and their service."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.sql.dml import ReturningInsert

from supervise import model
from supervise.adapters.database import UnitOfWork, dialect_insert
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import notice_services, number_sequences
from supervise.adapters.orm import notices as notices_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.errors import NotFound


def allocate_number(uow: UnitOfWork, series: str, year: int) -> int:
    """The next number of (series, year), in one statement: the first of a year inserts 1,
    later ones add 1 to the row. The row lock makes concurrent issuers queue (PostgreSQL's
    ON CONFLICT DO UPDATE locks the row; SQLite has one writer), and a rollback returns the
    number, so numbers are never skipped or reused."""
    found = uow.session.connection().execute(
        _next_number(uow.dialect), {"series": series, "of_year": year}
    )
    return int(found.scalar_one())


@functools.cache
def _next_number(dialect: str) -> ReturningInsert[int]:
    # Built once per dialect: building it cost more than sending it.
    statement = dialect_insert(dialect)(number_sequences).values(
        type=bindparam("series"), year=bindparam("of_year"), last=1
    )
    upsert: ReturningInsert[int] = statement.on_conflict_do_update(
        index_elements=["type", "year"], set_={"last": number_sequences.c.last + 1}
    ).returning(number_sequences.c.last)
    return upsert


def insert_notice(uow: UnitOfWork, **values: Any) -> int:
    """Write a new active notice, not yet served; its id."""
    found = uow.session.connection().execute(
        _NOTICE_INSERT,
        {
            "pdf_sha256": None,
            "pdf_text_sha256": None,
            "served_on": None,
            "service_method": None,
            "status": "active",
            **values,
        },
    )
    return int(found.scalar_one())


_NOTICE_INSERT = insert(notices_table).returning(notices_table.c.id)


def supersede_notices(uow: UnitOfWork, case_id: int, notice_type: str) -> set[int]:
    """Mark the case's active notices of ``notice_type`` superseded; their ids (one
    statement, also when there are none: the usual case costs no read first)."""
    found = uow.session.connection().execute(
        _SUPERSEDE, {"of_case": case_id, "notice_type": notice_type}
    )
    return set(found.scalars())


_SUPERSEDE = (
    update(notices_table)
    .where(
        notices_table.c.case_id == bindparam("of_case"),
        notices_table.c.type == bindparam("notice_type"),
        notices_table.c.status == "active",
    )
    .values(status="superseded")
    .returning(notices_table.c.id)
)


def deadlines_of_notice(uow: UnitOfWork, notice_id: int) -> list[model.Deadline]:
    """The deadlines a notice starts or must be served within."""
    return list(
        uow.session.scalars(select(model.Deadline).where(deadlines_table.c.notice_id == notice_id))
    )


def get_notice(
    uow: UnitOfWork, notice_id: int, districts: Sequence[str] | None = None
) -> model.Notice:
    """The notice; one of a case outside ``districts`` (when given) is not found."""
    notice = uow.session.get(model.Notice, notice_id)
    if notice is not None and districts is not None:
        district = uow.session.scalar(
            select(orgs_table.c.district)
            .join(cases_table, cases_table.c.organization_id == orgs_table.c.id)
            .where(cases_table.c.id == notice.case_id)
        )
        notice = notice if district in districts else None
    if notice is None:
        raise NotFound(f"no notice with id {notice_id}; see `supervise notice list`")
    return notice


def list_notices(
    uow: UnitOfWork,
    case_id: int | None,
    since: datetime | None,
    limit: int,
    districts: Sequence[str] | None = None,
) -> list[model.Notice]:
    query = select(model.Notice).order_by(notices_table.c.id).limit(limit)
    if districts is not None:
        query = (
            query.join(cases_table, cases_table.c.id == notices_table.c.case_id)
            .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
            .where(orgs_table.c.district.in_(districts))
        )
    if case_id is not None:
        query = query.where(notices_table.c.case_id == case_id)
    if since is not None:
        query = query.where(notices_table.c.created_at >= since)
    return list(uow.session.scalars(query))


def receipt_hashes(uow: UnitOfWork, notice_id: int) -> set[str | None]:
    return set(
        uow.session.scalars(
            select(notice_services.c.receipt_sha256).where(notice_services.c.notice_id == notice_id)
        )
    )


def hearing_of_notice(uow: UnitOfWork, notice: model.Notice) -> date | None:
    """The hearing day a hearing notice announces: the hearing deadline its event opened."""
    return uow.session.scalar(
        select(deadlines_table.c.due).where(
            deadlines_table.c.case_id == notice.case_id,
            deadlines_table.c.kind == "hearing",
            deadlines_table.c.opened_seq == notice.history_seq,
        )
    )


def latest_notice(uow: UnitOfWork, case_id: int, types: tuple[str, ...]) -> model.Notice | None:
    """The case's latest notice of one of ``types`` (the decision an ending refers to)."""
    return uow.session.scalar(
        select(model.Notice)
        .where(notices_table.c.case_id == case_id, notices_table.c.type.in_(types))
        .order_by(notices_table.c.id.desc())
        .limit(1)
    )


def party_id_number(uow: UnitOfWork, notice: model.Notice) -> str:
    """The full ID number of the person a notice's case is about (for the served original)."""
    case = uow.session.get(model.Case, notice.case_id)
    assert case is not None
    person = uow.session.get(model.Person, case.person_id)
    assert person is not None
    return person.id_number


def latest_service(uow: UnitOfWork, notice_id: int) -> model.NoticeService | None:
    """The notice's latest recorded service (a returned first attempt is followed by another)."""
    return uow.session.scalar(
        select(model.NoticeService)
        .where(notice_services.c.notice_id == notice_id)
        .order_by(notice_services.c.id.desc())
        .limit(1)
    )
