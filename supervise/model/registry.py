"""The registry's objects: organizations, persons, the edits to their records, bans."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervise.model.record import _Record
from supervise.states import OrgState


class Organization(_Record):
    id: int
    name: str
    credit_code: str
    kind: str
    charity: bool
    district: str
    township: str | None
    email: str | None
    status: OrgState
    professional: bool
    services: list[str]
    created_at: datetime
    version: int
    # Defaults for rows built before revision 0004's columns (and unmapped test objects).
    address: str | None = None  # 住所
    legal_representative: str | None = None  # 法定代表人


class Person(_Record):
    id: int
    name: str
    # The clear number, in memory only: the row holds it sealed (id_number_enc) and as a
    # keyed hash (id_number_hmac), both written as the row is inserted.
    id_number: str
    email: str | None
    created_at: datetime
    version: int
    address: str | None = None  # 住址


class Edit(_Record):
    """One change to an organization's or person's record, kept forever."""

    id: int
    entity: str
    entity_id: int
    at: datetime
    recorded_at: datetime
    by: str
    changes: dict[str, Any]


class Ban(_Record):
    """An industry ban in the registry that the pre-appointment check (入职查询) consults."""

    id: int
    person_id: int
    case_id: int | None
    basis: str
    judgment: str | None
    scope: str
    start: date
    until: date | None
    lifelong: bool
    status: str
    created_at: datetime
    ended_at: datetime | None
    court: str | None = None  # the court of a court's ban (刑法 Art. 37-1)
    end_reference: str | None = None  # the judgment or decision that ended or set it aside

    @property
    def by_court(self) -> bool:
        """A court's ban (recorded from a judgment), not a decision of the bureau."""
        return self.judgment is not None

    def active_on(self, day: date) -> bool:
        if self.status != "active" or day < self.start:
            return False
        return self.lifelong or self.until is None or day <= self.until

    def covers(self, org: Organization) -> bool:
        """Whether the ban bars the person from posts in ``org`` (a charity ban: charities)."""
        return self.scope == "all" or (self.scope == "charity" and org.charity)

    def describe(self) -> str:
        end = (
            "lifelong"
            if self.lifelong
            else f"until {self.until.isoformat() if self.until else '?'}"
        )
        if self.status == "pending":
            # Decided, not yet served: the term's dates are set by the service (banterm).
            end = "pending: decided, its term runs from the service of the decision"
        source = f"case {self.case_id}" if self.case_id else f"judgment {self.judgment}"
        return f"ban {self.id} ({self.basis}, {source}, scope {self.scope}) {end}"
