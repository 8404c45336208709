"""What a rule reads: the event's inputs, the case's facts, the settings' rulebook, a refusal."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from supervise.errors import GuardRefused
from supervise.law import (
    Basis,
    Periods,
)
from supervise.states import CaseState
from supervise.workdays import WorkCalendar

S = CaseState
_Date = date  # Params has fields named `date` and `time`
_Time = time


@dataclass(frozen=True)
class Params:
    """What the user gave with an event."""

    date: _Date | None = None
    time: _Time | None = None  # the hour of an interview or hearing
    until: _Date | None = None
    years: int | None = None  # a ban's term: proposed (propose_ban) or decided (impose_ban)
    conduct_date: _Date | None = None  # when the conduct a proposal is about happened
    lifelong: bool = False
    judgment: str | None = None
    court: str | None = None  # the court of a judgment (record_court_ban)
    start: _Date | None = None
    waiver: bool = False
    absent: bool = False
    reason: str | None = None
    basis: str | None = None
    breach: str | None = None  # a proposal's breached provision: a key of its basis's provisions
    reference: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)  # for the event's notices


@dataclass(frozen=True)
class OpenDeadline:
    kind: str
    due: date
    provisional: bool
    waiting: bool = False  # counted from service, and its notice is not served yet


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case, read inside the transaction."""

    state: CaseState
    org_kind: str | None  # None: a person who holds no post (no kind restricts the basis)
    org_charity: bool
    proceeding_basis: str | None
    statement_waived: bool
    hearing_recorded: bool
    deadlines: Sequence[OpenDeadline] = ()
    ban_ends: Sequence[date | None] = ()  # active bans of this case; None = lifelong
    proposed_measure: int | None = None  # what the open proceeding's prior notice proposed

    def waiting(self, kind: str) -> bool:
        found = self.deadline(kind)
        return found is not None and found.waiting

    def deadline(self, kind: str) -> OpenDeadline | None:
        for d in self.deadlines:
            if d.kind == kind:
                return d
        return None


class CaseRecord(Protocol):
    """What the rules read of a case, whether a loaded row or a query row."""

    @property
    def state(self) -> CaseState: ...
    @property
    def proceeding_basis(self) -> str | None: ...
    @property
    def statement_waived(self) -> bool: ...
    @property
    def hearing_recorded(self) -> bool: ...
    @property
    def proposed_measure(self) -> int | None: ...


class DeadlineRecord(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def due(self) -> date: ...
    @property
    def provisional(self) -> bool: ...
    @property
    def status(self) -> str: ...


class BanRecord(Protocol):
    @property
    def lifelong(self) -> bool: ...
    @property
    def until(self) -> date | None: ...


def case_facts(
    case: CaseRecord,
    org_kind: str,
    org_charity: bool,
    deadlines: Iterable[DeadlineRecord],
    bans: Iterable[BanRecord] = (),
) -> CaseFacts:
    """The one way :class:`CaseFacts` are built, from whatever the caller has read.

    ``deadlines``: the case's deadlines (those not running are ignored); ``bans``: its
    active bans, which matter only to a banned case.
    """
    return CaseFacts(
        state=case.state,
        org_kind=org_kind,
        org_charity=org_charity,
        proceeding_basis=case.proceeding_basis,
        statement_waived=case.statement_waived,
        hearing_recorded=case.hearing_recorded,
        deadlines=[
            OpenDeadline(d.kind, d.due, d.provisional, d.status == "waiting")
            for d in deadlines
            if d.status in ("open", "waiting")
        ],
        ban_ends=(
            [None if b.lifelong else b.until for b in bans] if case.state is S.BANNED else []
        ),
        proposed_measure=case.proposed_measure,
    )


@dataclass(frozen=True)
class Rulebook:
    """The settings the rules read, with the calendar: the law as this office applies it."""

    periods: Periods
    bases: Mapping[str, Basis]
    calendar: WorkCalendar
    zone: ZoneInfo


@dataclass(frozen=True)
class Refusal:
    rule: str
    basis: str
    earliest: datetime | None = None

    def error(self, event: str) -> GuardRefused:
        when = f"; earliest: {self.earliest.isoformat()}" if self.earliest else ""
        return GuardRefused(
            f"{event} refused: {self.rule} ({self.basis}){when}",
            rule=self.rule,
            basis=self.basis,
            earliest=self.earliest.isoformat() if self.earliest else None,
        )
