"""The state machines: leadership cases and organizations, the single source of truth for
their states and events.

Domain layer: imports ``transitions`` (the state-machine library) and nothing from the
database, CLI or mail layers.

One ``transitions.Machine`` is built here, on the first event fired, and shared by every
case (``CASE_MACHINE``; built lazily so that reading commands, which need only the tables,
never import ``transitions``). Cases are never added to it as models: :func:`fire` calls the shared
machine's event with the case as argument, so loading a case costs nothing and the machine
keeps no reference to it. ``case next``, validation, ``supervise graph`` and the display
names all read the tables below (the events' names: ``event_names``).

Organizations have a second, smaller machine (``ORG_MACHINE``, issue 12): cultivation
(培育孵化), registration, activity, the exit review (整改评估) a failing evaluation opens,
and exit (退出). It follows the same rules: one shared definition, the organization passed
to each event, refusals as ``NotAllowed``.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, cast

from supervise.errors import NotAllowed
from supervise.event_names import EVENTS as EVENTS
from supervise.event_names import ORG_EVENTS as ORG_EVENTS
from supervise.event_names import EventInfo as EventInfo

if TYPE_CHECKING:
    from transitions import EventData, Machine


class CaseState(enum.Enum):
    """Where a leader's appointment stands on the supervision ladder.

    APPOINTED: the person holds the post (任职); nothing pending.
    INTERVIEW_SCHEDULED: a supervisory interview (约谈) is fixed for a date. Not a penalty.
    RECTIFYING: the organization must rectify (整改) by a deadline, after an interview.
    WARNING_PROPOSED: the party was told a warning is proposed (事先告知, 行政处罚法 Art. 44)
        and may state and defend itself; the 90-day decision clock runs.
    WARNED: a warning (警告) was imposed on the organization; rectification follows.
    REPLACEMENT_PROPOSED: prior notice that replacement of the leader will be ordered.
    REPLACEMENT_ORDERED: the organization must replace the leader (责令撤换) by a deadline.
    REPLACED: final; the organization confirmed the replacement.
    BAN_PROPOSED: prior notice of an industry ban with the right to ask for a hearing.
    HEARING_SCHEDULED: a hearing (听证) was asked for and is fixed for a date.
    BANNED: the person is under an industry ban (从业禁止); the ban is in the registry.
    BAN_ENDED: final; the ban's term ended.
    BAN_REVOKED: final; the ban was set aside on review or in court.
    LEFT: final; the person left the post (resignation or end of term).
    """

    APPOINTED = "appointed"
    INTERVIEW_SCHEDULED = "interview_scheduled"
    RECTIFYING = "rectifying"
    WARNING_PROPOSED = "warning_proposed"
    WARNED = "warned"
    REPLACEMENT_PROPOSED = "replacement_proposed"
    REPLACEMENT_ORDERED = "replacement_ordered"
    REPLACED = "replaced"
    BAN_PROPOSED = "ban_proposed"
    HEARING_SCHEDULED = "hearing_scheduled"
    BANNED = "banned"
    BAN_ENDED = "ban_ended"
    BAN_REVOKED = "ban_revoked"
    LEFT = "left"


S = CaseState

FINAL_STATES: frozenset[CaseState] = frozenset({S.REPLACED, S.BAN_ENDED, S.BAN_REVOKED, S.LEFT})
NON_FINAL_STATES: tuple[CaseState, ...] = tuple(s for s in S if s not in FINAL_STATES)

STATE_NAMES: dict[CaseState, tuple[str, str]] = {
    S.APPOINTED: ("任职", "appointed"),
    S.INTERVIEW_SCHEDULED: ("约谈已安排", "interview scheduled"),
    S.RECTIFYING: ("整改中", "rectifying"),
    S.WARNING_PROPOSED: ("拟警告（已事先告知）", "warning proposed"),
    S.WARNED: ("已警告", "warned"),
    S.REPLACEMENT_PROPOSED: ("拟责令撤换（已事先告知）", "replacement proposed"),
    S.REPLACEMENT_ORDERED: ("已责令撤换", "replacement ordered"),
    S.REPLACED: ("已撤换", "replaced"),
    S.BAN_PROPOSED: ("拟从业禁止（已告知听证权利）", "ban proposed"),
    S.HEARING_SCHEDULED: ("听证已安排", "hearing scheduled"),
    S.BANNED: ("从业禁止中", "banned"),
    S.BAN_ENDED: ("从业禁止期满", "ban ended"),
    S.BAN_REVOKED: ("从业禁止已撤销", "ban revoked"),
    S.LEFT: ("已离任", "left"),
}

# Entering one of these starts a proceeding that a cancel_*/drop_* event can abandon,
# returning the case to where it was; see the return stack in ``Case``.
PROCEEDING_OPENERS: frozenset[str] = frozenset(
    {"schedule_interview", "propose_warning", "propose_replacement", "propose_ban"}
)
RETURNING_EVENTS: frozenset[str] = frozenset(
    {"cancel_interview", "drop_warning", "drop_replacement", "drop_ban"}
)
# States a case rests in: no proceeding is open, so nothing remains to return to.
RESTING_STATES: frozenset[CaseState] = frozenset(
    {S.APPOINTED, S.RECTIFYING, S.WARNED, S.REPLACEMENT_ORDERED, S.BANNED} | FINAL_STATES
)
# Events that only the program itself fires (never from the CLI).
INTERNAL_EVENTS: frozenset[str] = frozenset({"ban_cascade"})


class StatefulCase(Protocol):
    """What the machine needs of a case: its state and its return stack."""

    state: CaseState

    @property
    def return_state(self) -> CaseState | None: ...


def _returns_to(target: CaseState) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        model = cast(StatefulCase, event.model)
        return model.return_state is target

    condition.__name__ = f"returns_to_{target.value}"
    return condition


def _t(trigger: str, source: Iterable[CaseState] | CaseState, dest: CaseState) -> dict[str, Any]:
    src = [source] if isinstance(source, CaseState) else list(source)
    return {"trigger": trigger, "source": src, "dest": dest}


def _returning(
    trigger: str, source: Iterable[CaseState], targets: Iterable[CaseState]
) -> list[dict[str, Any]]:
    """One transition per possible return state; the case's return stack picks which fires."""
    src = list(source)
    return [
        {"trigger": trigger, "source": src, "dest": t, "conditions": [_returns_to(t)]}
        for t in targets
    ]


