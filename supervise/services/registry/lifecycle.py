"""The organization lifecycle: move an organization on the shared organization machine
(service layer), with its history row in the same transaction.

Exit (退出) decides what happens to what the organization holds, in the same transaction:
its open service contracts are terminated on the exit date (with the reason); its link with
the rescue institution ends that day; its leadership cases stay open (supervision of its
leaders does not end because the bureau's programme dropped it) and are listed in the
history row and the result, so the supervisor can close them by their own events.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.clock import wall_clock
from supervise.errors import InvalidInput, NotAllowed
from supervise.inputs import EVENT_NAME, REASON, optional_text, text
from supervise.permissions import districts_of
from supervise.runtime import Runtime
from supervise.services.contracts import store as contract_store
from supervise.services.registry import store
from supervise.services.registry.links import audited_scope, end_link
from supervise.services.registry.records import org_view
from supervise.states import DIRECTOR_ORG_EVENTS, ORG_EVENTS, OrgState, fire_org, org_triggers_from
from supervise.views import OrgAdvanceResult


def move(
    uow: UnitOfWork,
    rt: Runtime,
    actor: str,
    org: model.Organization,
    event: str,
    reason: str | None,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> tuple[OrgState, OrgState]:
    """Fire ``event`` on a locked organization and append its history row (no commit)."""
    before, after = fire_org(org, event)
    uow.session.add(
        model.OrgHistoryEntry(
            organization_id=org.id,
            seq=store.next_org_seq(uow, org.id),
            event=event,
            from_state=before.value,
            to_state=after.value,
            at=at,
            recorded_at=wall_clock(),
            by=actor,
            reason=reason,
            data=data or {},
        )
    )
    return before, after


def advance_org(
    rt: Runtime, actor: str, org_id: int, event: str, reason: str | None = None
) -> OrgAdvanceResult:
    """Move an organization by ``event`` (register, activate, open_review, restore, exit).

    Raises:
        InvalidInput: a reason is missing where the event needs one.
        NotFound: no such organization, or one outside the actor's districts (audited).
        NotAllowed: the event is not allowed from the organization's state, or only a
            director may fire it (restore, exit).
    """
    name = text(event, "event", EVENT_NAME)
    why = optional_text(reason, "--reason", REASON, multiline=True)
    info = ORG_EVENTS.get(name)
    if info is not None and "reason" in info.needs and not why:
        raise InvalidInput(f"{name} needs --reason: say why (it goes into the history)")
    return audited_scope(
        rt, actor, "org.advance", lambda: _advance_org(rt, actor, org_id, name, why)
    )


def _advance_org(
    rt: Runtime, actor: str, org_id: int, name: str, why: str | None
) -> OrgAdvanceResult:
    now = rt.clock.now()
    with rt.uow() as uow:
        org = store.lock_org(uow, org_id)
        store.within(org, districts_of(actor))
        possible = name in org_triggers_from(org.status)
        # An impossible move is refused as such (fire_org below), whoever asks.
        if possible and name in DIRECTOR_ORG_EVENTS and not store.director_named(uow, actor):
            raise NotAllowed(
                f"only a director may {name} an organization; {actor} is not a director "
                "in the user directory (see `supervise user list`)",
                event=name,
            )
        data: dict[str, Any] = {}
        terminated: tuple[int, ...] = ()
        open_cases: tuple[int, ...] = ()
        ended: int | None = None
        if possible and name == "exit":
            day = rt.clock.today()
            terminated = tuple(
                contract_store.terminate_open(
                    uow, org.id, day, f"机构退出（{day.isoformat()}）：{why}"
                )
            )
            open_cases = tuple(store.open_cases_of_org(uow, org.id))
            current = store.current_link(uow, org.id)
            if current is not None:
                end_link(current, max(day, current.since), actor, now)
                ended = current.id
            data = {
                "terminated_contracts": list(terminated),
                "open_cases": list(open_cases),
                "ended_link": ended,
            }
        before, after = move(uow, rt, actor, org, name, why, now, data)
        uow.commit()
        return OrgAdvanceResult(
            org_view(uow, org), name, before.value, after.value, terminated, open_cases, ended
        )
