"""The reminder sweep: what is due now goes into the outbox (service layer).

The database is the source of truth: the sweep reads the open deadlines whose first
message is due (an indexed range on ``deadlines(status, due)``, so its cost grows with the
number due, not the number of cases), works out each deadline's plan (``reminder_plan``),
and writes the steps that fell due into the outbox, whose unique key makes a second
queueing impossible.

The steps of a deadline, by its nature (``law.DEADLINE_KINDS``):

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
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, time
from functools import partial

from supervise.clock import end_of_day
from supervise.errors import SuperviseError
from supervise.reminder_plan import (
    DeadlineRow,
    Directory,
    Point,
    Recipient,
    Unaddressable,
    events_after_window,
    item_context,
    party_of,
    plan,
    recipient_context,
    reports_to_of,
    resolving_events,
    step_label,
    supervisor_of,
)
from supervise.rules import Params, Rulebook, case_facts
from supervise.runtime import Runtime
from supervise.services.cases.advance import advance
from supervise.services.reminders import store
from supervise.services.reminders.outbox import queue
from supervise.services.reminders.store import NewMessage, OpenDeadlineRow
from supervise.views import Lifted, QueueReport
from supervise.workdays import WorkCalendar

logger = logging.getLogger("supervise.reminders")

SCHEDULER = "scheduler"  # who acts when the program itself moves a case
# The mail a reminder before a deadline of this kind is (default: "reminder"). A notice
# that must be served within its period gets the "serve the notice" wording.
REMINDER_KIND: dict[str, str] = {"service": "serve_notice"}

Wanted = tuple[Point, str, Recipient | None, str | None]


class _Planner:
    """Turns due deadlines into outbox rows for one sweep (one ``now``)."""

    def __init__(self, rt: Runtime, now: datetime, directory: Directory) -> None:
        self.rt = rt
        self.settings = rt.settings
        self.law: Rulebook = rt.rulebook()
        self.now = now
        self.today = now.date()
        self.directory = directory
        cfg = rt.settings.reminders
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
        open_deadlines: Sequence[OpenDeadlineRow],
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
        wanted: list[Wanted] = [
            (point, kind, recipient, problem)
            for point in points
            for kind, recipient, problem in self._addressees(row, point)
        ]
        missing = [w for w in wanted if w[2] is None or (w[1], w[0].step, w[2].key) not in known]
        skipped = [w for w in missing if w[0].rank < latest.rank and w[2] is not None]
        late = latest.day < self.today or bool(skipped)
        out: list[NewMessage] = []
        for point, kind, recipient, problem in missing:
            if recipient is None:
                if point is latest and problem:
                    report.problem(problem)
                continue
            message = NewMessage(
                kind=kind,
                deadline_id=row.id,
                case_id=row.case_id,
                step=point.step,
                recipient=recipient.key,
                step_on=point.day,
                address=recipient.address,
            )
            if point.rank < latest.rank:
                out.append(replace(message, status="superseded"))
                continue
            subject, text, html = self._render(row, point, kind, recipient, late, open_deadlines)
            out.append(
                replace(
                    message,
                    late=late,
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
        open_deadlines: Sequence[OpenDeadlineRow],
    ) -> tuple[str, str, str]:
        party = not recipient.key.startswith("user:")
        if kind == "window_closed":
            facts = case_facts(row, row.org_kind, row.org_charity, open_deadlines)
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
        return self.rt.mail_renderer().render(kind, context)


def _horizon(calendar: WorkCalendar, today: date, offsets: Sequence[int]) -> date:
    """Deadlines due before this day may have a reminder due today."""
    return calendar.add_workdays(today, max(offsets, default=0) + 1).day


def queue_due(rt: Runtime, now: datetime | None = None) -> QueueReport:
    """Write every message of a deadline that is due by ``now`` (default: the clock) into
    the outbox, once. Safe to run from several processes at once."""
    moment = now or rt.clock.now()
    report = QueueReport()
    horizon = _horizon(rt.calendar(), moment.date(), rt.settings.reminders.before_workdays)
    with rt.uow() as uow:
        directory = store.load_directory(uow)
        rows = store.rows_due_before(uow, horizon)
        known = store.queued_keys(uow, [r.id for r in rows])
        # The open deadlines of cases with a closed window: the time guards need them.
        window_cases = sorted({r.case_id for r in rows if r.nature == "window"})
        open_by_case = store.open_deadlines_of(uow, window_cases)
    planner = _Planner(rt, moment, directory)
    pending: list[NewMessage] = []
    for row in rows:
        try:
            pending.extend(planner.messages(row, known[row.id], open_by_case[row.case_id], report))
        except Exception:  # one broken deadline must not stop the sweep
            logger.exception(
                "deadline %s of case %s: cannot plan its reminders", row.id, row.case_id
            )
            report.problem(f"case {row.case_id}: deadline {row.id} could not be planned (see log)")
    queue(rt, pending, moment, report)
    return report


def lift_ended_bans(rt: Runtime, report: QueueReport | None = None) -> list[Lifted]:
    """Apply ``lift_ban`` (by ``scheduler``) to every case whose ban's term has ended."""
    now = rt.clock.now()
    with rt.uow() as uow:
        due = store.ended_terms(uow, now.date())
    lifted: list[Lifted] = []
    for case_id, until, last_event_at in due:
        # Effective when the term ran out (24:00 of its last day), unless recorded later.
        at = min(max(end_of_day(until, rt.settings.zone), last_event_at), now)
        try:
            advance(rt, SCHEDULER, case_id, "lift_ban", Params(), at=at)
        except SuperviseError as exc:
            # Another scheduler got there first (conflict), or a guard says not yet.
            text = f"case {case_id}: lift_ban not applied: {exc.message}"
            logger.info("%s", text)
            if report is not None and exc.kind != "conflict":
                report.problem(text)
            continue
        lifted.append(Lifted(case_id, until))
    with rt.uow() as uow:
        store.end_bans_of_ended_cases(uow, now)
        uow.commit()
    return lifted