_BAN_PROPOSABLE = tuple(
    s for s in NON_FINAL_STATES if s not in (S.BAN_PROPOSED, S.HEARING_SCHEDULED, S.BANNED)
)
#: Where a ban on the person reaches another post of theirs (``ban_cascade``).
CASCADE_SOURCES: tuple[CaseState, ...] = _BAN_PROPOSABLE

TRANSITIONS: list[dict[str, Any]] = [
    _t("schedule_interview", (S.APPOINTED, S.RECTIFYING, S.WARNED), S.INTERVIEW_SCHEDULED),
    _t("reschedule_interview", S.INTERVIEW_SCHEDULED, S.INTERVIEW_SCHEDULED),
    *_returning("cancel_interview", [S.INTERVIEW_SCHEDULED], (S.APPOINTED, S.RECTIFYING, S.WARNED)),
    _t("record_interview", S.INTERVIEW_SCHEDULED, S.RECTIFYING),
    _t("accept_rectification", (S.RECTIFYING, S.WARNED), S.APPOINTED),
    _t("propose_warning", (S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING), S.WARNING_PROPOSED),
    _t("record_statement", S.WARNING_PROPOSED, S.WARNING_PROPOSED),
    _t("record_statement", S.REPLACEMENT_PROPOSED, S.REPLACEMENT_PROPOSED),
    _t("record_statement", S.BAN_PROPOSED, S.BAN_PROPOSED),
    _t("issue_warning", S.WARNING_PROPOSED, S.WARNED),
    *_returning(
        "drop_warning",
        [S.WARNING_PROPOSED],
        (S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING),
    ),
    _t("propose_replacement", (S.RECTIFYING, S.WARNED), S.REPLACEMENT_PROPOSED),
    _t("order_replacement", S.REPLACEMENT_PROPOSED, S.REPLACEMENT_ORDERED),
    *_returning("drop_replacement", [S.REPLACEMENT_PROPOSED], (S.RECTIFYING, S.WARNED)),
    _t("confirm_replacement", S.REPLACEMENT_ORDERED, S.REPLACED),
    _t("propose_ban", _BAN_PROPOSABLE, S.BAN_PROPOSED),
    _t("request_hearing", S.BAN_PROPOSED, S.HEARING_SCHEDULED),
    _t("reschedule_hearing", S.HEARING_SCHEDULED, S.HEARING_SCHEDULED),
    _t("record_hearing", S.HEARING_SCHEDULED, S.HEARING_SCHEDULED),
    # A 责令撤换 whose basis grants a hearing (``bases.*.hearing``) holds it within the
    # proposal: the rules refuse these where the prior notice offered none.
    _t("request_hearing", S.REPLACEMENT_PROPOSED, S.REPLACEMENT_PROPOSED),
    _t("reschedule_hearing", S.REPLACEMENT_PROPOSED, S.REPLACEMENT_PROPOSED),
    _t("record_hearing", S.REPLACEMENT_PROPOSED, S.REPLACEMENT_PROPOSED),
    _t("impose_ban", (S.BAN_PROPOSED, S.HEARING_SCHEDULED), S.BANNED),
    _t("record_court_ban", NON_FINAL_STATES, S.BANNED),
    *_returning("drop_ban", [S.BAN_PROPOSED, S.HEARING_SCHEDULED], _BAN_PROPOSABLE),
    _t("lift_ban", S.BANNED, S.BAN_ENDED),
    _t("revoke_warning", S.WARNED, S.APPOINTED),
    _t("revoke_ban", S.BANNED, S.BAN_REVOKED),
    _t("leave", (S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING, S.WARNED), S.LEFT),
    _t("ban_cascade", _BAN_PROPOSABLE, S.REPLACEMENT_ORDERED),
]


