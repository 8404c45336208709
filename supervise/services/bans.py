"""Use cases for the ban registry: the pre-appointment check, court bans without a post.

A ban enters the registry with ``impose_ban`` or ``record_court_ban`` on a case, or with
``bans add`` for someone who holds no post; ``bans check`` (入职查询) finds all of them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from supervise import model
from supervise.adapters.orm import bans as bans_table
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import persons as persons_table
from supervise.bootstrap import App
from supervise.errors import InvalidInput, NotAllowed
from supervise.rules import CaseFacts, Params, check_params, choose_basis
from supervise.services.case_records import active_bans
from supervise.services.registry import find_by_id_number
from supervise.services.views import BanView
from supervise.states import NON_FINAL_STATES, CaseState
from supervise.validation import validate_id_number


def check(app: App, id_number: str, on: date | None = None) -> list[BanView]:
    """The active bans on the person with this ID number (empty when none or unknown)."""
    number = validate_id_number(id_number)
    day = on or app.clock.today()
    with app.uow() as uow:
        person = find_by_id_number(uow, number)
        if person is None:
            return []
        return [BanView.of(b, person) for b in active_bans(uow, person.id, day)]


def add_court_ban(
    app: App,
    *,
    id_number: str,
    name: str,
    judgment: str,
    start: date,
    until: date | None,
    lifelong: bool,
    basis: str | None,
) -> BanView:
    """Record a court's ban on someone who may hold no post, creating the person if new."""
    number = validate_id_number(id_number)
    if not name.strip():
        raise InvalidInput("--name must not be empty")
    params = Params(judgment=judgment, start=start, until=until, lifelong=lifelong, basis=basis)
    # The same term and basis rules as record_court_ban; no organization, so any kind fits.
    facts = CaseFacts(
        state=CaseState.APPOINTED,
        org_kind="social-group",
        org_charity=True,
        proceeding_basis=None,
        statement_waived=False,
        hearing_recorded=False,
    )
    law = app.law()
    now = app.clock.now()
    check_params("record_court_ban", facts, law, now, params)
    key = choose_basis("record_court_ban", facts, law, params)
    assert key is not None
    term = law.bases[key].ban
    assert term is not None
    with app.uow() as uow:
        person = find_by_id_number(uow, number)
        if person is None:
            person = model.Person(name=name.strip(), id_number=number, email=None, created_at=now)
            uow.session.add(person)
            uow.flush()
        held = list(
            uow.session.scalars(
                select(cases_table.c.id).where(
                    cases_table.c.person_id == person.id,
                    cases_table.c.state.in_(NON_FINAL_STATES),
                )
            )
        )
        if held:
            raise NotAllowed(
                f"person {person.id} holds posts (cases {', '.join(map(str, held))}); record the "
                "court's ban on one of them with `supervise case advance CASE record_court_ban` "
                "so that it reaches every post"
            )
        ban = model.Ban(
            person_id=person.id,
            case_id=None,
            basis=key,
            judgment=judgment,
            scope=term.scope,
            start=start,
            until=None if lifelong else until,
            lifelong=lifelong,
            status="active",
            created_at=now,
            ended_at=None,
        )
        uow.session.add(ban)
        uow.commit()
        return BanView.of(ban, person)


def list_bans(app: App, active_only: bool = False, limit: int = 1000) -> list[BanView]:
    today = app.clock.today()
    with app.uow() as uow:
        rows = uow.session.execute(
            select(model.Ban, model.Person)
            .join(persons_table, persons_table.c.id == bans_table.c.person_id)
            .order_by(bans_table.c.id)
            .limit(limit)
        ).all()
        return [
            BanView.of(ban, person)
            for ban, person in rows
            if not active_only or ban.active_on(today)
        ]
