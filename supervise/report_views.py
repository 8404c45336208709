"""The bureau's reports as read models (domain layer: the standard library and the domain).

A report is a plain record of figures the services computed with SQL aggregates; it knows
its JSON form (English keys, Chinese labels beside them) and the period it covers. The
terminal tables and the HTML page are drawn from the same record (``cli/report.py``,
``report_html.py``), so the three outputs never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supervise.law import DEADLINE_KINDS, PENALTY_ZH
from supervise.states import STATE_NAMES, CaseState

#: The penalties counted per month: the bureau's decisions (行政处罚法 Art. 57).
PENALTY_EVENTS: dict[str, str] = {
    "issue_warning": "warning",
    "order_replacement": "replacement",
    "impose_ban": "ban",
}
#: Column titles for the penalties (the full names are in ``law.PENALTY_ZH``).
PENALTY_SHORT: dict[str, str] = {"warning": "警告", "replacement": "责令撤换", "ban": "从业禁止"}


def state_zh(state: str) -> str:
    try:
        return STATE_NAMES[CaseState(state)][0]
    except (ValueError, KeyError):
        return state


def kind_zh(kind: str) -> str:
    found = DEADLINE_KINDS.get(kind)
    return found.zh if found is not None else kind


@dataclass(frozen=True)
class Period:
    """The days a report's flows cover, both included, in the office's zone."""

    start: date
    end: date

    def as_json(self) -> dict[str, str]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass(frozen=True)
class DistrictStates:
    """Where one district's cases stand today: how many in each state."""

    district: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class OverdueRow:
    district: str
    kind: str
    count: int


@dataclass(frozen=True)
class MonthPenalties:
    """The penalties decided in one calendar month (``YYYY-MM``), by penalty."""

    month: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class LateNotice:
    """A notice served after its service deadline, or still unserved past it."""

    notice_id: int
    number: str
    type: str
    case_id: int
    district: str
    due: date
    served_on: date | None


@dataclass(frozen=True)
class NoticeServiceRow:
    district: str
    to_serve: int
    late: int


@dataclass(frozen=True)
class CasesReport:
    """``report cases``: the cases by state and district today, and the period's flows."""

    period: Period
    today: date
    scope: tuple[str, ...] | None
    states: list[DistrictStates]
    overdue: list[OverdueRow]
    penalties: list[MonthPenalties]
    closed: int
    closed_after_interview: int
    median_days_interview_to_closure: float | None
    notices: list[NoticeServiceRow]
    late_notices: list[LateNotice]
    #: More late notices exist than are listed (the list is capped).
    late_notices_more: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state_columns(self) -> list[str]:
        """The states any district has a case in, in the machine's order."""
        present = {s for row in self.states for s, n in row.counts.items() if n}
        return [s.value for s in CaseState if s.value in present]

    def state_totals(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.states:
            for state, n in row.counts.items():
                totals[state] = totals.get(state, 0) + n
        return totals

    @property
    def overdue_total(self) -> int:
        return sum(r.count for r in self.overdue)

    @property
    def late_total(self) -> int:
        return sum(r.late for r in self.notices)

    def as_json(self) -> dict[str, Any]:
        totals = self.state_totals()
        return {
            "report": "cases",
            "title": "案件统计",
            "period": self.period.as_json(),
            "today": self.today.isoformat(),
            "scope": None if self.scope is None else list(self.scope),
            "states": [
                {"state": s, "state_zh": state_zh(s), "count": totals.get(s, 0)}
                for s in self.state_columns
            ],
            "by_district": [
                {
                    "district": row.district,
                    "total": row.total,
                    "states": {s: n for s, n in row.counts.items() if n},
                }
                for row in self.states
            ],
            "cases_total": sum(totals.values()),
            "overdue_deadlines": {
                "total": self.overdue_total,
                "rows": [
                    {
                        "district": r.district,
                        "kind": r.kind,
                        "kind_zh": kind_zh(r.kind),
                        "count": r.count,
                    }
                    for r in self.overdue
                ],
            },
            "penalties_per_month": [
                {"month": m.month, "total": m.total, **m.counts} for m in self.penalties
            ],
            "penalty_names": {p: PENALTY_ZH[p] for p in PENALTY_EVENTS.values()},
            "closures": {
                "closed": self.closed,
                "closed_after_interview": self.closed_after_interview,
                "median_days_interview_to_closure": self.median_days_interview_to_closure,
            },
            "notices": {
                "to_serve": sum(r.to_serve for r in self.notices),
                "not_served_in_time": self.late_total,
                "by_district": [
                    {"district": r.district, "to_serve": r.to_serve, "late": r.late}
                    for r in self.notices
                ],
                "late": [
                    {
                        "notice": n.notice_id,
                        "number": n.number,
                        "type": n.type,
                        "case": n.case_id,
                        "district": n.district,
                        "due": n.due.isoformat(),
                        "served_on": None if n.served_on is None else n.served_on.isoformat(),
                    }
                    for n in self.late_notices
                ],
                "late_not_listed": self.late_notices_more,
            },
        }
