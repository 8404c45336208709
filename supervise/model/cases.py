"""A leadership case with its history and deadlines; the notices it issues and their service."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervise.model.record import _Record
from supervise.states import CaseState


class Case(_Record):
    """One person holding one role in one organization, and where that stands.

    ``stack`` is the return stack: the states that cancel_*/drop_* events return to,
    innermost last, each frame ``state|basis|flags`` saving the proceeding that was open
    there (so dropping a ban proposal made during a warning proceeding restores it).
    """

    id: int
    organization_id: int
    person_id: int
    role: str
    state: CaseState
    stack: str
    proceeding_basis: str | None
    statement_waived: bool
    hearing_recorded: bool
    supervisor: str | None
    last_event_at: datetime
    seq: int
    created_at: datetime
    version: int
    #: The measure the open proceeding's prior notice proposed (a ban: years); the decision
    #: may not exceed it (行政处罚法 Arts. 44, 45, 62).
    proposed_measure: int | None = None
    #: When the conduct the open proceeding is about happened (行政处罚法 Art. 37).
    conduct_date: date | None = None
    chain_head: str | None
    #: 法制审核 and 集体讨论 (revision 0010; supervise/scrutiny.py): the open proposal's
    #: fingerprint, and what the latest review and discussion froze and concluded. On the
    #: case row so that a decision's guard reads them with the case, in one read.
    proposal_key: str | None = None
    review_key: str | None = None
    review_outcome: str | None = None
    discussion_key: str | None = None
    discussion_decision: str | None = None
    discussion_years: int | None = None

    @property
    def return_state(self) -> CaseState | None:
        if not self.stack:
            return None
        return CaseState(self.stack.rsplit(",", 1)[-1].split("|", 1)[0])

    def push_return(self, state: CaseState) -> None:
        """Remember where to return to, with the proceeding that was open there."""
        flags = ("w" if self.statement_waived else "") + ("h" if self.hearing_recorded else "")
        measure = "" if self.proposed_measure is None else str(self.proposed_measure)
        conduct = "" if self.conduct_date is None else self.conduct_date.isoformat()
        key = self.proposal_key or ""
        frame = f"{state.value}|{self.proceeding_basis or ''}|{flags}"
        if measure or conduct or key:  # the proposed measure, conduct date, proposal key
            frame += f"|{measure}|{conduct}"
        if key:
            frame += f"|{key}"
        self.stack = f"{self.stack},{frame}" if self.stack else frame

    def pop_return(self) -> None:
        """Drop the innermost frame and restore the proceeding it saved."""
        rest, _, frame = self.stack.rpartition(",")
        # Frames written before revision 0004 have three parts.
        _, basis, flags, *more = frame.split("|")
        # Frames written before revision 0010 have no proposal key.
        measure, conduct, key = (more + ["", "", ""])[:3]
        self.stack = rest
        self.proceeding_basis = basis or None
        self.statement_waived = "w" in flags
        self.hearing_recorded = "h" in flags
        self.proposed_measure = int(measure) if measure else None
        self.conduct_date = date.fromisoformat(conduct) if conduct else None
        self.proposal_key = key or None


class HistoryEntry(_Record):
    """An event in a case's life. Append-only: never updated or deleted."""

    id: int
    case_id: int
    seq: int
    event: str
    from_state: str | None
    to_state: str
    at: datetime
    recorded_at: datetime
    by: str
    reason: str | None
    basis: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str


class Deadline(_Record):
    """A time limit opened by an event; it belongs to the states in ``owner``.

    ``rule`` and ``amount`` say how ``due`` was computed from ``start`` (so it can be
    recomputed when a year's official holiday schedule is loaded); ``fixed`` means the
    user gave the date.
    """

    id: int
    case_id: int
    kind: str
    nature: str
    owner: str
    start: date
    rule: str
    amount: int
    due: date
    provisional: bool
    status: str
    opened_seq: int
    closed_seq: int | None
    notice_id: int | None

    def owned_by(self, state: CaseState) -> bool:
        # "*": a duty to serve a notice, which no change of state discharges.
        return self.owner == "*" or state.value in self.owner.split(",")


class Notice(_Record):
    """An official document a transition produced, frozen as issued (snapshot and HTML)."""

    id: int
    case_id: int
    history_seq: int
    type: str
    number: str
    year: int
    seq: int
    created_at: datetime
    snapshot: dict[str, Any]
    template_version: str
    html: str
    html_sha256: str
    pdf_sha256: str | None
    pdf_text_sha256: str | None
    served_on: date | None
    service_method: str | None
    status: str


class NoticeService(_Record):
    """One service (送达) of a notice; a returned first attempt is followed by another."""

    id: int
    notice_id: int
    method: str
    delivered_on: date
    served_on: date
    receipt_sha256: str | None
    consent: str | None
    recorded_at: datetime
    by: str
    no_receipt_reason: str | None = None
