"""The SQL of leadership cases (service layer: the one place the cases' tables are queried).

Each function runs inside the caller's unit of work and never commits. The use-case
modules (``advance``, ``queries``) speak in domain terms and ask these for what they need.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    cast,
    distinct,
    exists,
    func,
    or_,
    select,
)

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.adapters.orm import users as users_table
from supervise.banterm import IN_FORCE, bars
from supervise.errors import NotFound
from supervise.scrutiny import INVESTIGATION_EVENTS
from supervise.services.admin.store import ActingUser
from supervise.states import NON_FINAL_STATES, CaseState

CaseRow = tuple[model.Case, model.Organization, model.Person]
CaseQuery = Select[model.Case, model.Organization, model.Person]
RUNNING = ("open", "waiting")


def load_case(uow: UnitOfWork, case_id: int, districts: Sequence[str] | None = None) -> CaseRow:
    """The case with its organization and person, in one statement; a case outside
    ``districts`` (when given) is not found, not shown to exist."""
    query = _cases_query().where(cases_table.c.id == case_id)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(districts))
    row = uow.session.execute(query).first()
    if row is None:
        raise CaseNotFound(case_id)
    return row[0], row[1], row[2]


def load_case_to_advance(
    uow: UnitOfWork,
    case_id: int,
    districts: Sequence[str] | None = None,
    acting: str | None = None,
    chair: str | None = None,
) -> tuple[
    model.Case, model.Organization, model.Person, list[model.Deadline], ActingUser | None, bool
]:
    """The case, its organization and person and its running deadlines, in one statement:
    what an advance's guards need (an outer join repeats the case once per running
    deadline, usually none to three). With ``acting``, the same statement reads that user
    (role, districts, disabled) and whether the directory has users at all, as
    ``admin.store.acting_user`` would: the permission check costs no statement of its own.

    ``chair``: a hearing's chair; the last value then says whether they investigated the
    case (supervise it, or took a step of the investigation), asked in the same statement
    (行政处罚法 Art. 64(四)); False when no chair is given.

    Raises:
        NotFound: no such case, or one outside ``districts``; with ``acting``, raised only
            after the caller has checked the user (see :class:`CaseNotFound`).
    """
    query = _case_to_advance(districts is not None, acting is not None, chair is not None)
    params: dict[str, Any] = {"case_id": case_id}
    if districts is not None:
        params["districts"] = list(districts)
    if acting is not None:
        params["acting"] = acting
    if chair is not None:
        params["chair"] = chair
    rows = uow.session.execute(query, params).all()
    if not rows:
        raise CaseNotFound(case_id)
    case, org, person = rows[0][0], rows[0][1], rows[0][2]
    user: ActingUser | None = None
    if acting is not None:
        extra: tuple[Any, ...] = tuple(rows[0])[4:9]
        uid, role, user_districts, disabled, anyone = extra
        if anyone:
            user = (uid is not None, role or "", user_districts, bool(disabled))
    investigated = chair is not None and bool(tuple(rows[0])[-1])
    running = [row[3] for row in rows if row[3] is not None]
    return case, org, person, running, user, investigated


@functools.cache
def _case_to_advance(
    in_districts: bool, with_acting: bool, with_chair: bool = False
) -> Select[*tuple[Any, ...]]:
    """The statement of :func:`load_case_to_advance`, built once per variant: building and
    hashing it on every step cost about as much as the rest of the step's Python."""
    # One bound value per status rather than an expanding IN, which is re-rendered on
    # every execution.
    statuses: list[BindParameter[str]] = [
        bindparam(f"running_{k}", status) for k, status in enumerate(RUNNING)
    ]
    running = and_(
        deadlines_table.c.case_id == cases_table.c.id, deadlines_table.c.status.in_(statuses)
    )
    query: Select[*tuple[Any, ...]] = (
        select(model.Case, model.Organization, model.Person, model.Deadline)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .join(persons_table, persons_table.c.id == cases_table.c.person_id)
        .outerjoin(deadlines_table, running)
        .where(cases_table.c.id == bindparam("case_id"))
        .order_by(deadlines_table.c.due, deadlines_table.c.id)
    )
    if in_districts:
        query = query.where(orgs_table.c.district.in_(bindparam("districts", expanding=True)))
    if with_acting:
        u, everyone = users_table.c, users_table.alias("everyone")
        query = query.outerjoin(users_table, u.name == bindparam("acting")).add_columns(
            u.id, u.role, u.districts, u.disabled, exists(select(everyone.c.id)).label("any")
        )
    if with_chair:
        h = history_table.c
        took_a_step = (
            select(h.id)
            .where(
                h.case_id == cases_table.c.id,
                h.by == bindparam("chair"),
                h.event.in_(sorted(INVESTIGATION_EVENTS)),
            )
            .exists()
        )
        query = query.add_columns(
            or_(cases_table.c.supervisor == bindparam("chair"), took_a_step).label("investigated")
        )
    return query


class CaseNotFound(NotFound):
    """No case with this id (or none the acting user may see)."""

    def __init__(self, case_id: int) -> None:
        super().__init__(f"no case with id {case_id}; see `supervise case list`")


def still_running(case_id: int, deadlines: Sequence[model.Deadline]) -> list[model.Deadline]:
    """Of ``deadlines`` (the case's running ones as loaded, then opened or reopened in this
    transaction), those still running, in the order a read would give after a flush."""
    kept = {id(d): d for d in deadlines if d.case_id == case_id and d.status in RUNNING}
    # One not yet written sorts after those written, and among them as added: the order of
    # the ids they will get (a stable sort).
    return sorted(kept.values(), key=lambda d: (d.due, d.id is None, d.id or 0))


