"""Small helpers the integration tests share (the story itself is ``supervise.story``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from supervise.office import Office
from supervise.states import CaseState
from supervise.story import DETAILS, drive_to, with_inputs
from supervise.views import AdvanceResult
from tests.conftest import open_case


def advance(
    office: Office, case_id: int, event: str, at: datetime | None = None, **inputs: Any
) -> AdvanceResult:
    """office.advance with the event's default notice content (``story.DETAILS``) and
    options (``story.INPUTS``: a ban proposal's term, a hearing's hour)."""
    return office.advance(
        case_id, event, at=at, details=DETAILS.get(event), **with_inputs(event, inputs)
    )


def case_in(office: Office, state: CaseState, **kwargs: Any) -> int:
    """A fresh case (``open_case`` keywords) brought to ``state`` along ``story.PATHS``."""
    case_id = open_case(office, **kwargs)
    drive_to(office, case_id, state)
    return case_id


def kinds(office: Office, case_id: int, *, service: bool = False) -> list[str]:
    """The kinds of the case's open deadlines (service duties left out unless asked)."""
    return [d.kind for d in office.case(case_id).deadlines if service or d.kind != "service"]
