"""Use cases for the working-day calendar: load an official year, show a year.

Loading a year's official schedule recomputes every open deadline that was provisional,
each change recorded in its case's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from supervise import model
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.bootstrap import App
from supervise.clock import wall_clock
from supervise.config import read_yaml_file
from supervise.errors import InvalidInput
from supervise.rules import DEADLINE_KINDS, recompute
from supervise.services import history
from supervise.workdays import WorkCalendar, YearSchedule, parse_year_schedule


@dataclass(frozen=True)
class Recomputed:
    case: int
    kind: str
    old_due: date
    new_due: date
    provisional: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "kind": self.kind,
            "old_due": self.old_due.isoformat(),
            "new_due": self.new_due.isoformat(),
            "provisional": self.provisional,
        }


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool
    source: str
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "official": self.official,
            "source": self.source,
            "holidays": [d.isoformat() for d in self.holidays],
            "workdays": [d.isoformat() for d in self.workdays],
        }


def load(app: App, path: Path) -> tuple[YearView, list[Recomputed]]:
    """Store an official year schedule and recompute provisional deadlines."""
    schedule = parse_year_schedule(read_yaml_file(path, "calendar file"))
    now = app.clock.now()
    changes: list[Recomputed] = []
    with app.uow() as uow:
        row = uow.session.get(model.CalendarYear, schedule.year)
        values = {
            "holidays": sorted(d.isoformat() for d in schedule.holidays),
            "workdays": sorted(d.isoformat() for d in schedule.workdays),
            "source": schedule.source,
            "loaded_at": wall_clock(),
            "loaded_by": app.user,
        }
        if row is None:
            uow.session.add(model.CalendarYear(year=schedule.year, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        app.forget_calendar()
        old = app.calendar()
        calendar = WorkCalendar({**_schedules(old), schedule.year: schedule})
        pending = uow.session.scalars(
            select(model.Deadline).where(
                deadlines_table.c.provisional.is_(True),
                deadlines_table.c.status == "open",
            )
        )
        for deadline in pending:
            due = recompute(calendar, deadline.start, deadline.rule, deadline.amount)
            if due is None:
                due_day, provisional = deadline.due, not calendar.is_official(deadline.due.year)
            else:
                due_day, provisional = due.day, due.provisional
            if (due_day, provisional) == (deadline.due, deadline.provisional):
                continue
            case = uow.session.get(model.Case, deadline.case_id)
            assert case is not None
            changes.append(Recomputed(case.id, deadline.kind, deadline.due, due_day, provisional))
            old_due = deadline.due
            deadline.due, deadline.provisional = due_day, provisional
            change = (
                f"{old_due.isoformat()} -> {due_day.isoformat()}"
                if old_due != due_day
                else f"{due_day.isoformat()} confirmed"
            )
            history.append(
                uow,
                case,
                "recompute_deadline",
                at=now,
                by=app.user,
                before=case.state,
                reason=(
                    f"official {schedule.year} schedule loaded ({schedule.source}): "
                    f"{DEADLINE_KINDS[deadline.kind][1]} ({deadline.kind}) {change}"
                    + (" (still provisional)" if provisional else "")
                ),
                data={
                    "kind": deadline.kind,
                    "old_due": old_due.isoformat(),
                    "new_due": due_day.isoformat(),
                    "provisional": provisional,
                },
            )
        uow.commit()
    app.forget_calendar()
    return show(app, schedule.year), changes


def _schedules(calendar: WorkCalendar) -> dict[int, YearSchedule]:
    return dict(calendar.schedules)


def show(app: App, year: int) -> YearView:
    """The days off on weekdays and the worked weekend days of ``year``."""
    if not 1950 <= year <= 2100:
        raise InvalidInput(f"year {year} is outside 1950-2100")
    calendar = app.calendar()
    schedule = calendar.schedules.get(year)
    if schedule is not None:
        source = f"loaded: {schedule.source}"
    elif calendar.is_official(year):
        source = "chinesecalendar (official State Council schedule)"
    else:
        source = "provisional: weekends and statutory holidays, no 调休 (not yet announced)"
    holidays: list[date] = []
    workdays: list[date] = []
    day = date(year, 1, 1)
    while day.year == year:
        working = calendar.is_workday(day)
        if day.weekday() < 5 and not working:
            holidays.append(day)
        elif day.weekday() >= 5 and working:
            workdays.append(day)
        day += timedelta(days=1)
    return YearView(year, calendar.is_official(year), source, holidays, workdays)
