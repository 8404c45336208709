"""The state table, without a database: every state × event, allowed or refused.

The expectations are transcribed from the issue, independently of ``supervise.states``;
the machine is driven with :func:`supervise.states.fire` on a tiny stand-in case (its state
and its return stack), the way the service drives a loaded case. The database ladder
(tests/integration/test_ladder.py) keeps a representative subset.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pytest

from supervise import model
from supervise.errors import NotAllowed
from supervise.states import (
    CASCADE_SOURCES,
    EVENTS,
    FINAL_STATES,
    INTERNAL_EVENTS,
    NON_FINAL_STATES,
    PROCEEDING_OPENERS,
    RESTING_STATES,
    RETURNING_EVENTS,
    STATE_NAMES,
    TRANSITIONS,
    CaseState,
    fire,
    triggers_from,
    user_triggers_from,
)

S = CaseState

ALL_STATES = [
    S.APPOINTED,
    S.INTERVIEW_SCHEDULED,
    S.RECTIFYING,
    S.WARNING_PROPOSED,
    S.WARNED,
    S.REPLACEMENT_PROPOSED,
    S.REPLACEMENT_ORDERED,
    S.REPLACED,
    S.BAN_PROPOSED,
    S.HEARING_SCHEDULED,
    S.BANNED,
    S.BAN_ENDED,
    S.BAN_REVOKED,
    S.LEFT,
]
FINAL = [S.REPLACED, S.BAN_ENDED, S.BAN_REVOKED, S.LEFT]
NON_FINAL = [
    S.APPOINTED,
    S.INTERVIEW_SCHEDULED,
    S.RECTIFYING,
    S.WARNING_PROPOSED,
    S.WARNED,
    S.REPLACEMENT_PROPOSED,
    S.REPLACEMENT_ORDERED,
    S.BAN_PROPOSED,
    S.HEARING_SCHEDULED,
    S.BANNED,
]
BAN_PROPOSABLE: list[CaseState] = [
    s for s in NON_FINAL if s not in (S.BAN_PROPOSED, S.HEARING_SCHEDULED, S.BANNED)
]

# Transcribed from the issue, independently of supervise.states: event -> (sources, target).
# None as target means "the state it came from" (record_statement: the state it is in;
# the returning events: the state on top of the return stack, see RETURNS).
TABLE: dict[str, tuple[list[CaseState], CaseState | None]] = {
    "schedule_interview": ([S.APPOINTED, S.RECTIFYING, S.WARNED], S.INTERVIEW_SCHEDULED),
    "reschedule_interview": ([S.INTERVIEW_SCHEDULED], S.INTERVIEW_SCHEDULED),
    "cancel_interview": ([S.INTERVIEW_SCHEDULED], None),
    "record_interview": ([S.INTERVIEW_SCHEDULED], S.RECTIFYING),
    "accept_rectification": ([S.RECTIFYING, S.WARNED], S.APPOINTED),
    "propose_warning": ([S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING], S.WARNING_PROPOSED),
    "record_statement": ([S.WARNING_PROPOSED, S.REPLACEMENT_PROPOSED, S.BAN_PROPOSED], None),
    "issue_warning": ([S.WARNING_PROPOSED], S.WARNED),
    "drop_warning": ([S.WARNING_PROPOSED], None),
    "propose_replacement": ([S.RECTIFYING, S.WARNED], S.REPLACEMENT_PROPOSED),
    "order_replacement": ([S.REPLACEMENT_PROPOSED], S.REPLACEMENT_ORDERED),
    "drop_replacement": ([S.REPLACEMENT_PROPOSED], None),
    "confirm_replacement": ([S.REPLACEMENT_ORDERED], S.REPLACED),
    "propose_ban": (BAN_PROPOSABLE, S.BAN_PROPOSED),
    "request_hearing": ([S.BAN_PROPOSED, S.REPLACEMENT_PROPOSED], S.HEARING_SCHEDULED),
    "reschedule_hearing": ([S.HEARING_SCHEDULED, S.REPLACEMENT_PROPOSED], S.HEARING_SCHEDULED),
    "record_hearing": ([S.HEARING_SCHEDULED, S.REPLACEMENT_PROPOSED], S.HEARING_SCHEDULED),
    "impose_ban": ([S.BAN_PROPOSED, S.HEARING_SCHEDULED], S.BANNED),
    "record_court_ban": (NON_FINAL, S.BANNED),
    "drop_ban": ([S.BAN_PROPOSED, S.HEARING_SCHEDULED], None),
    "lift_ban": ([S.BANNED], S.BAN_ENDED),
    "revoke_warning": ([S.WARNED], S.APPOINTED),
    "revoke_ban": ([S.BANNED], S.BAN_REVOKED),
    "leave": ([S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING, S.WARNED], S.LEFT),
}
# A 责令撤换 whose basis grants a hearing (issue 10, item 6) holds it within the proposal:
# these events stay in the state (the rules refuse them where no hearing was offered).
WITHIN: dict[CaseState, tuple[str, ...]] = {
    S.REPLACEMENT_PROPOSED: ("request_hearing", "reschedule_hearing", "record_hearing"),
}


def target_of(event: str, state: CaseState) -> CaseState | None:
    """Where ``event`` takes a case in ``state`` per the table (None: see TABLE)."""
    return state if event in WITHIN.get(state, ()) else TABLE[event][1]


# The proceedings a cancel/drop abandons: opener, returning event, and where the proceeding
# can have been opened from (so where the returning event may go back to).
PROCEEDINGS: list[tuple[str, str, list[CaseState]]] = [
    ("schedule_interview", "cancel_interview", [S.APPOINTED, S.RECTIFYING, S.WARNED]),
    ("propose_warning", "drop_warning", [S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING]),
    ("propose_replacement", "drop_replacement", [S.RECTIFYING, S.WARNED]),
    ("propose_ban", "drop_ban", BAN_PROPOSABLE),
]
RETURNS = {dropper: targets for _, dropper, targets in PROCEEDINGS}
# States where no proceeding is open: a case arriving there forgets its return stack.
RESTING = [S.APPOINTED, S.RECTIFYING, S.WARNED, S.REPLACEMENT_ORDERED, S.BANNED, *FINAL]
# The event only the program fires: a ban reaching the person's other posts.
CASCADE = (BAN_PROPOSABLE, S.REPLACEMENT_ORDERED)

ALLOWED = [(e, s) for e, (sources, _) in TABLE.items() for s in sources if e not in RETURNS]
ALLOWED_RETURNS = [
    (e, s, r) for e, targets in RETURNS.items() for s in TABLE[e][0] for r in targets
]
REFUSED = [(e, s) for e, (sources, _) in TABLE.items() for s in ALL_STATES if s not in sources]


@dataclass
class StandIn:
    """What the machine needs of a case: its state and its return stack (innermost last)."""

    state: CaseState
    stack: list[CaseState] = field(default_factory=list)

    @property
    def return_state(self) -> CaseState | None:
        return self.stack[-1] if self.stack else None


def user_events(state: CaseState) -> list[str]:
    return sorted(e for e, (sources, _) in TABLE.items() if state in sources)


def test_the_states_are_the_issue_states() -> None:
    assert len(ALL_STATES) == len(set(ALL_STATES)) == 14
    assert set(CaseState) == set(ALL_STATES)
    assert FINAL_STATES == frozenset(FINAL)
    assert list(NON_FINAL_STATES) == NON_FINAL
    assert RESTING_STATES == frozenset(RESTING)
    assert set(STATE_NAMES) == set(ALL_STATES)


def test_the_machine_defines_exactly_the_issue_table() -> None:
    for state in ALL_STATES:
        assert sorted(user_triggers_from(state)) == user_events(state), state
    # Every event of the table (and the internal one) has its display names; nothing else does.
    assert set(EVENTS) == set(TABLE) | {"appoint", "ban_cascade"}
    assert {t["trigger"] for t in TRANSITIONS} == set(TABLE) | {"ban_cascade"}


def test_the_return_stack_events_are_the_issue_proceedings() -> None:
    assert PROCEEDING_OPENERS == {opener for opener, _, _ in PROCEEDINGS}
    assert RETURNING_EVENTS == {dropper for _, dropper, _ in PROCEEDINGS}
    for opener, dropper, opened_from in PROCEEDINGS:
        # A proceeding can be opened exactly where its returning event may lead back to.
        assert TABLE[opener][0] == opened_from, opener
        assert TABLE[opener][1] in TABLE[dropper][0], dropper


@pytest.mark.parametrize(
    ("event", "state"), ALLOWED, ids=[f"{e}-from-{s.value}" for e, s in ALLOWED]
)
def test_allowed(event: str, state: CaseState) -> None:
    case = StandIn(state)
    target = target_of(event, state)
    if target is None:
        target = state  # record_statement stays where it is
    assert fire(case, event) == (state, target)
    assert case.state is target


@pytest.mark.parametrize(
    ("event", "state", "back_to"),
    ALLOWED_RETURNS,
    ids=[f"{e}-from-{s.value}-to-{r.value}" for e, s, r in ALLOWED_RETURNS],
)
def test_cancel_and_drop_return_to_the_top_of_the_return_stack(
    event: str, state: CaseState, back_to: CaseState
) -> None:
    # Only the innermost frame counts; what lies beneath it stays for later.
    case = StandIn(state, [S.WARNED, back_to])
    assert fire(case, event) == (state, back_to)
    assert case.state is back_to
    assert case.stack == [S.WARNED, back_to]  # popping the frame is the service's job


@pytest.mark.parametrize("event", sorted(RETURNS))
def test_a_returning_event_with_nowhere_to_return_to_is_refused(event: str) -> None:
    state = TABLE[event][0][0]
    nowhere = StandIn(state)
    with pytest.raises(NotAllowed, match=f"{event} has nowhere to return to from state"):
        fire(nowhere, event)
    assert nowhere.state is state
    # A frame this event cannot lead back to (a state no such proceeding opens from).
    elsewhere = StandIn(state, [S.BANNED])
    with pytest.raises(NotAllowed, match="nowhere to return to"):
        fire(elsewhere, event)
    assert elsewhere.state is state and elsewhere.stack == [S.BANNED]


@pytest.mark.parametrize(
    ("event", "state"), REFUSED, ids=[f"{e}-from-{s.value}" for e, s in REFUSED]
)
def test_refused_from_other_states(event: str, state: CaseState) -> None:
    case = StandIn(state, [S.APPOINTED])
    with pytest.raises(NotAllowed) as refused:
        fire(case, event)
    message = refused.value.message
    assert message.startswith(f"event {event} is not allowed from state {state.value}; allowed: ")
    listed = message.split("; allowed: ", 1)[1]
    expected = user_events(state)
    if expected:
        assert sorted(listed.split(", ")) == expected
    else:
        assert listed == "none (final state)"
    assert refused.value.details == {"state": state.value, "event": event}
    assert case.state is state and case.stack == [S.APPOINTED]


def test_unknown_events_are_refused() -> None:
    case = StandIn(S.APPOINTED)
    with pytest.raises(NotAllowed, match="unknown event explode is not allowed from state"):
        fire(case, "explode")
    # `appoint` opens a case; it is not an event of the machine.
    with pytest.raises(NotAllowed, match="^event appoint is not allowed from state appointed"):
        fire(case, "appoint")
    assert case.state is S.APPOINTED


@pytest.mark.parametrize("state", ALL_STATES, ids=[s.value for s in ALL_STATES])
def test_the_internal_cascade(state: CaseState) -> None:
    sources, target = CASCADE
    assert "ban_cascade" in INTERNAL_EVENTS
    assert "ban_cascade" not in user_triggers_from(state)
    assert ("ban_cascade" in triggers_from(state)) is (state in sources)
    case = StandIn(state)
    if state in sources:
        assert fire(case, "ban_cascade") == (state, target)
    else:
        with pytest.raises(NotAllowed, match=f"not allowed from state {state.value}"):
            fire(case, "ban_cascade")
        assert case.state is state


def test_the_cascade_reaches_exactly_the_posts_a_ban_can_be_proposed_on() -> None:
    assert list(CASCADE_SOURCES) == CASCADE[0]


@pytest.mark.parametrize("state", FINAL, ids=[s.value for s in FINAL])
def test_final_states_have_no_user_events(state: CaseState) -> None:
    assert user_triggers_from(state) == []
    assert triggers_from(state) == []
    for event in TABLE:
        with pytest.raises(NotAllowed, match="allowed: none \\(final state\\)"):
            fire(StandIn(state), event)


def _step(case: StandIn, event: str) -> None:
    """Fire ``event`` and keep the return stack as the service does."""
    before = case.state
    if event in RETURNS:
        fire(case, event)
        case.stack.pop()
        return
    opens = any(event == opener for opener, _, _ in PROCEEDINGS)
    if opens:
        case.stack.append(before)
    fire(case, event)
    if not opens and case.state in RESTING:
        case.stack.clear()


def test_every_state_is_reachable_from_appointed() -> None:
    start: tuple[CaseState, tuple[CaseState, ...]] = (S.APPOINTED, ())
    seen = {start}
    queue = deque([start])
    while queue:
        state, stack = queue.popleft()
        for event in user_events(state):
            case = StandIn(state, list(stack))
            # Wherever a case can be, a cancel/drop the table allows has somewhere to go.
            _step(case, event)
            if event in RETURNS:
                assert case.state in RETURNS[event]
            reached = (case.state, tuple(case.stack))
            assert len(reached[1]) <= 3, reached  # proceedings nest, but never deeper
            if reached not in seen:
                seen.add(reached)
                queue.append(reached)
    assert {state for state, _ in seen} == set(ALL_STATES)
    # Resting states hold no return stack; proceedings always have somewhere to go back to.
    for state, stack in seen:
        if state in RESTING:
            assert stack == (), (state, stack)
        else:
            assert stack, state


def proceeding(case: model.Case) -> tuple[str | None, bool, bool]:
    """The open proceeding's basis, statement waiver and hearing record."""
    return case.proceeding_basis, case.statement_waived, case.hearing_recorded


