"""Use cases for leadership cases: appoint and advance; show, list and next re-exported
from ``case_queries`` (service layer).

Each public function is one transaction: the state change, its history row and its
deadlines commit together or not at all. A lost update (two supervisors advancing the same
case at once) is caught by the case's version column and reported as ``Conflict``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import history as history_table
from supervise.adapters.orm import organizations as orgs_table
from supervise.adapters.orm import persons as persons_table
from supervise.bootstrap import App
from supervise.errors import Banned, Conflict, InvalidInput, NotAllowed, NotFound
from supervise.rules import (
    FROM_SERVICE,
    MOVES,
    PROPOSALS,
    Law,
    Params,
    check_params,
    choose_basis,
    deadlines_opened,
    require_inputs,
    time_guard,
)
from supervise.services import history
from supervise.services import notices as notice_service
from supervise.services.case_queries import (  # the read side, re-exported: one case API
    history_of,
    iter_cases,
    list_cases,
    next_events,
    show_case,
)
from supervise.services.case_records import (
    active_bans,
    ban_covers,
    case_bans,
    case_facts,
    case_view,
    describe_ban,
    load_case,
    open_deadlines,
)
from supervise.services.registry import get_org
from supervise.services.views import (
    AdvanceResult,
    CaseView,
)
from supervise.states import (
    EVENTS,
    INTERNAL_EVENTS,
    NON_FINAL_STATES,
    PROCEEDING_OPENERS,
    RESTING_STATES,
    RETURNING_EVENTS,
    CaseState,
    fire,
    triggers_from,
    user_triggers_from,
)

S = CaseState
# What ending a banned case does to its bans in the registry.
BAN_ENDINGS = {"lift_ban": "ended", "revoke_ban": "revoked"}
CASCADE_STATES = tuple(
    s for s in NON_FINAL_STATES if s not in (S.BAN_PROPOSED, S.HEARING_SCHEDULED, S.BANNED)
)


def effective_time(app: App, at: datetime | None) -> datetime:
    """When the event happened: ``--at`` or now; never in the future."""
    now = app.clock.now()
    if at is None:
        return now
    if at > now:
        raise InvalidInput(
            f"--at {at.isoformat()} is in the future (now is {now.isoformat()}); "
            "record events when they have happened"
        )
    return at


def appoint(app: App, org_id: int, person_id: int, role: str, at: datetime | None) -> CaseView:
    """Open a case: the person takes the role, after the pre-appointment check (入职查询).

    Raises:
        Banned: the person is under an active ban covering this organization.
    """
    if role not in app.settings.roles:
        raise InvalidInput(
            f"unknown role {role!r}; configured roles: {', '.join(app.settings.roles)}"
        )
    when = effective_time(app, at)
    with app.uow() as uow:
        org = get_org(uow, org_id)
        person = _lock_person(uow, person_id)
        duplicate = uow.session.scalar(
            select(cases_table.c.id).where(
                cases_table.c.organization_id == org_id,
                cases_table.c.person_id == person_id,
                cases_table.c.role == role,
                cases_table.c.state.in_(NON_FINAL_STATES),
            )
        )
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
            supervisor=app.user,
            last_event_at=when,
            seq=0,
            created_at=app.clock.now(),
        )
        uow.session.add(case)
        # Write first: on SQLite this takes the write lock, so the ban check below cannot
        # race a ban being imposed at the same moment (PostgreSQL: the person row lock).
        uow.flush()
        blocking = [b for b in active_bans(uow, person.id, when.date()) if ban_covers(b, org)]
        if blocking:
            raise Banned(
                f"person {person.id} cannot be appointed: under {describe_ban(blocking[0])} "
                "(入职查询, 未成年人保护法 Art. 62)",
                bans=[b.id for b in blocking],
            )
        history.append(uow, case, "appoint", at=when, by=app.user, before=None)
        uow.commit()
        return case_view(uow, case, org, person, detail=False)


def _lock_person(uow: UnitOfWork, person_id: int) -> model.Person:
    person = uow.session.scalar(
        select(model.Person).where(persons_table.c.id == person_id).with_for_update()
    )
    if person is None:
        raise NotFound(f"no person with id {person_id}; see `supervise person list`")
    return person


def advance(
    app: App,
    case_id: int,
    event: str,
    params: Params,
    at: datetime | None = None,
    by: str | None = None,
) -> AdvanceResult:
    """Apply ``event`` to the case at ``at`` (default now), in one transaction.

    Raises:
        NotFound, NotAllowed, GuardRefused, InvalidInput, Conflict.
    """
    if event in INTERNAL_EVENTS:
        raise NotAllowed(f"{event} is applied by the program itself and cannot be asked for")
    if event not in EVENTS or event == "appoint":
        raise NotAllowed(
            f"unknown event {event!r}; `supervise case next CASE` lists the allowed ones"
        )
    when = effective_time(app, at)
    actor = by or app.user
    law = app.law()
    with app.uow() as uow:
        case, org, person = load_case(uow, case_id)
        if event not in triggers_from(case.state):
            fire(case, event)  # raises NotAllowed listing the allowed events
        require_inputs(event, params)
        if when < case.last_event_at:
            raise NotAllowed(
                f"--at {when.isoformat()} is before the case's latest event "
                f"({case.last_event_at.astimezone(app.settings.zone).isoformat()}); "
                "events are recorded in order"
            )
        open_now = open_deadlines(uow, case.id)
        facts = case_facts(uow, case, org, open_now)
        refusal = time_guard(event, facts, law, when)
        if refusal is not None:
            raise refusal.error(event)
        check_params(event, facts, law, when, params)
        basis = choose_basis(event, facts, law, params)
        # The notice's content is checked last: a legal refusal says more than a missing field.
        details = notice_service.prepare(event, params, when, app.settings.zone)
        try:
            before, after = _apply(uow, law, case, event, params, when, actor, basis, open_now)
            cascaded: list[int] = []
            ban: model.Ban | None = None
            if event in ("impose_ban", "record_court_ban"):
                cascaded, ban = _impose(uow, app, law, case, person, params, when, actor, basis)
            elif event in BAN_ENDINGS:
                for ban in case_bans(uow, case.id):
                    ban.status, ban.ended_at = BAN_ENDINGS[event], when
            issued = notice_service.issue(
                uow,
                notice_service.IssueContext(
                    app,
                    law,
                    case,
                    org,
                    person,
                    event,
                    case.seq,
                    when,
                    # Notices of non-penalty steps (a hearing, a lifted or revoked ban) cite
                    # the basis of the proceeding they belong to.
                    basis or (ban.basis if ban else None) or case.proceeding_basis,
                    details,
                    ban,
                ),
            )
            notices = [(n.id, n.type, n.number) for n in issued]
            uow.flush()
            # Read back inside the transaction: no second round trip after the commit.
            view = case_view(uow, case, org, person, detail=True, with_history=False)
            uow.commit()
        except Conflict as exc:
            raise Conflict(
                f"case {case_id} was changed by someone else; reload and retry", case=case_id
            ) from exc
    return AdvanceResult(view, event, before, after, cascaded, user_triggers_from(after), notices)


def _apply(
    uow: UnitOfWork,
    law: Law,
    case: model.Case,
    event: str,
    params: Params,
    when: datetime,
    actor: str,
    basis: str | None,
    open_now: list[model.Deadline] | None = None,
) -> tuple[CaseState, CaseState]:
    """Move the case and keep its stack, proceeding facts, history and deadlines in step.

    ``open_now``: the case's open deadlines, when the caller has already read them.
    """
    opens_proceeding = event in PROPOSALS
    before = case.state
    if event in PROCEEDING_OPENERS:
        case.push_return(before)
    _, after = fire(case, event)
    if event in RETURNING_EVENTS:
        case.pop_return()
    elif event not in PROCEEDING_OPENERS and after in RESTING_STATES:
        case.stack = ""
    if opens_proceeding:
        case.proceeding_basis = basis
        case.statement_waived = False
        case.hearing_recorded = False
    if event == "record_statement" and params.waiver:
        case.statement_waived = True
    if event == "record_hearing":
        case.hearing_recorded = True
    case.last_event_at = when
    # history.append flushes the version-checked UPDATE first: a concurrent advance of the
    # same case fails there, before anything else is written.
    seq = history.append(
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
    _move_deadlines(uow, law, case, event, before, after, when, params, seq, open_now)
    return before, after


def _data(params: Params) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("date", "until", "start", "judgment", "reference"):
        value = getattr(params, key)
        if value is not None:
            data["from" if key == "start" else key] = (
                value.isoformat() if isinstance(value, date) else value
            )
    for flag in ("lifelong", "waiver", "absent"):
        if getattr(params, flag):
            data[flag] = True
    return data


def _move_deadlines(
    uow: UnitOfWork,
    law: Law,
    case: model.Case,
    event: str,
    before: CaseState,
    after: CaseState,
    when: datetime,
    params: Params,
    seq: int,
    open_now: list[model.Deadline] | None = None,
) -> None:
    if open_now is None:
        open_now = open_deadlines(uow, case.id)
    moved_kind = MOVES.get(event)
    for deadline in open_now:
        if moved_kind == deadline.kind:
            deadline.status, deadline.closed_seq = "moved", seq
        elif before is not after and deadline.owned_by(before) and not deadline.owned_by(after):
            deadline.status, deadline.closed_seq = "closed", seq
    if event in RETURNING_EVENTS:
        left_at = uow.session.scalar(
            select(history_table.c.seq)
            .where(
                history_table.c.case_id == case.id,
                history_table.c.from_state == after.value,
                history_table.c.to_state != after.value,
            )
            .order_by(history_table.c.seq.desc())
            .limit(1)
        )
        if left_at is not None:
            for deadline in uow.session.scalars(
                select(model.Deadline).where(
                    deadlines_table.c.case_id == case.id,
                    deadlines_table.c.status == "closed",
                    deadlines_table.c.closed_seq == left_at,
                )
            ):
                if deadline.owned_by(after):
                    deadline.status, deadline.closed_seq = _reopened_status(uow, deadline), None
        return
    for new in deadlines_opened(event, before, after, law, when, params):
        uow.session.add(
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
        )


def _reopened_status(uow: UnitOfWork, deadline: model.Deadline) -> str:
    """A window reopens waiting if its notice has still not been served."""
    if deadline.notice_id is None or deadline.kind not in FROM_SERVICE:
        return "open"
    notice = uow.session.get(model.Notice, deadline.notice_id)
    return "waiting" if notice is not None and notice.served_on is None else "open"


def _impose(
    uow: UnitOfWork,
    app: App,
    law: Law,
    case: model.Case,
    person: model.Person,
    params: Params,
    when: datetime,
    actor: str,
    basis: str | None,
) -> tuple[list[int], model.Ban]:
    """Enter the ban in the registry and cascade it to the person's other posts in scope."""
    assert basis is not None
    rule = law.bases[basis].ban
    assert rule is not None
    _lock_person(uow, person.id)
    start = params.start if params.start is not None else when.astimezone(law.zone).date()
    ban = model.Ban(
        person_id=person.id,
        case_id=case.id,
        basis=basis,
        judgment=params.judgment,
        scope=rule.scope,
        start=start,
        until=None if params.lifelong else params.until,
        lifelong=params.lifelong,
        status="active",
        created_at=app.clock.now(),
        ended_at=None,
    )
    uow.session.add(ban)
    others = uow.session.execute(
        select(model.Case, model.Organization)
        .join(orgs_table, orgs_table.c.id == cases_table.c.organization_id)
        .where(
            cases_table.c.person_id == person.id,
            cases_table.c.id != case.id,
            cases_table.c.state.in_(CASCADE_STATES),
        )
        .order_by(cases_table.c.id)
    ).all()
    cascaded: list[int] = []
    for other, org in others:
        if rule.scope == "charity" and not org.charity:
            continue
        cascade = Params(reason=f"ban in case {case.id} ({basis}): a banned person may not serve")
        _apply(uow, law, other, "ban_cascade", cascade, when, actor, basis)
        cascaded.append(other.id)
    return cascaded, ban


__all__ = [
    "active_bans",
    "advance",
    "appoint",
    "effective_time",
    "history_of",
    "iter_cases",
    "list_cases",
    "next_events",
    "show_case",
]