@functools.cache
def _machine(which: str) -> Machine:
    """The one machine of each definition, built on first use. model=None: cases and
    organizations are passed to each event, never registered."""
    from transitions import Machine

    states, table, attribute = (
        (OrgState, ORG_TRANSITIONS, "status")
        if which == "org"
        else (CaseState, TRANSITIONS, "state")
    )
    return Machine(
        model=None,
        states=states,
        transitions=table,
        initial=None,
        auto_transitions=False,
        send_event=True,
        model_attribute=attribute,
    )


def __getattr__(name: str) -> Machine:
    # ``CASE_MACHINE`` and ``ORG_MACHINE`` read as module constants, built on first use.
    if name in ("CASE_MACHINE", "ORG_MACHINE"):
        return _machine("case" if name == "CASE_MACHINE" else "org")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def triggers_from(state: CaseState) -> list[str]:
    """Every event defined from ``state``, in table order (guards not evaluated)."""
    return list(_TRIGGERS_FROM[state])


def user_triggers_from(state: CaseState) -> list[str]:
    """The events a user may ask for from ``state`` (internal ones left out)."""
    return [t for t in _TRIGGERS_FROM[state] if t not in INTERNAL_EVENTS]


def _index_triggers() -> dict[CaseState, tuple[str, ...]]:
    # Asked three times per advance: a scan of the table each time cost more than the event.
    seen: dict[CaseState, dict[str, None]] = {s: {} for s in CaseState}
    for t in TRANSITIONS:
        for state in t["source"]:
            seen[state][t["trigger"]] = None
    return {state: tuple(events) for state, events in seen.items()}


_TRIGGERS_FROM = _index_triggers()


