"""Use cases that change a leadership case: appoint, advance (service layer).

Each public function is one transaction: the state change, its history row, its deadlines
and its notices commit together or not at all. A lost update (two supervisors advancing the
same case at once) is caught by the case's version column and reported as ``Conflict``.
Who acts is an argument: it goes into the history row and the notices.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.errors import Banned, Conflict, GuardRefused, InvalidInput, NotAllowed
from supervise.law import (
    BAN_ENDINGS,
    BAN_EVENTS,
    DECISION_EVENTS,
    PARTY_RULE,
    PENALTY_OF_EVENT,
)
from supervise.params import clean_params
from supervise.permissions import Claim, districts_of, event_action
from supervise.redact import quoted
from supervise.rules import (
    Params,
    breached,
    case_facts,
    check_law_in_force,
    check_measure,
    check_params,
    choose_basis,
    require_inputs,
    time_guard,
)
from supervise.runtime import Runtime
from supervise.scrutiny import FOUR_EYES_RULES, chair_refusal, decision_refusal
from supervise.services.admin import access
from supervise.services.cases import store
from supervise.services.cases.cascade import ban_is_over, impose_ban
from supervise.services.cases.queries import case_view
from supervise.services.cases.writes import (
    apply_event,
)
from supervise.services.history import store as history
from supervise.services.notices import issue as notices
from supervise.services.notices.snapshot import IssueContext
from supervise.services.registry.store import get_org
from supervise.states import (
    EVENTS,
    INTERNAL_EVENTS,
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
        history.append_history(uow, case, "appoint", at=when, by=actor, before=None)
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

    A refusal by the law's four eyes (法制审核, 集体讨论, the hearing chair) is written to the
    audit trail, in a transaction of its own.

    Raises:
        NotFound, NotAllowed, GuardRefused, InvalidInput, Conflict.
    """
    try:
        return _advance(rt, actor, case_id, event, params, at)
    except GuardRefused as refusal:
        if refusal.details.get("rule") in FOUR_EYES_RULES:
            access.record(
                rt, actor, event_action(event), "refused", refusal.message, case_id=case_id
            )
        raise


def _advance(
    rt: Runtime,
    actor: str,
    case_id: int,
    event: str,
    params: Params,
    at: datetime | None = None,
) -> AdvanceResult:
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
        chair = _chair(event, params)
        case, org, person, running, actor, investigated = _load(uow, rt, actor, case_id, chair)
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
        four_eyes = decision_refusal(event, case, case.id, rt.settings.decisions, params.years)
        if four_eyes is None and chair is not None:
            four_eyes = chair_refusal(event, chair, investigated)
        if four_eyes is not None:
            raise four_eyes
        check_params(event, facts, law, when, params)
        basis = choose_basis(event, facts, law, params)
        measure = check_measure(event, facts, law, basis, params, day0)
        check_law_in_force(event, law, basis, params, day0)
        breach = breached(event, law, basis, params)
        _require_party_address(event, org, person)
        # The notice's content is checked last: a legal refusal says more than a missing field.
        details = notices.prepare(event, params, when, rt.settings.zone)
        try:
            # The proceeding's basis as it stood: a case coming to rest forgets it, but the
            # step's own notice (a revocation) still cites it.
            proceeding = case.proceeding_basis
            before, after, moved = apply_event(
                uow, law, case, event, params, when, actor, basis, running, measure
            )
            reached: list[tuple[model.Case, model.Organization]] = []
            ban: model.Ban | None = None
            if event in BAN_EVENTS:
                reached, ban = impose_ban(uow, rt, law, case, person, params, when, actor, basis)
            elif event in BAN_ENDINGS:
                for ban in bans:
                    ban.status, ban.ended_at = BAN_ENDINGS[event], when
                    # The registry keeps what set the ban aside (a judgment on appeal or
                    # retrial for a court's ban, a 复议决定 or judgment for the bureau's).
                    ban.end_reference = params.reference
            cascaded = [other.id for other, _ in reached]
            # The case's deadlines as this step left them in memory: issuing its notices
            # and the result read none back (a ban's cascade reads the other cases').
            mine = running + moved
            issued = notices.issue(
                uow,
                rt,
                IssueContext(
                    law=law,
                    case=case,
                    org=org,
                    person=person,
                    event=event,
                    seq=case.seq,
                    when=when,
                    # Notices of non-penalty steps (a hearing, a lifted or revoked ban) cite
                    # the basis of the proceeding they belong to.
                    basis=basis or (ban.basis if ban else None) or proceeding,
                    details=details,
                    ban=ban,
                    breach=breach,
                    running=mine,
                ),
            )
            mine += issued.deadlines
            # Each organization the ban reaches gets its own notice, after the decision it
            # cites has its number (13: the post must end; no penalty on the organization).
            for other, other_org in reached:
                issued.notices += notices.issue(
                    uow,
                    rt,
                    IssueContext(
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
                ).notices
            uow.flush()
            view = case_view(
                uow,
                case,
                org,
                person,
                detail=True,
                with_history=False,
                running=store.still_running(case.id, mine),
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
        issued.notices,
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


def _chair(event: str, params: Params) -> str | None:
    """The hearing's chair the notice names, when the event fixes a hearing."""
    if event not in ("request_hearing", "reschedule_hearing"):
        return None
    chair = params.details.get("chair")
    return chair.strip() if isinstance(chair, str) and chair.strip() else None


def _load(
    uow: UnitOfWork, rt: Runtime, actor: str, case_id: int, chair: str | None
) -> tuple[model.Case, model.Organization, model.Person, list[model.Deadline], str, bool]:
    """The case as its guards need it, and who acts: a :class:`Claim` is checked against
    the acting user read in the same statement (one statement fewer per step), and the
    case must then lie in their districts. The last value: whether the hearing's ``chair``
    (if any) investigated the case, read in the same statement."""
    if not isinstance(actor, Claim):
        case, org, person, running, _, investigated = store.load_case_to_advance(
            uow, case_id, districts_of(actor), chair=chair
        )
        return case, org, person, running, actor, investigated
    try:
        case, org, person, running, found, investigated = store.load_case_to_advance(
            uow, case_id, None, actor, chair
        )
    except store.CaseNotFound:
        # Who may not act is told so before being told whether the case exists.
        access.authorize(rt, actor, actor.action, case_id=case_id)
        raise
    who = access.decide(rt, actor, actor.action, found, case_id=case_id)
    scope = districts_of(who)
    if scope is not None and org.district not in scope:
        # Told as a missing case (no leak of its existence), recorded as what it is.
        why = f"case {case_id} lies outside {who}'s districts ({'、'.join(scope)})"
        access.record(rt, who, actor.action, "refused", why, case_id=case_id)
        raise store.CaseNotFound(case_id)
    return case, org, person, running, who, investigated


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
