"""Use cases for organizations and persons: add, list, show, find, edit (service layer).

Every function owns its transaction. Edits keep the old and new values in the ``edits``
table forever, with who made them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.areas import check_district, check_township, split_place
from supervise.clock import wall_clock
from supervise.errors import Conflict, InvalidInput, NotAllowed
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
from supervise.orgrecord import (
    CleanOrg,
    OrgInput,
    OrgRules,
    check_served,
    check_services,
    clean_org,
)
from supervise.permissions import districts_of
from supervise.redact import quoted
from supervise.runtime import Runtime
from supervise.services.admin import access
from supervise.services.areas import store as area_store
from supervise.services.registry import store
from supervise.states import OrgState
from supervise.validation import validate_email, validate_id_number
from supervise.views import LinkView, OrgEventView, OrgView, PersonView, iso

__all__ = [
    "OrgInput",
    "add_org",
    "edit_org",
    "insert_org",
    "list_orgs",
    "org_rules",
    "show_org",
]


def org_rules(rt: Runtime, uow: UnitOfWork, districts: Iterable[str]) -> OrgRules:
    """The checks' inputs: the settings, and the townships loaded for ``districts``."""
    return OrgRules(
        districts=rt.settings.areas.districts,
        services=rt.settings.organizations.services,
        townships=area_store.townships_of(uow, districts),
    )


def _districts_named(data: OrgInput) -> set[str]:
    names = {data.district.strip()}
    names |= {split_place(v, data.district.strip())[0] for v in data.serves}
    return names


def _set_served(uow: UnitOfWork, org_id: int, serves: tuple[tuple[str, str], ...]) -> None:
    ids = area_store.area_ids(uow, serves)
    store.replace_served(uow, org_id, [ids[place] for place in serves])


def add_org(rt: Runtime, actor: str, data: OrgInput) -> OrgView:
    """Add an organization (checked as :func:`clean_org` checks it).

    Raises:
        NotAllowed: the actor is limited to districts and this is not one of them
            (audited).
        Conflict: the credit code is taken.
    """
    districts = districts_of(actor)
    if districts is not None and data.district.strip() not in districts:
        why = (
            f"{actor} is limited to {', '.join(districts)}; an organization in "
            f"{quoted(data.district.strip(), 40)} is added by a user of that district"
        )
        access.record(rt, actor, "org.add", "refused", why)
        raise NotAllowed(why, rule="districts")
    with rt.uow() as uow:
        clean = clean_org(data, org_rules(rt, uow, _districts_named(data)))
        existing = store.org_by_credit_code(uow, clean.credit_code)
        if existing is not None:
            raise Conflict(
                f"an organization with credit code {clean.credit_code} exists already "
                f"(id {existing.id})",
                id=existing.id,
            )
        org = insert_org(uow, rt, actor, clean)
        uow.commit()
        return org_view(uow, org)


def insert_org(uow: UnitOfWork, rt: Runtime, actor: str, clean: CleanOrg) -> model.Organization:
    """Add a checked organization, the townships it serves and its lifecycle's first
    history row, inside the caller's transaction (``org add`` and the bulk importer)."""
    now = rt.clock.now()
    org = model.Organization(
        name=clean.name,
        credit_code=clean.credit_code,
        kind=clean.kind,
        charity=clean.charity,
        district=clean.district,
        township=clean.township,
        email=clean.email,
        address=clean.address,
        legal_representative=clean.legal_representative,
        status=clean.state,
        professional=clean.professional,
        services=list(clean.services),
        created_at=now,
    )
    uow.session.add(org)
    uow.session.flush()
    _set_served(uow, org.id, clean.serves)
    # The lifecycle's first entry: where the organization started.
    uow.session.add(
        model.OrgHistoryEntry(
            organization_id=org.id,
            seq=1,
            event="add",
            from_state=None,
            to_state=clean.state.value,
            at=now,
            recorded_at=wall_clock(),
            by=actor,
            reason=None,
            data={},
        )
    )
    return org


def org_view(uow: UnitOfWork, org: model.Organization) -> OrgView:
    """An organization with its townships served and its links."""
    serves = tuple(f"{d}/{t}" for d, t in store.served_by(uow, org.id))
    links = tuple(LinkView.of(k) for k in store.links_of(uow, org.id))
    return OrgView.of(org, serves, links)


def _edits(rt: Runtime, uow: UnitOfWork, entity: str, entity_id: int) -> list[dict[str, Any]]:
    zone = rt.settings.zone
    return [
        {"at": iso(e.at, zone), "recorded_at": iso(e.recorded_at, zone), "by": e.by,
         "changes": e.changes}
        for e in store.edits_of(uow, entity, entity_id)
    ]  # fmt: skip


