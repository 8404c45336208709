"""Use cases that read leadership cases: show, list (streamed), next (service layer).

Every filter ``case list`` offers is served by an index (``tests/perf`` checks the plans).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.errors import InvalidInput
from supervise.law import PROPOSAL_EVENTS
from supervise.permissions import districts_of
from supervise.rules import case_facts, fitting_bases, time_guard
from supervise.runtime import Runtime
from supervise.scrutiny import DROPPING, decision_refusal, scrutiny_of
from supervise.services.cases import store
from supervise.services.reads import store as reads
from supervise.states import EVENTS, PROCEEDING_OPENERS, CaseState, user_triggers_from
from supervise.views import CaseView, DeadlineView, HistoryView, NextEvent, OrgView, PersonView

STREAM_ABOVE = 1000


def case_view(
    uow: UnitOfWork,
    case: model.Case,
    org: model.Organization,
    person: model.Person,
    *,
    detail: bool,
    with_history: bool = True,
    running: Sequence[model.Deadline] | None = None,
    history: Sequence[model.HistoryEntry] | None = None,
) -> CaseView:
    """The plain view of a case, built inside the transaction; ``running`` and ``history``:
    the case's running deadlines and history when the caller knows them (else they are
    read)."""
    deadlines: Sequence[DeadlineView] = ()
    entries: Sequence[HistoryView] = ()
    if detail:
        known = store.running_deadlines(uow, case.id) if running is None else running
        deadlines = [
            DeadlineView(d.kind, d.due, d.provisional, d.nature, d.status, d.notice_id)
            for d in known
        ]
        if with_history:
            entries = [
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
                )  # fmt: skip
                for h in (store.history_of(uow, [case.id]) if history is None else history)
            ]
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


def show_case(rt: Runtime, actor: str, case_id: int) -> CaseView:
    """One case with its open deadlines and its whole history."""
    # Core reads (services/reads): a read command never loads the ORM.
    with rt.uow(core=True) as uow:
        case, org, person = reads.load_case(uow, case_id, districts_of(actor))
        running = reads.running_deadlines(uow, case.id)
        history = reads.history_of(uow, case.id)
        view = case_view(uow, case, org, person, detail=True, running=running, history=history)
        return dataclasses.replace(view, scrutiny=scrutiny_of(case, rt.settings.decisions))


def iter_cases(
    rt: Runtime,
    actor: str,
    *,
    state: str | None = None,
    org_id: int | None = None,
    person_id: int | None = None,
    overdue: bool = False,
    limit: int = 100,
) -> Iterator[CaseView]:
    """Cases matching every filter given, oldest first, streamed in batches so that memory
    stays flat.

    Raises (at once, before anything is yielded):
        InvalidInput: an unknown state.
    """
    wanted: CaseState | None = None
    if state is not None:
        try:
            wanted = CaseState(state)
        except ValueError as exc:
            names = ", ".join(s.value for s in CaseState)
            raise InvalidInput(f"unknown state {state!r}; states: {names}") from exc
    query = reads.cases_query(
        state=wanted,
        org_id=org_id,
        person_id=person_id,
        limit=limit,
        districts=districts_of(actor),
    )
    if overdue:
        query = query.where(store.overdue_filter(rt.database.dialect, rt.clock.today()))
    return _stream(rt, query, limit)


def _stream(rt: Runtime, query: reads.CaseQuery, limit: int) -> Iterator[CaseView]:
    with rt.uow(core=True) as uow:
        if limit > STREAM_ABOVE:
            # Streaming means a server-side cursor on PostgreSQL, for which the planner
            # prefers fast-start plans (walking ids in order): worth it only for long lists.
            query = query.execution_options(yield_per=STREAM_ABOVE)
        # Once a batch's views are built, its rows can go: a long listing keeps one batch
        # in memory, not all of it.
        for batch in reads.stream_cases(uow, query, STREAM_ABOVE):
            yield from [
                case_view(uow, case, org, person, detail=False) for case, org, person in batch
            ]


def _decided_by(decision: str | None) -> tuple[str, ...]:
    return () if decision is None else (decision, DROPPING[decision])


def next_events(rt: Runtime, actor: str, case_id: int) -> tuple[CaseView, list[NextEvent]]:
    """Every event defined from the case's state, with whether its guards pass now."""
    law = rt.rulebook()
    now = rt.clock.now()
    with rt.uow(core=True) as uow:
        case, org, person = reads.load_case(uow, case_id, districts_of(actor))
        bans = reads.case_bans(uow, case.id) if case.state is CaseState.BANNED else []
        running = reads.running_deadlines(uow, case.id)
        facts = case_facts(case, org.kind, org.charity, running, bans)
        view = case_view(
            uow,
            case,
            org,
            person,
            detail=True,
            running=running,
            history=reads.history_of(uow, case.id),
        )
        status = scrutiny_of(case, rt.settings.decisions)
        four_eyes = {
            event: decision_refusal(event, case, case.id, rt.settings.decisions)
            for event in user_triggers_from(view.state)
        }
    out: list[NextEvent] = []
    for event in user_triggers_from(view.state):
        refusal = time_guard(event, facts, law, now)
        bases = fitting_bases(event, facts, law)
        reason = None if refusal is None else f"{refusal.rule} ({refusal.basis})"
        blocked = four_eyes[event]
        if reason is None and blocked is not None:
            reason = blocked.message.split(" refused: ", 1)[-1]
        if (
            refusal is None
            and event in PROCEEDING_OPENERS
            and event in PROPOSAL_EVENTS
            and not bases
        ):
            reason = "no configured legal basis allows this penalty for this organization"
        out.append(
            NextEvent(
                event,
                reason is None,
                reason,
                None if refusal is None else refusal.earliest,
                bases,
                EVENTS[event].needs,
                status.as_json() if event in _decided_by(status.decision) else None,
            )
        )
    return view, out
