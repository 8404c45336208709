"""The outbox: every e-mail queued exactly once, delivered at least once (service layer).

Queueing inserts rows with ``INSERT … ON CONFLICT DO NOTHING`` against the outbox key —
(deadline, kind, step, recipient), or (recipient, day) for a digest — so two sweeps, or two
schedulers on two hosts, can never queue the same message twice.

Delivery takes one pending row at a time, each in its own transaction:

- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED``: the row stays locked while it is being
  sent and another scheduler skips it, so each message is sent by one process.
- SQLite (one host): an ``UPDATE … RETURNING`` claims the row, which takes the database's
  write lock first; a second process waits for it and then sees the row sent.

The row is marked sent in the same transaction, after the server accepted the message. A
crash in between leaves it pending, to be sent again with the same Message-ID (derived from
the outbox key), so the receiving side can recognise the duplicate: at least once.

A failed attempt stays pending with its attempt count and last error and is retried after
a backoff counted on the program's clock (``SUPERVISE_NOW`` moves it); after
``reminders.delivery.max_attempts`` the row is marked failed until ``remind retry``. When
the server itself is unreachable, the rest of the pass does not knock again: each due row
records the same failed attempt.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.mail import (
    MailDeliveryError,
    MailSettings,
    MailTransport,
    SmtpSettings,
    SmtpTransport,
    build_message,
    make_transport,
    message_id,
)
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import outbox as outbox_table
from supervise.bootstrap import App
from supervise.config import MailConfig
from supervise.errors import InvalidInput, SuperviseError

logger = logging.getLogger("supervise.outbox")

STATUSES = ("pending", "sent", "failed", "superseded", "cancelled")
# The server answered, and refused this message (or some of its recipients): the next
# message may go through. Any other failure is the server's: stop knocking this pass.
_MESSAGE_REFUSALS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def refused_message(error: MailDeliveryError) -> bool:
    """Whether the server refused this message rather than being unreachable or broken."""
    return "refused" in error.details or isinstance(error.__cause__, _MESSAGE_REFUSALS)


def mail_settings(config: MailConfig) -> MailSettings:
    """The adapter's settings from the ``mail:`` section of the configuration."""
    smtp = config.smtp
    return MailSettings(
        transport=config.transport,
        sender=config.sender,
        smtp=SmtpSettings(
            host=smtp.host,
            port=smtp.port,
            security=smtp.security,
            user=smtp.user,
            password_env=smtp.password_env,
            timeout=smtp.timeout,
        ),
        file_dir=config.file.dir,
    )


def transport_for(app: App) -> MailTransport:
    """The configured transport; a relative ``mail.file.dir`` is taken from the current folder."""
    return make_transport(mail_settings(app.settings.mail), Path.cwd())


# --- queueing --------------------------------------------------------------------------


def outbox_key(
    kind: str, deadline_id: int | None, step: int, recipient: str, day: date | None
) -> str:
    """The outbox key as text: what the Message-ID is derived from."""
    if deadline_id is None:
        assert day is not None
        return f"{kind}/{recipient}/{day.isoformat()}"
    return f"deadline/{deadline_id}/{kind}/{step}/{recipient}"


@dataclass(frozen=True)
class NewMessage:
    """A message the sweep wants in the outbox (``status`` pending or superseded)."""

    kind: str
    deadline_id: int | None
    case_id: int | None
    step: int
    recipient: str
    step_on: date
    status: str = "pending"
    late: bool = False
    day: date | None = None
    address: str | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    notice_id: int | None = None  # notices issue: the notice to attach

    @property
    def key(self) -> str:
        return outbox_key(self.kind, self.deadline_id, self.step, self.recipient, self.day)


def sender_domain(sender: str) -> str:
    return parseaddr(sender)[1].rpartition("@")[2] or "localhost"


def insert_messages(
    uow: UnitOfWork, messages: Sequence[NewMessage], now: datetime, sender: str
) -> list[NewMessage]:
    """Insert what is not in the outbox yet; return the rows this call inserted."""
    insert = pg_insert if uow.dialect == "postgresql" else sqlite_insert
    domain = sender_domain(sender)
    inserted: list[NewMessage] = []
    for m in messages:
        values: dict[str, Any] = {
            "kind": m.kind,
            "deadline_id": m.deadline_id,
            "case_id": m.case_id,
            "step": m.step,
            "recipient": m.recipient,
            "day": m.day,
            "step_on": m.step_on,
            "address": m.address,
            "subject": m.subject,
            "body_text": m.body_text,
            "body_html": m.body_html,
            "message_id": message_id(m.key, domain),
            "notice_id": m.notice_id,
            "status": m.status,
            "late": m.late,
            "queued_at": now,
            "attempts": 0,
            "next_attempt_at": now if m.status == "pending" else None,
            "last_error": None,
            "sent_at": None,
            "sent_by": None,
        }
        # RETURNING says whether this statement inserted the row (rowcount does not: it is
        # -1 for INSERTs with some drivers).
        stmt = (
            insert(outbox_table)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(outbox_table.c.id)
        )
        if uow.session.execute(stmt).first() is not None:
            inserted.append(m)
    return inserted


# --- delivery --------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivered:
    id: int
    kind: str
    case: int | None
    address: str | None
    subject: str | None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "case": self.case,
            "to": self.address,
            "subject": self.subject,
            "error": self.error,
        }


