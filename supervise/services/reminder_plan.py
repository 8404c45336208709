"""The plan of one deadline's messages, in working days (pure: no database, no mail).

Service-layer helper of ``services/reminders.py``; imports only the working-day calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from supervise.workdays import WorkCalendar


@dataclass(frozen=True)
class Point:
    """A moment in a deadline's plan: the messages of one step go out together."""

    rank: int  # position in the plan; later points have higher ranks
    day: date
    kind: str  # reminder | window_closed | overdue (with its escalation)
    step: int  # reminder: the offset; overdue: the repeat number; window_closed: 0


def workday_on_or_before(calendar: WorkCalendar, day: date) -> date:
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def reminder_day(calendar: WorkCalendar, due: date, offset: int) -> date:
    """The working day ``offset`` working days before ``due`` (0: the due day, or the
    working day before it when it is not one)."""
    day = workday_on_or_before(calendar, due)
    for _ in range(offset):
        day = workday_on_or_before(calendar, day - timedelta(days=1))
    return day


def plan(
    calendar: WorkCalendar,
    *,
    nature: str,
    start: date,
    due: date,
    offsets: Iterable[int],
    every: int,
    until: date,
) -> list[Point]:
    """Every point of a deadline's plan that falls on or before ``until``."""
    points: list[Point] = []
    if nature == "term":
        return points
    for offset in sorted(set(offsets), reverse=True):
        day = reminder_day(calendar, due, offset)
        # A reminder "3 days before" a deadline opened 2 days before it never applied.
        if start <= day <= until:
            points.append(Point(len(points), day, "reminder", offset))
    first = calendar.next_workday(due + timedelta(days=1)).day
    if nature == "window":
        if first <= until:
            points.append(Point(len(points), first, "window_closed", 0))
        return points
    day, repeat = first, 1
    while day <= until:
        points.append(Point(len(points), day, "overdue", repeat))
        day = calendar.add_workdays(day, every).day
        repeat += 1
    return points
