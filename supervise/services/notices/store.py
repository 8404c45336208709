"""The SQL of notices (service layer): numbers, supersession, the notices and their service."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select, update

from supervise import model
from supervise.adapters.database import UnitOfWork, dialect_insert
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import notice_services, number_sequences
from supervise.adapters.orm import notices as notices_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.errors import NotFound


def allocate_number(uow: UnitOfWork, series: str, year: int) -> int:
    """The next number of (series, year). The row lock makes concurrent issuers queue, and a
    rollback returns the number, so numbers are never skipped or reused."""
    insert = dialect_insert(uow.dialect)
    uow.session.execute(
        insert(number_sequences)
        .values(type=series, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["type", "year"])
    )
    seq = uow.session.execute(
        update(number_sequences)
        .where(number_sequences.c.type == series, number_sequences.c.year == year)
        .values(last=number_sequences.c.last + 1)
        .returning(number_sequences.c.last)
    ).scalar_one()
    return int(seq)


def active_notices(uow: UnitOfWork, case_id: int, notice_type: str) -> list[model.Notice]:
    return list(
        uow.session.scalars(
            select(model.Notice).where(
                notices_table.c.case_id == case_id,
                notices_table.c.type == notice_type,
                notices_table.c.status == "active",
            )
        )
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