def test_the_case_return_stack_saves_and_restores_the_open_proceeding() -> None:
    case = model.Case(
        state=S.WARNED,
        stack="",
        proceeding_basis=None,
        statement_waived=False,
        hearing_recorded=False,
    )
    assert case.return_state is None
    case.push_return(case.state)
    assert fire(case, "schedule_interview") == (S.WARNED, S.INTERVIEW_SCHEDULED)
    case.push_return(case.state)
    fire(case, "propose_warning")
    case.proceeding_basis, case.statement_waived = "shetuan-30", True
    case.push_return(case.state)
    fire(case, "propose_ban")
    case.proceeding_basis, case.statement_waived = "cishan-112", False
    case.hearing_recorded = True
    assert case.stack == "warned||,interview_scheduled||,warning_proposed|shetuan-30|w"
    assert case.return_state is S.WARNING_PROPOSED
    # Dropping the ban proposal returns to the warning proceeding, its basis and waiver intact.
    assert fire(case, "drop_ban") == (S.BAN_PROPOSED, S.WARNING_PROPOSED)
    case.pop_return()
    assert proceeding(case) == ("shetuan-30", True, False)
    assert case.return_state is S.INTERVIEW_SCHEDULED
    assert fire(case, "drop_warning") == (S.WARNING_PROPOSED, S.INTERVIEW_SCHEDULED)
    case.pop_return()
    assert proceeding(case) == (None, False, False)
    assert fire(case, "cancel_interview") == (S.INTERVIEW_SCHEDULED, S.WARNED)
    case.pop_return()
    assert case.stack == "" and case.return_state is None
    with pytest.raises(NotAllowed, match="not allowed from state warned"):
        fire(case, "drop_warning")


def test_a_hearing_flag_survives_in_its_frame() -> None:
    case = model.Case(
        state=S.HEARING_SCHEDULED,
        stack="appointed||",
        proceeding_basis="cishan-112",
        statement_waived=True,
        hearing_recorded=True,
    )
    case.push_return(case.state)
    assert case.stack == "appointed||,hearing_scheduled|cishan-112|wh"
    case.proceeding_basis, case.statement_waived, case.hearing_recorded = None, False, False
    case.pop_return()
    assert proceeding(case) == ("cishan-112", True, True)
    assert case.return_state is S.APPOINTED
