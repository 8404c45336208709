"""Views of cases: deadlines, history, the next events, the result of an advance."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise.law import DEADLINE_KINDS
from supervise.scrutiny import Scrutiny
from supervise.states import EVENTS, STATE_NAMES, CaseState
from supervise.views.base import _json
from supervise.views.registry import OrgView, PersonView


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
        return DEADLINE_KINDS[self.kind].zh

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
        data: dict[str, Any] = _json(self, zone, keys={"from_state": "from", "to_state": "to"})
        del data["seq"]
        if not self.data:
            del data["data"]
        return data


@dataclass(frozen=True, slots=True)
class CaseView:
    id: int
    state: CaseState
    organization: OrgView
    person: PersonView
    role: str
    supervisor: str | None
    # Tuples by default, shared: a listing of 100,000 cases holds no empty lists.
    deadlines: Sequence[DeadlineView] = ()
    history: Sequence[HistoryView] = ()
    #: Where the legal review and the discussion of the next decision stand (`case show`).
    scrutiny: Scrutiny | None = None

    @property
    def state_zh(self) -> str:
        return STATE_NAMES[self.state][0]

    def as_json(self, zone: ZoneInfo, detail: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "state": self.state.value,
            "state_zh": self.state_zh,
            "organization": {"id": self.organization.id, "name": self.organization.name},
            "person": self.person.brief(),
            "role": self.role,
            "supervisor": self.supervisor,
        }
        if detail:
            data["deadlines"] = [d.as_json() for d in self.deadlines]
            data["history"] = [h.as_json(zone) for h in self.history]
            if self.scrutiny is not None:
                data["scrutiny"] = self.scrutiny.as_json()
        return data


@dataclass(frozen=True)
class NextEvent:
    event: str
    allowed: bool
    reason: str | None
    earliest: datetime | None
    bases: list[str]
    needs: tuple[str, ...] = ()
    #: For the decision ahead and its drop: where its legal review and discussion stand.
    scrutiny: dict[str, Any] | None = None

    @property
    def zh(self) -> str:
        return EVENTS[self.event].zh

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone)
        del data["needs"]
        if self.scrutiny is None:
            del data["scrutiny"]
        return data
