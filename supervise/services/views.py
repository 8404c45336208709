"""Plain read models that services return (built inside the transaction, no ORM objects).

Each view knows its JSON form, so the CLI's ``--json`` output and the tests share one
definition. Times are ISO 8601 with the configured zone's offset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.config import ORG_KINDS
from supervise.rules import DEADLINE_KINDS
from supervise.states import EVENTS, STATE_NAMES, CaseState
from supervise.validation import mask_id_number


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


@dataclass(frozen=True)
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
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, org: model.Organization) -> OrgView:
        return cls(
            org.id,
            org.name,
            org.credit_code,
            org.kind,
            org.charity,
            org.district,
            org.township,
            org.email,
            org.status,
        )

    def as_json(self) -> dict[str, Any]:
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
        }
        if self.history:
            data["history"] = self.history
        return data


@dataclass(frozen=True)
class PersonView:
    id: int
    name: str
    id_number_masked: str
    email: str | None
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def of(cls, person: model.Person) -> PersonView:
        # The full number never leaves the service layer.
        return cls(person.id, person.name, mask_id_number(person.id_number), person.email)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "id_number_masked": self.id_number_masked,
            "email": self.email,
        }
        if self.history:
            data["history"] = self.history
        return data


@dataclass(frozen=True)
class DeadlineView:
    kind: str
    due: date
    provisional: bool
    nature: str
    status: str = "open"
    notice: int | None = None

    @property
    def label(self) -> str:
        return DEADLINE_KINDS[self.kind][1]

    @property
    def waiting(self) -> bool:
        """A window that starts only when its notice is served."""
        return self.status == "waiting"

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "due": None if self.waiting else self.due.isoformat(),
            "provisional": self.provisional,
            "nature": self.nature,
            "waiting_for_service": self.waiting,
            "notice": self.notice,
        }


@dataclass(frozen=True)
class HistoryView:
    seq: int
    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    basis: str | None
    data: dict[str, Any]

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "event": self.event,
            "from": self.from_state,
            "to": self.to_state,
            "at": iso(self.at, zone),
            "recorded_at": iso(self.recorded_at, zone),
            "by": self.by,
            "reason": self.reason,
            "basis": self.basis,
            **({"data": self.data} if self.data else {}),
        }


@dataclass(frozen=True)
class CaseView:
    id: int
    state: CaseState
    organization: OrgView
    person: PersonView
    role: str
    supervisor: str | None
    deadlines: list[DeadlineView] = field(default_factory=list)
    history: list[HistoryView] = field(default_factory=list)

    @property
    def state_zh(self) -> str:
        return STATE_NAMES[self.state][0]

    def as_json(self, zone: ZoneInfo, detail: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "state": self.state.value,
            "state_zh": self.state_zh,
            "organization": {"id": self.organization.id, "name": self.organization.name},
            "person": {
                "id": self.person.id,
                "name": self.person.name,
                "id_number_masked": self.person.id_number_masked,
            },
            "role": self.role,
            "supervisor": self.supervisor,
        }
        if detail:
            data["deadlines"] = [d.as_json() for d in self.deadlines]
            data["history"] = [h.as_json(zone) for h in self.history]
        return data


@dataclass(frozen=True)
class NextEvent:
    event: str
    allowed: bool
    reason: str | None
    earliest: datetime | None
    bases: list[str]
    needs: tuple[str, ...] = ()

    @property
    def zh(self) -> str:
        return EVENTS[self.event].zh

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "event": self.event,
            "allowed": self.allowed,
            "reason": self.reason,
            "earliest": iso(self.earliest, zone),
            "bases": self.bases,
        }


@dataclass(frozen=True)
class AdvanceResult:
    case: CaseView
    event: str
    from_state: CaseState
    to_state: CaseState
    cascaded: list[int]
    next_events: list[str]
    notices: list[tuple[int, str, str]] = field(default_factory=list)

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data = self.case.as_json(zone, detail=True)
        data.pop("history")  # `case show` has it; an advance answers with what changed
        data.update(
            {
                "event": self.event,
                "from": self.from_state.value,
                "to": self.to_state.value,
                "cascaded": self.cascaded,
                "next": self.next_events,
                "notices": [{"id": i, "type": t, "number": n} for i, t, n in self.notices],
            }
        )
        return data


@dataclass(frozen=True)
class BanView:
    id: int
    case: int | None
    person: PersonView
    basis: str
    judgment: str | None
    scope: str
    start: date
    until: date | None
    lifelong: bool
    status: str

    @classmethod
    def of(cls, ban: model.Ban, person: model.Person) -> BanView:
        return cls(
            ban.id,
            ban.case_id,
            PersonView.of(person),
            ban.basis,
            ban.judgment,
            ban.scope,
            ban.start,
            ban.until,
            ban.lifelong,
            ban.status,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "case": self.case,
            "person": {
                "id": self.person.id,
                "name": self.person.name,
                "id_number_masked": self.person.id_number_masked,
            },
            "basis": self.basis,
            "judgment": self.judgment,
            "scope": self.scope,
            "from": self.start.isoformat(),
            "until": day(self.until),
            "lifelong": self.lifelong,
            "status": self.status,
        }

    def check_json(self) -> dict[str, Any]:
        """The shape ``bans check --json`` promises."""
        return {
            "case": self.case,
            "basis": self.basis,
            "from": self.start.isoformat(),
            "until": day(self.until),
            "lifelong": self.lifelong,
        }
