"""Domain objects: organizations, persons, leadership cases, deadlines, history, bans.

Domain layer: plain Python classes. The database mapping lives in ``adapters/orm.py``
(imperative mapping), so nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervise.states import CaseState, OrgState


class _Record:
    """Keyword constructor for the mapped classes (SQLAlchemy skips it on load)."""

    def __init__(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)


class Organization(_Record):
    id: int
    name: str
    credit_code: str
    kind: str
    charity: bool
    district: str
    township: str | None
    email: str | None
    status: OrgState
    professional: bool
    services: list[str]
    created_at: datetime
    version: int
    # Defaults for rows built before revision 0004's columns (and unmapped test objects).
    address: str | None = None  # 住所
    legal_representative: str | None = None  # 法定代表人


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


class Person(_Record):
    id: int
    name: str
    id_number: str
    email: str | None
    created_at: datetime
    version: int
    address: str | None = None  # 住址


class Edit(_Record):
    """One change to an organization's or person's record, kept forever."""

    id: int
    entity: str
    entity_id: int
    at: datetime
    recorded_at: datetime
    by: str
    changes: dict[str, Any]


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
        frame = f"{state.value}|{self.proceeding_basis or ''}|{flags}"
        if measure or conduct:  # the proposed measure and conduct date, when there are any
            frame += f"|{measure}|{conduct}"
        self.stack = f"{self.stack},{frame}" if self.stack else frame

    def pop_return(self) -> None:
        """Drop the innermost frame and restore the proceeding it saved."""
        rest, _, frame = self.stack.rpartition(",")
        # Frames written before revision 0004 have three parts.
        _, basis, flags, *more = frame.split("|")
        measure, conduct = (more + ["", ""])[:2]
        self.stack = rest
        self.proceeding_basis = basis or None
        self.statement_waived = "w" in flags
        self.hearing_recorded = "h" in flags
        self.proposed_measure = int(measure) if measure else None
        self.conduct_date = date.fromisoformat(conduct) if conduct else None


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


class Ban(_Record):
    """An industry ban in the registry that the pre-appointment check (入职查询) consults."""

    id: int
    person_id: int
    case_id: int | None
    basis: str
    judgment: str | None
    scope: str
    start: date
    until: date | None
    lifelong: bool
    status: str
    created_at: datetime
    ended_at: datetime | None
    court: str | None = None  # the court of a court's ban (刑法 Art. 37-1)
    end_reference: str | None = None  # the judgment or decision that ended or set it aside

    @property
    def by_court(self) -> bool:
        """A court's ban (recorded from a judgment), not a decision of the bureau."""
        return self.judgment is not None

    def active_on(self, day: date) -> bool:
        if self.status != "active" or day < self.start:
            return False
        return self.lifelong or self.until is None or day <= self.until

    def covers(self, org: Organization) -> bool:
        """Whether the ban bars the person from posts in ``org`` (a charity ban: charities)."""
        return self.scope == "all" or (self.scope == "charity" and org.charity)

    def describe(self) -> str:
        end = (
            "lifelong"
            if self.lifelong
            else f"until {self.until.isoformat() if self.until else '?'}"
        )
        if self.status == "pending":
            # Decided, not yet served: the term's dates are set by the service (banterm).
            end = "pending: decided, its term runs from the service of the decision"
        source = f"case {self.case_id}" if self.case_id else f"judgment {self.judgment}"
        return f"ban {self.id} ({self.basis}, {source}, scope {self.scope}) {end}"


class CalendarYear(_Record):
    """An official holiday schedule an administrator loaded for one year."""

    year: int
    holidays: list[str]
    workdays: list[str]
    source: str
    loaded_at: datetime
    loaded_by: str


class User(_Record):
    """A member of the office in the user directory: who gets reminders and escalations.

    ``name`` is what cases record as their supervisor (``--as USER``); escalations go to
    ``reports_to`` and only there.
    """

    id: int
    name: str
    email: str | None
    role: str
    reports_to_id: int | None
    created_at: datetime
    version: int
    districts: list[str]
    qualification: str | None
    disabled: bool


class OutboxMessage(_Record):
    """One e-mail the scheduler owes someone, from queueing to delivery.

    Unique per (deadline, kind, step, recipient), or per (recipient, day) for a digest, so a
    second queueing of the same message is impossible. ``status`` is pending, sent, failed,
    superseded (a later step of the same deadline was sent instead, after downtime) or
    cancelled (the deadline closed before the message could be delivered). ``notice_id`` is
    where a notice to attach will be named (notices issue).
    """

    id: int
    kind: str
    deadline_id: int | None
    case_id: int | None
    step: int
    recipient: str
    day: date | None
    step_on: date
    address: str | None
    subject: str | None
    body_text: str | None
    body_html: str | None
    message_id: str
    notice_id: int | None
    status: str
    late: bool
    queued_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
    sent_by: str | None


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


class AuditEntry(_Record):
    """Something done or refused outside a case's history: a refusal (who tried what, when,
    why refused), a change of the user directory, a review, a discussion, a reveal.
    Append-only."""

    id: int
    at: datetime
    recorded_at: datetime
    by: str
    action: str
    outcome: str
    case_id: int | None
    reason: str | None
    data: dict[str, Any]
    prev_hash: str
    hash: str
