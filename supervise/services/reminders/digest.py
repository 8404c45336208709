"""The morning digest per supervisor, and the agenda (service layer).

A supervisor's digest lists everything of theirs that falls due within
``reminders.digest.days`` and everything overdue, in one e-mail, once a working day: its
outbox key is (recipient, day). It is due from the first time the ``reminders.digest.cron``
schedule fires on a working day (by the office's calendar, 调休 included); a supervisor with
nothing due or overdue gets none (a director always does: it carries the chains' anchor,
and the coverage report when configured, ``directors.py``). A digest missed on an earlier
day is not sent late: the next one says everything that is still true.

Legal reviewers and directors also learn which cases wait for them (行政处罚法 Arts. 57,
58): a reviewer's digest lists the cases whose decision waits for 法制审核, a director's
those and the ones waiting for 集体讨论 (within their districts); they get a digest for that
alone, with nothing due.
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
from supervise.scrutiny import DISCUSSION, PENDING, REVIEW, STALE, scrutiny_of
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
        awaiting = store.cases_awaiting_decision(uow)
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
    bosses = {f"user:{u.name}": u for u in directors.directors(directory)}
    for key, user in bosses.items():
        addressed.setdefault(key, (directors.recipient(user), []))
    waiting = _waiting(rt, awaiting, directory)
    for name in waiting:
        user = directory.by_name[name]
        addressed.setdefault(f"user:{name}", (directors.recipient(user), []))

    messages: list[NewMessage] = []
    # One anchor for every director of this run, taken only when one of them is owed a digest.
    anchor = directors.anchor(rt) if any(k not in done for k in bosses) else None
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
            "anchor": anchor if key in bosses else None,
            "waiting": waiting.get(recipient.name, {REVIEW: [], DISCUSSION: []}),
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


def _waiting(rt: Runtime, awaiting: list[Any], directory: Any) -> dict[str, dict[str, list[int]]]:
    """Per enabled legal reviewer and director with an e-mail address: the cases (ids) whose
    decision waits for a legal review (``review``) and, for directors, a discussion."""
    settings = rt.settings.decisions
    pending: dict[str, list[tuple[int, str]]] = {REVIEW: [], DISCUSSION: []}
    for row in awaiting:
        status = scrutiny_of(row, settings)
        if status.review in (PENDING, STALE):
            pending[REVIEW].append((row.id, row.district))
        elif status.discussion in (PENDING, STALE):
            # The heads discuss a decision once its review passed (or is not needed).
            pending[DISCUSSION].append((row.id, row.district))
    out: dict[str, dict[str, list[int]]] = {}
    for user in directory.by_name.values():
        if user.disabled or not user.email or user.role not in ("legal_reviewer", "director"):
            continue
        kinds = (REVIEW,) if user.role == "legal_reviewer" else (REVIEW, DISCUSSION)
        mine = {
            kind: [case for case, district in pending[kind] if _sees(user, district)]
            if kind in kinds
            else []
            for kind in (REVIEW, DISCUSSION)
        }
        if any(mine.values()):
            out[user.name] = mine
    return out


def _sees(user: Any, district: str) -> bool:
    return not user.districts or district in user.districts


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
