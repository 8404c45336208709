"""Appending to a case's history: the one way every service writes a history row.

History is append-only: rows are inserted, never updated or deleted. Each row takes the
case's next step number; the case's version-checked UPDATE is flushed first, so a
concurrent change of the same case fails before the row is written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.clock import wall_clock
from supervise.states import CaseState


def append(
    uow: UnitOfWork,
    case: model.Case,
    event: str,
    *,
    at: datetime,
    by: str,
    before: CaseState | None,
    reason: str | None = None,
    basis: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Record ``event`` as the case's next step (the case is already in its new state).

    Returns:
        The step number (``seq``) of the new row.
    """
    case.seq += 1
    uow.flush()
    uow.session.add(
        model.HistoryEntry(
            case_id=case.id,
            seq=case.seq,
            event=event,
            from_state=None if before is None else before.value,
            to_state=case.state.value,
            at=at,
            recorded_at=wall_clock(),
            by=by,
            reason=reason,
            basis=basis,
            data=data or {},
        )
    )
    return case.seq