def fire(case: StatefulCase, trigger: str) -> tuple[CaseState, CaseState]:
    """Move ``case`` by ``trigger`` on the shared machine; return (from, to).

    Raises:
        NotAllowed: the event is unknown, or not defined from the case's state; the
            message lists the events that are.
    """
    from transitions import MachineError

    before = case.state
    event = _machine("case").events.get(trigger)
    if event is None or trigger not in _TRIGGERS_FROM[before]:
        allowed = ", ".join(user_triggers_from(before)) or "none (final state)"
        what = "unknown event" if trigger not in EVENTS else "event"
        raise NotAllowed(
            f"{what} {trigger} is not allowed from state {before.value}; allowed: {allowed}",
            state=before.value,
            event=trigger,
        )
    try:
        moved = event.trigger(case)
    except MachineError as exc:  # pragma: no cover - triggers_from() checked the source
        raise NotAllowed(str(exc.value)) from exc
    if not moved:
        raise NotAllowed(
            f"event {trigger} has nowhere to return to from state {before.value}",
            state=before.value,
            event=trigger,
        )
    return before, case.state


# -- the organization machine (issue 12) --------------------------------------------------


class OrgState(enum.Enum):
    """Where an organization stands in the bureau's cultivation programme.

    INCUBATING: being cultivated (培育孵化中), not yet registered with the bureau.
    REGISTERED: registered (登记), not yet providing services under the programme.
    ACTIVE: providing services; may hold service contracts.
    UNDER_REVIEW: an exit review (整改评估中) is open, after a failing evaluation or a
        director's decision; a director closes it by ``restore`` or ``exit``.
    EXITED: final; the organization left the programme (退出). Its open contracts are
        terminated, its link to the rescue institution ends; its leadership cases stay.
    """

    INCUBATING = "incubating"
    REGISTERED = "registered"
    ACTIVE = "active"
    UNDER_REVIEW = "under_review"
    EXITED = "exited"


OS = OrgState

ORG_STATE_NAMES: dict[OrgState, tuple[str, str]] = {
    OS.INCUBATING: ("培育孵化中", "incubating"),
    OS.REGISTERED: ("已登记", "registered"),
    OS.ACTIVE: ("运行中", "active"),
    OS.UNDER_REVIEW: ("整改评估中", "under review"),
    OS.EXITED: ("已退出", "exited"),
}

ORG_FINAL_STATES: frozenset[OrgState] = frozenset({OS.EXITED})

#: Events only a director may fire (closing an exit review, or ending an incubation).
DIRECTOR_ORG_EVENTS: frozenset[str] = frozenset({"restore", "exit"})

ORG_TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "register", "source": [OS.INCUBATING], "dest": OS.REGISTERED},
    {"trigger": "activate", "source": [OS.REGISTERED], "dest": OS.ACTIVE},
    {"trigger": "open_review", "source": [OS.REGISTERED, OS.ACTIVE], "dest": OS.UNDER_REVIEW},
    {"trigger": "restore", "source": [OS.UNDER_REVIEW], "dest": OS.ACTIVE},
    # Exit only through a review (the exit mechanism's due process), or from incubation
    # (cultivation ended without registration).
    {"trigger": "exit", "source": [OS.INCUBATING, OS.UNDER_REVIEW], "dest": OS.EXITED},
]


class StatefulOrg(Protocol):
    status: OrgState


def org_triggers_from(state: OrgState) -> list[str]:
    """Every organization event defined from ``state``, in table order."""
    return [t["trigger"] for t in ORG_TRANSITIONS if state in t["source"]]


def fire_org(org: StatefulOrg, trigger: str) -> tuple[OrgState, OrgState]:
    """Move ``org`` by ``trigger`` on the shared organization machine; return (from, to).

    Raises:
        NotAllowed: the event is unknown, or not defined from the organization's state.
    """
    from transitions import MachineError

    before = org.status
    event = _machine("org").events.get(trigger)
    if event is None or trigger not in org_triggers_from(before):
        allowed = ", ".join(org_triggers_from(before)) or "none (final state)"
        what = "unknown event" if trigger not in ORG_EVENTS else "event"
        raise NotAllowed(
            f"{what} {trigger} is not allowed for an organization in state {before.value}; "
            f"allowed: {allowed}",
            state=before.value,
            event=trigger,
        )
    try:
        event.trigger(org)
    except MachineError as exc:  # pragma: no cover - org_triggers_from() checked the source
        raise NotAllowed(str(exc.value)) from exc
    return before, org.status


MACHINES: tuple[str, ...] = ("case", "org")
