"""A ban decided on a case: the ban row, and the cascade it starts (the post ends at once)."""

from __future__ import annotations

from datetime import date, datetime

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.banterm import PENDING
from supervise.rules import (
    Params,
    Rulebook,
)
from supervise.runtime import Runtime
from supervise.services.cases import store
from supervise.services.cases.writes import (
    apply_event,
)
from supervise.states import (
    CASCADE_SOURCES,
)


def ban_is_over(ban: model.Ban, today: date) -> bool:
    """Whether the ban's term ended before ``today`` (a lifelong ban never does)."""
    return not ban.lifelong and ban.until is not None and ban.until < today


def impose_ban(
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
        apply_event(
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
