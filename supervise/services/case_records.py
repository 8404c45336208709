"""Reading a case inside a transaction: the case with its organization and person, its
open deadlines and bans, the facts the rules need, and the plain view services return.

Service layer; shared by the write side (``cases``) and the read side (``case_queries``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.errors import NotFound
from supervise.rules import CaseFacts, OpenDeadline
from supervise.services.views import CaseView, DeadlineView, HistoryView, OrgView, PersonView
from supervise.states import CaseState

S = CaseState


def load_case(uow: UnitOfWork, case_id: int) -> tuple[model.Case, model.Organization, model.Person]:
    """The case with its organization and person, in one statement."""
    row = uow.session.execute(
        select(model.Case, model.Organization, model.Person)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .join(persons_table, persons_table.c.id == cases_table.c.person_id)
        .where(cases_table.c.id == case_id)
    ).first()
    if row is None:
        raise NotFound(f"no case with id {case_id}; see `supervise case list`")
    return row[0], row[1], row[2]


def open_deadlines(uow: UnitOfWork, case_id: int) -> list[model.Deadline]:
    """Deadlines that run, and windows waiting for their notice to be served."""
    return list(
        uow.session.scalars(
            select(model.Deadline)
            .where(
                deadlines_table.c.case_id == case_id,
                deadlines_table.c.status.in_(("open", "waiting")),
            )
            .order_by(deadlines_table.c.due, deadlines_table.c.id)
        )
    )


def case_bans(uow: UnitOfWork, case_id: int) -> list[model.Ban]:
    return list(
        uow.session.scalars(
            select(model.Ban).where(
                bans_table.c.case_id == case_id, bans_table.c.status == "active"
            )
        )
    )


def case_facts(
    uow: UnitOfWork,
    case: model.Case,
    org: model.Organization,
    known: list[model.Deadline] | None = None,
) -> CaseFacts:
    """What the rules need of a case (``known``: its open deadlines, if already read)."""
    running = open_deadlines(uow, case.id) if known is None else known
    ban_ends: list[date | None] = []
    if case.state is S.BANNED:
        ban_ends = [None if b.lifelong else b.until for b in case_bans(uow, case.id)]
    return CaseFacts(
        state=case.state,
        org_kind=org.kind,
        org_charity=org.charity,
        proceeding_basis=case.proceeding_basis,
        statement_waived=case.statement_waived,
        hearing_recorded=case.hearing_recorded,
        deadlines=[
            OpenDeadline(d.kind, d.due, d.provisional, d.status == "waiting") for d in running
        ],
        ban_ends=ban_ends,
    )


def active_bans(uow: UnitOfWork, person_id: int, on: date) -> list[model.Ban]:
    rows = uow.session.scalars(
        select(model.Ban).where(
            bans_table.c.person_id == person_id, bans_table.c.status == "active"
        )
    )
    return [b for b in rows if b.active_on(on)]


def ban_covers(ban: model.Ban, org: model.Organization) -> bool:
    return ban.scope == "all" or (ban.scope == "charity" and org.charity)


def describe_ban(ban: model.Ban) -> str:
    end = "lifelong" if ban.lifelong else f"until {ban.until.isoformat() if ban.until else '?'}"
    source = f"case {ban.case_id}" if ban.case_id else f"judgment {ban.judgment}"
    return f"ban {ban.id} ({ban.basis}, {source}, scope {ban.scope}) {end}"


def case_view(
    uow: UnitOfWork,
    case: model.Case,
    org: model.Organization,
    person: model.Person,
    *,
    detail: bool,
    with_history: bool = True,
) -> CaseView:
    deadlines: list[DeadlineView] = []
    entries: list[HistoryView] = []
    if detail:
        deadlines = [
            DeadlineView(d.kind, d.due, d.provisional, d.nature, d.status, d.notice_id)
            for d in open_deadlines(uow, case.id)
        ]
        entries = (
            [
                HistoryView(
                    h.seq,
                    h.event,
                    h.from_state,
                    h.to_state,
                    h.at,
                    h.recorded_at,
                    h.by,
                    h.reason,
                    h.basis,
                    h.data,
                )
                for h in uow.session.scalars(
                    select(model.HistoryEntry)
                    .where(history_table.c.case_id == case.id)
                    .order_by(history_table.c.seq)
                )
            ]
            if with_history
            else []
        )
    return CaseView(
        case.id,
        case.state,
        OrgView.of(org),
        PersonView.of(person),
        case.role,
        case.supervisor,
        deadlines,
        entries,
    )
