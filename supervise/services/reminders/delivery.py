"""Delivering the outbox: every message queued exactly once, delivered at least once.

Service layer. Delivery takes one pending row at a time, each in its own transaction:

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
the server itself cannot be used (the transport says the failure is not a refusal of this
one message), the rest of the pass does not knock again: each due row records the same
failed attempt.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from email.message import EmailMessage

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.errors import InvalidInput, MailDeliveryError, SuperviseError
from supervise.ports import MailTransport
from supervise.runtime import Runtime
from supervise.services.reminders import directors, store
from supervise.views import Delivered, DeliveryReport

logger = logging.getLogger("supervise.outbox")


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def attachments_for(
    rt: Runtime, uow: UnitOfWork, row: model.OutboxMessage
) -> list[tuple[str, bytes, str]]:
    """The notice the message is about, as PDF (or as its HTML where PDFs cannot be made);
    a director's digest carries the coverage report instead (``directors.py``).

    Rendered from the notice's stored HTML without recording anything: the mail carries a
    copy, and a failure to make a PDF must never hold back a reminder.
    """
    if row.notice_id is None:
        return directors.attachment(rt, uow, row)
    notice = uow.session.get(model.Notice, row.notice_id)
    if notice is None:
        return []
    name = f"{notice.number}.pdf"
    try:
        return [(name, rt.pdf().render(notice.html)[0], "application/pdf")]
    except SuperviseError as exc:
        logger.warning("notice %s attached as HTML: %s", notice.number, exc.message)
        return [(name[:-4] + ".html", notice.html.encode("utf-8"), "text/html")]


def _message(rt: Runtime, uow: UnitOfWork, row: model.OutboxMessage) -> EmailMessage:
    if not row.address or row.subject is None or row.body_text is None:
        raise InvalidInput(f"outbox message {row.id} has no address or no content")
    # The Message-ID was fixed when the row was queued (from its outbox key); it stays even
    # if mail.from changed since.
    return rt.build_message()(
        sender=rt.settings.mail.sender,
        to=[row.address],
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        message_id=row.message_id,
        date=row.queued_at.astimezone(rt.settings.zone),
        attachments=attachments_for(rt, uow, row),
    )


def backoff(attempts: int, base: int, most: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: base, 2*base, 4*base … up to most."""
    exponent = min(max(attempts - 1, 0), 30)
    return timedelta(seconds=min(base * (2**exponent), most))


def deliver(rt: Runtime, transport: MailTransport | None = None) -> DeliveryReport:
    """Send every pending message whose time has come, one transaction per message."""
    courier = transport or rt.transport()
    try:
        return _deliver(rt, courier)
    finally:
        courier.close()


def _deliver(rt: Runtime, courier: MailTransport) -> DeliveryReport:
    delivery = rt.settings.reminders.delivery
    report = DeliveryReport()
    worker = _worker()
    down: MailDeliveryError | None = None
    opened = False
    while True:
        now = rt.clock.now()
        with rt.uow() as uow:
            row = store.claim(uow, now)
            if row is None:
                break
            shown = Delivered(row.id, row.kind, row.case_id, row.address, row.subject)
            if row.deadline_id is not None and not store.deadline_open(uow, row.deadline_id):
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
                    message = _message(rt, uow, row)
                    if not opened:
                        courier.open()  # one connection for the pass, opened when needed
                        opened = True
                    courier.send(message)
                except MailDeliveryError as exc:
                    error = exc
                    if not exc.refused:
                        down = exc
                        report.server_error = exc.message
                        courier.close()
                        opened = False
                except InvalidInput as exc:
                    error = exc
            row.attempts += 1
            if error is None:
                row.status = "sent"
                row.sent_at = now
                row.sent_by = worker
                row.next_attempt_at = None
                uow.commit()
                report.sent.append(shown)
                continue
            row.last_error = error.message
            failed = row.attempts >= delivery.max_attempts
            if failed:
                row.status = "failed"
                row.next_attempt_at = None
            else:
                wait = backoff(row.attempts, delivery.backoff_seconds, delivery.backoff_max_seconds)
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
