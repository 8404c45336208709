"""What reminder e-mails say about a deadline, and to whom they go (service layer).

Shared by the sweep (``services/reminders.py``), the digest and the agenda
(``services/digest.py``). A :class:`DeadlineRow` is one open deadline read together with
its case, organization and person in one query; the person's ID number is masked as the
row is read, so the full number never reaches a template or a log.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, select

from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.clock import start_of_day
from supervise.config import Settings
from supervise.rules import DEADLINE_KINDS, DECISIONS, CaseFacts, Law, OpenDeadline, time_guard
from supervise.services.users import Directory
from supervise.states import EVENTS, RETURNING_EVENTS, STATE_NAMES, CaseState, user_triggers_from
from supervise.validation import mask_id_number

# Which period of the settings a deadline kind was counted under (its legal basis).
PERIOD_OF_KIND: dict[str, str] = {
    "interview": "interview_notice",
    "rectification": "rectification",
    "defence_window": "defence_window",
    "decision": "decision",
    "replacement": "replacement",
    "hearing_request": "hearing_request",
    "hearing": "hearing_notice",
    "service": "service",
}

# The events that deal with a deadline of each kind (filtered by the case's state).
RESOLVED_BY: dict[str, tuple[str, ...]] = {
    "interview": ("record_interview", "reschedule_interview", "cancel_interview"),
    "rectification": ("accept_rectification",),
    "defence_window": ("record_statement", "issue_warning", "order_replacement"),
    "decision": (
        "issue_warning",
        "order_replacement",
        "impose_ban",
        "drop_warning",
        "drop_replacement",
        "drop_ban",
    ),
    "replacement": ("confirm_replacement",),
    "hearing_request": ("request_hearing",),
    "hearing": ("record_hearing", "reschedule_hearing"),
}

# Deadlines met by a command other than a case event.
KIND_COMMANDS: dict[str, str] = {"service": "supervise notice list --case {case}"}

_PLACEHOLDERS: dict[str, str] = {
    "date": "YYYY-MM-DD",
    "until": "YYYY-MM-DD",
    "from": "YYYY-MM-DD",
    "reason": "TEXT",
    "reference": "REF",
    "judgment": "REF",
}
# Events whose input is "this or that" (check_params): suggest the usual one.
_USUAL_INPUT: dict[str, str] = {"record_statement": "reason", "record_hearing": "reason"}


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

    @property
    def kind_zh(self) -> str:
        return DEADLINE_KINDS[self.kind][1]


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
            p.id_number,
            p.email.label("person_email"),
        )
        .select_from(
            deadlines_table.join(cases_table, c.id == d.case_id)
            .join(orgs_table, o.id == c.organization_id)
            .join(persons_table, p.id == c.person_id)
        )
        .where(d.status == "open")
    )


def to_rows(result: Iterable[Any]) -> list[DeadlineRow]:
    out: list[DeadlineRow] = []
    for r in result:
        out.append(
            DeadlineRow(
                id=r.id,
                case_id=r.case_id,
                kind=r.kind,
                nature=r.nature,
                start=r.start,
                due=r.due,
                provisional=r.provisional,
                state=r.state,
                supervisor=r.supervisor,
                role=r.role,
                proceeding_basis=r.proceeding_basis,
                statement_waived=r.statement_waived,
                hearing_recorded=r.hearing_recorded,
                last_event_at=r.last_event_at,
                org_id=r.org_id,
                org_name=r.org_name,
                org_email=r.org_email,
                org_kind=r.org_kind,
                org_charity=r.org_charity,
                person_id=r.person_id,
                person_name=r.person_name,
                person_masked=mask_id_number(r.id_number),
                person_email=r.person_email,
                notice_id=r.notice_id,
            )
        )
    return out


# --- recipients ------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: ``key`` is part of the outbox key (user:NAME, org:ID, person:ID)."""

    key: str
    name: str
    address: str


class Unaddressable(Exception):
    """A message has nobody to go to; the text says what to fix."""


def supervisor_of(row: DeadlineRow, directory: Directory) -> Recipient:
    user = directory.get(row.supervisor)
    if user is None:
        who = row.supervisor or "(nobody)"
        raise Unaddressable(
            f"case {row.case_id}: its supervisor {who} is not in the user directory; "
            f"`supervise user add {who} --email ADDR`, or `supervise case assign "
            f"{row.case_id} USER`"
        )
    return Recipient(f"user:{user.name}", user.name, user.email)


def reports_to_of(row: DeadlineRow, directory: Directory) -> Recipient:
    boss = directory.boss_of(row.supervisor)
    if boss is None:
        who = row.supervisor or "(nobody)"
        raise Unaddressable(
            f"case {row.case_id}: no escalation possible, supervisor {who} has no reports-to; "
            f"`supervise user edit {who} --reports-to NAME`"
        )
    return Recipient(f"user:{boss.name}", boss.name, boss.email)


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


# --- what the mail says ----------------------------------------------------------------


def basis_text(settings: Settings, row: DeadlineRow) -> str | None:
    """The legal basis of the case's proceeding and of the period the deadline counts."""
    parts: list[str] = []
    basis = settings.bases.get(row.proceeding_basis or "")
    if basis is not None:
        parts.append(basis.citation)
    period = getattr(settings.periods, PERIOD_OF_KIND.get(row.kind, ""), None)
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
    return [e for e in RESOLVED_BY.get(row.kind, ()) if e in allowed]


def facts_of(row: DeadlineRow, open_deadlines: Sequence[OpenDeadline]) -> CaseFacts:
    return CaseFacts(
        state=row.state,
        org_kind=row.org_kind,
        org_charity=row.org_charity,
        proceeding_basis=row.proceeding_basis,
        statement_waived=row.statement_waived,
        hearing_recorded=row.hearing_recorded,
        deadlines=open_deadlines,
    )


def events_after_window(row: DeadlineRow, facts: CaseFacts, law: Law, now: datetime) -> list[str]:
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
        if (e in DECISIONS or e in RETURNING_EVENTS)
        and e not in became
        and time_guard(e, facts, law, now) is None
    ]
    return became + others


def step_label(offset: int) -> str:
    return "到期当日" if offset == 0 else f"到期前{offset}个工作日"


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
    """One deadline as the mail templates want it (see ``adapters/mail_render.py``)."""
    command: str | None = None
    if include_command:
        if next_events:
            command = command_for(row.case_id, next_events[0])
        elif row.kind in KIND_COMMANDS:
            command = KIND_COMMANDS[row.kind].format(case=row.case_id)
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


def recipient_context(recipient: Recipient) -> Mapping[str, str]:
    return {"name": recipient.name, "email": recipient.address}
