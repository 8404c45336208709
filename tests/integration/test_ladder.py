"""Every row of the issue's state table, allowed and refused, through the service API."""

from __future__ import annotations

from datetime import date

import pytest

from supervise.bootstrap import App
from supervise.errors import InvalidInput, NotAllowed
from supervise.rules import Params
from supervise.services import cases
from supervise.states import CaseState, user_triggers_from
from tests.integration.ladder import PATHS, advance, case_in, kinds, serve_all

S = CaseState
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
BAN_PROPOSABLE = [s for s in NON_FINAL if s not in (S.BAN_PROPOSED, S.HEARING_SCHEDULED, S.BANNED)]

# Transcribed from the issue, independently of supervise.states: event -> (sources, target).
# None as target means "the state it came from".
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
    "request_hearing": ([S.BAN_PROPOSED], S.HEARING_SCHEDULED),
    "reschedule_hearing": ([S.HEARING_SCHEDULED], S.HEARING_SCHEDULED),
    "record_hearing": ([S.HEARING_SCHEDULED], S.HEARING_SCHEDULED),
    "impose_ban": ([S.BAN_PROPOSED, S.HEARING_SCHEDULED], S.BANNED),
    "record_court_ban": (NON_FINAL, S.BANNED),
    "drop_ban": ([S.BAN_PROPOSED, S.HEARING_SCHEDULED], None),
    "lift_ban": ([S.BANNED], S.BAN_ENDED),
    "revoke_warning": ([S.WARNED], S.APPOINTED),
    "revoke_ban": ([S.BANNED], S.BAN_REVOKED),
    "leave": ([S.APPOINTED, S.INTERVIEW_SCHEDULED, S.RECTIFYING, S.WARNED], S.LEFT),
}

# Inputs that satisfy each event's guards when the case was driven along PATHS.
GOOD: dict[str, Params] = {
    "schedule_interview": Params(date=date(2026, 12, 10)),
    "reschedule_interview": Params(date=date(2026, 12, 11)),
    "cancel_interview": Params(reason="对方书面申请改期"),
    "record_interview": Params(reason="约谈记录"),
    "accept_rectification": Params(),
    "propose_warning": Params(),
    "record_statement": Params(reason="陈述：已整改"),
    "issue_warning": Params(),
    "drop_warning": Params(reason="证据不足"),
    "propose_replacement": Params(),
    "order_replacement": Params(),
    "drop_replacement": Params(reason="已主动更换"),
    "confirm_replacement": Params(),
    "propose_ban": Params(),
    "request_hearing": Params(date=date(2026, 12, 15)),
    "reschedule_hearing": Params(date=date(2026, 12, 16)),
    "record_hearing": Params(absent=True),
    "impose_ban": Params(until=date(2028, 11, 30)),
    "record_court_ban": Params(
        judgment="(2026)渝0103刑初2号", start=date(2026, 11, 1), until=date(2030, 10, 31)
    ),
    "drop_ban": Params(reason="不予处罚"),
    "lift_ban": Params(),
    "revoke_warning": Params(reason="复议撤销", reference="渝府复〔2026〕2号"),
    "revoke_ban": Params(reason="判决撤销", reference="(2026)渝01行终3号"),
    "leave": Params(reason="任期届满"),
}

ALL_STATES = list(PATHS)
# Where the PATHS above opened each proceeding from.
CAME_FROM = {
    S.INTERVIEW_SCHEDULED: S.APPOINTED,
    S.WARNING_PROPOSED: S.APPOINTED,
    S.REPLACEMENT_PROPOSED: S.WARNED,
    S.BAN_PROPOSED: S.APPOINTED,
    S.HEARING_SCHEDULED: S.APPOINTED,
}
ALLOWED = [(e, s) for e, (sources, _) in TABLE.items() for s in sources]
REFUSED = [(e, s) for e, (sources, _) in TABLE.items() for s in ALL_STATES if s not in sources]


def test_the_machine_defines_exactly_the_issue_table() -> None:
    for state in ALL_STATES:
        expected = sorted(e for e, (sources, _) in TABLE.items() if state in sources)
        assert sorted(user_triggers_from(state)) == expected, state


def _prepared(app: App, event: str, state: CaseState) -> int:
    case_id = case_in(app, state)
    # Decisions need their window closed or waived, and the hearing recorded.
    if event in ("issue_warning", "order_replacement"):
        advance(app, case_id, "record_statement", Params(waiver=True))
    if event == "impose_ban" and state is S.BAN_PROPOSED:
        serve_all(app, case_id, app.clock.today())
        app.clock = app.clock.__class__(app.clock.zone, app.clock.now().replace(month=12, day=28))
    if event == "impose_ban" and state is S.HEARING_SCHEDULED:
        advance(app, case_id, "record_hearing", Params(reason="听证笔录"))
    if event == "lift_ban":
        app.clock = app.clock.__class__(
            app.clock.zone, app.clock.now().replace(year=2030, month=11)
        )
    return case_id


