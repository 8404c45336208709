"""When reminders fall due, to whom they go and what they say (domain layer: pure).

The plan of a deadline's messages is counted in working days: reminders before the due
day, then, by the deadline's nature (``law.DEADLINE_KINDS``), overdue notices with
escalations (the office's own deadlines), one "window closed" message (a party's window),
or nothing (a ban's term). A :class:`DeadlineRow` is one open deadline as the reminder
service reads it, with its case, organization and person; the person's ID number is
already masked. Nothing here reads the database or sends mail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from supervise import model
from supervise.clock import start_of_day
from supervise.config import Settings
from supervise.law import DEADLINE_KINDS, DECISION_EVENTS, OVERDUE_NATURES
from supervise.rules import CaseFacts, Rulebook, time_guard
from supervise.states import EVENTS, RETURNING_EVENTS, STATE_NAMES, CaseState, user_triggers_from
from supervise.workdays import WorkCalendar

#: What becomes of a message in the outbox.
OUTBOX_STATUSES: tuple[str, ...] = ("pending", "sent", "failed", "superseded", "cancelled")

# --- the plan of one deadline ------------------------------------------------------------


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


def step_label(offset: int) -> str:
    return "到期当日" if offset == 0 else f"到期前{offset}个工作日"


# --- the deadline as the mails see it ------------------------------------------------------


@dataclass(frozen=True)
class DeadlineRow:
    """An open deadline with what the mails say about its case."""

    id: int
    case_id: int
    kind: str
    nature: str
    start: date
    due: date
    provisional: bool
    state: CaseState
    supervisor: str | None
    role: str
    proceeding_basis: str | None
    statement_waived: bool
    hearing_recorded: bool
    last_event_at: datetime
    org_id: int
    org_name: str
    org_email: str | None
    org_kind: str
    org_charity: bool
    person_id: int
    person_name: str
    person_masked: str
    person_email: str | None
    notice_id: int | None = None  # the notice this deadline is about, attached to its mails
    proposed_measure: int | None = None  # not read by the time guards the sweep evaluates

    @property
    def kind_zh(self) -> str:
        return DEADLINE_KINDS[self.kind].zh

    def overdue_on(self, today: date) -> bool:
        return self.due < today and self.nature in OVERDUE_NATURES


# --- recipients ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Directory:
    """The user directory, read once per sweep: users are few, cases many."""

    by_name: Mapping[str, model.User]
    by_id: Mapping[int, model.User]

    def get(self, name: str | None) -> model.User | None:
        return None if name is None else self.by_name.get(name)

    def boss_of(self, name: str | None) -> model.User | None:
        user = self.get(name)
        if user is None or user.reports_to_id is None:
            return None
        return self.by_id.get(user.reports_to_id)


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: ``key`` is part of the outbox key (user:NAME, org:ID, person:ID)."""

    key: str
    name: str
    address: str


class Unaddressable(Exception):
    """A message has nobody to go to; the text says what to fix."""


def _user(user: model.User | None, problem: str) -> Recipient:
    if user is None:
        raise Unaddressable(problem)
    if user.disabled or not user.email:
        why = "is disabled" if user.disabled else "has no e-mail address"
        raise Unaddressable(
            f"{problem.split(':', 1)[0]}: user {user.name} {why}; "
            f"`supervise user edit {user.name} --email ADDR` or `supervise case assign`"
        )
    return Recipient(f"user:{user.name}", user.name, user.email)


def supervisor_of(row: DeadlineRow, directory: Directory) -> Recipient:
    who = row.supervisor or "(nobody)"
    return _user(
        directory.get(row.supervisor),
        f"case {row.case_id}: its supervisor {who} is not in the user directory; "
        f"`supervise user add {who} --email ADDR`, or `supervise case assign "
        f"{row.case_id} USER`",
    )


def reports_to_of(row: DeadlineRow, directory: Directory) -> Recipient:
    who = row.supervisor or "(nobody)"
    return _user(
        directory.boss_of(row.supervisor),
        f"case {row.case_id}: no escalation possible, supervisor {who} has no reports-to; "
        f"`supervise user edit {who} --reports-to NAME`",
    )


