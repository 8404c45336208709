"""``report contracts``: the services the government bought, their evaluations, grades
and the organizations' exits, as a read model (domain layer: standard library only).

Money is in fen (whole numbers); a mean score is exact (the sum of the scores in hundredths
over the count, half up to two places). Only current evaluations count: a corrected one is
replaced by its correction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from supervise.contracts import yuan
from supervise.evaluation import GRADE_KEYS, GRADES
from supervise.report_views import Period
from supervise.states import ORG_STATE_NAMES, OrgState


def org_state_zh(state: str) -> str:
    try:
        return ORG_STATE_NAMES[OrgState(state)][0]
    except ValueError:
        return state


def mean_score(hundredths: int, count: int) -> Decimal | None:
    """The mean of ``count`` scores summing to ``hundredths`` / 100, to two places."""
    if not count:
        return None
    return (Decimal(hundredths) / count / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class ContractFigures:
    """Contracts and their current evaluations, summed (one organization or district)."""

    contracts: int
    open: int
    amount_fen: int
    evaluated: int
    score_hundredths: int
    grades: dict[str, int]

    @property
    def mean(self) -> Decimal | None:
        return mean_score(self.score_hundredths, self.evaluated)

    @property
    def failing(self) -> int:
        return self.grades.get(GRADES[-1], 0)

    def plus(self, other: ContractFigures) -> ContractFigures:
        return ContractFigures(
            self.contracts + other.contracts,
            self.open + other.open,
            self.amount_fen + other.amount_fen,
            self.evaluated + other.evaluated,
            self.score_hundredths + other.score_hundredths,
            {g: self.grades.get(g, 0) + other.grades.get(g, 0) for g in GRADES},
        )

    def as_json(self) -> dict[str, Any]:
        mean = self.mean
        return {
            "contracts": self.contracts,
            "open": self.open,
            "amount_fen": self.amount_fen,
            "amount_yuan": yuan(self.amount_fen),
            "evaluated": self.evaluated,
            "mean_score": None if mean is None else str(mean),
            "grades": {GRADE_KEYS[g]: self.grades.get(g, 0) for g in GRADES},
        }


NOTHING = ContractFigures(0, 0, 0, 0, 0, {})


@dataclass(frozen=True)
class OrgContracts:
    organization: int
    name: str
    district: str
    status: str
    figures: ContractFigures


@dataclass(frozen=True)
class OrgExit:
    """An organization that left the programme (退出), or one under an exit review."""

    organization: int
    name: str
    district: str
    on: date
    reason: str | None


@dataclass(frozen=True)
class ContractsReport:
    """``report contracts``: per district and organization; exits and open reviews."""

    period: Period | None
    today: date
    scope: tuple[str, ...] | None
    organizations: list[OrgContracts]
    exits: list[OrgExit]
    reviews: list[OrgExit]

    @property
    def districts(self) -> list[tuple[str, ContractFigures]]:
        totals: dict[str, ContractFigures] = {}
        for row in self.organizations:
            totals[row.district] = totals.get(row.district, NOTHING).plus(row.figures)
        return list(totals.items())

    @property
    def total(self) -> ContractFigures:
        out = NOTHING
        for row in self.organizations:
            out = out.plus(row.figures)
        return out

    def as_json(self) -> dict[str, Any]:
        def org_exit(e: OrgExit) -> dict[str, Any]:
            return {
                "organization": e.organization,
                "name": e.name,
                "district": e.district,
                "on": e.on.isoformat(),
                "reason": e.reason,
            }

        return {
            "report": "contracts",
            "title": "政府购买服务与绩效评价",
            "period": None if self.period is None else self.period.as_json(),
            "today": self.today.isoformat(),
            "scope": None if self.scope is None else list(self.scope),
            "grade_names": {GRADE_KEYS[g]: g for g in GRADES},
            "total": self.total.as_json(),
            "by_district": [{"district": d, **f.as_json()} for d, f in self.districts],
            "by_organization": [
                {
                    "organization": r.organization,
                    "name": r.name,
                    "district": r.district,
                    "status": r.status,
                    **r.figures.as_json(),
                }
                for r in self.organizations
            ],
            "exits": [org_exit(e) for e in self.exits],
            "under_review": [org_exit(e) for e in self.reviews],
        }
