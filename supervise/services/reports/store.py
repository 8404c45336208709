"""The SQL of the reports (service layer): aggregates only, never a row per case.

Every figure is one aggregate query whose cost follows what it counts, not the number of
cases: where the cases stand is summed from ``case_tallies`` (kept by triggers, one row per
organization and state); the period's flows come from the (event, at) index of history
and the (created_at) index of notices; overdue deadlines from the (status, due) index.
Every query passes through :func:`visible`, the one place a user's districts narrow what
a report covers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, literal, or_, select, text
from sqlalchemy.sql import ColumnElement

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import case_tallies, deadlines, history, notices, organizations
from supervise.adapters.orm import cases as cases_table
from supervise.law import OVERDUE_NATURES

#: The districts a user may see; None: the whole city.
Scope = tuple[str, ...] | None

Q = TypeVar("Q", bound=Select[Any])


def visible(query: Q, scope: Scope) -> Q:
    """``query`` (which names ``organizations``) narrowed to the districts in ``scope``."""
    if scope is None:
        return query
    return query.where(organizations.c.district.in_(scope))


def without_jit(uow: UnitOfWork) -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction.

    The planner estimates the open deadlines past today from two independent columns
    (status, due): 66,000 at a million cases where there were 100, so the overdue query's
    estimated cost passed ``jit_above_cost`` and compiling it took 0.2-0.8 s for a query
    that runs in 2 ms. A report's queries each read what they count through an index;
    JIT never pays for itself on them.
    """
    if uow.dialect == "postgresql":
        uow.session.execute(text("SET LOCAL jit = off"))


def states_by_district(uow: UnitOfWork, scope: Scope) -> list[tuple[str, str, int]]:
    """(district, state, cases) today, from the per-organization tallies."""
    query = (
        select(organizations.c.district, case_tallies.c.state, func.sum(case_tallies.c.n))
        .select_from(case_tallies)
        .join(organizations, organizations.c.id == case_tallies.c.organization_id)
        .where(case_tallies.c.n > 0)
        .group_by(organizations.c.district, case_tallies.c.state)
        .order_by(organizations.c.district, case_tallies.c.state)
    )
    return [(d, s, int(n)) for d, s, n in uow.session.execute(visible(query, scope))]


def overdue_by_district(uow: UnitOfWork, scope: Scope, today: date) -> list[tuple[str, str, int]]:
    """(district, deadline kind, count) of the office's deadlines past today.

    The district comes from a scalar subquery per overdue deadline (two primary-key
    lookups), not from a join: PostgreSQL estimates the open deadlines past today as a
    fraction of all deadlines (6,755 where there were 100, at 100,000 cases) and hashed
    the whole cases table for the join, a cost that grew with the register.
    """
    district = (
        select(organizations.c.district)
        .select_from(cases_table)
        .join(organizations, organizations.c.id == cases_table.c.organization_id)
        .where(cases_table.c.id == deadlines.c.case_id)
        .scalar_subquery()
        .label("district")
    )
    late = (
        select(district, deadlines.c.kind)
        .where(
            deadlines.c.status == "open",
            deadlines.c.due < today,
            deadlines.c.nature.in_(OVERDUE_NATURES),
        )
        .subquery("late")
    )
    query = (
        select(late.c.district, late.c.kind, func.count())
        .group_by(late.c.district, late.c.kind)
        .order_by(late.c.district, late.c.kind)
    )
    if scope is not None:
        query = query.where(late.c.district.in_(scope))
    return [(d, k, int(n)) for d, k, n in uow.session.execute(query)]


def _bucket(column: ColumnElement[Any], bounds: Sequence[datetime]) -> ColumnElement[Any]:
    """The index of the month ``column`` falls in (``bounds``: each month's first instant)."""
    return case(
        *((column < bound, literal(i)) for i, bound in enumerate(bounds[1:])),
        else_=literal(len(bounds) - 2),
    )


def penalties_by_month(
    uow: UnitOfWork, scope: Scope, events: Sequence[str], bounds: Sequence[datetime]
) -> list[tuple[int, str, int]]:
    """(month index, event, count) of the decisions in ``bounds[0]`` to ``bounds[-1]``."""
    bucket = _bucket(history.c.at, bounds).label("bucket")
    query = (
        select(bucket, history.c.event, func.count())
        .where(
            history.c.event.in_(events),
            history.c.at >= bounds[0],
            history.c.at < bounds[-1],
        )
        .group_by(bucket, history.c.event)
    )
    if scope is not None:
        query = query.join(cases_table, cases_table.c.id == history.c.case_id).join(
            organizations, organizations.c.id == cases_table.c.organization_id
        )
    return [(int(b), e, int(n)) for b, e, n in uow.session.execute(visible(query, scope))]


