"""Use cases that read leadership cases: show, list (streamed), next (service layer).

Every filter ``case list`` offers is served by an index (tests/perf checks the plans).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import ARRAY, ColumnElement, Integer, Select, any_, cast, distinct, func, select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.bootstrap import App
from supervise.errors import InvalidInput
from supervise.rules import PROPOSALS, fitting_bases, time_guard
from supervise.services.case_records import case_facts, case_view, load_case
from supervise.services.views import CaseView, NextEvent
from supervise.states import EVENTS, PROCEEDING_OPENERS, CaseState, user_triggers_from


def show_case(app: App, case_id: int) -> CaseView:
    with app.uow() as uow:
        case, org, person = load_case(uow, case_id)
        return case_view(uow, case, org, person, detail=True)


def list_cases(
    app: App,
    *,
    state: str | None = None,
    org_id: int | None = None,
    person_id: int | None = None,
    overdue: bool = False,
    limit: int = 100,
) -> list[CaseView]:
    """Cases matching every filter given, oldest first; each filter is served by an index."""
    return list(
        iter_cases(
            app, state=state, org_id=org_id, person_id=person_id, overdue=overdue, limit=limit
        )
    )


def iter_cases(
    app: App,
    *,
    state: str | None = None,
    org_id: int | None = None,
    person_id: int | None = None,
    overdue: bool = False,
    limit: int = 100,
) -> Iterator[CaseView]:
    """Like :func:`list_cases`, streamed in batches so that memory stays flat.

    Raises (at once, before anything is yielded):
        InvalidInput: an unknown state.
    """
    query = (
        select(model.Case, model.Organization, model.Person)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .join(persons_table, persons_table.c.id == cases_table.c.person_id)
        .order_by(cases_table.c.id)
        .limit(limit)
    )
    if state is not None:
        try:
            query = query.where(cases_table.c.state == CaseState(state))
        except ValueError as exc:
            names = ", ".join(s.value for s in CaseState)
            raise InvalidInput(f"unknown state {state!r}; states: {names}") from exc
    if org_id is not None:
        query = query.where(cases_table.c.organization_id == org_id)
    if person_id is not None:
        query = query.where(cases_table.c.person_id == person_id)
    if overdue:
        query = query.where(_overdue_filter(app))
    return _stream(app, query, limit)


STREAM_ABOVE = 1000


def _stream(
    app: App, query: Select[model.Case, model.Organization, model.Person], limit: int
) -> Iterator[CaseView]:
    with app.uow() as uow:
        if limit > STREAM_ABOVE:
            # Streaming means a server-side cursor on PostgreSQL, for which the planner
            # prefers fast-start plans (walking ids in order): worth it only for long lists.
            query = query.execution_options(yield_per=STREAM_ABOVE)
        result = uow.session.execute(query)
        # The session holds loaded rows weakly: once a batch's views are built, its rows can
        # go, so a long listing keeps one batch in memory, not all of it.
        for batch in result.partitions(STREAM_ABOVE):
            yield from [
                case_view(uow, case, org, person, detail=False) for case, org, person in batch
            ]


def _overdue_filter(app: App) -> ColumnElement[bool]:
    """Cases with an office deadline past, found from the (status, due) index, so that the
    cost follows the number overdue rather than the number of cases."""
    late = (
        deadlines_table.c.status == "open",
        deadlines_table.c.due < app.clock.today(),
        deadlines_table.c.nature.in_(("office", "term")),
    )
    if app.engine().dialect.name == "postgresql":
        # PostgreSQL turns IN (subquery) into a semi-join that it overestimates, then walks
        # every case in id order; = ANY(one array, computed once) is an index lookup instead.
        ids = select(func.array_agg(distinct(deadlines_table.c.case_id))).where(*late)
        # The cast keeps PostgreSQL from reading ANY(SELECT ...) as the row-wise subquery form.
        return cases_table.c.id == any_(cast(ids.scalar_subquery(), ARRAY(Integer)))
    return cases_table.c.id.in_(select(deadlines_table.c.case_id).where(*late))


def next_events(app: App, case_id: int) -> tuple[CaseView, list[NextEvent]]:
    """Every event defined from the case's state, with whether its guards pass now."""
    law = app.law()
    now = app.clock.now()
    with app.uow() as uow:
        case, org, person = load_case(uow, case_id)
        facts = case_facts(uow, case, org)
        view = case_view(uow, case, org, person, detail=True)
    out: list[NextEvent] = []
    for event in user_triggers_from(view.state):
        refusal = time_guard(event, facts, law, now)
        bases = fitting_bases(event, facts, law)
        reason = None if refusal is None else f"{refusal.rule} ({refusal.basis})"
        if refusal is None and event in PROCEEDING_OPENERS and event in PROPOSALS and not bases:
            reason = "no configured legal basis allows this penalty for this organization"
        out.append(
            NextEvent(
                event,
                reason is None,
                reason,
                None if refusal is None else refusal.earliest,
                bases,
                EVENTS[event].needs,
            )
        )
    return view, out


def history_of(uow: UnitOfWork, case_ids: Sequence[int]) -> list[model.HistoryEntry]:
    return list(
        uow.session.scalars(
            select(model.HistoryEntry)
            .where(history_table.c.case_id.in_(case_ids))
            .order_by(history_table.c.case_id, history_table.c.seq)
        )
    )
