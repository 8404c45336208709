"""What an organization's record may hold, checked row by row (domain layer).

``org add``, ``org edit`` and the bulk importer (``import orgs``) check an organization
with :func:`clean_org`, given the office's settings and the townships loaded for each
district, so a row is refused for the same reasons, with the same words, whichever way it
arrives. No database here: the caller looks up the townships and the duplicates.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from supervise.areas import check_district, check_township, split_place
from supervise.errors import InvalidInput
from supervise.inputs import (
    ADDRESS,
    DISTRICT,
    ORG_NAME,
    PERSON_NAME,
    SERVICE,
    TOWNSHIP,
    optional_text,
    text,
)
from supervise.law import ORG_KINDS
from supervise.redact import quoted
from supervise.states import OrgState
from supervise.validation import validate_credit_code, validate_email

#: The states an organization may be registered in (later ones are reached by events).
INITIAL_STATES: tuple[str, ...] = (
    OrgState.INCUBATING.value,
    OrgState.REGISTERED.value,
    OrgState.ACTIVE.value,
)


@dataclass(frozen=True)
class OrgInput:
    """An organization as a person or a file gives it (raw text)."""

    name: str
    credit_code: str
    district: str
    kind: str
    township: str | None = None
    charity: bool = False
    email: str | None = None
    address: str | None = None
    legal_representative: str | None = None
    professional: bool = False
    services: Sequence[str] = ()
    serves: Sequence[str] = ()  # townships served: 乡镇 (in the district) or 区县/乡镇
    state: str = OrgState.ACTIVE.value


@dataclass(frozen=True)
class CleanOrg:
    """An organization that passed every check."""

    name: str
    credit_code: str
    district: str
    kind: str
    township: str | None
    charity: bool
    email: str | None
    address: str | None
    legal_representative: str | None
    professional: bool
    services: tuple[str, ...]
    serves: tuple[tuple[str, str], ...]  # (district, township), each loaded
    state: OrgState = OrgState.ACTIVE
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class OrgRules:
    """What the checks need from the settings and the database."""

    districts: Collection[str]
    services: Collection[str]
    townships: Mapping[str, Collection[str]]  # district -> loaded townships


def check_services(values: Sequence[str], allowed: Collection[str]) -> tuple[str, ...]:
    """The services, each one of the configured list, without repeats, in the given order."""
    out: list[str] = []
    for value in values:
        name = text(value, "--service", SERVICE)
        if allowed and name not in allowed:
            raise InvalidInput(
                f"--service {quoted(name, 40)} is not a configured service; use one of "
                f"{', '.join(allowed)} (setting organizations.services)"
            )
        if name not in out:
            out.append(name)
    return tuple(out)


def check_served(
    values: Sequence[str], district: str, rules: OrgRules
) -> tuple[tuple[str, str], ...]:
    """The townships served, as (district, township), each loaded (``area import``)."""
    out: list[tuple[str, str]] = []
    for value in values:
        place = text(value, "--serves", DISTRICT + TOWNSHIP + 1)
        where, township = split_place(place, district)
        check_district(where, rules.districts, "--serves")
        check_township(where, township, rules.townships, "--serves", required=True)
        if (where, township) not in out:
            out.append((where, township))
    return tuple(out)


def clean_org(data: OrgInput, rules: OrgRules) -> CleanOrg:
    """Check every field of an organization.

    Raises:
        InvalidInput: the first field that is wrong, named, with what to do.
    """
    code = validate_credit_code(data.credit_code)
    if data.kind not in ORG_KINDS:
        raise InvalidInput(f"unknown kind {quoted(data.kind)}; use one of {', '.join(ORG_KINDS)}")
    if data.state not in INITIAL_STATES:
        raise InvalidInput(
            f"--state {quoted(data.state, 30)}: an organization starts as one of "
            f"{', '.join(INITIAL_STATES)}; later states are reached with `org advance`"
        )
    email = validate_email(data.email) if data.email is not None else None
    name = text(data.name, "--name", ORG_NAME)
    district = check_district(text(data.district, "--district", DISTRICT), rules.districts)
    township = optional_text(data.township, "--township", TOWNSHIP)
    address = optional_text(data.address, "--address", ADDRESS)
    representative = optional_text(data.legal_representative, "--legal-representative", PERSON_NAME)
    if township is not None:
        check_township(district, township, rules.townships)
    return CleanOrg(
        name=name,
        credit_code=code,
        district=district,
        kind=data.kind,
        township=township,
        charity=bool(data.charity),
        email=email,
        address=address,
        legal_representative=representative,
        professional=bool(data.professional),
        services=check_services(data.services, rules.services),
        serves=check_served(data.serves, district, rules),
        state=OrgState(data.state),
    )
