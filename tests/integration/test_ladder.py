"""The state table through the library API on the database: a representative subset.

Every state × event, allowed or refused, is checked without a database in
tests/unit/test_states.py (the table) and tests/unit/test_rules.py (every row's guards with
good inputs, and the inputs each event needs). Here, on the database: one allowed and one
refused event (at least) from each state, the return stack with the deadlines each state
owns, and what only the service decides (internal events, the order of the checks).
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import pytest

from supervise.errors import InvalidInput, NotAllowed
from supervise.office import Office
from supervise.rules import Params
from supervise.states import CaseState, user_triggers_from
from supervise.story import PATHS, clear_ban, scrutinize, serve_all
from tests.integration.helpers import advance, case_in, kinds
from tests.unit.test_rules import GOOD
from tests.unit.test_states import (
    ALL_STATES,
    BAN_PROPOSABLE,
    FINAL,
    NON_FINAL,
    TABLE,
    target_of,
)

S = CaseState

# Where story.PATHS opened each proceeding from.
CAME_FROM = {
    S.INTERVIEW_SCHEDULED: S.APPOINTED,
    S.WARNING_PROPOSED: S.APPOINTED,
    S.REPLACEMENT_PROPOSED: S.WARNED,
    S.BAN_PROPOSED: S.APPOINTED,
    S.HEARING_SCHEDULED: S.APPOINTED,
}
# At least one allowed event from every state that has any, every decision that needs its
# case prepared (a window closed or waived, a hearing recorded, a ban's term over), and every
# cancel/drop from where story.PATHS leaves the case.
ALLOWED = [
    ("schedule_interview", S.APPOINTED),
    ("record_interview", S.INTERVIEW_SCHEDULED),
    ("cancel_interview", S.INTERVIEW_SCHEDULED),
    ("leave", S.INTERVIEW_SCHEDULED),
    ("propose_replacement", S.RECTIFYING),
    ("issue_warning", S.WARNING_PROPOSED),
    ("drop_warning", S.WARNING_PROPOSED),
    ("record_court_ban", S.WARNING_PROPOSED),
    ("revoke_warning", S.WARNED),
    ("record_statement", S.REPLACEMENT_PROPOSED),
    ("order_replacement", S.REPLACEMENT_PROPOSED),
    ("drop_replacement", S.REPLACEMENT_PROPOSED),
    ("confirm_replacement", S.REPLACEMENT_ORDERED),
    ("propose_ban", S.REPLACEMENT_ORDERED),
    ("impose_ban", S.BAN_PROPOSED),
    ("drop_ban", S.BAN_PROPOSED),
    ("impose_ban", S.HEARING_SCHEDULED),
    ("drop_ban", S.HEARING_SCHEDULED),
    ("reschedule_hearing", S.HEARING_SCHEDULED),
    ("lift_ban", S.BANNED),
    ("revoke_ban", S.BANNED),
]
# One refused event from every state.
REFUSED = [
    ("issue_warning", S.APPOINTED),
    ("schedule_interview", S.INTERVIEW_SCHEDULED),
    ("record_interview", S.RECTIFYING),
    ("leave", S.WARNING_PROPOSED),
    ("issue_warning", S.WARNED),
    ("leave", S.REPLACEMENT_PROPOSED),
    ("leave", S.REPLACEMENT_ORDERED),
    ("confirm_replacement", S.REPLACED),
    ("propose_ban", S.BAN_PROPOSED),
    ("request_hearing", S.HEARING_SCHEDULED),
    ("propose_ban", S.BANNED),
    ("lift_ban", S.BAN_ENDED),
    ("revoke_ban", S.BAN_REVOKED),
    ("leave", S.LEFT),
]


def inputs(event: str) -> dict[str, Any]:
    """The good inputs of ``event`` (tests/unit/test_rules.py) as advance's keywords."""
    return {k: v for k, v in dataclasses.asdict(GOOD[event]).items() if k != "details"}


def test_the_subset_has_every_state() -> None:
    assert set(PATHS) == set(ALL_STATES)
    assert {s for _, s in ALLOWED} == set(NON_FINAL)
    assert sorted(s.value for _, s in REFUSED) == sorted(s.value for s in ALL_STATES)
    for event, state in ALLOWED:
        assert state in TABLE[event][0], (event, state)
    for event, state in REFUSED:
        assert state not in TABLE[event][0], (event, state)


def _prepared(office: Office, event: str, state: CaseState) -> tuple[Office, int]:
    """A case in ``state``, ready for ``event``, and the office at the time to fire it."""
    case_id = case_in(office, state)
    # Decisions need their window closed or waived, and the hearing recorded.
    if event in ("issue_warning", "order_replacement"):
        advance(office, case_id, "record_statement", waiver=True)
    if event == "impose_ban" and state is S.BAN_PROPOSED:
        serve_all(office, case_id, office.runtime.clock.today())
        office = office.at(office.runtime.clock.now().replace(month=12, day=28))
    if event == "impose_ban" and state is S.HEARING_SCHEDULED:
        advance(office, case_id, "record_hearing", reason="听证笔录")
    if event == "lift_ban":
        office = office.at(office.runtime.clock.now().replace(year=2030, month=11))
    # 法制审核 before an ordered replacement, and 集体讨论 too before a ban (issue 11).
    if event == "order_replacement":
        scrutinize(office, case_id, "review")
    if event == "impose_ban":
        clear_ban(office, case_id)
    return office, case_id


