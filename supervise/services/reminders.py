"""The reminder sweep: what is due now goes into the outbox, then out (service layer).

The database is the source of truth: the sweep reads the open deadlines whose first
message is due (an indexed range on ``deadlines(status, due)``, so its cost grows with the
number due, not the number of cases), works out each deadline's steps, and writes the ones
that fell due into the outbox, whose unique key makes a second queueing impossible.

The steps of a deadline, by its nature (``rules.DEADLINE_KINDS``):

- every deadline but a ban's end: a reminder to the case's supervisor at each offset of
  ``reminders.before_workdays`` (working days before the due day; 0 = on the day), also to
  the parties ``reminders.parties`` names for that kind;
- ``office`` (the bureau's own deadline): from the first working day after the due day, an
  overdue notice to the supervisor and an escalation to the supervisor's reports-to,
  repeated every ``reminders.repeat_every_workdays`` working days until the case moves on;
- ``window`` (a party's window): on the first working day after it closed, one message to
  the supervisor naming the events that are now possible;
- ``term`` (a ban's end): no mail; the day after, the case is moved by ``lift_ban``,
  recorded as done by ``scheduler``.

Steps of a day are due from ``reminders.send_from`` local time. After downtime only the
latest due step of each deadline is sent; the earlier ones are recorded as superseded and
the mail says it comes late.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import partial
from typing import Any

from sqlalchemy import select, update

from supervise.adapters.mail_render import MailRenderer
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import outbox as outbox_table
from supervise.bootstrap import App
from supervise.clock import end_of_day
from supervise.errors import SuperviseError
from supervise.rules import Law, OpenDeadline, Params
from supervise.services import cases as case_service
from supervise.services.outbox import NewMessage, insert_messages
from supervise.services.reminder_items import (
    DeadlineRow,
    Recipient,
    Unaddressable,
    deadline_rows_query,
    events_after_window,
    facts_of,
    item_context,
    party_of,
    recipient_context,
    reports_to_of,
    resolving_events,
    step_label,
    supervisor_of,
    to_rows,
)
from supervise.services.reminder_plan import Point, plan
from supervise.services.users import Directory, load_directory
from supervise.states import CaseState
from supervise.workdays import WorkCalendar

logger = logging.getLogger("supervise.reminders")

SCHEDULER = "scheduler"
# The mail a reminder before a deadline of this kind is (default: "reminder"). A notice
# that must be served within its period gets the "serve the notice" wording.
REMINDER_KIND: dict[str, str] = {"service": "serve_notice"}
_CHUNK = 200  # deadlines per queueing transaction
_IN_CHUNK = 500  # ids per IN (...) list


# --- the sweep -------------------------------------------------------------------------


@dataclass(frozen=True)
class Queued:
    kind: str
    case: int | None
    recipient: str
    step_on: date
    late: bool
    subject: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "case": self.case,
            "recipient": self.recipient,
            "step_on": self.step_on.isoformat(),
            "late": self.late,
            "subject": self.subject,
        }


@dataclass
class QueueReport:
    queued: list[Queued] = field(default_factory=list)
    superseded: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)
            logger.info("%s", text)


class _Planner:
    """Turns due deadlines into outbox rows for one sweep (one ``now``)."""

    def __init__(self, app: App, now: datetime, directory: Directory) -> None:
        self.app = app
        self.settings = app.settings
        self.law: Law = app.law()
        self.now = now
        self.today = now.date()
        self.directory = directory
        self.renderer = MailRenderer()
        cfg = app.settings.reminders
        self.offsets = cfg.before_workdays
        self.every = cfg.repeat_every_workdays
        self.parties = cfg.parties
        hour, minute = (int(x) for x in cfg.send_from.split(":"))
        self.send_from = time(hour, minute)

    def is_due(self, point: Point) -> bool:
        when = datetime.combine(point.day, self.send_from, tzinfo=self.settings.zone)
        return when <= self.now

    def messages(
        self,
        row: DeadlineRow,
        known: set[tuple[str, int, str]],
        open_deadlines: Sequence[OpenDeadline],
        report: QueueReport,
    ) -> list[NewMessage]:
        points = [
            p
            for p in plan(
                self.law.calendar,
                nature=row.nature,
                start=row.start,
                due=row.due,
                offsets=self.offsets,
                every=self.every,
                until=self.today,
            )
            if self.is_due(p)
        ]
        if not points:
            return []
        latest = points[-1]
        wanted: list[tuple[Point, str, Recipient | None, str | None]] = []
        for point in points:
            for kind, recipient, problem in self._addressees(row, point):
                wanted.append((point, kind, recipient, problem))
        missing = [w for w in wanted if w[2] is None or (w[1], w[0].step, w[2].key) not in known]
        skipped = [w for w in missing if w[0].rank < latest.rank and w[2] is not None]
        late = latest.day < self.today or bool(skipped)
        out: list[NewMessage] = []
        for point, kind, recipient, problem in missing:
            if recipient is None:
                if point is latest and problem:
                    report.problem(problem)
                continue
            if point.rank < latest.rank:
                out.append(
                    NewMessage(
                        kind=kind,
                        deadline_id=row.id,
                        case_id=row.case_id,
                        step=point.step,
                        recipient=recipient.key,
                        step_on=point.day,
                        status="superseded",
                        address=recipient.address,
                    )
                )
                continue
            subject, text, html = self._render(row, point, kind, recipient, late, open_deadlines)
            out.append(
                NewMessage(
                    kind=kind,
                    deadline_id=row.id,
                    case_id=row.case_id,
                    step=point.step,
                    recipient=recipient.key,
                    step_on=point.day,
                    late=late,
                    address=recipient.address,
                    subject=subject,
                    body_text=text,
                    body_html=html,
                    notice_id=row.notice_id,
                )
            )
        return out

    def _addressees(
        self, row: DeadlineRow, point: Point
    ) -> list[tuple[str, Recipient | None, str | None]]:
        """(kind, recipient or None, problem) for each message of a point."""
        found: list[tuple[str, Recipient | None, str | None]] = []

        def add(kind: str, resolve: Callable[[], Recipient]) -> None:
            try:
                found.append((kind, resolve(), None))
            except Unaddressable as exc:
                found.append((kind, None, str(exc)))

        if point.kind == "reminder":
            add(REMINDER_KIND.get(row.kind, "reminder"), lambda: supervisor_of(row, self.directory))
            for who in self.parties.get(row.kind, ()):
                add("reminder", partial(party_of, row, who))
        elif point.kind == "window_closed":
            add("window_closed", lambda: supervisor_of(row, self.directory))
        else:
            add("overdue", lambda: supervisor_of(row, self.directory))
            add("escalation", lambda: reports_to_of(row, self.directory))
        return found

    def _render(
        self,
        row: DeadlineRow,
        point: Point,
        kind: str,
        recipient: Recipient,
        late: bool,
        open_deadlines: Sequence[OpenDeadline],
    ) -> tuple[str, str, str]:
        party = not recipient.key.startswith("user:")
        if kind == "window_closed":
            facts = facts_of(row, open_deadlines)
            events = events_after_window(row, facts, self.law, self.now)
        else:
            events = resolving_events(row)
        item = item_context(
            self.settings,
            row,
            today=self.today,
            late=late,
            step=step_label(point.step) if point.kind == "reminder" else None,
            next_events=events,
            repeat=point.step if kind in ("overdue", "escalation") else None,
            every=self.every if kind == "escalation" else None,
            include_command=not party,
        )
        context = {"recipient": recipient_context(recipient), "now": self.now, "item": item}
        return self.renderer.render(kind, context)


def _horizon(calendar: WorkCalendar, today: date, offsets: Sequence[int]) -> date:
    """Deadlines due before this day may have a reminder due today."""
    return calendar.add_workdays(today, max(offsets, default=0) + 1).day


def _chunks(items: Sequence[int], size: int = _IN_CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def queue_due(app: App, now: datetime | None = None) -> QueueReport:
    """Write every message of a deadline that is due by ``now`` (default: the clock) into
    the outbox, once. Safe to run from several processes at once."""
    moment = now or app.clock.now()
    report = QueueReport()
    calendar = app.calendar()
    cfg = app.settings.reminders
    horizon = _horizon(calendar, moment.date(), cfg.before_workdays)
    d, o = deadlines_table.c, outbox_table.c
    with app.uow() as uow:
        directory = load_directory(uow)
        rows = to_rows(
            uow.session.execute(
                deadline_rows_query()
                .where(d.due < horizon, d.nature != "term")
                .order_by(d.due, d.id)
            )
        )
        ids = [r.id for r in rows]
        known: dict[int, set[tuple[str, int, str]]] = defaultdict(set)
        for chunk in _chunks(ids):
            for deadline_id, kind, step, recipient in uow.session.execute(
                select(o.deadline_id, o.kind, o.step, o.recipient).where(
                    o.deadline_id.in_(list(chunk))
                )
            ):
                known[deadline_id].add((kind, step, recipient))
        # The open deadlines of cases with a closed window: the time guards need them.
        window_cases = sorted({r.case_id for r in rows if r.nature == "window"})
        open_by_case: dict[int, list[OpenDeadline]] = defaultdict(list)
        for chunk in _chunks(window_cases):
            for case_id, kind, due, provisional in uow.session.execute(
                select(d.case_id, d.kind, d.due, d.provisional).where(
                    d.case_id.in_(list(chunk)), d.status == "open"
                )
            ):
                open_by_case[case_id].append(OpenDeadline(kind, due, provisional))
    planner = _Planner(app, moment, directory)
    pending: list[NewMessage] = []
    for row in rows:
        try:
            pending.extend(planner.messages(row, known[row.id], open_by_case[row.case_id], report))
        except Exception:  # one broken deadline must not stop the sweep
            logger.exception(
                "deadline %s of case %s: cannot plan its reminders", row.id, row.case_id
            )
            report.problem(f"case {row.case_id}: deadline {row.id} could not be planned (see log)")
    _insert_all(app, pending, moment, report)
    return report


def _insert_all(
    app: App, messages: Sequence[NewMessage], now: datetime, report: QueueReport
) -> None:
    for i in range(0, len(messages), _CHUNK):
        with app.uow() as uow:
            inserted = insert_messages(uow, messages[i : i + _CHUNK], now, app.settings.mail.sender)
            uow.commit()
        for m in inserted:
            if m.status == "superseded":
                report.superseded += 1
            else:
                report.queued.append(
                    Queued(m.kind, m.case_id, m.recipient, m.step_on, m.late, m.subject)
                )


# --- bans that ran out -----------------------------------------------------------------


@dataclass(frozen=True)
class Lifted:
    case: int
    until: date

    def as_json(self) -> dict[str, Any]:
        return {"case": self.case, "until": self.until.isoformat()}


def lift_ended_bans(app: App, report: QueueReport | None = None) -> list[Lifted]:
    """Apply ``lift_ban`` (by ``scheduler``) to every case whose ban's term has ended."""
    now = app.clock.now()
    zone = app.settings.zone
    today = now.date()
    d, c = deadlines_table.c, cases_table.c
    with app.uow() as uow:
        due = uow.session.execute(
            select(d.case_id, d.due, c.last_event_at)
            .join(cases_table, c.id == d.case_id)
            .where(
                d.status == "open",
                d.due < today,
                d.nature == "term",
                c.state == CaseState.BANNED,
            )
            .order_by(d.due, d.case_id)
        ).all()
    lifted: list[Lifted] = []
    for case_id, until, last_event_at in due:
        # Effective when the term ran out (24:00 of its last day), unless recorded later.
        at = min(max(end_of_day(until, zone), last_event_at), now)
        try:
            case_service.advance(app, case_id, "lift_ban", Params(), at=at, by=SCHEDULER)
        except SuperviseError as exc:
            # Another scheduler got there first (conflict), or a guard says not yet.
            text = f"case {case_id}: lift_ban not applied: {exc.message}"
            logger.info("%s", text)
            if report is not None and exc.kind != "conflict":
                report.problem(text)
            continue
        lifted.append(Lifted(case_id, until))
    _end_lifted_bans(app, now)
    return lifted


def _end_lifted_bans(app: App, now: datetime) -> None:
    """Mark the registry's bans of cases in ``ban_ended`` as ended (idempotent)."""
    b, c = bans_table.c, cases_table.c
    ended = select(c.id).where(c.state == CaseState.BAN_ENDED).scalar_subquery()
    with app.uow() as uow:
        uow.session.execute(
            update(bans_table)
            .where(b.status == "active", b.case_id.in_(ended))
            .values(status="ended", ended_at=now)
        )
        uow.commit()