def _days_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def _closures(
    dialect: str,
    scope: Scope,
    events: Sequence[str],
    final: Sequence[str],
    start: datetime,
    end: datetime,
) -> Select[Any]:
    """One row per case closed in the period: its closing time and its first interview."""
    interview = history.alias("interview")
    first_interview = (
        select(func.min(interview.c.at))
        .where(
            interview.c.case_id == history.c.case_id,
            # Not indexable on purpose: the case's own rows (its (case_id, seq) index) are a
            # handful, while the (event, at) index holds every interview ever recorded.
            func.coalesce(interview.c.event, "") == "record_interview",
            interview.c.at <= history.c.at,
        )
        .scalar_subquery()
    )
    query = (
        select(
            history.c.case_id,
            _days_between(dialect, history.c.at, first_interview).label("days"),
        )
        .select_from(history)
        .join(cases_table, cases_table.c.id == history.c.case_id)
        .join(organizations, organizations.c.id == cases_table.c.organization_id)
        .where(
            history.c.event.in_(events),
            history.c.to_state.in_(final),
            history.c.at >= start,
            history.c.at < end,
        )
    )
    return visible(query, scope)


def closure_figures(
    uow: UnitOfWork,
    dialect: str,
    scope: Scope,
    events: Sequence[str],
    final: Sequence[str],
    start: datetime,
    end: datetime,
) -> tuple[int, int, float | None]:
    """(cases closed, of them after an interview, median days from interview to closure).

    The median is read from the database (count, then the middle one or two in order), so
    no list of closures is ever loaded.
    """
    closures = _closures(dialect, scope, events, final, start, end).subquery()
    closed, interviewed = uow.session.execute(
        select(func.count(), func.count(closures.c.days))
    ).one()
    if not interviewed:
        return int(closed), 0, None
    middle = (int(interviewed) - 1) // 2
    take = 2 if interviewed % 2 == 0 else 1
    values = list(
        uow.session.scalars(
            select(closures.c.days)
            .where(closures.c.days.is_not(None))
            .order_by(closures.c.days)
            .offset(middle)
            .limit(take)
        )
    )
    median = sum(float(v) for v in values) / len(values)
    return int(closed), int(interviewed), round(median, 1)


def _late(today: date) -> ColumnElement[bool]:
    return or_(
        and_(notices.c.served_on.is_not(None), notices.c.served_on > deadlines.c.due),
        and_(
            notices.c.served_on.is_(None),
            deadlines.c.status == "open",
            deadlines.c.due < today,
        ),
    )


def _notices_in_period(scope: Scope, start: datetime, end: datetime) -> Select[Any]:
    query = (
        select(notices.c.id)
        .select_from(notices)
        .join(deadlines, and_(deadlines.c.notice_id == notices.c.id, deadlines.c.kind == "service"))
        .join(cases_table, cases_table.c.id == notices.c.case_id)
        .join(organizations, organizations.c.id == cases_table.c.organization_id)
        .where(notices.c.created_at >= start, notices.c.created_at < end)
    )
    return visible(query, scope)


def notice_service_by_district(
    uow: UnitOfWork, scope: Scope, start: datetime, end: datetime, today: date
) -> list[tuple[str, int, int]]:
    """(district, notices to serve issued in the period, of them not served in time)."""
    late = func.sum(case((_late(today), 1), else_=0))
    query = (
        _notices_in_period(scope, start, end)
        .with_only_columns(organizations.c.district, func.count(), late)
        .group_by(organizations.c.district)
        .order_by(organizations.c.district)
    )
    return [(d, int(n), int(k or 0)) for d, n, k in uow.session.execute(query)]


def late_notices(
    uow: UnitOfWork, scope: Scope, start: datetime, end: datetime, today: date, limit: int
) -> list[tuple[int, str, str, int, str, date, date | None]]:
    """The first ``limit`` notices of the period not served in time, oldest first."""
    query = (
        _notices_in_period(scope, start, end)
        .with_only_columns(
            notices.c.id,
            notices.c.number,
            notices.c.type,
            notices.c.case_id,
            organizations.c.district,
            deadlines.c.due,
            notices.c.served_on,
        )
        .where(_late(today))
        .order_by(notices.c.created_at, notices.c.id)
        .limit(limit)
    )
    return [tuple(r) for r in uow.session.execute(query)]
