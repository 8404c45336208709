"""The office's own records: the calendar, users, the outbox, the audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from supervise.model.record import _Record


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
