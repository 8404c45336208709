"""The SQL of the registry (service layer): organizations, persons, edits, bans."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import areas as areas_table
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import edits as edits_table
from supervise.adapters.orm import institution_links as links_table
from supervise.adapters.orm import org_history as org_history_table
from supervise.adapters.orm import org_townships as org_townships_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.adapters.personal_data import lookup_indexes
from supervise.clock import wall_clock
from supervise.errors import NotFound
from supervise.states import NON_FINAL_STATES, OrgState


def add_edit(
    uow: UnitOfWork,
    at: datetime,
    actor: str,
    entity: str,
    entity_id: int,
    changes: dict[str, Any],
) -> None:
    """Keep a change to a record (organization, person, user, calendar year) with its old and
    new values in the ``edits`` table."""
    uow.session.add(
        model.Edit(
            entity=entity,
            entity_id=entity_id,
            at=at,
            recorded_at=wall_clock(),
            by=actor,
            changes=changes,
        )
    )


def get_org(
    uow: UnitOfWork, org_id: int, districts: Sequence[str] | None = None
) -> model.Organization:
    """The organization; one outside ``districts`` (when given) is not found."""
    org = uow.session.get(model.Organization, org_id)
    if org is None or (districts is not None and org.district not in districts):
        raise NotFound(f"no organization with id {org_id}; see `supervise org list`")
    return org


class OrgOutside(NotFound):
    """An organization outside the acting user's districts: told exactly as one that does
    not exist (its existence is not theirs to learn), but known apart by the caller, who
    audits the refusal."""

    def __init__(self, org_id: int) -> None:
        super().__init__(f"no organization with id {org_id}; see `supervise org list`")
        self.org_id = org_id


def within(org: model.Organization, districts: Sequence[str] | None) -> None:
    """An organization outside ``districts`` (a user's, when limited) is not found."""
    if districts is not None and org.district not in districts:
        raise OrgOutside(org.id)


def get_person(uow: UnitOfWork, person_id: int) -> model.Person:
    person = uow.session.get(model.Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}; see `supervise person list`")
    return person


def org_by_credit_code(uow: UnitOfWork, code: str) -> model.Organization | None:
    return uow.session.scalar(select(model.Organization).where(orgs_table.c.credit_code == code))


def person_by_id_number(uow: UnitOfWork, number: str) -> model.Person | None:
    """The person with this (normalized) number: one probe of the keyed-hash index, asking
    for the hash under each key of the ring (two while a rotation runs)."""
    indexes = lookup_indexes(uow.session, number)
    return uow.session.scalar(
        select(model.Person).where(persons_table.c.id_number_hmac.in_(indexes))
    )


def list_orgs(
    uow: UnitOfWork,
    district: str | None,
    limit: int,
    districts: Sequence[str] | None = None,
    status: OrgState | None = None,
) -> list[model.Organization]:
    query = select(model.Organization).order_by(orgs_table.c.id).limit(limit)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(districts))
    if district:
        query = query.where(orgs_table.c.district == district)
    if status is not None:
        query = query.where(orgs_table.c.status == status)
    return list(uow.session.scalars(query))


def _served_query(org_ids: Sequence[int]):  # type: ignore[no-untyped-def]
    return (
        select(
            org_townships_table.c.organization_id, areas_table.c.district, areas_table.c.township
        )
        .join(areas_table, areas_table.c.id == org_townships_table.c.area_id)
        .where(org_townships_table.c.organization_id.in_(list(org_ids)))
        .order_by(areas_table.c.district, areas_table.c.code)
    )


def served_by(uow: UnitOfWork, org_id: int) -> list[tuple[str, str]]:
    """The (district, township) places an organization serves."""
    return [(d, t) for _, d, t in uow.session.execute(_served_query([org_id]))]


def served_by_orgs(uow: UnitOfWork, org_ids: Sequence[int]) -> dict[int, list[tuple[str, str]]]:
    out: dict[int, list[tuple[str, str]]] = {}
    if org_ids:
        for org_id, d, t in uow.session.execute(_served_query(org_ids)):
            out.setdefault(org_id, []).append((d, t))
    return out


def replace_served(uow: UnitOfWork, org_id: int, area_ids: Sequence[int]) -> None:
    uow.session.execute(
        delete(org_townships_table).where(org_townships_table.c.organization_id == org_id)
    )
    if area_ids:
        uow.session.execute(
            insert(org_townships_table),
            [{"organization_id": org_id, "area_id": a} for a in area_ids],
        )


def links_of(uow: UnitOfWork, org_id: int) -> list[model.InstitutionLink]:
    """An organization's links, the current one first, then ended ones newest first."""
    return list(
        uow.session.scalars(
            select(model.InstitutionLink)
            .where(links_table.c.organization_id == org_id)
            .order_by(links_table.c.until.is_not(None), links_table.c.since.desc(),
                      links_table.c.id.desc())
        )
    )  # fmt: skip


def current_link(uow: UnitOfWork, org_id: int) -> model.InstitutionLink | None:
    return uow.session.scalar(
        select(model.InstitutionLink).where(
            links_table.c.organization_id == org_id, links_table.c.until.is_(None)
        )
    )


def current_links(
    uow: UnitOfWork, org_ids: Sequence[int]
) -> dict[int, list[model.InstitutionLink]]:
    out: dict[int, list[model.InstitutionLink]] = {}
    if org_ids:
        rows = uow.session.scalars(
            select(model.InstitutionLink).where(
                links_table.c.organization_id.in_(list(org_ids)), links_table.c.until.is_(None)
            )
        )
        for link in rows:
            out.setdefault(link.organization_id, []).append(link)
    return out


def org_history_of(uow: UnitOfWork, org_id: int) -> list[model.OrgHistoryEntry]:
    return list(
        uow.session.scalars(
            select(model.OrgHistoryEntry)
            .where(org_history_table.c.organization_id == org_id)
            .order_by(org_history_table.c.seq)
        )
    )


def next_org_seq(uow: UnitOfWork, org_id: int) -> int:
    last = uow.session.scalar(
        select(func.max(org_history_table.c.seq)).where(
            org_history_table.c.organization_id == org_id
        )
    )
    return int(last or 0) + 1


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


def lock_org(uow: UnitOfWork, org_id: int) -> model.Organization:
    """The organization's row, locked (PostgreSQL), so two links, two lifecycle moves or an
    exit and a new contract cannot cross; a second writer waits, then sees the first's."""
    org = uow.session.scalar(
        select(model.Organization).where(orgs_table.c.id == org_id).with_for_update()
    )
    if org is None:
        raise NotFound(f"no organization with id {org_id}; see `supervise org list`")
    return org


def director_named(uow: UnitOfWork, name: str) -> bool:
    """Whether ``name`` is a director in the user directory."""
    user = uow.session.scalar(select(model.User).where(model.User.name == name))  # type: ignore[arg-type]
    return user is not None and user.role == "director"


def open_cases_of_org(uow: UnitOfWork, org_id: int) -> list[int]:
    """The ids of an organization's leadership cases not in a final state."""
    return list(
        uow.session.scalars(
            select(cases_table.c.id)
            .where(
                cases_table.c.organization_id == org_id,
                cases_table.c.state.in_(NON_FINAL_STATES),
            )
            .order_by(cases_table.c.id)
        )
    )
