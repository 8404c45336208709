"""The SQL of reminders (service layer): due deadlines, the outbox and the user directory.

The outbox key — (deadline, kind, step, recipient), or (recipient, day) for a digest — is a
unique constraint, so :func:`insert_messages` (``INSERT … ON CONFLICT DO NOTHING``) can never
queue a message twice, whoever runs it and however often.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from email.utils import parseaddr
from typing import Any

from sqlalchemy import CursorResult, Select, and_, func, select, update

from supervise import model
from supervise.adapters.database import UnitOfWork, dialect_insert
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import outbox as outbox_table
from supervise.adapters.orm import persons as persons_table
from supervise.adapters.personal_data import open_number
from supervise.reminder_plan import DeadlineRow, Directory
from supervise.scrutiny import HEADING
from supervise.states import CaseState
from supervise.validation import mask_id_number

_IN_CHUNK = 500  # ids per IN (...) list

# --- deadlines as the reminders see them ----------------------------------------------------


def deadline_rows_query() -> Select[Any]:
    """Open deadlines joined to their case, organization and person (add filters)."""
    d, c, o, p = deadlines_table.c, cases_table.c, orgs_table.c, persons_table.c
    return (
        select(
            d.id,
            d.case_id,
            d.kind,
            d.nature,
            d.start,
            d.due,
            d.provisional,
            d.notice_id,
            c.state,
            c.supervisor,
            c.role,
            c.proceeding_basis,
            c.statement_waived,
            c.hearing_recorded,
            c.last_event_at,
            o.id.label("org_id"),
            o.name.label("org_name"),
            o.email.label("org_email"),
            o.kind.label("org_kind"),
            o.charity.label("org_charity"),
            p.id.label("person_id"),
            p.name.label("person_name"),
            p.id_number_enc,
            p.id_number_hmac,
            p.email.label("person_email"),
        )  # fmt: skip
        .select_from(
            deadlines_table.join(cases_table, c.id == d.case_id)
            .join(orgs_table, o.id == c.organization_id)
            .join(persons_table, p.id == c.person_id)
        )
        .where(d.status == "open")
    )


def deadline_rows(uow: UnitOfWork, query: Select[Any]) -> list[DeadlineRow]:
    """The rows of a :func:`deadline_rows_query`; ID numbers are masked as they are read."""
    out: list[DeadlineRow] = []
    for r in uow.session.execute(query):
        values = r._asdict()
        number = open_number(uow.session, values.pop("id_number_enc"), values.pop("id_number_hmac"))
        values["person_masked"] = mask_id_number(number)
        out.append(DeadlineRow(**values))
    return out


def rows_due_before(uow: UnitOfWork, horizon: date) -> list[DeadlineRow]:
    """Deadlines due before ``horizon`` that send mail (a ban's term sends none)."""
    d = deadlines_table.c
    query = deadline_rows_query().where(d.due < horizon, d.nature != "term")
    return deadline_rows(uow, query.order_by(d.due, d.id))


def rows_due_by(
    uow: UnitOfWork,
    horizon: date,
    supervisor: str | None = None,
    districts: Sequence[str] | None = None,
) -> list[DeadlineRow]:
    """Deadlines due on or before ``horizon``, by supervisor (only ``supervisor``'s if given;
    only organizations in ``districts`` if given)."""
    d, c = deadlines_table.c, cases_table.c
    query = deadline_rows_query().where(d.due <= horizon)
    if supervisor is not None:
        query = query.where(c.supervisor == supervisor)
    if districts is not None:
        query = query.where(orgs_table.c.district.in_(districts))
    return deadline_rows(uow, query.order_by(c.supervisor, d.due, d.case_id, d.id))


def chunks(items: Sequence[int], size: int = _IN_CHUNK) -> Iterable[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def queued_keys(
    uow: UnitOfWork, deadline_ids: Sequence[int]
) -> dict[int, set[tuple[str, int, str]]]:
    """For each deadline, the (kind, step, recipient) of the messages already in the outbox."""
    o = outbox_table.c
    known: dict[int, set[tuple[str, int, str]]] = defaultdict(set)
    for chunk in chunks(deadline_ids):
        for deadline_id, kind, step, recipient in uow.session.execute(
            select(o.deadline_id, o.kind, o.step, o.recipient).where(o.deadline_id.in_(list(chunk)))
        ):
            known[deadline_id].add((kind, step, recipient))
    return known


@dataclass(frozen=True)
class OpenDeadlineRow:
    kind: str
    due: date
    provisional: bool
    status: str


def open_deadlines_of(uow: UnitOfWork, case_ids: Sequence[int]) -> dict[int, list[OpenDeadlineRow]]:
    """The open deadlines of each case (what the time guards need)."""
    d = deadlines_table.c
    found: dict[int, list[OpenDeadlineRow]] = defaultdict(list)
    for chunk in chunks(case_ids):
        for case_id, kind, due, provisional in uow.session.execute(
            select(d.case_id, d.kind, d.due, d.provisional).where(
                d.case_id.in_(list(chunk)), d.status == "open"
            )
        ):
            found[case_id].append(OpenDeadlineRow(kind, due, provisional, "open"))
    return found


def ended_terms(uow: UnitOfWork, today: date) -> list[tuple[int, date, datetime]]:
    """(case, last day, the case's latest event) of every banned case whose term ended."""
    d, c = deadlines_table.c, cases_table.c
    rows = uow.session.execute(
        select(d.case_id, d.due, c.last_event_at)
        .join(cases_table, c.id == d.case_id)
        .where(d.status == "open", d.due < today, d.nature == "term", c.state == CaseState.BANNED)
        .order_by(d.due, d.case_id)
    ).all()
    return [(case_id, due, last) for case_id, due, last in rows]


def end_bans_of_ended_cases(uow: UnitOfWork, now: datetime) -> None:
    """Mark the registry's bans of cases in ``ban_ended`` as ended (idempotent)."""
    b, c = bans_table.c, cases_table.c
    ended = select(c.id).where(c.state == CaseState.BAN_ENDED).scalar_subquery()
    uow.session.execute(
        update(bans_table)
        .where(b.status == "active", b.case_id.in_(ended))
        .values(status="ended", ended_at=now)
    )


def load_directory(uow: UnitOfWork) -> Directory:
    everyone = list(uow.session.scalars(select(model.User)))
    for user in everyone:
        uow.session.expunge(user)
    return Directory({u.name: u for u in everyone}, {u.id: u for u in everyone})


def cases_awaiting_decision(uow: UnitOfWork) -> list[Any]:
    """Cases with a proposal open (the decision ahead may wait for 法制审核 or 集体讨论), with
    the columns the review status is computed from and their organization's district; the
    state index finds them, however many cases are closed."""
    c, o = cases_table.c, orgs_table.c
    return list(
        uow.session.execute(
            select(
                c.id,
                c.state,
                c.proposal_key,
                c.hearing_recorded,
                c.review_key,
                c.review_outcome,
                c.discussion_key,
                c.discussion_decision,
                c.discussion_years,
                o.district,
            )
            .join(orgs_table, o.id == c.organization_id)
            .where(c.state.in_(list(HEADING)))
            .order_by(c.id)
        ).all()
    )


def user_named(uow: UnitOfWork, name: str) -> model.User | None:
    return uow.session.scalar(select(model.User).where(model.User.name == name))  # type: ignore[arg-type]


def digests_sent(uow: UnitOfWork, day: date) -> set[str]:
    o = outbox_table.c
    return set(uow.session.scalars(select(o.recipient).where(o.kind == "digest", o.day == day)))


# --- queueing ---------------------------------------------------------------------------------


def outbox_key(
    kind: str, deadline_id: int | None, step: int, recipient: str, day: date | None
) -> str:
    """The outbox key as text: what the Message-ID is derived from."""
    if deadline_id is None:
        assert day is not None
        return f"{kind}/{recipient}/{day.isoformat()}"
    return f"deadline/{deadline_id}/{kind}/{step}/{recipient}"


def message_id(key: str, sender: str) -> str:
    """Deterministic Message-ID for an outbox key, so a re-sent message is the same message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return "<" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@" + domain + ">"


@dataclass(frozen=True)
class NewMessage:
    """A message the sweep wants in the outbox (``status`` pending or superseded)."""

    kind: str
    deadline_id: int | None
    case_id: int | None
    step: int
    recipient: str
    step_on: date
    status: str = "pending"
    late: bool = False
    day: date | None = None
    address: str | None = None
    subject: str | None = None
    body_text: str | None = None
    body_html: str | None = None
    notice_id: int | None = None  # the notice to attach

    @property
    def key(self) -> str:
        return outbox_key(self.kind, self.deadline_id, self.step, self.recipient, self.day)


def insert_messages(
    uow: UnitOfWork, messages: Sequence[NewMessage], now: datetime, sender: str
) -> list[NewMessage]:
    """Insert what is not in the outbox yet; return the rows this call inserted."""
    insert = dialect_insert(uow.dialect)
    inserted: list[NewMessage] = []
    for m in messages:
        values: dict[str, Any] = {
            "kind": m.kind, "deadline_id": m.deadline_id, "case_id": m.case_id, "step": m.step,
            "recipient": m.recipient, "day": m.day, "step_on": m.step_on, "address": m.address,
            "subject": m.subject, "body_text": m.body_text, "body_html": m.body_html,
            "message_id": message_id(m.key, sender), "notice_id": m.notice_id,
            "status": m.status, "late": m.late, "queued_at": now, "attempts": 0,
            "next_attempt_at": now if m.status == "pending" else None, "last_error": None,
            "sent_at": None, "sent_by": None,
        }  # fmt: skip
        # RETURNING says whether this statement inserted the row (rowcount does not: it is
        # -1 for INSERTs with some drivers).
        stmt = (
            insert(outbox_table)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(outbox_table.c.id)
        )
        if uow.session.execute(stmt).first() is not None:
            inserted.append(m)
    return inserted


# --- delivery ---------------------------------------------------------------------------------


def claim(uow: UnitOfWork, now: datetime) -> model.OutboxMessage | None:
    """The next message due for delivery, held by this transaction until it ends."""
    o = outbox_table.c
    due = and_(o.status == "pending", o.next_attempt_at <= now)
    order = (o.next_attempt_at, o.id)
    if uow.dialect == "postgresql":
        # Another scheduler holding a row skips it instead of waiting for it.
        return uow.session.scalar(
            select(model.OutboxMessage)
            .where(due)
            .order_by(*order)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
    # SQLite has no row locks. Claim with a write first: it takes the database's write lock
    # (the transaction begins with it, so no stale snapshot), and holds it until commit.
    first = select(o.id).where(due).order_by(*order).limit(1).scalar_subquery()
    claimed = uow.session.execute(
        update(outbox_table).where(o.id == first).values(attempts=o.attempts).returning(o.id)
    ).scalar()
    if claimed is None:
        return None
    return uow.session.get(model.OutboxMessage, claimed)


def deadline_open(uow: UnitOfWork, deadline_id: int) -> bool:
    status = uow.session.scalar(
        select(deadlines_table.c.status).where(deadlines_table.c.id == deadline_id)
    )
    return status == "open"


# --- the outbox as the operator sees it ---------------------------------------------------------


def counts_by_status(uow: UnitOfWork) -> dict[str, int]:
    o = outbox_table.c
    return {
        str(s): int(n)
        for s, n in uow.session.execute(select(o.status, func.count()).group_by(o.status))
    }


def pending_times(uow: UnitOfWork) -> tuple[Any, Any]:
    """(oldest queued, soonest next attempt) of the pending messages, as the driver gives them."""
    o = outbox_table.c
    oldest, upcoming = uow.session.execute(
        select(func.min(o.queued_at), func.min(o.next_attempt_at)).where(o.status == "pending")
    ).one()
    return oldest, upcoming


def troubled(uow: UnitOfWork, limit: int) -> list[model.OutboxMessage]:
    o = outbox_table.c
    return list(
        uow.session.scalars(
            select(model.OutboxMessage)
            .where(
                (o.status == "failed") | (and_(o.status == "pending", o.last_error.is_not(None)))
            )
            .order_by(o.id.desc())
            .limit(limit)
        )
    )


def messages(
    uow: UnitOfWork, status: str | None, case_id: int | None, limit: int
) -> list[model.OutboxMessage]:
    o = outbox_table.c
    query = select(model.OutboxMessage).order_by(o.id.desc()).limit(limit)
    if status is not None:
        query = query.where(o.status == status)
    if case_id is not None:
        query = query.where(o.case_id == case_id)
    return list(uow.session.scalars(query))


def statuses_of(uow: UnitOfWork, ids: Sequence[int]) -> dict[int, str]:
    o = outbox_table.c
    return {
        row.id: row.status
        for row in uow.session.execute(select(o.id, o.status).where(o.id.in_(list(ids))))
    }


def requeue_failed(uow: UnitOfWork, ids: Sequence[int], now: datetime) -> int:
    o = outbox_table.c
    stmt = update(outbox_table).where(o.status == "failed")
    if ids:
        stmt = stmt.where(o.id.in_(list(ids)))
    result = uow.session.execute(stmt.values(status="pending", attempts=0, next_attempt_at=now))
    assert isinstance(result, CursorResult)
    return int(result.rowcount)
