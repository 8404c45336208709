"""The small interfaces services use to reach the outside world (domain layer: typing only).

Each adapter in ``supervise/adapters`` and ``supervise/notices`` implements one of these;
``bootstrap.py`` picks the concrete class, and tests may hand in any object that fits. The
unit of work (``adapters/database.py``) is the one adapter services know by its class: it
*is* the transaction, and its session is what the store modules speak SQL to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from email.message import EmailMessage
from typing import Any, Protocol
from zoneinfo import ZoneInfo


class NoticeRenderer(Protocol):
    """Renders a notice context to self-contained HTML (``notices/render.py``)."""

    def render_html(self, notice_type: str, context: Mapping[str, Any]) -> str: ...

    def render_form(self, name: str, context: Mapping[str, Any]) -> str:
        """A form printed from the record that is no notice of its own (the 送达回证)."""
        ...

    def template_version(self, notice_type: str) -> str: ...


class PdfRenderer(Protocol):
    """Turns a notice's HTML into a PDF (``notices/pdf.py``)."""

    def render(self, html: str) -> tuple[bytes, str]:
        """The PDF, and its text as laid out (to fingerprint what it says)."""
        ...

    def problems(self) -> list[str]:
        """What would spoil printed notices on this machine, one line each."""
        ...


class MailRenderer(Protocol):
    """Renders a reminder e-mail: (subject, text, html) (``adapters/mail/render.py``)."""

    def render(self, kind: str, context: Mapping[str, Any]) -> tuple[str, str, str]: ...


class MailTransport(Protocol):
    """Delivers built messages (``adapters/mail``).

    The transport owns its connection: ``open`` before a batch (a no-op where there is
    nothing to open), ``close`` after. ``send`` raises ``errors.MailDeliveryError`` whose
    ``refused`` says whether the server refused this message (the next may go through) or
    could not be used at all (stop for this pass; retry later).
    """

    def open(self) -> None: ...

    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...

    def check(self) -> tuple[bool, str]:
        """Whether the transport can deliver now, and what to tell ``supervise doctor``."""
        ...


class MessageBuilder(Protocol):
    """Builds the e-mail for an outbox row (``adapters/mail/message.py``)."""

    def __call__(
        self,
        *,
        sender: str,
        to: list[str],
        subject: str,
        text: str,
        html: str | None,
        message_id: str,
        date: datetime,
        attachments: list[tuple[str, bytes, str]],
    ) -> EmailMessage: ...


class SchedulerLoop(Protocol):
    """Runs the reminder jobs until stopped (``adapters/scheduler.run_forever``)."""

    def __call__(
        self,
        *,
        zone: ZoneInfo,
        sweep: Callable[[], None],
        digest: Callable[[], None],
        every_minutes: int,
        cron: str,
    ) -> None: ...


class CronSchedule(Protocol):
    """When a crontab expression first fires on a day (``adapters/scheduler.py``)."""

    def __call__(self, expr: str, zone: ZoneInfo, day: date) -> datetime | None: ...
