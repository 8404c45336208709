"""What a step did: an advance's result, a legal review's or a collective discussion's
(split from ``cases`` so that reading a case builds none of these classes)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from supervise.scrutiny import Scrutiny
    from supervise.states import CaseState
    from supervise.views.cases import CaseView


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
class ScrutinyResult:
    """What ``review`` and ``discuss`` recorded: the step, what it froze, where things stand."""

    case_id: int
    step: str  # review | discuss
    seq: int
    outcome: str  # approved | rejected (a review); the decision concluded (a discussion)
    frozen: dict[str, Any]
    scrutiny: Scrutiny

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "step": self.step,
            "seq": self.seq,
            "outcome": self.outcome,
            "frozen": self.frozen,
            "scrutiny": self.scrutiny.as_json(),
        }