@dataclass
class DeliveryReport:
    sent: list[Delivered] = field(default_factory=list)
    retrying: list[Delivered] = field(default_factory=list)
    failed: list[Delivered] = field(default_factory=list)
    cancelled: list[Delivered] = field(default_factory=list)
    server_error: str | None = None


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class _Courier:
    """Keeps one SMTP connection for a delivery pass, opened at the first message."""

    def __init__(self, transport: MailTransport) -> None:
        self.transport = transport
        self._open = False

    def send(self, message: EmailMessage) -> None:
        if isinstance(self.transport, SmtpTransport) and not self._open:
            self.transport.open()
            self._open = True
        self.transport.send(message)

    def close(self) -> None:
        if isinstance(self.transport, SmtpTransport) and self._open:
            self.transport.close()
        self._open = False


@contextmanager
def _courier(transport: MailTransport) -> Iterator[_Courier]:
    courier = _Courier(transport)
    try:
        yield courier
    finally:
        courier.close()


def _claim(uow: UnitOfWork, now: datetime) -> model.OutboxMessage | None:
    o = outbox_table.c
    due = and_(o.status == "pending", o.next_attempt_at <= now)
    order = (o.next_attempt_at, o.id)
    if uow.dialect == "postgresql":
        # Another scheduler holding a row skips it instead of waiting for it.
        return uow.session.scalar(
            select(model.OutboxMessage)
            .where(due)
            .order_by(*order)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
    # SQLite has no row locks. Claim with a write first: it takes the database's write lock
    # (the transaction begins with it, so no stale snapshot), and holds it until commit.
    first = select(o.id).where(due).order_by(*order).limit(1).scalar_subquery()
    claimed = uow.session.execute(
        update(outbox_table).where(o.id == first).values(attempts=o.attempts).returning(o.id)
    ).scalar()
    if claimed is None:
        return None
    return uow.session.get(model.OutboxMessage, claimed)


def _deadline_open(uow: UnitOfWork, deadline_id: int) -> bool:
    status = uow.session.scalar(
        select(deadlines_table.c.status).where(deadlines_table.c.id == deadline_id)
    )
    return status == "open"


def attachments_for(
    uow: UnitOfWork, row: model.OutboxMessage, font: str | None = None
) -> list[tuple[str, bytes, str]]:
    """The notice the message is about, as PDF (or as its HTML where PDFs cannot be made).

    Rendered from the notice's stored HTML without recording anything: the mail carries a
    copy, and a failure to make a PDF must never hold back a reminder.
    """
    if row.notice_id is None:
        return []
    notice = uow.session.get(model.Notice, row.notice_id)
    if notice is None:
        return []
    name = f"{notice.number}.pdf"
    try:
        from supervise.notices import html_to_pdf

        return [(name, html_to_pdf(notice.html, font_family=font), "application/pdf")]
    except SuperviseError as exc:
        logger.warning("notice %s attached as HTML: %s", notice.number, exc.message)
        return [(name[:-4] + ".html", notice.html.encode("utf-8"), "text/html")]


def _message(
    uow: UnitOfWork,
    row: model.OutboxMessage,
    sender: str,
    zone: ZoneInfo,
    font: str | None = None,
) -> EmailMessage:
    if not row.address or row.subject is None or row.body_text is None:
        raise InvalidInput(f"outbox message {row.id} has no address or no content")
    msg = build_message(
        sender=sender,
        to=[row.address],
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        key=row.message_id,
        date=row.queued_at.astimezone(zone),
        attachments=attachments_for(uow, row, font),
    )
    # The Message-ID was fixed when the row was queued (from its outbox key); keep it even
    # if mail.from changed since.
    msg.replace_header("Message-ID", row.message_id)
    return msg


def backoff(attempts: int, base: int, most: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: base, 2*base, 4*base … up to most."""
    exponent = min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(base * (2**exponent), most))


def deliver(app: App, transport: MailTransport | None = None) -> DeliveryReport:
    """Send every pending message whose time has come, one transaction per message."""
    settings = app.settings
    delivery = settings.reminders.delivery
    zone = settings.zone
    sender = settings.mail.sender
    report = DeliveryReport()
    worker = _worker()
    down: MailDeliveryError | None = None
    with _courier(transport or transport_for(app)) as courier:
        while True:
            now = app.clock.now()
            with app.uow() as uow:
                row = _claim(uow, now)
                if row is None:
                    break
                shown = Delivered(row.id, row.kind, row.case_id, row.address, row.subject)
                if row.deadline_id is not None and not _deadline_open(uow, row.deadline_id):
                    # The case moved on before the message could go: it would only mislead.
                    row.status = "cancelled"
                    row.next_attempt_at = None
                    row.last_error = "the deadline closed before delivery (the case moved on)"
                    uow.commit()
                    report.cancelled.append(shown)
                    continue
                error: SuperviseError | None = down
                if error is None:
                    try:
                        courier.send(_message(uow, row, sender, zone, settings.notices.font))
                    except MailDeliveryError as exc:
                        error = exc
                        if not refused_message(exc):
                            down = exc
                            report.server_error = exc.message
                            courier.close()
                    except InvalidInput as exc:
                        error = exc
                if error is None:
                    row.status = "sent"
                    row.sent_at = now
                    row.sent_by = worker
                    row.next_attempt_at = None
                    row.attempts += 1
                    uow.commit()
                    report.sent.append(shown)
                    continue
                row.attempts += 1
                row.last_error = error.message
                failed = row.attempts >= delivery.max_attempts
                if failed:
                    row.status = "failed"
                    row.next_attempt_at = None
                else:
                    wait = backoff(
                        row.attempts, delivery.backoff_seconds, delivery.backoff_max_seconds
                    )
                    row.next_attempt_at = now + wait
                uow.commit()
                entry = Delivered(
                    row.id, row.kind, row.case_id, row.address, row.subject, error.message
                )
                (report.failed if failed else report.retrying).append(entry)
                logger.info(
                    "message %s not delivered (attempt %s): %s", row.id, row.attempts, error.message
                )
    return report