@pytest.mark.parametrize(
    ("event", "state"), ALLOWED, ids=[f"{e}-from-{s.value}" for e, s in ALLOWED]
)
def test_allowed(app: App, event: str, state: CaseState) -> None:
    case_id = _prepared(app, event, state)
    params = GOOD[event]
    if event == "impose_ban":
        params = Params(until=date(app.clock.today().year + 2, 11, 30))
    result = advance(app, case_id, event, params)
    target = TABLE[event][1]
    if target is None:
        target = state if event == "record_statement" else CAME_FROM[state]
    assert result.from_state is state
    assert result.to_state is target
    shown = cases.show_case(app, case_id)
    assert shown.state is result.to_state
    assert shown.history[-1].event == event
    assert shown.history[-1].by == "zhang"


@pytest.mark.parametrize(
    ("event", "state"), REFUSED, ids=[f"{e}-from-{s.value}" for e, s in REFUSED]
)
def test_refused_from_other_states(app: App, event: str, state: CaseState) -> None:
    case_id = case_in(app, state)
    before = cases.show_case(app, case_id)
    with pytest.raises(NotAllowed) as refused:
        advance(app, case_id, event, GOOD[event])
    assert f"not allowed from state {state.value}" in refused.value.message
    for allowed in user_triggers_from(state):
        assert allowed in refused.value.message
    after = cases.show_case(app, case_id)
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
    app: App, opened_from: CaseState, opener: str, dropper: str
) -> None:
    case_id = case_in(app, opened_from)
    before = cases.show_case(app, case_id).deadlines
    advance(app, case_id, opener, GOOD[opener])
    result = advance(app, case_id, dropper, GOOD[dropper])
    assert result.to_state is opened_from
    # Deadlines belong to states: the ones the case had there are reopened unchanged.
    assert sorted(result.case.deadlines, key=lambda d: d.kind) == sorted(
        before, key=lambda d: d.kind
    )


def test_drop_from_hearing_scheduled_returns_past_the_proposal(app: App) -> None:
    case_id = case_in(app, S.RECTIFYING)
    advance(app, case_id, "propose_ban", Params())
    advance(app, case_id, "request_hearing", GOOD["request_hearing"])
    result = advance(app, case_id, "drop_ban", Params(reason="不予处罚"))
    assert result.to_state is S.RECTIFYING
    assert kinds(app, case_id) == ["rectification"]


def test_nested_proceedings_unwind_in_order_and_restore_the_basis(app: App) -> None:
    case_id = case_in(app, S.WARNED)
    advance(app, case_id, "schedule_interview", GOOD["schedule_interview"])
    advance(app, case_id, "propose_warning", Params())
    advance(app, case_id, "record_statement", Params(waiver=True))
    advance(app, case_id, "propose_ban", Params())
    assert advance(app, case_id, "drop_ban", Params(reason="x")).to_state is S.WARNING_PROPOSED
    # The waiver recorded in the warning proceeding survives the abandoned ban proceeding.
    warned = advance(app, case_id, "issue_warning", Params())
    assert warned.to_state is S.WARNED
    assert cases.show_case(app, case_id).history[-1].basis == "shetuan-30"


def test_unknown_and_internal_events_are_refused(app: App) -> None:
    case_id = case_in(app, S.APPOINTED)
    with pytest.raises(NotAllowed, match="unknown event"):
        advance(app, case_id, "explode", Params())
    with pytest.raises(NotAllowed, match="applied by the program"):
        advance(app, case_id, "ban_cascade", Params())


@pytest.mark.parametrize(
    ("event", "state", "missing"),
    [
        ("schedule_interview", S.APPOINTED, "--date"),
        ("cancel_interview", S.INTERVIEW_SCHEDULED, "--reason"),
        ("drop_warning", S.WARNING_PROPOSED, "--reason"),
        ("drop_replacement", S.REPLACEMENT_PROPOSED, "--reason"),
        ("drop_ban", S.BAN_PROPOSED, "--reason"),
        ("leave", S.APPOINTED, "--reason"),
        ("revoke_warning", S.WARNED, "--reason"),
        ("request_hearing", S.BAN_PROPOSED, "--date"),
        ("record_statement", S.WARNING_PROPOSED, "--waiver"),
        ("record_hearing", S.HEARING_SCHEDULED, "--absent"),
        ("record_court_ban", S.APPOINTED, "--judgment"),
    ],
)
def test_required_inputs(app: App, event: str, state: CaseState, missing: str) -> None:
    case_id = case_in(app, state)
    with pytest.raises(InvalidInput, match=missing):
        advance(app, case_id, event, Params())
    assert cases.show_case(app, case_id).state is state


def test_revoke_needs_a_reference(app: App) -> None:
    case_id = case_in(app, S.WARNED)
    with pytest.raises(InvalidInput, match="--reference"):
        advance(app, case_id, "revoke_warning", Params(reason="复议撤销"))
