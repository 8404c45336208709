"""Composition root: builds the engine, the unit of work, the clock and the calendar.

The only module that names concrete adapter classes. Nothing here runs at import; the CLI
and the scheduler call :func:`bootstrap` once per process.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar, cast

from sqlalchemy import Engine, select

from supervise.adapters.database import UnitOfWork, check_schema, make_engine, session_factory
from supervise.adapters.orm import calendar_years, start_mappers
from supervise.clock import Clock
from supervise.config import Settings
from supervise.rules import Law
from supervise.workdays import WorkCalendar, YearSchedule

T = TypeVar("T")


def current_user(cli_value: str | None, environ: Mapping[str, str]) -> str:
    """--as, else $SUPERVISE_USER, else the OS user."""
    if cli_value:
        return cli_value
    if environ.get("SUPERVISE_USER"):
        return environ["SUPERVISE_USER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


@dataclass
class App:
    """Everything a command needs, built lazily so cheap commands stay cheap."""

    settings: Settings
    db_url: str
    user: str
    clock: Clock
    _engine: Engine | None = field(default=None, repr=False)
    _calendar: WorkCalendar | None = field(default=None, repr=False)
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    def engine(self, *, checked: bool = True) -> Engine:
        if self._engine is None:
            engine = make_engine(self.db_url, must_exist=checked)
            if checked:
                check_schema(engine)
            self._engine = engine
        return self._engine

    def uow(self) -> UnitOfWork:
        return UnitOfWork(session_factory(self.engine()))

    def calendar(self) -> WorkCalendar:
        if self._calendar is None:
            schedules: dict[int, YearSchedule] = {}
            with self.engine().connect() as conn:
                for row in conn.execute(select(calendar_years)):
                    schedules[row.year] = YearSchedule(
                        year=row.year,
                        holidays=frozenset(date.fromisoformat(d) for d in row.holidays),
                        workdays=frozenset(date.fromisoformat(d) for d in row.workdays),
                        source=row.source,
                    )
            self._calendar = WorkCalendar(schedules)
        return self._calendar

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """One ``build()`` per App: costly helpers (a template environment) built once."""
        if key not in self._cache:
            self._cache[key] = build()
        return cast(T, self._cache[key])

    def forget_calendar(self) -> None:
        self._calendar = None

    def law(self) -> Law:
        return Law(
            periods=self.settings.periods,
            bases=self.settings.bases,
            calendar=self.calendar(),
            zone=self.settings.zone,
        )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def bootstrap(
    settings: Settings,
    *,
    db_url: str,
    user: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> App:
    env = os.environ if environ is None else environ
    start_mappers()
    return App(
        settings=settings,
        db_url=db_url,
        user=current_user(user, env),
        clock=Clock.from_env(settings.zone, env),
    )
