"""Use cases of the law's four eyes: ``supervise review`` (法制审核) and ``supervise discuss``
(集体讨论) of the decision a case is heading for (service layer).

Each is one transaction: the case row's review or discussion columns (what a decision's
guard reads with the case) and a history row (hash chained like every step) commit
together. A refusal changes nothing and is written to the audit trail. The rules
themselves are in ``supervise/scrutiny.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.errors import GuardRefused, InvalidInput, NotAllowed
from supervise.inputs import PERSON_NAME, REASON, text
from supervise.law import MEASURE_RULE
from supervise.permissions import Actor, districts_of
from supervise.runtime import Runtime
from supervise.scrutiny import (
    CONCLUSIONS,
    DROPPING,
    QUALIFICATION_RULE,
    REVIEW_RULE,
    attendees_refusal,
    current_key,
    heading_for,
    scrutiny_of,
)
from supervise.services.admin import access
from supervise.services.admin.store import user_named
from supervise.services.cases import store
from supervise.services.history import store as history
from supervise.services.scrutiny import store as scrutiny_store
from supervise.views import ScrutinyResult


def review(rt: Runtime, actor: str, case_id: int, approve: bool, opinion: str) -> ScrutinyResult:
    """Record the legal review of the decision the case is heading for.

    Raises:
        NotFound: no such case (or outside the reviewer's districts).
        NotAllowed: no decision is proposed.
        GuardRefused: the reviewer investigated the case, or reviews for the first time
            without the legal qualification on record.
    """
    opinion = text(opinion, "--opinion", REASON, multiline=True)
    return _audited(
        rt, actor, "review", case_id, lambda: _review(rt, actor, case_id, approve, opinion)
    )


def discuss(
    rt: Runtime,
    actor: str,
    case_id: int,
    on: date,
    attendees: Sequence[str],
    conclusion: str,
    decision: str,
    years: int | None = None,
) -> ScrutinyResult:
    """Record the collective discussion of the decision the case is heading for.

    Raises:
        InvalidInput: too few or repeated attendees, a day in the future, a decision that
            does not close the case's proceeding, a term for a decision that takes none.
        NotFound, NotAllowed, GuardRefused: as for :func:`review`; a term above the
            proposal's, a day before the case's latest step.
    """
    names = [text(a, "--attendees", PERSON_NAME) for a in attendees]
    why = attendees_refusal(names, rt.settings.decisions)
    if why is not None:
        raise InvalidInput(f"--attendees: {why}")
    conclusion = text(conclusion, "--conclusion", REASON, multiline=True)
    rt.settings.date_range.day(on, "--on")
    today = rt.clock.today()
    if on > today:
        raise InvalidInput(
            f"--on {on.isoformat()} is in the future (today is {today.isoformat()}); record a "
            "discussion once it has been held"
        )
    if decision not in CONCLUSIONS:
        raise InvalidInput(
            f"--decision {decision!r} is not a decision; use one of {', '.join(CONCLUSIONS)}"
        )
    if years is not None and decision != "impose_ban":
        raise InvalidInput(f"--years goes with --decision impose_ban, not {decision}")
    if years is not None and years < 1:
        raise InvalidInput(f"--years must be 1 or more, not {years}")
    return _audited(
        rt,
        actor,
        "discuss",
        case_id,
        lambda: _discuss(rt, actor, case_id, on, names, conclusion, decision, years),
    )


def _audited(
    rt: Runtime, actor: str, action: str, case_id: int, run: Callable[[], ScrutinyResult]
) -> ScrutinyResult:
    """Run ``run``; a refusal (not bad input) is written to the audit trail."""
    try:
        result = run()
    except (GuardRefused, NotAllowed) as refusal:
        access.record(rt, actor, action, "refused", refusal.message, case_id=case_id)
        raise
    return result


def _open_decision(case: model.Case, step: str) -> str:
    decision = heading_for(case.state)
    if decision is None:
        raise NotAllowed(
            f"case {case.id} is {case.state.value}: no decision is proposed, so there is "
            f"nothing to {step}; a {step} follows a proposal (propose_warning, "
            "propose_replacement, propose_ban)"
        )
    return decision


def _review(rt: Runtime, actor: str, case_id: int, approve: bool, opinion: str) -> ScrutinyResult:
    now = rt.clock.now()
    with rt.uow() as uow:
        case, _, _ = store.load_case(uow, case_id, districts_of(actor))
        decision = _open_decision(case, "review")
        if scrutiny_store.investigated(uow, case, actor):
            raise GuardRefused(
                f"review refused: {actor} investigated case {case_id} (took a step of it or "
                "supervises it); its legal review is made by a reviewer who did not "
                f"({REVIEW_RULE})",
                rule="reviewer_independence",
                basis=REVIEW_RULE,
            )
        qualification = _qualification(uow, actor)
        frozen = _frozen(uow, case, decision)
        outcome = "approved" if approve else "rejected"
        case.review_key = current_key(case)
        case.review_outcome = outcome
        seq = history.append_history(
            uow,
            case,
            "review",
            at=max(now, case.last_event_at),
            by=actor,
            before=case.state,
            reason=opinion,
            basis=case.proceeding_basis,
            data={
                "outcome": outcome,
                "qualification": qualification,
                "frozen": frozen,
            },
        )
        status = scrutiny_of(case, rt.settings.decisions)
        uow.commit()
    return ScrutinyResult(case_id, "review", seq, outcome, frozen, status)


def _discuss(
    rt: Runtime,
    actor: str,
    case_id: int,
    on: date,
    attendees: list[str],
    conclusion: str,
    decision: str,
    years: int | None,
) -> ScrutinyResult:
    now = rt.clock.now()
    zone = rt.settings.zone
    with rt.uow() as uow:
        case, _, _ = store.load_case(uow, case_id, districts_of(actor))
        heading = _open_decision(case, "discuss")
        choices = (heading, DROPPING[heading])
        if decision not in choices:
            raise NotAllowed(
                f"discuss refused: case {case_id} is heading for {heading}; the discussion "
                f"concludes {' or '.join(choices)}, not {decision}"
            )
        if years is not None:
            proposed = case.proposed_measure
            if proposed is not None and years > proposed:
                raise GuardRefused(
                    f"discuss refused: a term of {years} years is more than the {proposed} "
                    f"the prior notice proposed; a heavier penalty needs a new prior notice "
                    f"({MEASURE_RULE})",
                    rule="measure",
                    basis=MEASURE_RULE,
                )
        latest = case.last_event_at.astimezone(zone).date()
        if on < latest:
            raise GuardRefused(
                f"discuss refused: --on {on.isoformat()} is before the case's latest step "
                f"({latest.isoformat()}); the heads decide on the proposal as it stands",
                rule="discussion_date",
            )
        frozen = _frozen(uow, case, decision)
        case.discussion_key = current_key(case)
        case.discussion_decision = decision
        case.discussion_years = years
        seq = history.append_history(
            uow,
            case,
            "discuss",
            at=max(now, case.last_event_at),
            by=actor,
            before=case.state,
            reason=conclusion,
            basis=case.proceeding_basis,
            data={
                "on": on.isoformat(),
                "attendees": attendees,
                "decision": decision,
                **({"years": years} if years is not None else {}),
                "frozen": frozen,
            },
        )
        status = scrutiny_of(case, rt.settings.decisions)
        uow.commit()
    return ScrutinyResult(case_id, "discuss", seq, decision, frozen, status)


def _qualification(uow: UnitOfWork, actor: str) -> str | None:
    """The reviewer's 法律职业资格 on record; refused for a first review without one."""
    if not isinstance(actor, Actor) or actor.role is None:
        return None  # a fresh office without users enforces nothing
    user = user_named(uow, str(actor))
    qualification = None if user is None else user.qualification
    if qualification:
        return qualification
    if not scrutiny_store.has_reviewed(uow, str(actor)):
        raise GuardRefused(
            f"review refused: {actor} has made no legal review before and has no legal "
            "qualification (法律职业资格) on record; an admin records it with `supervise user "
            f"edit {actor} --qualification NO` ({QUALIFICATION_RULE})",
            rule="reviewer_qualification",
            basis=QUALIFICATION_RULE,
        )
    return None


def _frozen(uow: UnitOfWork, case: model.Case, decision: str) -> dict[str, Any]:
    """The decision as it stands: event, basis, term, conduct date, the prior notice's facts."""
    proposal = scrutiny_store.latest_proposal(uow, case.id)
    facts = None if proposal is None else proposal[1]
    return {
        "decision": decision,
        "basis": case.proceeding_basis,
        "term": case.proposed_measure,
        "conduct_date": None if case.conduct_date is None else case.conduct_date.isoformat(),
        "facts": facts,
        "proposal_seq": None if proposal is None else proposal[0],
        "hearing_recorded": case.hearing_recorded,
        "key": current_key(case),
    }
