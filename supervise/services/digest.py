"""The morning digest per supervisor, and the agenda (service layer).

A supervisor's digest lists everything of theirs that falls due within
``reminders.digest.days`` and everything overdue, in one e-mail, once a working day: its
outbox key is (recipient, day). It is due from the first time the ``reminders.digest.cron``
schedule fires on a working day (by the office's calendar, 调休 included); a supervisor with
nothing due or overdue gets none. A digest missed on an earlier day is not sent late: the
next one says everything that is still true.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select

from supervise.adapters.mail_render import MailRenderer
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import outbox as outbox_table
from supervise.adapters.scheduler import first_fire_on
from supervise.bootstrap import App
from supervise.errors import InvalidInput
from supervise.services.outbox import NewMessage, insert_messages
from supervise.services.reminder_items import (
    DeadlineRow,
    Unaddressable,
    deadline_rows_query,
    item_context,
    recipient_context,
    resolving_events,
    supervisor_of,
    to_rows,
)
from supervise.services.reminders import Queued, QueueReport
from supervise.services.users import load_directory

DIGEST = "digest"
# Natures whose passed deadline is overdue (a passed window is not: it made a step possible).
OVERDUE_NATURES = ("office", "term")


def is_overdue(row: DeadlineRow, today: date) -> bool:
    return row.due < today and row.nature in OVERDUE_NATURES


def digest_time(app: App, day: date) -> datetime | None:
    """When the digest of ``day`` is due, or None (not a working day, or no cron time)."""
    if not app.calendar().is_workday(day):
        return None
    return first_fire_on(app.settings.reminders.digest.cron, app.settings.zone, day)


def queue_digests(app: App) -> QueueReport:
    """Queue today's digest for every supervisor with something due or overdue, once."""
    report = QueueReport()
    now = app.clock.now()
    today = now.date()
    when = digest_time(app, today)
    if when is None or when > now:
        return report
    days = app.settings.reminders.digest.days
    horizon = today + timedelta(days=days)
    d, c, o = deadlines_table.c, cases_table.c, outbox_table.c
    with app.uow() as uow:
        done = set(uow.session.scalars(select(o.recipient).where(o.kind == DIGEST, o.day == today)))
        directory = load_directory(uow)
        rows = to_rows(
            uow.session.execute(
                deadline_rows_query()
                .where(d.due <= horizon, c.supervisor.is_not(None))
                .order_by(c.supervisor, d.due, d.case_id, d.id)
            )
        )
    per_supervisor: dict[str, list[DeadlineRow]] = defaultdict(list)
    for row in rows:
        if row.due >= today or is_overdue(row, today):
            per_supervisor[row.supervisor or ""].append(row)
    renderer = MailRenderer()
    settings = app.settings

    def ctx(row: DeadlineRow) -> dict[str, Any]:
        return item_context(settings, row, today=today, next_events=resolving_events(row))

    messages: list[NewMessage] = []
    for items in per_supervisor.values():
        try:
            recipient = supervisor_of(items[0], directory)
        except Unaddressable as exc:
            report.problem(str(exc))
            continue
        if recipient.key in done:
            continue
        context = {
            "recipient": recipient_context(recipient),
            "now": now,
            "days": days,
            "due": [ctx(r) for r in items if r.due >= today],
            "overdue": [ctx(r) for r in items if is_overdue(r, today)],
        }
        subject, text, html = renderer.render(DIGEST, context)
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
    if messages:
        with app.uow() as uow:
            inserted = insert_messages(uow, messages, now, app.settings.mail.sender)
            uow.commit()
        report.queued.extend(
            Queued(m.kind, None, m.recipient, m.step_on, False, m.subject) for m in inserted
        )
    return report


@dataclass(frozen=True)
class AgendaItem:
    case: int
    kind: str
    kind_zh: str
    nature: str
    due: date
    provisional: bool
    overdue: bool
    supervisor: str | None
    state: str
    organization: str
    person: str
    person_id_masked: str

    def as_json(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "kind": self.kind,
            "due": self.due.isoformat(),
            "provisional": self.provisional,
            "overdue": self.overdue,
            "supervisor": self.supervisor,
            "nature": self.nature,
            "state": self.state,
            "organization": self.organization,
            "person": self.person,
            "person_id_masked": self.person_id_masked,
        }


def agenda(app: App, days: int | None = None, user: str | None = None) -> list[AgendaItem]:
    """What falls due within ``days`` (default: the digest's), and what is overdue, per
    supervisor; passed windows are listed too until the case moves on."""
    span = app.settings.reminders.digest.days if days is None else days
    if span < 0:
        raise InvalidInput(f"--days must be 0 or more, not {span}")
    today = app.clock.today()
    horizon = today + timedelta(days=span)
    d, c = deadlines_table.c, cases_table.c
    query = (
        deadline_rows_query().where(d.due <= horizon).order_by(c.supervisor, d.due, d.case_id, d.id)
    )
    if user is not None:
        query = query.where(c.supervisor == user)
    with app.uow() as uow:
        rows = to_rows(uow.session.execute(query))
    return [
        AgendaItem(
            r.case_id,
            r.kind,
            r.kind_zh,
            r.nature,
            r.due,
            r.provisional,
            is_overdue(r, today),
            r.supervisor,
            r.state.value,
            r.org_name,
            r.person_name,
            r.person_masked,
        )
        for r in rows
    ]