def show_org(rt: Runtime, actor: str, org_id: int) -> OrgView:
    zone = rt.settings.zone
    with rt.uow() as uow:
        view = org_view(uow, store.get_org(uow, org_id, districts_of(actor)))
        lifecycle = tuple(
            OrgEventView.of(e).as_json(zone) for e in store.org_history_of(uow, org_id)
        )
        return dataclasses.replace(
            view, history=_edits(rt, uow, "organization", org_id), lifecycle=lifecycle
        )


def list_orgs(
    rt: Runtime,
    actor: str,
    district: str | None = None,
    limit: int = 1000,
    status: str | None = None,
) -> list[OrgView]:
    district = optional_text(district, "--district", DISTRICT)
    if district is not None:
        check_district(district, rt.settings.areas.districts)
    state = None
    if status is not None:
        try:
            state = OrgState(status)
        except ValueError:
            raise InvalidInput(
                f"--status {quoted(status, 30)}: use one of {', '.join(s.value for s in OrgState)}"
            ) from None
    with rt.uow() as uow:
        orgs = store.list_orgs(uow, district, limit, districts_of(actor), state)
        serves = store.served_by_orgs(uow, [o.id for o in orgs])
        links = store.current_links(uow, [o.id for o in orgs])
        return [
            OrgView.of(
                o,
                tuple(f"{d}/{t}" for d, t in serves.get(o.id, [])),
                tuple(LinkView.of(k) for k in links.get(o.id, [])),
            )
            for o in orgs
        ]


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
    if "professional" in clean:
        clean["professional"] = bool(clean["professional"])
    return clean


def _apply_edit(
    uow: UnitOfWork,
    rt: Runtime,
    actor: str,
    entity: str,
    record: Any,
    clean: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> None:
    """Change ``record`` and keep the old and new values in the ``edits`` table."""
    changes = {
        k: {"old": getattr(record, k), "new": v}
        for k, v in clean.items()
        if getattr(record, k) != v
    }
    changes.update(extra or {})
    for key, value in clean.items():
        setattr(record, key, value)
    if changes:
        store.add_edit(uow, rt.clock.now(), actor, entity, record.id, changes)


ORG_EDIT_OPTIONS = (
    "--name, --email, --township, --address, --legal-representative, "
    "--professional/--not-professional, --service or --serves"
)


def edit_org(rt: Runtime, actor: str, org_id: int, updates: dict[str, Any]) -> OrgView:
    """Change name, contact, township, address, legal representative, whether professional,
    the services or the townships served; the old values stay in the history."""
    updates = dict(updates)
    services = updates.pop("services", None)
    serves = updates.pop("serves", None)
    if services is not None:
        updates["services"] = list(check_services(services, rt.settings.organizations.services))
    clean = _clean_updates({**updates, "serves": serves}, ORG_EDIT_OPTIONS, ORG_NAME)
    clean.pop("serves", None)
    with rt.uow() as uow:
        org = store.get_org(uow, org_id, districts_of(actor))
        if "township" in clean:
            known = area_store.townships_of(uow, [org.district])
            check_township(org.district, clean["township"], known)
        if serves is not None:
            rules = org_rules(
                rt, uow, {org.district} | {split_place(v, org.district)[0] for v in serves}
            )
            places = check_served(serves, org.district, rules)
            before = [f"{d}/{t}" for d, t in store.served_by(uow, org.id)]
            after = [f"{d}/{t}" for d, t in places]
            if sorted(before) != sorted(after):
                clean["serves"] = (before, after)
            _set_served(uow, org.id, places)
        served_change = clean.pop("serves", None)
        _apply_edit(
            uow,
            rt,
            actor,
            "organization",
            org,
            clean,
            extra=(
                {"serves": {"old": served_change[0], "new": served_change[1]}}
                if served_change
                else None
            ),
        )
        uow.commit()
        return org_view(uow, org)


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
        return dataclasses.replace(view, history=_edits(rt, uow, "person", person_id))


def reveal_id_number(rt: Runtime, actor: str, person_id: int) -> str:
    """The person's full ID number; the reveal is audited in the same transaction, so no
    number is shown without its audit row."""
    from supervise.services.admin.access import add_entry

    with rt.uow() as uow:
        person = store.get_person(uow, person_id)
        add_entry(uow, rt, actor, "person.reveal", "done", None, data={"person": person_id})
        uow.commit()
        return person.id_number


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
