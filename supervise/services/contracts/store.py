"""The SQL of service contracts and evaluations (service layer)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import contracts as contracts_table

OPEN = "open"
TERMINATED = "terminated"


def terminate_open(uow: UnitOfWork, org_id: int, day: date, reason: str) -> list[int]:
    """Terminate an organization's open contracts on ``day``; their ids."""
    rows = list(
        uow.session.scalars(
            select(model.Contract)
            .where(contracts_table.c.organization_id == org_id, contracts_table.c.status == OPEN)
            .order_by(contracts_table.c.id)
        )
    )
    for contract in rows:
        contract.status = TERMINATED
        contract.end_reason = reason
    return [c.id for c in rows]
