"""Use cases that change a leadership case: appoint, advance (service layer).

Each public function is one transaction: the state change, its history row, its deadlines
and its notices commit together or not at all. A lost update (two supervisors advancing the
same case at once) is caught by the case's version column and reported as ``Conflict``.
Who acts is an argument: it goes into the history row and the notices.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.banterm import PENDING
from supervise.deadlines import deadlines_opened
from supervise.errors import Banned, Conflict, GuardRefused, InvalidInput, NotAllowed
from supervise.law import (
    BAN_ENDINGS,
    BAN_EVENTS,
    DECISION_EVENTS,
    FROM_SERVICE,
    PARTY_RULE,
    PENALTY_OF_EVENT,
    PROPOSAL_EVENTS,
    RESCHEDULING_EVENTS,
)
from supervise.params import clean_params
from supervise.permissions import districts_of
from supervise.redact import quoted
from supervise.rules import (
    Params,
    Rulebook,
    case_facts,
    check_law_in_force,
    check_measure,
    check_params,
    choose_basis,
    require_inputs,
    time_guard,
)
from supervise.runtime import Runtime
from supervise.services.cases import store
from supervise.services.cases.queries import case_view
from supervise.services.notices import issue as notices
from supervise.services.registry.store import get_org
from supervise.states import (
    CASCADE_SOURCES,
    EVENTS,
    INTERNAL_EVENTS,
    PROCEEDING_OPENERS,
    RESTING_STATES,
    RETURNING_EVENTS,
    CaseState,
    fire,
    triggers_from,
    user_triggers_from,
)
from supervise.views import AdvanceResult, CaseView

S = CaseState


def effective_time(rt: Runtime, at: datetime | None) -> datetime:
    """When the event happened: ``--at`` or now; never in the future, never implausible."""
    now = rt.clock.now()
    if at is None:
        return now
    rt.settings.date_range.moment(at, "--at")
    if at > now:
        raise InvalidInput(
            f"--at {at.isoformat()} is in the future (now is {now.isoformat()}); "
            "record events when they have happened"
        )
    return at


def appoint(
    rt: Runtime, actor: str, org_id: int, person_id: int, role: str, at: datetime | None = None
) -> CaseView:
    """Open a case: the person takes the role, after the pre-appointment check (入职查询).

    The actor becomes the case's supervisor.

    Raises:
        Banned: the person is under an active ban covering this organization.
    """
    if role not in rt.settings.roles:
        raise InvalidInput(
            f"unknown role {quoted(role)}; configured roles: {', '.join(rt.settings.roles)}"
        )
    when = effective_time(rt, at)
    with rt.uow() as uow:
        org = get_org(uow, org_id, districts_of(actor))
        person = store.lock_person(uow, person_id)
        duplicate = store.open_case_of(uow, org_id, person_id, role)
        if duplicate is not None:
            raise NotAllowed(
                f"person {person_id} already holds {role} in organization {org_id} "
                f"(case {duplicate})"
            )
        case = model.Case(
            organization_id=org.id,
            person_id=person.id,
            role=role,
            state=S.APPOINTED,
            stack="",
            proceeding_basis=None,
            statement_waived=False,
            hearing_recorded=False,
            supervisor=actor,
            last_event_at=when,
            seq=0,
            created_at=rt.clock.now(),
            chain_head=None,
        )
        uow.session.add(case)
        # Write first: on SQLite this takes the write lock, so the ban check below cannot
        # race a ban being imposed at the same moment (PostgreSQL: the person row lock).
        uow.flush()
        blocking = [b for b in store.active_bans(uow, person.id, when.date()) if b.covers(org)]
        if blocking:
            raise Banned(
                f"person {person.id} cannot be appointed: under {blocking[0].describe()} "
                "(入职查询, 未成年人保护法 Art. 62)",
                bans=[b.id for b in blocking],
            )
        store.append_history(uow, case, "appoint", at=when, by=actor, before=None)
        uow.commit()
        return case_view(uow, case, org, person, detail=False)


def advance(
    rt: Runtime,
    actor: str,
    case_id: int,
    event: str,
    params: Params,
    at: datetime | None = None,
) -> AdvanceResult:
    """Apply ``event`` to the case at ``at`` (default now), in one transaction.

    Raises:
        NotFound, NotAllowed, GuardRefused, InvalidInput, Conflict.
    """
    if event in INTERNAL_EVENTS:
        raise NotAllowed(f"{event} is applied by the program itself and cannot be asked for")
    if event not in EVENTS or event == "appoint":
        raise NotAllowed(
            f"unknown event {quoted(event)}; `supervise case next CASE` lists the allowed ones"
        )
    when = effective_time(rt, at)
    day0 = when.astimezone(rt.settings.zone).date()
    params = clean_params(event, params, rt.settings.date_range, day0)
    law = rt.rulebook()
    with rt.uow() as uow:
        case, org, person, running = store.load_case_to_advance(uow, case_id, districts_of(actor))
        if event not in triggers_from(case.state):
            fire(case, event)  # raises NotAllowed listing the allowed events
        require_inputs(event, params)
        if when < case.last_event_at:
            raise NotAllowed(
                f"--at {when.isoformat()} is before the case's latest event "
                f"({case.last_event_at.astimezone(rt.settings.zone).isoformat()}); "
                "events are recorded in order"
            )
        bans = store.case_bans(uow, case.id) if case.state is S.BANNED else []
        facts = case_facts(case, org.kind, org.charity, running, bans)
        refusal = time_guard(event, facts, law, when)
        if refusal is not None:
            raise refusal.error(event)
        check_params(event, facts, law, when, params)
        basis = choose_basis(event, facts, law, params)
        measure = check_measure(event, facts, law, basis, params, day0)
        check_law_in_force(event, law, basis, params, day0)
        _require_party_address(event, org, person)
        # The notice's content is checked last: a legal refusal says more than a missing field.
        details = notices.prepare(event, params, when, rt.settings.zone)
        try:
            before, after, moved = _apply(
                uow, law, case, event, params, when, actor, basis, running, measure
            )
            reached: list[tuple[model.Case, model.Organization]] = []
            ban: model.Ban | None = None
            if event in BAN_EVENTS:
                reached, ban = _impose(uow, rt, law, case, person, params, when, actor, basis)
            elif event in BAN_ENDINGS:
                for ban in bans:
                    ban.status, ban.ended_at = BAN_ENDINGS[event], when
                    # The registry keeps what set the ban aside (a judgment on appeal or
                    # retrial for a court's ban, a 复议决定 or judgment for the bureau's).
                    ban.end_reference = params.reference
            cascaded = [other.id for other, _ in reached]
            issued = notices.issue(
                uow,
                rt,
                notices.IssueContext(
                    law=law,
                    case=case,
                    org=org,
                    person=person,
                    event=event,
                    seq=case.seq,
                    when=when,
                    # Notices of non-penalty steps (a hearing, a lifted or revoked ban) cite
                    # the basis of the proceeding they belong to.
                    basis=basis or (ban.basis if ban else None) or case.proceeding_basis,
                    details=details,
                    ban=ban,
                ),
            )
            # Each organization the ban reaches gets its own notice, after the decision it
            # cites has its number (13: the post must end; no penalty on the organization).
            for other, other_org in reached:
                issued += notices.issue(
                    uow,
                    rt,
                    notices.IssueContext(
                        law=law,
                        case=other,
                        org=other_org,
                        person=person,
                        event="ban_cascade",
                        seq=other.seq,
                        when=when,
                        basis=None,
                        details={"cascade_notice": {}},
                        ban=ban,
                    ),
                )
            uow.flush()
            # The result's deadlines: known here unless notices or a ban added some of their
            # own; then read back inside the transaction (no round trip after the commit).
            known = not issued and event not in BAN_EVENTS
            view = case_view(
                uow,
                case,
                org,
                person,
                detail=True,
                with_history=False,
                running=store.still_running(case.id, running + moved) if known else None,
            )
            uow.commit()
        except Conflict as exc:
            raise Conflict(
                f"case {case_id} was changed by someone else; reload and retry", case=case_id
            ) from exc
    result = AdvanceResult(
        view,
        event,
        before,
        after,
        cascaded,
        user_triggers_from(after),
        [(n.id, n.type, n.number) for n in issued],
    )
    if event in BAN_EVENTS and ban is not None and ban_is_over(ban, day0):
        # A ban recorded after its term ended bars nothing: it was entered without a
        # cascade, and the case is lifted at once, as the next sweep would have done.
        lifted = advance(rt, actor, case_id, "lift_ban", Params(), when)
        result = dataclasses.replace(
            result,
            case=lifted.case,
            to_state=lifted.to_state,
            next_events=lifted.next_events,
            notices=result.notices + lifted.notices,
        )
    return result


def _require_party_address(event: str, org: model.Organization, person: model.Person) -> None:
    """A decision names its party with name and address (行政处罚法 Art. 59(一)): the person
    for a ban, the organization otherwise; without the address on record it is refused."""
    if event not in DECISION_EVENTS:
        return
    if PENALTY_OF_EVENT[event] == "ban":
        if not person.address:
            raise GuardRefused(
                f"{event} refused: the decision must give the party's address (住址) and "
                f"person {person.id} has none on record; add it with "
                f"`supervise person edit {person.id} --address TEXT` ({PARTY_RULE})",
                rule="party",
                basis=PARTY_RULE,
            )
    elif not org.address:
        raise GuardRefused(
            f"{event} refused: the decision must give the party's address (住所) and "
            f"organization {org.id} has none on record; add it with "
            f"`supervise org edit {org.id} --address TEXT` ({PARTY_RULE})",
            rule="party",
            basis=PARTY_RULE,
        )


def ban_is_over(ban: model.Ban, today: date) -> bool:
    """Whether the ban's term ended before ``today`` (a lifelong ban never does)."""
    return not ban.lifelong and ban.until is not None and ban.until < today


