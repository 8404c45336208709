"""Use cases for the working-day calendar: load an official year, show a year.

Loading a year's official schedule recomputes every open deadline that was provisional,
each change recorded in its case's history.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.clock import wall_clock
from supervise.deadlines import recompute
from supervise.errors import NotAllowed
from supervise.inputs import CALENDAR_SOURCE, text
from supervise.law import DEADLINE_KINDS
from supervise.runtime import Runtime
from supervise.services.admin import store
from supervise.services.history.store import append_history
from supervise.services.registry.store import add_edit
from supervise.userfiles import read_yaml_file
from supervise.views import Recomputed, YearView
from supervise.workdays import WorkCalendar, YearSchedule, parse_year_schedule


def load(
    rt: Runtime, actor: str, path: Path, force: bool = False
) -> tuple[YearView, list[Recomputed]]:
    """Store an official year schedule and recompute the deadlines it changes.

    Everything is checked before anything is written, and the row and the recomputed
    deadlines commit together. A year that is official already (loaded before, or known to
    ``chinesecalendar``) is replaced only with ``force``, and the change is recorded.

    Raises:
        InvalidInput: the file, its year (outside the plausible range) or its days.
        NotAllowed: a different schedule for an official year, without ``force``.
    """
    schedule = parse_year_schedule(read_yaml_file(path, "calendar file"))
    rt.settings.date_range.year(schedule.year, "calendar year")
    text(schedule.source, "calendar source", CALENDAR_SOURCE)
    schedule.check_plausible()
    now = rt.clock.now()
    changes: list[Recomputed] = []
    with rt.uow() as uow:
        loaded = store.schedules(uow)
        before = WorkCalendar({y: s for y, s in loaded.items() if y != schedule.year})
        calendar = WorkCalendar({**loaded, schedule.year: schedule})
        changed = _changed_days(schedule.year, before, calendar, loaded.get(schedule.year))
        if changed and not force:
            first = ", ".join(d.isoformat() for d in changed[:3])
            raise NotAllowed(
                f"{schedule.year} is official already and this file differs on {len(changed)} "
                f"day(s) ({first}); if the State Council changed the schedule, load it with "
                "--force (the change is recorded)"
            )
        row = uow.session.get(model.CalendarYear, schedule.year)
        values = {
            "holidays": sorted(d.isoformat() for d in schedule.holidays),
            "workdays": sorted(d.isoformat() for d in schedule.workdays),
            "source": schedule.source,
            "loaded_at": wall_clock(),
            "loaded_by": actor,
        }
        if changed:
            add_edit(
                uow,
                now,
                actor,
                "calendar",
                schedule.year,
                {
                    "working_days": {
                        "old": [d.isoformat() for d in changed if before.is_workday(d)],
                        "new": [d.isoformat() for d in changed if calendar.is_workday(d)],
                    },
                    "source": {"old": row.source if row else None, "new": schedule.source},
                },
            )
        if row is None:
            uow.session.add(model.CalendarYear(year=schedule.year, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        for deadline in store.deadlines_to_recompute(uow, schedule.year if changed else None):
            change = _recompute(uow, calendar, deadline, schedule, now, actor)
            if change is not None:
                changes.append(change)
        uow.commit()
    rt.forget_calendar()
    return show(rt, actor, schedule.year), changes


def _changed_days(
    year: int, before: WorkCalendar, after: WorkCalendar, loaded: YearSchedule | None
) -> list[date]:
    """The days of an already official ``year`` whose status the new schedule changes."""
    if loaded is None and not before.is_official(year):
        return []  # the year was provisional: loading its notice is what is expected
    old = loaded_calendar(before, loaded)
    day, out = date(year, 1, 1), []
    while day.year == year:
        if old.is_workday(day) != after.is_workday(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def loaded_calendar(before: WorkCalendar, loaded: YearSchedule | None) -> WorkCalendar:
    if loaded is None:
        return before
    return WorkCalendar({**before.schedules, loaded.year: loaded})


def _recompute(
    uow: UnitOfWork,
    calendar: WorkCalendar,
    deadline: model.Deadline,
    schedule: YearSchedule,
    now: datetime,
    actor: str,
) -> Recomputed | None:
    """Recompute one deadline; record the change in its case's history."""
    due = recompute(calendar, deadline.start, deadline.rule, deadline.amount)
    if due is None:
        due_day, provisional = deadline.due, not calendar.is_official(deadline.due.year)
    else:
        due_day, provisional = due.day, due.provisional
    if (due_day, provisional) == (deadline.due, deadline.provisional):
        return None
    case = uow.session.get(model.Case, deadline.case_id)
    assert case is not None
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
        at=max(now, case.last_event_at),
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
    return Recomputed(case.id, deadline.kind, old_due, due_day, provisional)


def show(rt: Runtime, actor: str, year: int) -> YearView:
    """The days off on weekdays and the worked weekend days of ``year``."""
    rt.settings.date_range.year(year, "YEAR")
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
