"""Views of an organization's lifecycle and of the administrative areas (split from
``registry`` so that showing a case, which needs an organization's and a person's view,
builds none of these classes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.states import ORG_EVENTS
from supervise.views.base import _json
from supervise.views.registry import OrgView


@dataclass(frozen=True)
class OrgEventView:
    """An event of an organization's lifecycle (its own history, like a case's)."""

    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, row: model.OrgHistoryEntry) -> OrgEventView:
        return cls(
            row.event, row.from_state, row.to_state, row.at, row.recorded_at, row.by,
            row.reason, row.data,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone, keys={"from_state": "from", "to_state": "to"})
        if not self.data:
            del data["data"]
        return data


@dataclass(frozen=True)
class OrgAdvanceResult:
    """What ``org advance`` did: the move, and what the exit did to contracts and cases."""

    organization: OrgView
    event: str
    from_state: str
    to_state: str
    terminated_contracts: tuple[int, ...] = ()
    open_cases: tuple[int, ...] = ()
    ended_link: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "organization": {"id": self.organization.id, "name": self.organization.name},
            "event": self.event,
            "event_zh": ORG_EVENTS[self.event].zh if self.event in ORG_EVENTS else self.event,
            "from": self.from_state,
            "to": self.to_state,
            "terminated_contracts": list(self.terminated_contracts),
            "open_cases": list(self.open_cases),
            "ended_link": self.ended_link,
        }


@dataclass(frozen=True)
class AreaView:
    district: str
    township: str
    kind: str
    code: str

    @classmethod
    def of(cls, area: model.Area) -> AreaView:
        return cls(area.district, area.township, area.kind, area.code)

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class DistrictView:
    name: str
    kind: str
    townships: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class AreaImport:
    file: str
    rows: int
    added: int
    updated: int
    unchanged: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))
