"""The SQL of ``report contracts`` (service layer): one aggregate row per organization with
contracts, and the (few) exits and open exit reviews."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import contracts, evaluations, org_history, organizations
from supervise.services.reports.store import Scope, visible

#: The columns of ``by_organization`` after the organization's own four.
FIGURES = ("contracts", "open", "amount_fen", "evaluated", "score_hundredths")


def by_organization(
    uow: UnitOfWork, scope: Scope, grades: Sequence[str], span: tuple[date, date] | None
) -> list[tuple[Any, ...]]:
    """(id, name, district, status, contracts, open, fen, evaluated, Σ score × 100, *grade
    counts) per organization with a contract (in force during ``span``, when given)."""
    ev = evaluations
    graded = [func.sum(case((ev.c.grade == g, 1), else_=0)) for g in grades]
    query = (
        select(
            organizations.c.id,
            organizations.c.name,
            organizations.c.district,
            organizations.c.status,
            func.count(contracts.c.id),
            func.sum(case((contracts.c.status == "open", 1), else_=0)),
            func.sum(contracts.c.amount_fen),
            func.count(ev.c.id),
            # Hundredths, rounded in the database: a sum of exact integers on either engine.
            func.sum(func.round(ev.c.score * 100)),
            *graded,
        )
        .select_from(contracts)
        .join(organizations, organizations.c.id == contracts.c.organization_id)
        .outerjoin(ev, and_(ev.c.id == contracts.c.evaluation_id, ev.c.status == "current"))
        .group_by(
            organizations.c.id,
            organizations.c.name,
            organizations.c.district,
            organizations.c.status,
        )
        .order_by(organizations.c.district, organizations.c.id)
    )
    if span is not None:
        query = query.where(contracts.c.start <= span[1], contracts.c.end >= span[0])
    rows = uow.session.execute(visible(query, scope))
    return [(*row[:4], *(int(v or 0) for v in row[4:])) for row in rows]


def exits(
    uow: UnitOfWork, scope: Scope, span: tuple[datetime, datetime] | None
) -> list[tuple[int, str, str, datetime, str | None]]:
    """(organization, name, district, when, reason) of every exit, oldest first."""
    query = (
        select(
            organizations.c.id,
            organizations.c.name,
            organizations.c.district,
            org_history.c.at,
            org_history.c.reason,
        )
        .select_from(org_history)
        .join(organizations, organizations.c.id == org_history.c.organization_id)
        .where(org_history.c.event == "exit")
        .order_by(org_history.c.at, org_history.c.id)
    )
    if span is not None:
        query = query.where(org_history.c.at >= span[0], org_history.c.at < span[1])
    return [tuple(r) for r in uow.session.execute(visible(query, scope))]


def open_reviews(uow: UnitOfWork, scope: Scope) -> list[tuple[int, str, str, datetime, str | None]]:
    """(organization, name, district, opened, reason) of every exit review still open."""
    query = (
        select(
            organizations.c.id,
            organizations.c.name,
            organizations.c.district,
            org_history.c.at,
            org_history.c.reason,
        )
        .select_from(organizations)
        .join(
            org_history,
            and_(
                org_history.c.organization_id == organizations.c.id,
                org_history.c.to_state == "under_review",
            ),
        )
        .where(organizations.c.status == "under_review")
        .order_by(organizations.c.district, organizations.c.id, org_history.c.seq)
    )
    latest: dict[int, tuple[int, str, str, datetime, str | None]] = {}
    for row in uow.session.execute(visible(query, scope)):
        latest[row[0]] = tuple(row)
    return list(latest.values())