@pytest.mark.parametrize(
    ("event", "state"), ALLOWED, ids=[f"{e}-from-{s.value}" for e, s in ALLOWED]
)
def test_allowed(office: Office, event: str, state: CaseState) -> None:
    office, case_id = _prepared(office, event, state)
    given = inputs(event)
    if event == "impose_ban":
        # A decided ban is given in years (it runs from the service of its decision).
        given.pop("until")
        given["years"] = 2
    result = advance(office, case_id, event, **given)
    target = target_of(event, state)
    if target is None:
        target = state if event == "record_statement" else CAME_FROM[state]
    assert result.from_state is state
    assert result.to_state is target
    assert result.next_events == user_triggers_from(target)
    shown = office.case(case_id)
    assert shown.state is result.to_state
    assert shown.history[-1].event == event
    assert shown.history[-1].by == "zhang"


@pytest.mark.parametrize(
    ("event", "state"), REFUSED, ids=[f"{e}-from-{s.value}" for e, s in REFUSED]
)
def test_refused_from_other_states(office: Office, event: str, state: CaseState) -> None:
    case_id = case_in(office, state)
    before = office.case(case_id)
    with pytest.raises(NotAllowed) as refused:
        advance(office, case_id, event, **inputs(event))
    assert f"not allowed from state {state.value}" in refused.value.message
    for allowed in user_triggers_from(state):
        assert allowed in refused.value.message
    if state in FINAL:
        assert "allowed: none (final state)" in refused.value.message
    after = office.case(case_id)
    assert after.history == before.history and after.deadlines == before.deadlines


@pytest.mark.parametrize(
    ("opened_from", "opener", "dropper"),
    [
        (S.APPOINTED, "schedule_interview", "cancel_interview"),
        (S.RECTIFYING, "schedule_interview", "cancel_interview"),
        (S.WARNED, "schedule_interview", "cancel_interview"),
        (S.APPOINTED, "propose_warning", "drop_warning"),
        (S.INTERVIEW_SCHEDULED, "propose_warning", "drop_warning"),
        (S.RECTIFYING, "propose_warning", "drop_warning"),
        (S.RECTIFYING, "propose_replacement", "drop_replacement"),
        (S.WARNED, "propose_replacement", "drop_replacement"),
        *[(s, "propose_ban", "drop_ban") for s in BAN_PROPOSABLE],
    ],
)
def test_cancel_and_drop_return_where_the_case_came_from_with_its_deadlines(
    office: Office, opened_from: CaseState, opener: str, dropper: str
) -> None:
    case_id = case_in(office, opened_from)
    before = office.case(case_id).deadlines
    advance(office, case_id, opener, **inputs(opener))
    result = advance(office, case_id, dropper, **inputs(dropper))
    assert result.to_state is opened_from
    # Deadlines belong to states: the ones the case had there are reopened unchanged.
    assert sorted(result.case.deadlines, key=lambda d: d.kind) == sorted(
        before, key=lambda d: d.kind
    )


def test_drop_from_hearing_scheduled_returns_past_the_proposal(office: Office) -> None:
    case_id = case_in(office, S.RECTIFYING)
    advance(office, case_id, "propose_ban")
    advance(office, case_id, "request_hearing", **inputs("request_hearing"))
    result = advance(office, case_id, "drop_ban", reason="不予处罚")
    assert result.to_state is S.RECTIFYING
    assert kinds(office, case_id) == ["rectification"]


def test_nested_proceedings_unwind_in_order_and_restore_the_basis(office: Office) -> None:
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "schedule_interview", **inputs("schedule_interview"))
    advance(office, case_id, "propose_warning")
    advance(office, case_id, "record_statement", waiver=True)
    advance(office, case_id, "propose_ban")
    assert advance(office, case_id, "drop_ban", reason="x").to_state is S.WARNING_PROPOSED
    # The waiver recorded in the warning proceeding survives the abandoned ban proceeding.
    warned = advance(office, case_id, "issue_warning")
    assert warned.to_state is S.WARNED
    assert office.case(case_id).history[-1].basis == "shetuan-30"


def test_unknown_and_internal_events_are_refused(office: Office) -> None:
    case_id = case_in(office, S.APPOINTED)
    with pytest.raises(NotAllowed, match="unknown event"):
        advance(office, case_id, "explode")
    with pytest.raises(NotAllowed, match="applied by the program"):
        advance(office, case_id, "ban_cascade")


@pytest.mark.parametrize(
    ("event", "state", "missing"),
    [
        ("schedule_interview", S.APPOINTED, "--date"),
        ("leave", S.APPOINTED, "--reason"),
        ("record_statement", S.WARNING_PROPOSED, "--waiver"),
        ("record_hearing", S.HEARING_SCHEDULED, "--absent"),
        ("record_court_ban", S.APPOINTED, "--judgment"),
    ],
)
def test_required_inputs(office: Office, event: str, state: CaseState, missing: str) -> None:
    case_id = case_in(office, state)
    with pytest.raises(InvalidInput, match=missing):
        advance(office, case_id, event)
    assert office.case(case_id).state is state


def test_a_missing_input_is_refused_before_the_time(office: Office) -> None:
    # The inputs are checked before --at is compared with the case's latest event.
    case_id = case_in(office, S.APPOINTED)
    early = datetime.fromisoformat("2026-11-27T07:00:00+08:00")
    with pytest.raises(InvalidInput, match="--reason"):
        advance(office, case_id, "leave", at=early)
    with pytest.raises(NotAllowed, match="before the case's latest event"):
        advance(office, case_id, "leave", at=early, reason="辞职")


def test_revoke_needs_a_reference(office: Office) -> None:
    case_id = case_in(office, S.WARNED)
    with pytest.raises(InvalidInput, match="--reference"):
        advance(office, case_id, "revoke_warning", reason="复议撤销")


def test_good_inputs_are_params() -> None:
    # The keywords advance takes are exactly the fields of rules.Params besides details.
    assert set(inputs("leave")) == {f.name for f in dataclasses.fields(Params)} - {"details"}
