"""Cases: appointment, advancing, reading, assigning."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from supervise.errors import InvalidInput
from supervise.inputs import optional_id, record_id
from supervise.office.base import OfficeBase
from supervise.permissions import EVENT_ACTIONS, Claim, event_action
from supervise.rules import Params

if TYPE_CHECKING:
    from supervise.views import (
        AdvanceResult,
        AssignResult,
        CaseView,
        NextEvent,
        ScrutinyResult,
    )

#: What ``advance`` takes besides the notice content (``rules.Params``).
EVENT_INPUTS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(Params) if f.name != "details"
)


def merge_details(
    details: Mapping[str, Any] | None, *, facts: str | None = None, place: str | None = None
) -> dict[str, Any]:
    """The notice fields of an event: ``details`` with ``facts`` and ``place`` added."""
    merged = dict(details or {})
    for key, value in (("facts", facts), ("place", place)):
        if value is not None:
            if key in merged and merged[key] != value:
                raise InvalidInput(f"--{key} and the {key} field of --details disagree; give one")
            merged[key] = value
    return merged


class CaseDesk(OfficeBase):
    # -- cases ----------------------------------------------------------------------------

    def appoint(
        self,
        *,
        org: int,
        person: int,
        role: str,
        at: datetime | None = None,
        actor: str | None = None,
    ) -> CaseView:
        """Open a case after the ban check (入职查询); the actor supervises it."""
        from supervise.services.cases import advance

        return advance.appoint(
            self.runtime,
            self._act("event:appoint", actor),
            record_id(org, "--org"),
            record_id(person, "--person"),
            role,
            at,
        )

    def advance(
        self,
        case: int,
        event: str,
        *,
        at: datetime | None = None,
        details: Mapping[str, Any] | None = None,
        facts: str | None = None,
        place: str | None = None,
        actor: str | None = None,
        **inputs: Any,
    ) -> AdvanceResult:
        """Apply ``event`` to the case.

        ``inputs`` are the event's options: ``date``, ``time`` (an interview's or
        hearing's hour), ``until``, ``years`` (a ban's term: proposed, then decided),
        ``lifelong``, ``judgment``, ``court``, ``start`` (a court ban's first day),
        ``waiver``, ``absent``, ``reason``, ``basis``, ``reference``. ``details`` (with
        ``facts`` and ``place``) is the content of the notices the event issues.
        """
        from supervise.services.cases import advance

        unknown = sorted(set(inputs) - set(EVENT_INPUTS))
        if unknown:
            raise InvalidInput(
                f"unknown input(s) {', '.join(unknown)}; an event takes {', '.join(EVENT_INPUTS)}"
            )
        params = Params(**inputs, details=merge_details(details, facts=facts, place=place))
        case_id = record_id(case, "case")
        # An unknown event is refused by the service, naming the allowed ones.
        action = event_action(event) if event in EVENT_ACTIONS else "case.next"
        # The permission check happens in the advance's own read of the case (a claim is
        # checked there, with the same rules and audit as ``_act``): one statement less.
        claim = Claim(self._who(actor), action)
        return advance.advance(self.runtime, claim, case_id, event, params, at)

    def case(self, case_id: int, *, actor: str | None = None) -> CaseView:
        """The case with its open deadlines and its whole history."""
        from supervise.services.cases import queries

        return queries.show_case(
            self.runtime, self._act("case.show", actor), record_id(case_id, "case")
        )

    def cases(
        self,
        *,
        state: str | None = None,
        org: int | None = None,
        person: int | None = None,
        overdue: bool = False,
        limit: int = 100,
        actor: str | None = None,
    ) -> Iterator[CaseView]:
        """Cases matching every filter, oldest first, streamed (memory stays flat)."""
        from supervise.services.cases import queries

        return queries.iter_cases(
            self.runtime,
            self._act("case.list", actor),
            state=state,
            org_id=optional_id(org, "--org"),
            person_id=optional_id(person, "--person"),
            overdue=overdue,
            limit=limit,
        )

    def next_events(
        self, case_id: int, *, actor: str | None = None
    ) -> tuple[CaseView, list[NextEvent]]:
        """Every event from the case's state, allowed now or not, why, and when."""
        from supervise.services.cases import queries

        return queries.next_events(
            self.runtime, self._act("case.next", actor), record_id(case_id, "case")
        )

    def assign(
        self, case_id: int, user: str, *, reason: str | None = None, actor: str | None = None
    ) -> AssignResult:
        """Make ``user`` the case's supervisor (an ``assign`` entry in its history)."""
        from supervise.services.admin import users

        return users.assign_case(
            self.runtime, self._act("case.assign", actor), record_id(case_id, "case"), user, reason
        )

    # -- the law's four eyes (行政处罚法 Arts. 57, 58) -----------------------------------------

    def review(
        self, case: int, *, approve: bool, opinion: str, actor: str | None = None
    ) -> ScrutinyResult:
        """Record the legal review (法制审核) of the decision the case is heading for, frozen
        as it stands; a reviewer who investigated the case is refused."""
        from supervise.services.scrutiny import review as scrutiny

        case_id = record_id(case, "case")
        who = self._act("review", actor, case_id=case_id)
        return scrutiny.review(self.runtime, who, case_id, approve, opinion)

    def discuss(
        self,
        case: int,
        *,
        on: date,
        attendees: Sequence[str],
        conclusion: str,
        decision: str,
        years: int | None = None,
        actor: str | None = None,
    ) -> ScrutinyResult:
        """Record the collective discussion (集体讨论) of the decision the case is heading for:
        who attended, what they concluded (``decision``: the decision event or its drop;
        ``years``: a ban's term). The decision may then follow only that conclusion."""
        from supervise.services.scrutiny import review as scrutiny

        case_id = record_id(case, "case")
        who = self._act("discuss", actor, case_id=case_id)
        return scrutiny.discuss(
            self.runtime, who, case_id, on, attendees, conclusion, decision, years
        )
