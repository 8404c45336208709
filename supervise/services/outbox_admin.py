"""The outbox as the operator sees it: status, listing, retry, the doctor's mail check.

Service layer; ``services/outbox.py`` queues and delivers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import CursorResult, and_, func, select, update

from supervise import model
from supervise.adapters.mail import check_smtp
from supervise.adapters.orm import outbox as outbox_table
from supervise.bootstrap import App
from supervise.errors import InvalidInput, NotAllowed, NotFound
from supervise.services.outbox import STATUSES, mail_settings
from supervise.services.views import iso


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str
    case: int | None
    deadline: int | None
    step: int
    recipient: str
    address: str | None
    status: str
    late: bool
    step_on: date
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    sent_by: str | None
    last_error: str | None
    subject: str | None
    message_id: str

    @classmethod
    def of(cls, row: model.OutboxMessage) -> MessageView:
        return cls(
            row.id,
            row.kind,
            row.case_id,
            row.deadline_id,
            row.step,
            row.recipient,
            row.address,
            row.status,
            row.late,
            row.step_on,
            row.attempts,
            row.queued_at,
            row.next_attempt_at,
            row.sent_at,
            row.sent_by,
            row.last_error,
            row.subject,
            row.message_id,
        )

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "case": self.case,
            "deadline": self.deadline,
            "step": self.step,
            "recipient": self.recipient,
            "to": self.address,
            "status": self.status,
            "late": self.late,
            "step_on": self.step_on.isoformat(),
            "attempts": self.attempts,
            "queued_at": iso(self.queued_at, zone),
            "next_attempt_at": iso(self.next_attempt_at, zone),
            "sent_at": iso(self.sent_at, zone),
            "sent_by": self.sent_by,
            "last_error": self.last_error,
            "subject": self.subject,
            "message_id": self.message_id,
        }


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    oldest_pending: datetime | None
    next_attempt: datetime | None
    troubled: list[MessageView]

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {
            **{s: self.counts.get(s, 0) for s in STATUSES},
            "oldest_pending": iso(self.oldest_pending, zone),
            "next_attempt": iso(self.next_attempt, zone),
            "troubled": [m.as_json(zone) for m in self.troubled],
        }


def status(app: App, limit: int = 20) -> OutboxStatus:
    """Counts per status, the oldest pending message, and the messages in trouble."""
    o = outbox_table.c
    with app.uow() as uow:
        counts = {
            str(s): int(n)
            for s, n in uow.session.execute(select(o.status, func.count()).group_by(o.status))
        }
        oldest, upcoming = uow.session.execute(
            select(func.min(o.queued_at), func.min(o.next_attempt_at)).where(o.status == "pending")
        ).one()
        troubled = [
            MessageView.of(row)
            for row in uow.session.scalars(
                select(model.OutboxMessage)
                .where(
                    (o.status == "failed")
                    | (and_(o.status == "pending", o.last_error.is_not(None)))
                )
                .order_by(o.id.desc())
                .limit(limit)
            )
        ]
    # Aggregates bypass the column type: bring them back to aware UTC.
    return OutboxStatus(counts, _aware(oldest), _aware(upcoming), troubled)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns MIN() of a datetime column as text
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def list_messages(
    app: App, status_filter: str | None = None, case_id: int | None = None, limit: int = 50
) -> list[MessageView]:
    """Outbox rows, newest first."""
    o = outbox_table.c
    query = select(model.OutboxMessage).order_by(o.id.desc()).limit(limit)
    if status_filter is not None:
        if status_filter not in STATUSES:
            raise InvalidInput(
                f"unknown status {status_filter!r}; use one of {', '.join(STATUSES)}"
            )
        query = query.where(o.status == status_filter)
    if case_id is not None:
        query = query.where(o.case_id == case_id)
    with app.uow() as uow:
        return [MessageView.of(row) for row in uow.session.scalars(query)]


def retry(app: App, ids: Sequence[int] = ()) -> int:
    """Put failed messages (all, or those with ``ids``) back in the queue, due now.

    Raises:
        NotFound: an id names no message.
        NotAllowed: an id names a message that has not failed.
    """
    o = outbox_table.c
    now = app.clock.now()
    with app.uow() as uow:
        if ids:
            found: dict[int, str] = {
                row.id: row.status
                for row in uow.session.execute(select(o.id, o.status).where(o.id.in_(list(ids))))
            }
            for wanted in ids:
                if wanted not in found:
                    raise NotFound(f"no outbox message {wanted}; see `supervise remind list`")
                if found[wanted] != "failed":
                    raise NotAllowed(
                        f"outbox message {wanted} is {found[wanted]}, not failed; only failed "
                        "messages are retried"
                    )
        stmt = update(outbox_table).where(o.status == "failed")
        if ids:
            stmt = stmt.where(o.id.in_(list(ids)))
        result = cast(
            CursorResult[Any],
            uow.session.execute(stmt.values(status="pending", attempts=0, next_attempt_at=now)),
        )
        uow.commit()
        return int(result.rowcount)


def mail_check(app: App) -> tuple[bool, str]:
    """(ok, what to say) about the configured transport, for ``supervise doctor``."""

    settings = mail_settings(app.settings.mail)
    if settings.transport == "smtp":
        problem = check_smtp(settings)
        if problem is not None:
            return False, f"{problem}; check mail.smtp in the configuration"
        return True, f"SMTP server {settings.smtp.address} answers"
    directory = (Path.cwd() / Path(settings.file_dir).expanduser()).resolve()
    probe = directory if directory.exists() else directory.parent
    if not os.access(probe, os.W_OK):
        return False, f"cannot write mail files into {directory}; fix mail.file.dir"
    return True, (
        f"file transport: messages are written as .eml files into {directory} "
        "(set mail.transport: smtp to send them)"
    )
