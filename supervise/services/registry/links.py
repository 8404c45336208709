"""Links (结对/联系) between organizations and their district's 未成年人救助保护机构
(service layer). A link holds from ``since`` until it is ended; ended links stay as history.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from supervise import model
from supervise.errors import Conflict, InvalidInput, NotAllowed
from supervise.inputs import INSTITUTION, text
from supervise.permissions import districts_of
from supervise.runtime import Runtime
from supervise.services.admin import access
from supervise.services.registry import store
from supervise.services.registry.records import org_view
from supervise.states import OrgState
from supervise.views import OrgView

T = TypeVar("T")


def audited_scope(rt: Runtime, actor: str, action: str, run: Callable[[], T]) -> T:
    """Run ``run``; an organization outside the actor's districts is refused as not found
    (nothing changed) and the refusal written to the audit trail, in a transaction of its
    own once ``run``'s has ended."""
    try:
        return run()
    except store.OrgOutside as refusal:
        data = {"organization": refusal.org_id}
        access.record(rt, actor, action, "refused", refusal.message, data=data)
        raise


def _day(rt: Runtime, value: date | None, what: str) -> date:
    today = rt.clock.today()
    if value is None:
        return today
    rt.settings.date_range.day(value, what)
    if value > today:
        raise InvalidInput(
            f"{what} {value.isoformat()} is in the future (today is {today.isoformat()}); "
            "record a link when it is made"
        )
    return value


def link(rt: Runtime, actor: str, org_id: int, institution: str, since: date | None) -> OrgView:
    """Link an organization with its district's rescue-and-protection institution.

    Raises:
        NotFound: no such organization, or one outside the actor's districts (audited).
        NotAllowed: the organization has exited.
        Conflict: it is linked already (end that link first with ``org unlink``).
    """
    name = text(institution, "--institution", INSTITUTION)
    day = _day(rt, since, "--since")
    return audited_scope(rt, actor, "org.link", lambda: _link(rt, actor, org_id, name, day))


def _link(rt: Runtime, actor: str, org_id: int, name: str, day: date) -> OrgView:
    with rt.uow() as uow:
        org = store.lock_org(uow, org_id)
        store.within(org, districts_of(actor))
        if org.status is OrgState.EXITED:
            raise NotAllowed(
                f"organization {org_id} has exited; an exited organization is not linked"
            )
        current = store.current_link(uow, org_id)
        if current is not None:
            raise Conflict(
                f"organization {org_id} is linked with {current.institution} since "
                f"{current.since.isoformat()}; end that link first with `supervise org unlink "
                f"{org_id}`",
                id=current.id,
            )
        uow.session.add(
            model.InstitutionLink(
                organization_id=org_id,
                institution=name,
                district=org.district,
                since=day,
                until=None,
                linked_by=actor,
                linked_at=rt.clock.now(),
                unlinked_by=None,
                unlinked_at=None,
            )
        )
        uow.commit()
        return org_view(uow, org)


def unlink(rt: Runtime, actor: str, org_id: int, on: date | None) -> OrgView:
    """End an organization's current link on ``on`` (default today); it stays as history.

    Raises:
        NotFound: no such organization, or one outside the actor's districts (audited).
        NotAllowed: the organization is not linked.
        InvalidInput: ``on`` is before the link began.
    """
    day = _day(rt, on, "--on")
    return audited_scope(rt, actor, "org.unlink", lambda: _unlink(rt, actor, org_id, day))


def _unlink(rt: Runtime, actor: str, org_id: int, day: date) -> OrgView:
    with rt.uow() as uow:
        org = store.lock_org(uow, org_id)
        store.within(org, districts_of(actor))
        current = store.current_link(uow, org_id)
        if current is None:
            raise NotAllowed(f"organization {org_id} is not linked with an institution")
        end_link(current, day, actor, rt.clock.now())
        uow.commit()
        return org_view(uow, org)


def end_link(current: model.InstitutionLink, day: date, actor: str, now: object) -> None:
    """End ``current`` on ``day`` (unlink, or an organization's exit)."""
    if day < current.since:
        raise InvalidInput(
            f"--on {day.isoformat()} is before the link began ({current.since.isoformat()}); "
            "check the date"
        )
    current.until = day
    current.unlinked_by = actor
    current.unlinked_at = now  # type: ignore[assignment]
