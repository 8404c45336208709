"""What an event writes: the version-checked case update, its history row and its deadlines."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.deadlines import deadlines_opened
from supervise.law import (
    FROM_SERVICE,
    PENALTY_OF_EVENT,
    PROPOSAL_EVENTS,
    RESCHEDULING_EVENTS,
)
from supervise.rules import (
    Params,
    Rulebook,
)
from supervise.scrutiny import proposal_key
from supervise.services.cases import store
from supervise.services.history import store as history
from supervise.states import (
    PROCEEDING_OPENERS,
    RESTING_STATES,
    RETURNING_EVENTS,
    CaseState,
    fire,
)

#: Resting states where a decided penalty stands, whose revocation or ending cites its basis.
PENALTY_STANDS = frozenset({CaseState.WARNED, CaseState.REPLACEMENT_ORDERED, CaseState.BANNED})


def apply_event(
    uow: UnitOfWork,
    law: Rulebook,
    case: model.Case,
    event: str,
    params: Params,
    when: datetime,
    actor: str,
    basis: str | None,
    running: list[model.Deadline],
    measure: int | None = None,
) -> tuple[CaseState, CaseState, list[model.Deadline]]:
    """Move the case and keep its stack, proceeding facts, history and deadlines in step.

    Returns:
        The states before and after, and the deadlines opened or reopened.
    """
    before = case.state
    if event in PROCEEDING_OPENERS:
        case.push_return(before)
    _, after = fire(case, event)
    if event in RETURNING_EVENTS:
        case.pop_return()
    elif event not in PROCEEDING_OPENERS and after in RESTING_STATES:
        case.stack = ""
    if event in PROPOSAL_EVENTS:
        case.proceeding_basis = basis
        case.statement_waived = False
        case.hearing_recorded = False
        # Kept on the case so the decision's guard reads it with the case, in one read.
        case.proposed_measure = measure
        case.conduct_date = params.conduct_date
        # What a legal review or discussion of the decision will freeze; the step it gets
        # is the one append_history gives below (set here so that one UPDATE carries it).
        case.proposal_key = proposal_key(
            event, basis, measure, params.conduct_date, params.details, case.seq + 1
        )
    elif event not in RETURNING_EVENTS and after in RESTING_STATES:
        case.proposed_measure = None
        case.conduct_date = None
        case.proposal_key = None
        if after not in PENALTY_STANDS:
            # No penalty stands here: nothing later (a revocation, an ending) cites the basis.
            case.proceeding_basis = None
    if event == "record_statement" and params.waiver:
        case.statement_waived = True
    if event == "record_hearing":
        case.hearing_recorded = True
    case.last_event_at = when
    # append_history sends the version-checked UPDATE first: a concurrent advance of the
    # same case fails there, before anything else is written.
    seq = history.append_history(
        uow,
        case,
        event,
        at=when,
        by=actor,
        before=before,
        reason=params.reason,
        basis=basis,
        data=event_data(params),
    )
    # A proposal whose basis grants a hearing opens the hearing-request window too.
    hearing = (
        event in PROPOSAL_EVENTS
        and basis is not None
        and law.bases[basis].grants_hearing(PENALTY_OF_EVENT.get(event, ""))
    )
    moved = move_deadlines(
        uow, law, case, event, before, after, when, params, seq, running, hearing
    )
    return before, after, moved


def event_data(params: Params) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in (
        "date", "time", "until", "years", "start", "judgment", "court", "reference",
        "conduct_date", "breach",
    ):  # fmt: skip
        value = getattr(params, key)
        if value is not None:
            data["from" if key == "start" else key] = (
                value.isoformat(timespec="minutes")
                if isinstance(value, time)
                else value.isoformat()
                if isinstance(value, date)
                else value
            )
    for flag in ("lifelong", "waiver", "absent"):
        if getattr(params, flag):
            data[flag] = True
    return data


def move_deadlines(
    uow: UnitOfWork,
    law: Rulebook,
    case: model.Case,
    event: str,
    before: CaseState,
    after: CaseState,
    when: datetime,
    params: Params,
    seq: int,
    running: list[model.Deadline],
    hearing: bool = False,
) -> list[model.Deadline]:
    """Close, move, reopen and open the case's deadlines for this step.

    Returns:
        The deadlines reopened or opened (the result's view lists them without a read).
    """
    moved_kind = RESCHEDULING_EVENTS.get(event)
    for deadline in running:
        if moved_kind == deadline.kind:
            deadline.status, deadline.closed_seq = "moved", seq
        elif before is not after and deadline.owned_by(before) and not deadline.owned_by(after):
            deadline.status, deadline.closed_seq = "closed", seq
    if event in RETURNING_EVENTS:
        # Back where the proceeding was opened: reopen what the case had when it left.
        left_at = store.step_that_left(uow, case.id, after)
        reopened: list[model.Deadline] = []
        if left_at is not None:
            for deadline in store.deadlines_closed_at(uow, case.id, left_at):
                if deadline.owned_by(after):
                    deadline.status, deadline.closed_seq = _reopened_status(uow, deadline), None
                    reopened.append(deadline)
        return reopened
    opened = deadlines_opened(
        event,
        before,
        after,
        periods=law.periods,
        calendar=law.calendar,
        day0=when.astimezone(law.zone).date(),
        date_given=params.date,
        until=params.until,
        hearing=hearing,
    )
    added = [
        model.Deadline(
            case_id=case.id,
            kind=new.kind,
            nature=new.nature,
            owner=",".join(s.value for s in new.owner),
            start=new.start,
            rule=new.rule,
            amount=new.amount,
            due=new.due.day,
            provisional=new.due.provisional,
            status="open",
            opened_seq=seq,
            closed_seq=None,
        )
        for new in opened
    ]
    uow.session.add_all(added)
    return added


def _reopened_status(uow: UnitOfWork, deadline: model.Deadline) -> str:
    """A window reopens waiting if its notice has still not been served."""
    if deadline.notice_id is None or deadline.kind not in FROM_SERVICE:
        return "open"
    return "waiting" if store.notice_unserved(uow, deadline.notice_id) else "open"