def _cases_query() -> CaseQuery:
    return (
        select(model.Case, model.Organization, model.Person)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .join(persons_table, persons_table.c.id == cases_table.c.person_id)
    )


def overdue_filter(dialect: str, today: date) -> ColumnElement[bool]:
    """Cases with an office deadline past, found from the (status, due) index, so that the
    cost follows the number overdue rather than the number of cases."""
    late = (
        deadlines_table.c.status == "open",
        deadlines_table.c.due < today,
        deadlines_table.c.nature.in_(("office", "term")),
    )
    if dialect == "postgresql":
        # PostgreSQL turns IN (subquery) into a semi-join that it overestimates, then walks
        # every case in id order; = ANY(one array, computed once) is an index lookup instead.
        ids = select(func.array_agg(distinct(deadlines_table.c.case_id))).where(*late)
        # The cast keeps PostgreSQL from reading ANY(SELECT ...) as the row-wise subquery form.
        return cases_table.c.id == any_(cast(ids.scalar_subquery(), ARRAY(Integer)))
    return cases_table.c.id.in_(select(deadlines_table.c.case_id).where(*late))


def lock_person(uow: UnitOfWork, person_id: int) -> model.Person:
    """The person's row, locked (PostgreSQL) so a ban and an appointment cannot cross."""
    person = uow.session.scalar(
        select(model.Person).where(persons_table.c.id == person_id).with_for_update()
    )
    if person is None:
        raise NotFound(f"no person with id {person_id}; see `supervise person list`")
    return person


def open_case_of(uow: UnitOfWork, org_id: int, person_id: int, role: str) -> int | None:
    """The id of the person's open case in this role of this organization, if any."""
    return uow.session.scalar(
        select(cases_table.c.id).where(
            cases_table.c.organization_id == org_id,
            cases_table.c.person_id == person_id,
            cases_table.c.role == role,
            cases_table.c.state.in_(NON_FINAL_STATES),
        )
    )


def open_cases_of_person(uow: UnitOfWork, person_id: int) -> list[int]:
    return list(
        uow.session.scalars(
            select(cases_table.c.id).where(
                cases_table.c.person_id == person_id, cases_table.c.state.in_(NON_FINAL_STATES)
            )
        )
    )


def other_cases_of_person(
    uow: UnitOfWork, person_id: int, case_id: int, states: Sequence[CaseState]
) -> list[tuple[model.Case, model.Organization]]:
    """The person's other cases in ``states``, with their organizations, by id."""
    rows = uow.session.execute(
        select(model.Case, model.Organization)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .where(
            cases_table.c.person_id == person_id,
            cases_table.c.id != case_id,
            cases_table.c.state.in_(states),
        )
        .order_by(cases_table.c.id)
    ).all()
    return [(case, org) for case, org in rows]


def running_deadlines(uow: UnitOfWork, case_id: int) -> list[model.Deadline]:
    """Deadlines that run, and windows waiting for their notice to be served."""
    return list(
        uow.session.scalars(
            select(model.Deadline)
            .where(deadlines_table.c.case_id == case_id, deadlines_table.c.status.in_(RUNNING))
            .order_by(deadlines_table.c.due, deadlines_table.c.id)
        )
    )


def deadlines_closed_at(uow: UnitOfWork, case_id: int, seq: int) -> list[model.Deadline]:
    return list(
        uow.session.scalars(
            select(model.Deadline).where(
                deadlines_table.c.case_id == case_id,
                deadlines_table.c.status == "closed",
                deadlines_table.c.closed_seq == seq,
            )
        )
    )


def step_that_left(uow: UnitOfWork, case_id: int, state: CaseState) -> int | None:
    """The latest history step that took the case out of ``state``."""
    return uow.session.scalar(
        select(history_table.c.seq)
        .where(
            history_table.c.case_id == case_id,
            history_table.c.from_state == state.value,
            history_table.c.to_state != state.value,
        )
        .order_by(history_table.c.seq.desc())
        .limit(1)
    )


def case_in_districts(uow: UnitOfWork, case_id: int, districts: Sequence[str] | None) -> None:
    """Refuse (not found) a case that does not exist or lies outside ``districts``."""
    query = select(cases_table.c.id).where(cases_table.c.id == case_id)
    if districts is not None:
        query = query.join(orgs_table, orgs_table.c.id == cases_table.c.organization_id).where(
            orgs_table.c.district.in_(districts)
        )
    if uow.session.scalar(query) is None:
        raise CaseNotFound(case_id)


def notice_unserved(uow: UnitOfWork, notice_id: int) -> bool:
    notice = uow.session.get(model.Notice, notice_id)
    return notice is not None and notice.served_on is None


def case_bans(uow: UnitOfWork, case_id: int) -> list[model.Ban]:
    """The case's bans still in force in the registry (a decided, unserved ban: pending)."""
    return list(
        uow.session.scalars(
            select(model.Ban).where(
                bans_table.c.case_id == case_id, bans_table.c.status.in_(IN_FORCE)
            )
        )
    )


def active_bans(uow: UnitOfWork, person_id: int, on: date) -> list[model.Ban]:
    """The person's bans that bar a post on ``on``, a pending one included."""
    rows = uow.session.scalars(
        select(model.Ban).where(
            bans_table.c.person_id == person_id, bans_table.c.status.in_(IN_FORCE)
        )
    )
    return [b for b in rows if bars(b, on)]


def history_of(uow: UnitOfWork, case_ids: Sequence[int]) -> list[model.HistoryEntry]:
    return list(
        uow.session.scalars(
            select(model.HistoryEntry)
            .where(history_table.c.case_id.in_(case_ids))
            .order_by(history_table.c.case_id, history_table.c.seq)
        )
    )
