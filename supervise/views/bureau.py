"""Views of the bureau's service contracts and their evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.evaluation import GRADE_KEYS
from supervise.views.base import _json


@dataclass(frozen=True)
class EvaluationView:
    """A performance evaluation of a contract (score to two places, as text: no float)."""

    id: int
    contract: int
    organization: int
    score: str
    grade: str
    groups: dict[str, Any]
    evaluated_on: date
    by: str
    recorded_at: datetime
    status: str
    supersedes: int | None
    reason: str | None
    note: str | None
    review_opened: bool = False

    @classmethod
    def of(cls, row: model.Evaluation, review_opened: bool = False) -> EvaluationView:
        return cls(
            row.id, row.contract_id, row.organization_id, f"{row.score:.2f}", row.grade,
            dict(row.groups), row.evaluated_on, row.by, row.recorded_at, row.status,
            row.supersedes_id, row.reason, row.note, review_opened,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = _json(self, zone)
        data["grade_key"] = GRADE_KEYS.get(self.grade, self.grade)
        return data


@dataclass(frozen=True)
class ContractView:
    id: int
    organization: int
    organization_name: str
    district: str
    title: str
    amount_fen: int
    start: date
    end: date
    status: str
    end_reason: str | None
    townships: tuple[str, ...] = ()
    evaluation: EvaluationView | None = None
    evaluations: tuple[EvaluationView, ...] = ()

    @property
    def amount(self) -> str:
        """In yuan, two decimals."""
        whole, cents = divmod(self.amount_fen, 100)
        return f"{whole}.{cents:02d}"

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "organization": {"id": self.organization, "name": self.organization_name},
            "district": self.district,
            "title": self.title,
            "amount": self.amount,
            "amount_fen": self.amount_fen,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "status": self.status,
            "end_reason": self.end_reason,
            "townships": list(self.townships),
            "evaluation": None if self.evaluation is None else self.evaluation.as_json(zone),
        }
        if self.evaluations:
            data["evaluations"] = [e.as_json(zone) for e in self.evaluations]
        return data
