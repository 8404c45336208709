"""The SQL of ``report coverage`` (service layer): four aggregates, one row per district or
per township short of its target, never a row per organization.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.sql import ColumnElement

from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import areas, institution_links, org_townships, organizations
from supervise.services.reports.store import Scope


def _within(column: ColumnElement[Any], scope: Scope) -> ColumnElement[bool] | None:
    return None if scope is None else column.in_(scope)


def professional_by_district(
    uow: UnitOfWork, scope: Scope, counted: Sequence[str]
) -> dict[str, int]:
    """Professional child-protection organizations in the programme, per district."""
    query = (
        select(organizations.c.district, func.count())
        .where(organizations.c.professional.is_(True), organizations.c.status.in_(counted))
        .group_by(organizations.c.district)
    )
    where = _within(organizations.c.district, scope)
    if where is not None:
        query = query.where(where)
    return {d: int(n) for d, n in uow.session.execute(query)}


def linked_by_district(
    uow: UnitOfWork, scope: Scope, counted: Sequence[str]
) -> dict[str, tuple[int, int]]:
    """(professional, other) organizations with a current link, per institution's district.

    An organization holds one current link at most (``org link`` refuses a second)."""
    professional = func.sum(case((organizations.c.professional.is_(True), 1), else_=0))
    query = (
        select(institution_links.c.district, professional, func.count())
        .select_from(institution_links)
        .join(organizations, organizations.c.id == institution_links.c.organization_id)
        .where(institution_links.c.until.is_(None), organizations.c.status.in_(counted))
        .group_by(institution_links.c.district)
    )
    where = _within(institution_links.c.district, scope)
    if where is not None:
        query = query.where(where)
    return {d: (int(p or 0), int(n) - int(p or 0)) for d, p, n in uow.session.execute(query)}


def _served(counted: Sequence[str]) -> Any:
    """Per area: how many organizations in the programme serve it."""
    return (
        select(org_townships.c.area_id, func.count().label("n"))
        .join(organizations, organizations.c.id == org_townships.c.organization_id)
        .where(organizations.c.status.in_(counted))
        .group_by(org_townships.c.area_id)
        .subquery("served")
    )


def townships_by_district(
    uow: UnitOfWork, scope: Scope, counted: Sequence[str], target: int
) -> dict[str, tuple[int, int]]:
    """(townships loaded, of them served by ``target`` organizations or more), per district."""
    served = _served(counted)
    n = func.coalesce(served.c.n, 0)
    covered = func.sum(cast(case((n >= target, 1), else_=0), Integer))
    query = (
        select(areas.c.district, func.count(), covered)
        .select_from(areas)
        .outerjoin(served, served.c.area_id == areas.c.id)
        .group_by(areas.c.district)
    )
    where = _within(areas.c.district, scope)
    if where is not None:
        query = query.where(where)
    return {d: (int(t), int(c or 0)) for d, t, c in uow.session.execute(query)}


def uncovered_townships(
    uow: UnitOfWork, scope: Scope, counted: Sequence[str], target: int
) -> list[tuple[str, str, str, str, int]]:
    """(district, township, kind, code, organizations) of the townships short of ``target``."""
    served = _served(counted)
    n = func.coalesce(served.c.n, 0)
    query = (
        select(areas.c.district, areas.c.township, areas.c.kind, areas.c.code, n)
        .select_from(areas)
        .outerjoin(served, served.c.area_id == areas.c.id)
        .where(n < target)
        .order_by(areas.c.district, areas.c.code)
    )
    where = _within(areas.c.district, scope)
    if where is not None:
        query = query.where(where)
    return [(d, t, k, c, int(x)) for d, t, k, c, x in uow.session.execute(query)]
