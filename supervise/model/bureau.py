"""The bureau's objects: areas, townships served, links with rescue institutions, the
organizations' lifecycle, contracts and evaluations.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervise.model.record import _Record


class Area(_Record):
    """A township or street (乡镇/街道) of a district, loaded from the office's file."""

    id: int
    district: str
    township: str
    kind: str
    code: str
    loaded_at: datetime
    loaded_by: str


class OrgTownship(_Record):
    """A township an organization serves (the coverage report counts these)."""

    organization_id: int
    area_id: int


class InstitutionLink(_Record):
    """A link (结对/联系) between an organization and its district's 未成年人救助保护机构.

    ``until`` is None while the link holds; an ended link stays as history."""

    id: int
    organization_id: int
    institution: str
    district: str
    since: date
    until: date | None
    linked_by: str
    linked_at: datetime
    unlinked_by: str | None
    unlinked_at: datetime | None


class OrgHistoryEntry(_Record):
    """An event in an organization's lifecycle. Append-only."""

    id: int
    organization_id: int
    seq: int
    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    data: dict[str, Any]


class Contract(_Record):
    """A service contract (政府购买服务); the amount in fen (分), never a float."""

    id: int
    organization_id: int
    title: str
    amount_fen: int
    start: date
    end: date
    status: str
    end_reason: str | None
    evaluation_id: int | None
    created_at: datetime
    created_by: str
    version: int


class ContractTownship(_Record):
    contract_id: int
    area_id: int


class Evaluation(_Record):
    """A performance evaluation of a contract; a correction is a new row superseding it."""

    id: int
    contract_id: int
    organization_id: int
    score: Any  # Decimal, two places
    grade: str
    groups: dict[str, Any]
    scores: dict[str, Any]
    note: str | None
    evaluated_on: date
    by: str
    recorded_at: datetime
    supersedes_id: int | None
    reason: str | None
    status: str
