"""Use cases for organizations and persons: add, list, show, find, edit (service layer).

Every function owns its transaction. Edits keep the old and new values in the ``edits``
table forever, with who made them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.clock import wall_clock
from supervise.errors import Conflict, InvalidInput
from supervise.inputs import (
    ADDRESS,
    DISTRICT,
    ORG_NAME,
    PERSON_NAME,
    SEARCH,
    TOWNSHIP,
    optional_text,
    text,
)
from supervise.law import ORG_KINDS
from supervise.redact import quoted
from supervise.runtime import Runtime
from supervise.services.registry import store
from supervise.validation import validate_credit_code, validate_email, validate_id_number
from supervise.views import OrgView, PersonView, iso


@dataclass(frozen=True)
class OrgInput:
    name: str
    credit_code: str
    district: str
    kind: str
    township: str | None = None
    charity: bool = False
    email: str | None = None
    address: str | None = None
    legal_representative: str | None = None


def add_org(rt: Runtime, actor: str, data: OrgInput) -> OrgView:
    code = validate_credit_code(data.credit_code)
    if data.kind not in ORG_KINDS:
        raise InvalidInput(f"unknown kind {quoted(data.kind)}; use one of {', '.join(ORG_KINDS)}")
    email = validate_email(data.email) if data.email is not None else None
    name = text(data.name, "--name", ORG_NAME)
    district = text(data.district, "--district", DISTRICT)
    township = optional_text(data.township, "--township", TOWNSHIP)
    address = optional_text(data.address, "--address", ADDRESS)
    representative = optional_text(data.legal_representative, "--legal-representative", PERSON_NAME)
    with rt.uow() as uow:
        existing = store.org_by_credit_code(uow, code)
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
            township=township,
            email=email,
            status="active",
            created_at=rt.clock.now(),
            address=address,
            legal_representative=representative,
        )
        uow.session.add(org)
        uow.commit()
        return OrgView.of(org)


def _edits(rt: Runtime, uow: UnitOfWork, entity: str, entity_id: int) -> list[dict[str, Any]]:
    zone = rt.settings.zone
    return [
        {"at": iso(e.at, zone), "recorded_at": iso(e.recorded_at, zone), "by": e.by,
         "changes": e.changes}
        for e in store.edits_of(uow, entity, entity_id)
    ]  # fmt: skip


def show_org(rt: Runtime, actor: str, org_id: int) -> OrgView:
    with rt.uow() as uow:
        view = OrgView.of(store.get_org(uow, org_id))
        return OrgView(**{**view.__dict__, "history": _edits(rt, uow, "organization", org_id)})


def list_orgs(
    rt: Runtime, actor: str, district: str | None = None, limit: int = 1000
) -> list[OrgView]:
    district = optional_text(district, "--district", DISTRICT)
    with rt.uow() as uow:
        return [OrgView.of(o) for o in store.list_orgs(uow, district, limit)]


def _clean_updates(updates: dict[str, Any], options: str, name_limit: int) -> dict[str, Any]:
    clean = {k: v for k, v in updates.items() if v is not None}
    if not clean:
        raise InvalidInput(f"nothing to change; give {options}")
    if "email" in clean:
        clean["email"] = validate_email(clean["email"])
    if "name" in clean:
        clean["name"] = text(clean["name"], "--name", name_limit)
    if "township" in clean:
        clean["township"] = text(clean["township"], "--township", TOWNSHIP)
    if "address" in clean:
        clean["address"] = text(clean["address"], "--address", ADDRESS)
    if "legal_representative" in clean:
        clean["legal_representative"] = text(
            clean["legal_representative"], "--legal-representative", PERSON_NAME
        )
    return clean


def _apply_edit(
    uow: UnitOfWork, rt: Runtime, actor: str, entity: str, record: Any, clean: dict[str, Any]
) -> None:
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
                at=rt.clock.now(),
                recorded_at=wall_clock(),
                by=actor,
                changes=changes,
            )
        )


def edit_org(rt: Runtime, actor: str, org_id: int, updates: dict[str, Any]) -> OrgView:
    """Change name, contact e-mail or township; the old values stay in the history."""
    clean = _clean_updates(
        updates,
        "--name, --email, --township, --address or --legal-representative",
        ORG_NAME,
    )
    with rt.uow() as uow:
        org = store.get_org(uow, org_id)
        _apply_edit(uow, rt, actor, "organization", org, clean)
        uow.commit()
        return OrgView.of(org)


def add_person(
    rt: Runtime,
    actor: str,
    name: str,
    id_number: str,
    email: str | None = None,
    address: str | None = None,
) -> PersonView:
    number = validate_id_number(id_number)
    clean_email = validate_email(email) if email is not None else None
    clean_name = text(name, "--name", PERSON_NAME)
    clean_address = optional_text(address, "--address", ADDRESS)
    with rt.uow() as uow:
        existing = store.person_by_id_number(uow, number)
        if existing is not None:
            raise Conflict(
                f"a person with this id number exists already (id {existing.id})", id=existing.id
            )
        person = model.Person(
            name=clean_name,
            id_number=number,
            email=clean_email,
            created_at=rt.clock.now(),
            address=clean_address,
        )
        uow.session.add(person)
        uow.commit()
        return PersonView.of(person)


def show_person(rt: Runtime, actor: str, person_id: int) -> PersonView:
    with rt.uow() as uow:
        view = PersonView.of(store.get_person(uow, person_id))
        return PersonView(**{**view.__dict__, "history": _edits(rt, uow, "person", person_id)})


def list_persons(rt: Runtime, actor: str, limit: int = 1000) -> list[PersonView]:
    with rt.uow() as uow:
        return [PersonView.of(p) for p in store.list_persons(uow, limit)]


def find_persons(
    rt: Runtime, actor: str, name: str | None = None, id_number: str | None = None
) -> list[PersonView]:
    if (name is None) == (id_number is None):
        raise InvalidInput("give exactly one of --name or --id-number")
    number = None if id_number is None else validate_id_number(id_number)
    part = None if name is None else text(name, "--name", SEARCH)
    with rt.uow() as uow:
        if number is not None:
            person = store.person_by_id_number(uow, number)
            return [] if person is None else [PersonView.of(person)]
        assert part is not None
        return [PersonView.of(p) for p in store.persons_named(uow, part)]


def edit_person(rt: Runtime, actor: str, person_id: int, updates: dict[str, Any]) -> PersonView:
    """Change a person's name or e-mail; the old values stay in the history."""
    clean = _clean_updates(updates, "--name, --email or --address", PERSON_NAME)
    with rt.uow() as uow:
        person = store.get_person(uow, person_id)
        _apply_edit(uow, rt, actor, "person", person, clean)
        uow.commit()
        return PersonView.of(person)
