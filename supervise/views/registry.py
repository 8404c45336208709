"""Views of the registry: organizations (with their links and lifecycle), areas, persons, bans."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supervise import model
from supervise.banterm import term_years
from supervise.law import ORG_KINDS
from supervise.states import ORG_STATE_NAMES, OrgState
from supervise.validation import mask_id_number
from supervise.views.base import _json, day


@dataclass(frozen=True)
class LinkView:
    """A link (结对) with a district's 未成年人救助保护机构; ``until`` None while it holds."""

    id: int
    organization: int
    institution: str
    district: str
    since: date
    until: date | None
    linked_by: str
    unlinked_by: str | None

    @classmethod
    def of(cls, link: model.InstitutionLink) -> LinkView:
        return cls(
            link.id, link.organization_id, link.institution, link.district, link.since,
            link.until, link.linked_by, link.unlinked_by,
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True, slots=True)
class OrgView:
    id: int
    name: str
    credit_code: str
    kind: str
    charity: bool
    district: str
    township: str | None
    email: str | None
    status: str
    address: str | None = None
    legal_representative: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    professional: bool = False
    services: tuple[str, ...] = ()
    serves: tuple[str, ...] = ()  # 区县/乡镇 of the townships served
    links: tuple[LinkView, ...] = ()  # current first, then ended ones
    lifecycle: tuple[dict[str, Any], ...] = ()

    @classmethod
    def of(
        cls,
        org: model.Organization,
        serves: tuple[str, ...] = (),
        links: tuple[LinkView, ...] = (),
    ) -> OrgView:
        status = org.status.value if isinstance(org.status, OrgState) else str(org.status)
        return cls(
            org.id, org.name, org.credit_code, org.kind, org.charity, org.district,
            org.township, org.email, status, org.address, org.legal_representative, [],
            bool(org.professional), tuple(org.services or ()), serves, links,
        )  # fmt: skip

    @property
    def status_zh(self) -> str:
        try:
            return ORG_STATE_NAMES[OrgState(self.status)][0]
        except ValueError:
            return self.status

    @property
    def link(self) -> LinkView | None:
        """The link that holds now, if any."""
        current = [k for k in self.links if k.until is None]
        return current[0] if current else None

    def as_json(self) -> dict[str, Any]:
        link = self.link
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "credit_code": self.credit_code,
            "kind": self.kind,
            "kind_zh": ORG_KINDS.get(self.kind, self.kind),
            "charity": self.charity,
            "district": self.district,
            "township": self.township,
            "email": self.email,
            "status": self.status,
            "status_zh": self.status_zh,
            "address": self.address,
            "legal_representative": self.legal_representative,
            "professional": self.professional,
            "services": list(self.services),
            "serves": list(self.serves),
            "link": None if link is None else link.as_json(),
        }
        if len(self.links) > (0 if link is None else 1):
            data["links"] = [k.as_json() for k in self.links]
        if self.lifecycle:
            data["lifecycle"] = list(self.lifecycle)
        if self.history:
            data["history"] = self.history
        return data


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    name: str
    id_number_masked: str
    email: str | None
    address: str | None = None
    history: Sequence[dict[str, Any]] = ()

    @classmethod
    def of(cls, person: model.Person) -> PersonView:
        # The full number never leaves the service layer (but in a served original).
        return cls(
            person.id, person.name, mask_id_number(person.id_number), person.email,
            person.address,
        )  # fmt: skip

    def brief(self) -> dict[str, Any]:
        """How a person appears inside a case or a ban."""
        return {"id": self.id, "name": self.name, "id_number_masked": self.id_number_masked}

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _json(self)
        if not self.history:
            del data["history"]
        return data


@dataclass(frozen=True)
class BanView:
    id: int
    case: int | None
    person: PersonView
    basis: str
    judgment: str | None
    scope: str
    start: date | None  # None while pending: the term starts on service of the decision
    until: date | None
    lifelong: bool
    status: str
    court: str | None = None
    end_reference: str | None = None
    years: int | None = None  # the term in whole years, where it is one

    @classmethod
    def of(cls, ban: model.Ban, person: model.Person, today: date) -> BanView:
        """The ban as of ``today``: an active row whose term is over shows as ``ended``
        (the sweep marks it so on its next run), one not yet begun as ``upcoming``, so the
        listing says what ``bans check`` and ``bans list --active`` decide by."""
        status = ban.status
        if status == "active" and not ban.active_on(today):
            status = "upcoming" if today < ban.start else "ended"
        # A pending ban (decided, not served) has no term dates yet: service sets them.
        pending = status == "pending"
        return cls(
            ban.id, ban.case_id, PersonView.of(person), ban.basis, ban.judgment, ban.scope,
            None if pending else ban.start, None if pending else ban.until, ban.lifelong,
            status, ban.court, ban.end_reference, term_years(ban.start, ban.until),
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, keys={"start": "from"})
        data["person"] = self.person.brief()
        return data

    def check_json(self) -> dict[str, Any]:
        """The shape ``bans check --json`` promises."""
        return {
            "case": self.case,
            "basis": self.basis,
            "from": day(self.start),
            "until": day(self.until),
            "lifelong": self.lifelong,
            # pending: decided and already barring posts, its term starting on service
            "status": self.status,
            "years": self.years,
        }
