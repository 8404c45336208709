"""The deadlines each event opens, and how a legal period is counted (domain layer).

Imports the legal vocabulary and the working-day calendar only. Day 0 is the day of the
action; see ``workdays.py`` for how working days and calendar days are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from supervise.law import DEADLINE_KINDS, Period, Periods
from supervise.states import CaseState
from supervise.workdays import Due, WorkCalendar

S = CaseState


@dataclass(frozen=True)
class NewDeadline:
    kind: str
    owner: tuple[CaseState, ...]
    start: date
    rule: str  # workdays | calendar | fixed
    amount: int
    due: Due
    nature: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "nature", DEADLINE_KINDS[self.kind].nature)


def period_due(calendar: WorkCalendar, start: date, period: Period) -> tuple[str, int, Due]:
    """When ``period`` counted from day 0 = ``start`` runs out."""
    if period.workdays is not None:
        if period.workdays == 0:
            return "workdays", 0, calendar.next_workday(start)
        return "workdays", period.workdays, calendar.add_workdays(start, period.workdays)
    assert period.calendar_days is not None
    if period.calendar_days == 0:
        return "calendar", 0, calendar.next_workday(start)
    return "calendar", period.calendar_days, calendar.add_calendar_days(start, period.calendar_days)


def recompute(calendar: WorkCalendar, start: date, rule: str, amount: int) -> Due | None:
    """The due date of a stored deadline under the current calendar (None for fixed dates)."""
    if rule == "workdays":
        return calendar.add_workdays(start, amount) if amount else calendar.next_workday(start)
    if rule == "calendar":
        return calendar.add_calendar_days(start, amount) if amount else calendar.next_workday(start)
    return None


def deadlines_opened(
    event: str,
    before: CaseState,
    after: CaseState,
    *,
    periods: Periods,
    calendar: WorkCalendar,
    day0: date,
    date_given: date | None = None,
    until: date | None = None,
    hearing: bool = False,
) -> list[NewDeadline]:
    """The deadlines an event opens on ``day0``; ``date_given`` is the interview or hearing
    date the user gave, ``until`` the last day of a ban, ``hearing`` whether a proposal's
    basis grants a hearing (a ban's always does). Returning events open none: they reopen
    old ones."""
    cal = calendar
    p = periods
    out: list[NewDeadline] = []

    def period(kind: str, owner: tuple[CaseState, ...], which: Period) -> None:
        rule, amount, due = period_due(cal, day0, which)
        out.append(NewDeadline(kind, owner, day0, rule, amount, due))

    def fixed(kind: str, owner: tuple[CaseState, ...], day: date) -> None:
        out.append(
            NewDeadline(kind, owner, day0, "fixed", 0, Due(day, not cal.is_official(day.year)))
        )

    if event in ("schedule_interview", "reschedule_interview") and date_given:
        fixed("interview", (S.INTERVIEW_SCHEDULED,), date_given)
    elif event in ("request_hearing", "reschedule_hearing") and date_given:
        fixed("hearing", (after,), date_given)
    elif event == "record_interview":
        period("rectification", (S.RECTIFYING,), p.rectification)
    elif event == "issue_warning":
        period("rectification", (S.WARNED,), p.rectification)
    elif event in ("propose_warning", "propose_replacement"):
        period("defence_window", (after,), p.defence_window)
        if hearing:
            period("hearing_request", (after,), p.hearing_request)
        period("decision", (after,), p.decision)
    elif event == "propose_ban":
        period("hearing_request", (S.BAN_PROPOSED,), p.hearing_request)
        period("decision", (S.BAN_PROPOSED, S.HEARING_SCHEDULED), p.decision)
    elif event in ("order_replacement", "ban_cascade") and before is not after:
        period("replacement", (S.REPLACEMENT_ORDERED,), p.replacement)
    elif event in ("impose_ban", "record_court_ban") and until is not None:
        fixed("ban_end", (S.BANNED,), until)
    return out