def _apply(
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
    elif event not in RETURNING_EVENTS and after in RESTING_STATES:
        case.proposed_measure = None
        case.conduct_date = None
    if event == "record_statement" and params.waiver:
        case.statement_waived = True
    if event == "record_hearing":
        case.hearing_recorded = True
    case.last_event_at = when
    # append_history flushes the version-checked UPDATE first: a concurrent advance of the
    # same case fails there, before anything else is written.
    seq = store.append_history(
        uow,
        case,
        event,
        at=when,
        by=actor,
        before=before,
        reason=params.reason,
        basis=basis,
        data=_data(params),
    )
    penalty = PENALTY_OF_EVENT.get(event, "")
    # A proposal whose basis grants a hearing opens the hearing-request window too.
    hearing = (
        event in PROPOSAL_EVENTS and basis is not None and law.bases[basis].grants_hearing(penalty)
    )
    moved = _move_deadlines(
        uow, law, case, event, before, after, when, params, seq, running, hearing
    )
    return before, after, moved


def _data(params: Params) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in (
        "date", "time", "until", "years", "start", "judgment", "court", "reference",
        "conduct_date",
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


def _move_deadlines(
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


def _impose(
    uow: UnitOfWork,
    rt: Runtime,
    law: Rulebook,
    case: model.Case,
    person: model.Person,
    params: Params,
    when: datetime,
    actor: str,
    basis: str | None,
) -> tuple[list[tuple[model.Case, model.Organization]], model.Ban]:
    """Enter the ban in the registry and cascade it to the person's other posts in scope.

    Returns:
        The other cases the ban reached, with their organizations, and the ban.
    """
    assert basis is not None
    rule = law.bases[basis].ban
    assert rule is not None
    store.lock_person(uow, person.id)
    start = params.start if params.start is not None else when.astimezone(law.zone).date()
    ban = model.Ban(
        person_id=person.id,
        case_id=case.id,
        basis=basis,
        judgment=params.judgment,
        court=params.court,
        end_reference=None,
        scope=rule.scope,
        start=start,
        until=None if params.lifelong else params.until,
        lifelong=params.lifelong,
        # The bureau's ban takes effect when its decision is served (banterm); a court's ban
        # runs from the judgment's date.
        status="active" if params.judgment else PENDING,
        created_at=rt.clock.now(),
        ended_at=None,
    )
    uow.session.add(ban)
    cascaded: list[tuple[model.Case, model.Organization]] = []
    if ban_is_over(ban, when.astimezone(law.zone).date()):
        return cascaded, ban  # only a ban in force (or still to come) bars other posts
    for other, org in store.other_cases_of_person(uow, person.id, case.id, CASCADE_SOURCES):
        if not ban.covers(org):
            continue
        # No penalty on the organization: the post must end because the person may not hold
        # it (the ban's own terms, or 未成年人保护法 Art. 62 for a court's ban on work with
        # minors); the notice says why.
        cascade = Params(
            reason=f"ban in case {case.id} ({basis}): a banned person may not serve; the post "
            "must end (no penalty on the organization)"
        )
        _apply(
            uow,
            law,
            other,
            "ban_cascade",
            cascade,
            when,
            actor,
            basis,
            store.running_deadlines(uow, other.id),
        )
        cascaded.append((other, org))
    return cascaded, ban
