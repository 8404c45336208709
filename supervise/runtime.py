"""What every service receives: the settings, the clock and the adapters (built on first use).

Service layer's view of the composition root: ``bootstrap.py`` fills a :class:`Runtime`
with concrete adapters; services only call them through the interfaces in ``ports.py``.
Adapters are built lazily, so a command that never renders a notice never imports Jinja2,
and one that never mails never imports the mail code. Who is acting is *not* part of the
runtime: every service takes the actor as an argument.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from supervise.adapters.database import Database, UnitOfWork
from supervise.clock import Clock
from supervise.config import Settings
from supervise.ports import (
    CronSchedule,
    MailRenderer,
    MailTransport,
    MessageBuilder,
    NoticeRenderer,
    PdfRenderer,
    SchedulerLoop,
)
from supervise.rules import Rulebook
from supervise.workdays import WorkCalendar, YearSchedule

T = TypeVar("T")


class Lazy(Generic[T]):
    """An adapter built on first use, then kept for the life of the runtime."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._value: T | None = None

    def __call__(self) -> T:
        if self._value is None:
            self._value = self._build()
        return self._value


@dataclass
class Runtime:
    """The adapters and settings one process (or one library ``Office``) works with."""

    settings: Settings
    clock: Clock
    database: Database
    notice_renderer: Lazy[NoticeRenderer]
    pdf: Lazy[PdfRenderer]
    mail_renderer: Lazy[MailRenderer]
    build_message: Lazy[MessageBuilder]
    cron: Lazy[CronSchedule]
    scheduler_loop: Lazy[SchedulerLoop]
    #: A new mail transport for one delivery pass (it owns its connection).
    transport: Callable[[], MailTransport]
    #: The official year schedules an administrator loaded, by year.
    read_schedules: Callable[[], Mapping[int, YearSchedule]]
    _calendar: list[WorkCalendar] = field(default_factory=list, repr=False)

    @property
    def db_url(self) -> str:
        return self.database.url

    def uow(self, *, core: bool = False) -> UnitOfWork:
        """A new unit of work: the one way a service opens a transaction (``core=True``:
        one that reads through Core only and never loads the ORM)."""
        return self.database.uow(core=core)

    def calendar(self) -> WorkCalendar:
        """The working-day calendar, with the loaded official years (read once)."""
        if not self._calendar:
            self._calendar.append(WorkCalendar(self.read_schedules()))
        return self._calendar[0]

    def forget_calendar(self) -> None:
        """Read the loaded years again next time (after `calendar load`, or per sweep)."""
        self._calendar.clear()

    def rulebook(self) -> Rulebook:
        return Rulebook(
            periods=self.settings.periods,
            bases=self.settings.bases,
            calendar=self.calendar(),
            zone=self.settings.zone,
        )

    def at(self, moment: datetime) -> Runtime:
        """The same runtime (same adapters, same connections) with its clock fixed at ``moment``."""
        clock = Clock.fixed_at(self.settings.zone, moment, self.settings.date_range)
        return dataclasses.replace(self, clock=clock)

    def close(self) -> None:
        self.database.close()
