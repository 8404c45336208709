"""The SQL of the law's four eyes (法制审核, 集体讨论): who investigated a case, whether a
reviewer has reviewed before, the case's latest proposal (service layer)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Select,
    select,
)

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import notices as notices_table
from supervise.law import PROPOSAL_EVENTS
from supervise.scrutiny import INVESTIGATION_EVENTS

CaseRow = tuple[model.Case, model.Organization, model.Person]
CaseQuery = Select[model.Case, model.Organization, model.Person]
RUNNING = ("open", "waiting")


def investigated(uow: UnitOfWork, case: model.Case, name: str) -> bool:
    """Whether ``name`` supervises the case or took a step of its investigation."""
    if case.supervisor == name:
        return True
    h = history_table.c
    found = uow.session.scalar(
        select(h.id)
        .where(h.case_id == case.id, h.by == name, h.event.in_(sorted(INVESTIGATION_EVENTS)))
        .limit(1)
    )
    return found is not None


def has_reviewed(uow: UnitOfWork, name: str) -> bool:
    """Whether ``name`` has made a legal review before (of any case)."""
    h = history_table.c
    return (
        uow.session.scalar(select(h.id).where(h.event == "review", h.by == name).limit(1))
        is not None
    )


def latest_proposal(uow: UnitOfWork, case_id: int) -> tuple[int, Any] | None:
    """The step of the case's latest proposal and the facts its prior notice states."""
    h, n = history_table.c, notices_table.c
    seq = uow.session.scalar(
        select(h.seq)
        .where(h.case_id == case_id, h.event.in_(sorted(PROPOSAL_EVENTS)))
        .order_by(h.seq.desc())
        .limit(1)
    )
    if seq is None:
        return None
    snapshot = uow.session.scalar(
        select(n.snapshot).where(n.case_id == case_id, n.history_seq == seq).order_by(n.id).limit(1)
    )
    details = snapshot.get("details") if isinstance(snapshot, dict) else None
    return seq, (details or {}).get("facts") if isinstance(details, dict) else None
