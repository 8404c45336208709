"""Use cases for the working-day calendar: load an official year, show a year.

Loading a year's official schedule recomputes every open deadline that was provisional,
each change recorded in its case's history.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from supervise import model
from supervise.adapters.database import Database
from supervise.clock import wall_clock
from supervise.deadlines import recompute
from supervise.errors import InvalidInput
from supervise.law import DEADLINE_KINDS
from supervise.runtime import Runtime
from supervise.services.admin import store
from supervise.services.cases.store import append_history
from supervise.userfiles import read_yaml_file
from supervise.views import Recomputed, YearView
from supervise.workdays import WorkCalendar, YearSchedule, parse_year_schedule


def load(rt: Runtime, actor: str, path: Path) -> tuple[YearView, list[Recomputed]]:
    """Store an official year schedule and recompute provisional deadlines."""
    schedule = parse_year_schedule(read_yaml_file(path, "calendar file"))
    now = rt.clock.now()
    changes: list[Recomputed] = []
    with rt.uow() as uow:
        row = uow.session.get(model.CalendarYear, schedule.year)
        values = {
            "holidays": sorted(d.isoformat() for d in schedule.holidays),
            "workdays": sorted(d.isoformat() for d in schedule.workdays),
            "source": schedule.source,
            "loaded_at": wall_clock(),
            "loaded_by": actor,
        }
        if row is None:
            uow.session.add(model.CalendarYear(year=schedule.year, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        calendar = WorkCalendar({**store.schedules(uow), schedule.year: schedule})
        for deadline in store.provisional_deadlines(uow):
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
            append_history(
                uow,
                case,
                "recompute_deadline",
                at=now,
                by=actor,
                before=case.state,
                reason=(
                    f"official {schedule.year} schedule loaded ({schedule.source}): "
                    f"{DEADLINE_KINDS[deadline.kind].zh} ({deadline.kind}) {change}"
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
    rt.forget_calendar()
    return show(rt, actor, schedule.year), changes


def read_schedules(database: Database) -> dict[int, YearSchedule]:
    """The loaded official years (what the runtime's calendar is built from)."""
    with database.uow() as uow:
        return store.schedules(uow)


def show(rt: Runtime, actor: str, year: int) -> YearView:
    """The days off on weekdays and the worked weekend days of ``year``."""
    if not 1950 <= year <= 2100:
        raise InvalidInput(f"year {year} is outside 1950-2100")
    calendar = rt.calendar()
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