def party_of(row: DeadlineRow, who: str) -> Recipient:
    if who == "organization":
        if not row.org_email:
            raise Unaddressable(
                f"case {row.case_id}: organization {row.org_id} has no contact e-mail for the "
                f"{row.kind} reminder; `supervise org edit {row.org_id} --email ADDR`"
            )
        return Recipient(f"org:{row.org_id}", row.org_name, row.org_email)
    if not row.person_email:
        raise Unaddressable(
            f"case {row.case_id}: person {row.person_id} has no e-mail for the {row.kind} "
            f"reminder; `supervise person edit {row.person_id} --email ADDR`"
        )
    return Recipient(f"person:{row.person_id}", row.person_name, row.person_email)


def recipient_context(recipient: Recipient) -> Mapping[str, str]:
    return {"name": recipient.name, "email": recipient.address}


# --- what the mail says ----------------------------------------------------------------------

_PLACEHOLDERS: dict[str, str] = {
    "date": "YYYY-MM-DD",
    "until": "YYYY-MM-DD",
    "years": "N",
    "court": "NAME",
    "from": "YYYY-MM-DD",
    "reason": "TEXT",
    "reference": "REF",
    "judgment": "REF",
}
# Events whose input is "this or that" (check_params): suggest the usual one.
_USUAL_INPUT: dict[str, str] = {"record_statement": "reason", "record_hearing": "reason"}


def basis_text(settings: Settings, row: DeadlineRow) -> str | None:
    """The legal basis of the case's proceeding and of the period the deadline counts."""
    parts: list[str] = []
    basis = settings.bases.get(row.proceeding_basis or "")
    if basis is not None:
        parts.append(basis.citation)
    period = getattr(settings.periods, DEADLINE_KINDS[row.kind].period or "", None)
    if period is not None and period.basis:
        parts.append(period.basis)
    return "；".join(parts) or None


def command_for(case_id: int, event: str) -> str:
    needs = list(EVENTS[event].needs)
    if event in _USUAL_INPUT:
        needs.append(_USUAL_INPUT[event])
    flags = [f"--{n} {_PLACEHOLDERS.get(n, 'VALUE')}" for n in needs]
    return " ".join([f"supervise case advance {case_id} {event}", *flags])


def resolving_events(row: DeadlineRow) -> list[str]:
    allowed = user_triggers_from(row.state)
    return [e for e in DEADLINE_KINDS[row.kind].resolved_by if e in allowed]


def events_after_window(
    row: DeadlineRow, facts: CaseFacts, law: Rulebook, now: datetime
) -> list[str]:
    """What the close of a party's window made possible, and the ways out of the proceeding.

    The events whose time guard refused them while the window ran and passes now (e.g.
    ``impose_ban`` once the hearing-request window closed), then the decisions and the
    drop_* events that are allowed now.
    """
    during = start_of_day(row.due, law.zone)
    candidates = user_triggers_from(row.state)
    became = [
        e
        for e in candidates
        if time_guard(e, facts, law, during) is not None and time_guard(e, facts, law, now) is None
    ]
    others = [
        e
        for e in candidates
        if (e in DECISION_EVENTS or e in RETURNING_EVENTS)
        and e not in became
        and time_guard(e, facts, law, now) is None
    ]
    return became + others


def item_context(
    settings: Settings,
    row: DeadlineRow,
    *,
    today: date,
    late: bool = False,
    step: str | None = None,
    next_events: Sequence[str] = (),
    repeat: int | None = None,
    every: int | None = None,
    include_command: bool = True,
) -> dict[str, Any]:
    """One deadline as the mail templates want it (see ``adapters/mail/render.py``)."""
    command: str | None = None
    if include_command:
        kind_command = DEADLINE_KINDS[row.kind].command
        if next_events:
            command = command_for(row.case_id, next_events[0])
        elif kind_command is not None:
            command = kind_command.format(case=row.case_id)
        else:
            command = f"supervise case next {row.case_id}"
    item: dict[str, Any] = {
        "case_id": row.case_id,
        "organization": row.org_name,
        "person": row.person_name,
        "role": row.role,
        "person_id_masked": row.person_masked,
        "state": row.state.value,
        "state_zh": STATE_NAMES[row.state][0],
        "deadline_kind": row.kind,
        "deadline_zh": row.kind_zh,
        "due": row.due.isoformat(),
        "provisional": row.provisional,
        "late": late,
        "basis": basis_text(settings, row),
        "next_command": command,
        "next_events": list(next_events) if include_command else [],
        "step": step,
        "every": every,
        "overdue_days": max(0, (today - row.due).days),
        "supervisor": row.supervisor or "",
    }
    if repeat is not None:
        item["repeat"] = repeat
    return item
