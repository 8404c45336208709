"""The SQL of areas (service layer): townships and streets, and which are served."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import func, select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import areas as areas_table


def all_areas(uow: UnitOfWork) -> list[model.Area]:
    return list(uow.session.scalars(select(model.Area).order_by(areas_table.c.id)))


def list_areas(uow: UnitOfWork, district: str | None) -> list[model.Area]:
    query = select(model.Area).order_by(areas_table.c.district, areas_table.c.code)
    if district is not None:
        query = query.where(areas_table.c.district == district)
    return list(uow.session.scalars(query))


def townships_of(uow: UnitOfWork, districts: Iterable[str]) -> dict[str, set[str]]:
    """The loaded townships of each of ``districts`` (districts with none left out)."""
    wanted = sorted(set(districts))
    out: dict[str, set[str]] = {}
    if not wanted:
        return out
    rows = uow.session.execute(
        select(areas_table.c.district, areas_table.c.township).where(
            areas_table.c.district.in_(wanted)
        )
    )
    for district, township in rows:
        out.setdefault(district, set()).add(township)
    return out


def all_townships(uow: UnitOfWork) -> dict[str, set[str]]:
    """Every loaded township by district (the importer checks a whole file against it)."""
    out: dict[str, set[str]] = {}
    for district, township in uow.session.execute(
        select(areas_table.c.district, areas_table.c.township)
    ):
        out.setdefault(district, set()).add(township)
    return out


def area_ids(uow: UnitOfWork, places: Collection[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of (district, township) places."""
    if not places:
        return {}
    districts = sorted({d for d, _ in places})
    rows = uow.session.execute(
        select(areas_table.c.id, areas_table.c.district, areas_table.c.township).where(
            areas_table.c.district.in_(districts)
        )
    )
    wanted = set(places)
    return {(d, t): i for i, d, t in rows if (d, t) in wanted}


def areas_by_id(uow: UnitOfWork, ids: Collection[int]) -> dict[int, model.Area]:
    if not ids:
        return {}
    rows = uow.session.scalars(select(model.Area).where(areas_table.c.id.in_(sorted(ids))))
    return {a.id: a for a in rows}


def township_counts(uow: UnitOfWork) -> dict[str, int]:
    rows = uow.session.execute(
        select(areas_table.c.district, func.count()).group_by(areas_table.c.district)
    )
    return {d: n for d, n in rows}
