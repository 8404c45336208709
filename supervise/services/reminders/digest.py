"""The morning digest per supervisor, and the agenda (service layer).

A supervisor's digest lists everything of theirs that falls due within
``reminders.digest.days`` and everything overdue, in one e-mail, once a working day: its
outbox key is (recipient, day). It is due from the first time the ``reminders.digest.cron``
schedule fires on a working day (by the office's calendar, 调休 included); a supervisor with
nothing due or overdue gets none (a director does when the digest carries the coverage
report, ``directors.py``). A digest missed on an earlier day is not sent late: the next one
says everything that is still true.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from supervise.errors import InvalidInput
from supervise.permissions import districts_of
from supervise.reminder_plan import (
    DeadlineRow,
    Recipient,
    Unaddressable,
    item_context,
    recipient_context,
    resolving_events,
    supervisor_of,
)
from supervise.runtime import Runtime
from supervise.services.reminders import directors, store
from supervise.services.reminders.outbox import queue
from supervise.services.reminders.store import NewMessage
from supervise.views import AgendaItem, QueueReport

DIGEST = "digest"


def digest_time(rt: Runtime, day: date) -> datetime | None:
    """When the digest of ``day`` is due, or None (not a working day, or no cron time)."""
    if not rt.calendar().is_workday(day):
        return None
    return rt.cron()(rt.settings.reminders.digest.cron, rt.settings.zone, day)


def queue_digests(rt: Runtime) -> QueueReport:
    """Queue today's digest for every supervisor with something due or overdue, once."""
    report = QueueReport()
    now = rt.clock.now()
    today = now.date()
    when = digest_time(rt, today)
    if when is None or when > now:
        return report
    days = rt.settings.reminders.digest.days
    with rt.uow() as uow:
        done = store.digests_sent(uow, today)
        directory = store.load_directory(uow)
        rows = store.rows_due_by(uow, today + timedelta(days=days))
    per_supervisor: dict[str, list[DeadlineRow]] = defaultdict(list)
    for row in rows:
        if row.supervisor is not None and (row.due >= today or row.overdue_on(today)):
            per_supervisor[row.supervisor].append(row)

    def ctx(row: DeadlineRow) -> dict[str, Any]:
        return item_context(rt.settings, row, today=today, next_events=resolving_events(row))

    addressed: dict[str, tuple[Recipient, list[DeadlineRow]]] = {}
    for items in per_supervisor.values():
        try:
            recipient = supervisor_of(items[0], directory)
        except Unaddressable as exc:
            report.problem(str(exc))
            continue
        addressed[recipient.key] = (recipient, items)
    bosses = {f"user:{u.name}": u for u in directors.directors(rt, directory)}
    for key, user in bosses.items():
        addressed.setdefault(key, (directors.recipient(user), []))

    messages: list[NewMessage] = []
    for key, (recipient, items) in addressed.items():
        if key in done:
            continue
        coverage = None
        if key in bosses:
            with rt.uow() as uow:
                coverage = directors.summary(uow, rt, bosses[key])
        context = {
            "recipient": recipient_context(recipient),
            "now": now,
            "days": days,
            "due": [ctx(r) for r in items if r.due >= today],
            "overdue": [ctx(r) for r in items if r.overdue_on(today)],
            "coverage": coverage,
        }
        subject, text, html = rt.mail_renderer().render(DIGEST, context)
        messages.append(
            NewMessage(
                kind=DIGEST,
                deadline_id=None,
                case_id=None,
                step=0,
                recipient=recipient.key,
                step_on=today,
                day=today,
                address=recipient.address,
                subject=subject,
                body_text=text,
                body_html=html,
            )
        )
    queue(rt, messages, now, report)
    return report


def agenda(
    rt: Runtime, actor: str, days: int | None = None, user: str | None = None
) -> list[AgendaItem]:
    """What falls due within ``days`` (default: the digest's), and what is overdue, per
    supervisor; passed windows are listed too until the case moves on."""
    span = rt.settings.reminders.digest.days if days is None else days
    if span < 0:
        raise InvalidInput(f"--days must be 0 or more, not {span}")
    today = rt.clock.today()
    with rt.uow() as uow:
        rows = store.rows_due_by(uow, today + timedelta(days=span), user, districts_of(actor))
    return [
        AgendaItem(
            r.case_id,
            r.kind,
            r.due,
            r.provisional,
            r.overdue_on(today),
            r.supervisor,
            r.nature,
            r.state.value,
            r.org_name,
            r.person_name,
            r.person_masked,
        )
        for r in rows
    ]
