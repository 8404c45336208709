"""Use cases for organizations and persons: add, list, show, find, edit (service layer).

Every function owns its transaction: it opens the unit of work, does its work and
commits. Edits keep the old values in the ``edits`` table forever.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import edits as edits_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.bootstrap import App
from supervise.clock import wall_clock
from supervise.config import ORG_KINDS
from supervise.errors import Conflict, InvalidInput, NotFound
from supervise.services.views import OrgView, PersonView, iso
from supervise.validation import validate_credit_code, validate_email, validate_id_number


@dataclass(frozen=True)
class OrgInput:
    name: str
    credit_code: str
    district: str
    kind: str
    township: str | None = None
    charity: bool = False
    email: str | None = None


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value:
        raise InvalidInput(f"{what} must not be empty")
    return value


def add_org(app: App, data: OrgInput) -> OrgView:
    code = validate_credit_code(data.credit_code)
    if data.kind not in ORG_KINDS:
        raise InvalidInput(f"unknown kind {data.kind!r}; use one of {', '.join(ORG_KINDS)}")
    email = validate_email(data.email) if data.email else None
    name = _text(data.name, "--name")
    district = _text(data.district, "--district")
    now = app.clock.now()
    with app.uow() as uow:
        existing = uow.session.scalar(
            select(model.Organization).where(orgs_table.c.credit_code == code)
        )
        if existing is not None:
            raise Conflict(
                f"an organization with credit code {code} exists already (id {existing.id})",
                id=existing.id,
            )
        org = model.Organization(
            name=name,
            credit_code=code,
            kind=data.kind,
            charity=data.charity,
            district=district,
            township=data.township,
            email=email,
            status="active",
            created_at=now,
        )
        uow.session.add(org)
        uow.commit()
        return OrgView.of(org)


def get_org(uow: UnitOfWork, org_id: int) -> model.Organization:
    org = uow.session.get(model.Organization, org_id)
    if org is None:
        raise NotFound(f"no organization with id {org_id}; see `supervise org list`")
    return org


def get_person(uow: UnitOfWork, person_id: int) -> model.Person:
    person = uow.session.get(model.Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}; see `supervise person list`")
    return person


def _edits(uow: UnitOfWork, entity: str, entity_id: int, app: App) -> list[dict[str, Any]]:
    rows = uow.session.scalars(
        select(model.Edit)
        .where(edits_table.c.entity == entity, edits_table.c.entity_id == entity_id)
        .order_by(edits_table.c.id)
    )
    return [
        {
            "at": iso(e.at, app.settings.zone),
            "recorded_at": iso(e.recorded_at, app.settings.zone),
            "by": e.by,
            "changes": e.changes,
        }
        for e in rows
    ]


def show_org(app: App, org_id: int) -> OrgView:
    with app.uow() as uow:
        org = get_org(uow, org_id)
        view = OrgView.of(org)
        return OrgView(**{**view.__dict__, "history": _edits(uow, "organization", org_id, app)})


def list_orgs(app: App, district: str | None = None, limit: int = 1000) -> list[OrgView]:
    with app.uow() as uow:
        query = select(model.Organization).order_by(orgs_table.c.id).limit(limit)
        if district:
            query = query.where(orgs_table.c.district == district)
        return [OrgView.of(o) for o in uow.session.scalars(query)]


def _clean_updates(updates: dict[str, Any], options: str) -> dict[str, Any]:
    clean = {k: v for k, v in updates.items() if v is not None}
    if not clean:
        raise InvalidInput(f"nothing to change; give {options}")
    if "email" in clean:
        clean["email"] = validate_email(clean["email"])
    if "name" in clean:
        clean["name"] = _text(clean["name"], "--name")
    return clean


def _apply_edit(uow: UnitOfWork, app: App, entity: str, record: Any, clean: dict[str, Any]) -> None:
    """Change ``record`` and keep the old and new values in the ``edits`` table."""
    changes = {
        k: {"old": getattr(record, k), "new": v}
        for k, v in clean.items()
        if getattr(record, k) != v
    }
    for key, value in clean.items():
        setattr(record, key, value)
    if changes:
        uow.session.add(
            model.Edit(
                entity=entity,
                entity_id=record.id,
                at=app.clock.now(),
                recorded_at=wall_clock(),
                by=app.user,
                changes=changes,
            )
        )


def edit_org(app: App, org_id: int, updates: dict[str, Any]) -> OrgView:
    """Change name, contact e-mail or township; the old values stay in the history."""
    clean = _clean_updates(updates, "--name, --email or --township")
    with app.uow() as uow:
        org = get_org(uow, org_id)
        _apply_edit(uow, app, "organization", org, clean)
        uow.commit()
        return OrgView.of(org)


def add_person(app: App, name: str, id_number: str, email: str | None) -> PersonView:
    number = validate_id_number(id_number)
    clean_email = validate_email(email) if email else None
    clean_name = _text(name, "--name")
    with app.uow() as uow:
        existing = find_by_id_number(uow, number)
        if existing is not None:
            raise Conflict(
                f"a person with this id number exists already (id {existing.id})", id=existing.id
            )
        person = model.Person(
            name=clean_name, id_number=number, email=clean_email, created_at=app.clock.now()
        )
        uow.session.add(person)
        uow.commit()
        return PersonView.of(person)


def find_by_id_number(uow: UnitOfWork, number: str) -> model.Person | None:
    return uow.session.scalar(select(model.Person).where(persons_table.c.id_number == number))


def show_person(app: App, person_id: int) -> PersonView:
    with app.uow() as uow:
        view = PersonView.of(get_person(uow, person_id))
        return PersonView(**{**view.__dict__, "history": _edits(uow, "person", person_id, app)})


def list_persons(app: App, limit: int = 1000) -> list[PersonView]:
    with app.uow() as uow:
        query = select(model.Person).order_by(persons_table.c.id).limit(limit)
        return [PersonView.of(p) for p in uow.session.scalars(query)]


def find_persons(app: App, name: str | None, id_number: str | None) -> list[PersonView]:
    if bool(name) == bool(id_number):
        raise InvalidInput("give exactly one of --name or --id-number")
    with app.uow() as uow:
        if id_number:
            person = find_by_id_number(uow, validate_id_number(id_number))
            return [] if person is None else [PersonView.of(person)]
        assert name is not None
        query = (
            select(model.Person)
            .where(persons_table.c.name.contains(name.strip()))
            .order_by(persons_table.c.id)
        )
        return [PersonView.of(p) for p in uow.session.scalars(query)]


def edit_person(app: App, person_id: int, updates: dict[str, Any]) -> PersonView:
    """Change a person's name or e-mail; the old values stay in the history."""
    clean = _clean_updates(updates, "--name or --email")
    with app.uow() as uow:
        person = get_person(uow, person_id)
        _apply_edit(uow, app, "person", person, clean)
        uow.commit()
        return PersonView.of(person)
