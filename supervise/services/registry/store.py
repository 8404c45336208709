"""The SQL of the registry (service layer): organizations, persons, edits, bans."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import edits as edits_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.errors import NotFound


def get_org(
    uow: UnitOfWork, org_id: int, districts: Sequence[str] | None = None
) -> model.Organization:
    """The organization; one outside ``districts`` (when given) is not found."""
    org = uow.session.get(model.Organization, org_id)
    if org is None or (districts is not None and org.district not in districts):
        raise NotFound(f"no organization with id {org_id}; see `supervise org list`")
    return org


def get_person(uow: UnitOfWork, person_id: int) -> model.Person:
    person = uow.session.get(model.Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}; see `supervise person list`")
    return person


def org_by_credit_code(uow: UnitOfWork, code: str) -> model.Organization | None:
    return uow.session.scalar(select(model.Organization).where(orgs_table.c.credit_code == code))


def person_by_id_number(uow: UnitOfWork, number: str) -> model.Person | None:
    return uow.session.scalar(select(model.Person).where(persons_table.c.id_number == number))


def list_orgs(
    uow: UnitOfWork, district: str | None, limit: int, districts: Sequence[str] | None = None
) -> list[model.Organization]:
    query = select(model.Organization).order_by(orgs_table.c.id).limit(limit)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(districts))
    if district:
        query = query.where(orgs_table.c.district == district)
    return list(uow.session.scalars(query))


def list_persons(uow: UnitOfWork, limit: int) -> list[model.Person]:
    return list(uow.session.scalars(select(model.Person).order_by(persons_table.c.id).limit(limit)))


def persons_named(uow: UnitOfWork, part: str) -> list[model.Person]:
    return list(
        uow.session.scalars(
            select(model.Person)
            # autoescape: % and _ in the search are the characters, not LIKE's wildcards.
            .where(persons_table.c.name.contains(part, autoescape=True))
            .order_by(persons_table.c.id)
        )
    )


def edits_of(uow: UnitOfWork, entity: str, entity_id: int) -> list[model.Edit]:
    return list(
        uow.session.scalars(
            select(model.Edit)
            .where(edits_table.c.entity == entity, edits_table.c.entity_id == entity_id)
            .order_by(edits_table.c.id)
        )
    )


def bans_with_persons(uow: UnitOfWork, limit: int) -> list[tuple[model.Ban, model.Person]]:
    rows = uow.session.execute(
        select(model.Ban, model.Person)
        .join(persons_table, persons_table.c.id == bans_table.c.person_id)
        .order_by(bans_table.c.id)
        .limit(limit)
    ).all()
    return [(ban, person) for ban, person in rows]
