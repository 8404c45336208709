"""Guards from the law, counting rules, and the bad inputs that must change nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from supervise.bootstrap import App
from supervise.clock import Clock
from supervise.errors import GuardRefused, InvalidInput, NotAllowed, NotFound
from supervise.rules import Params
from supervise.services import cases, notice_records
from supervise.states import CaseState
from tests.conftest import MakeApp
from tests.integration.ladder import advance, case_in, kinds, open_case, serve_all

S = CaseState


def at(app: App, when: str) -> App:
    app.clock = Clock(app.clock.zone, datetime.fromisoformat(when))
    return app


def deadline(app: App, case_id: int, kind: str) -> tuple[date, bool]:
    for d in cases.show_case(app, case_id).deadlines:
        if d.kind == kind:
            return d.due, d.provisional
    raise AssertionError(f"no open {kind} deadline")


def test_interview_needs_the_notice_period(app: App) -> None:
    case_id = open_case(app)
    with pytest.raises(GuardRefused) as refused:
        advance(app, case_id, "schedule_interview", Params(date=date(2026, 12, 1)))
    # Fri 27 Nov + 3 working days: Mon 30, Tue 1, Wed 2.
    assert "earliest allowed date is 2026-12-02" in refused.value.message
    assert refused.value.details["earliest"] == "2026-12-02T00:00:00+08:00"
    assert cases.show_case(app, case_id).state is S.APPOINTED
    advance(app, case_id, "schedule_interview", Params(date=date(2026, 12, 2)))
    assert deadline(app, case_id, "interview") == (date(2026, 12, 2), False)


def test_reschedule_moves_the_interview_deadline(app: App) -> None:
    case_id = case_in(app, S.INTERVIEW_SCHEDULED)
    advance(app, case_id, "reschedule_interview", Params(date=date(2026, 12, 21)))
    shown = cases.show_case(app, case_id)
    assert [(d.kind, d.due) for d in shown.deadlines if d.kind == "interview"] == [
        ("interview", date(2026, 12, 21))
    ]
    # The earlier notice is superseded: only the new one must still be served.
    assert [d.notice for d in shown.deadlines if d.kind == "service"] == [
        max(n.id for n in notice_records.list_notices(app, case_id))
    ]
    with pytest.raises(GuardRefused):
        advance(app, case_id, "reschedule_interview", Params(date=date(2026, 11, 30)))


def test_a_make_up_weekend_counts_as_a_working_day(make_app: MakeApp) -> None:
    app = make_app(now="2026-02-11T09:00:00+08:00")
    case_id = open_case(app)
    advance(app, case_id, "propose_warning", Params())
    # Wed 11 Feb 2026 + 3 working days: Thu 12, Fri 13, Sat 14 (调休 working day).
    assert deadline(app, case_id, "defence_window") == (date(2026, 2, 14), False)


def test_a_window_across_the_national_day_week(make_app: MakeApp) -> None:
    app = make_app(now="2026-09-30T09:00:00+08:00")
    case_id = open_case(app)
    advance(app, case_id, "propose_ban", Params())
    # 1-7 Oct are holidays; 8, 9 and the make-up Saturday 10 Oct are working days; 11 off.
    assert deadline(app, case_id, "hearing_request") == (date(2026, 10, 13), False)
    advance(app, case_id, "record_statement", Params(reason="申辩"))
    assert deadline(app, case_id, "hearing_request") == (date(2026, 10, 13), False)


def test_a_calendar_period_ending_on_a_holiday_rolls_to_the_next_working_day(
    make_app: MakeApp,
) -> None:
    app = make_app(now="2026-07-03T09:00:00+08:00")
    case_id = open_case(app)
    advance(app, case_id, "propose_warning", Params())
    # 3 Jul + 90 days = 1 Oct (国庆): the decision deadline ends on Thu 8 Oct.
    assert deadline(app, case_id, "decision") == (date(2026, 10, 8), False)


def test_deadlines_in_2027_are_provisional(app: App) -> None:
    case_id = open_case(app)
    advance(app, case_id, "propose_warning", Params())
    assert deadline(app, case_id, "decision") == (date(2027, 2, 25), True)
    assert deadline(app, case_id, "defence_window") == (date(2026, 12, 2), False)


def test_decision_refused_while_the_defence_window_is_open(app: App) -> None:
    case_id = case_in(app, S.WARNING_PROPOSED)
    # Until the prior notice is served, the window does not even start.
    with pytest.raises(GuardRefused, match="has not been served") as unserved:
        advance(app, case_id, "issue_warning", Params())
    assert unserved.value.details["earliest"] is None
    serve_all(app, case_id, date(2026, 11, 27))
    with pytest.raises(GuardRefused) as refused:
        advance(app, case_id, "issue_warning", Params())
    assert "open until 2026-12-02" in refused.value.message
    assert refused.value.details["earliest"] == "2026-12-03T00:00:00+08:00"
    assert "行政处罚法" in refused.value.message
    # The last day of the window is still inside it; the day after, the decision may issue.
    with pytest.raises(GuardRefused):
        advance(at(app, "2026-12-02T23:59:00+08:00"), case_id, "issue_warning", Params())
    result = advance(at(app, "2026-12-03T00:00:00+08:00"), case_id, "issue_warning", Params())
    assert result.to_state is S.WARNED
    # The decision must be served within 7 working days (Art. 61); rectification waits for it.
    assert kinds(app, case_id, service=True) == ["service", "rectification"]
    shown = cases.show_case(app, case_id)
    assert [d.waiting for d in shown.deadlines] == [False, True]
    assert shown.deadlines[0].due == date(2026, 12, 14)


def test_an_express_waiver_lets_the_decision_issue_at_once(app: App) -> None:
    case_id = case_in(app, S.REPLACEMENT_PROPOSED)
    with pytest.raises(GuardRefused):
        advance(app, case_id, "order_replacement", Params())
    advance(app, case_id, "record_statement", Params(waiver=True))
    result = advance(app, case_id, "order_replacement", Params())
    assert result.to_state is S.REPLACEMENT_ORDERED
    assert "replacement" in kinds(app, case_id)


def test_hearing_request_window(app: App) -> None:
    late = case_in(app, S.BAN_PROPOSED)
    serve_all(app, late, date(2026, 11, 27))
    # Served 27 Nov + 5 working days = Fri 4 Dec; a request on 5 Dec is too late.
    assert deadline(app, late, "hearing_request") == (date(2026, 12, 4), False)
    with pytest.raises(GuardRefused, match="closed on 2026-12-04"):
        advance(
            at(app, "2026-12-05T09:00:00+08:00"),
            late,
            "request_hearing",
            Params(date=date(2026, 12, 20)),
        )
    on_time = case_in(at(app, "2026-11-27T10:00:00+08:00"), S.BAN_PROPOSED)
    # The hearing must be notified 7 working days ahead: 27 Nov + 7 = Tue 8 Dec.
    with pytest.raises(GuardRefused, match="earliest allowed date is 2026-12-08"):
        advance(app, on_time, "request_hearing", Params(date=date(2026, 12, 7)))
    result = advance(app, on_time, "request_hearing", Params(date=date(2026, 12, 8)))
    assert sorted(kinds(app, on_time)) == ["decision", "hearing"]
    assert result.notices[0][1] == "hearing_notice"


def test_ban_decision_waits_for_window_or_hearing(app: App) -> None:
    proposed = case_in(app, S.BAN_PROPOSED)
    with pytest.raises(GuardRefused, match="has not been served"):
        advance(app, proposed, "impose_ban", Params(until=date(2028, 11, 30)))
    serve_all(app, proposed, date(2026, 11, 27))
    with pytest.raises(GuardRefused, match="hearing-request window is open until 2026-12-04"):
        advance(app, proposed, "impose_ban", Params(until=date(2028, 11, 30)))
    heard = case_in(app, S.HEARING_SCHEDULED)
    with pytest.raises(GuardRefused, match="record_hearing first"):
        advance(app, heard, "impose_ban", Params(until=date(2028, 11, 30)))
    advance(app, heard, "record_hearing", Params(reason="听证笔录"))
    assert advance(app, heard, "impose_ban", Params(until=date(2028, 11, 30))).to_state is S.BANNED
    later = at(app, "2026-12-05T09:00:00+08:00")
    assert (
        advance(later, proposed, "impose_ban", Params(until=date(2028, 12, 4))).to_state is S.BANNED
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (Params(until=date(2027, 6, 30)), "outside the 1-5 years"),
        (Params(until=date(2032, 12, 31)), "outside the 1-5 years"),
        (Params(lifelong=True), "allows no lifelong ban"),
        (Params(), "needs --until"),
        (Params(until=date(2028, 1, 1), lifelong=True), "not both"),
    ],
)
def test_ban_term_must_fit_the_basis(app: App, params: Params, message: str) -> None:
    case_id = case_in(app, S.HEARING_SCHEDULED)
    advance(app, case_id, "record_hearing", Params(absent=True))
    with pytest.raises((GuardRefused, InvalidInput), match=message):
        advance(app, case_id, "impose_ban", params)
    assert cases.show_case(app, case_id).state is S.HEARING_SCHEDULED


def test_court_ban_terms(app: App) -> None:
    case_id = open_case(app)
    with pytest.raises(GuardRefused, match="outside the 3-5 years"):
        advance(
            app,
            case_id,
            "record_court_ban",
            Params(judgment="J1", start=date(2026, 11, 1), until=date(2027, 10, 31)),
        )
    result = advance(
        app,
        case_id,
        "record_court_ban",
        Params(judgment="J1", start=date(2026, 11, 1), lifelong=True),
    )
    assert cases.show_case(app, case_id).history[-1].basis == "fafa-2022-32"
    assert result.case.deadlines == []  # a lifelong ban has no end to watch


@pytest.mark.parametrize(
    ("kind", "charity", "event", "setup"),
    [
        ("foundation", True, "propose_replacement", S.WARNED),
        ("service-org", False, "propose_replacement", S.RECTIFYING),
        ("social-group", False, "propose_ban", S.APPOINTED),
    ],
)
def test_no_basis_fits(app: App, kind: str, charity: bool, event: str, setup: CaseState) -> None:
    case_id = open_case(app, kind=kind, charity=charity)
    if setup is S.WARNED:
        for e, p in (
            ("propose_warning", Params()),
            ("record_statement", Params(waiver=True)),
            ("issue_warning", Params()),
        ):
            advance(app, case_id, e, p)
    elif setup is S.RECTIFYING:
        advance(app, case_id, "schedule_interview", Params(date=date(2026, 12, 10)))
        advance(app, case_id, "record_interview", Params(reason="r"))
    with pytest.raises(GuardRefused, match="no configured legal basis"):
        advance(app, case_id, event, Params())
    assert cases.show_case(app, case_id).state is setup


def test_each_kind_gets_its_own_warning_basis(app: App) -> None:
    for kind, key in (
        ("social-group", "shetuan-30"),
        ("service-org", "minfei-25"),
        ("foundation", "jijinhui-42"),
    ):
        case_id = open_case(app, kind=kind, charity=False)
        advance(app, case_id, "propose_warning", Params())
        assert cases.show_case(app, case_id).history[-1].basis == key


def test_a_basis_that_does_not_fit_is_refused(app: App) -> None:
    case_id = open_case(app, kind="foundation")
    with pytest.raises(GuardRefused, match="does not allow warning"):
        advance(app, case_id, "propose_warning", Params(basis="shetuan-30"))
    with pytest.raises(InvalidInput, match="unknown basis"):
        advance(app, case_id, "propose_warning", Params(basis="nope"))


def test_at_in_the_future_or_before_the_last_event_is_refused(app: App) -> None:
    from tests.conftest import new_org, new_person

    case_id = cases.appoint(
        app,
        new_org(app),
        new_person(app),
        "秘书长",
        datetime.fromisoformat("2026-11-27T08:00:00+08:00"),
    ).id
    with pytest.raises(InvalidInput, match="in the future"):
        advance(
            app,
            case_id,
            "propose_warning",
            Params(),
            at=datetime.fromisoformat("2026-11-28T00:00:00+08:00"),
        )
    with pytest.raises(NotAllowed, match="before the case's latest event"):
        advance(
            app,
            case_id,
            "propose_warning",
            Params(),
            at=datetime.fromisoformat("2026-11-27T07:59:00+08:00"),
        )
    # Guards are evaluated at --at: a back-dated proposal opens its window from that day.
    advance(
        app,
        case_id,
        "propose_warning",
        Params(),
        at=datetime.fromisoformat("2026-11-27T09:59:00+08:00"),
    )
    shown = cases.show_case(app, case_id)
    assert len(shown.history) == 2


def test_unknown_ids(app: App) -> None:
    with pytest.raises(NotFound, match="no case with id 999"):
        advance(app, 999, "leave", Params(reason="x"))
    with pytest.raises(NotFound, match="no case"):
        cases.show_case(app, 999)
    with pytest.raises(NotFound, match="no organization"):
        cases.appoint(app, 999, 1, "秘书长", None)


def test_unknown_role_and_double_appointment(app: App) -> None:
    case_id = open_case(app)
    shown = cases.show_case(app, case_id)
    with pytest.raises(InvalidInput, match="unknown role"):
        cases.appoint(app, shown.organization.id, shown.person.id, "董事长", None)
    with pytest.raises(NotAllowed, match="already holds"):
        cases.appoint(app, shown.organization.id, shown.person.id, "秘书长", None)


def test_next_lists_guards_with_earliest(app: App) -> None:
    case_id = case_in(app, S.WARNING_PROPOSED)
    _, events = cases.next_events(app, case_id)
    by_name = {e.event: e for e in events}
    assert set(by_name) == {
        "record_statement",
        "issue_warning",
        "drop_warning",
        "propose_ban",
        "record_court_ban",
    }
    assert not by_name["issue_warning"].allowed
    assert "not been served" in (by_name["issue_warning"].reason or "")
    assert by_name["issue_warning"].earliest is None
    serve_all(app, case_id, date(2026, 11, 27))
    by_name = {e.event: e for e in cases.next_events(app, case_id)[1]}
    assert by_name["issue_warning"].earliest == datetime.fromisoformat("2026-12-03T00:00:00+08:00")
    assert by_name["issue_warning"].bases == ["shetuan-30"]
    assert by_name["drop_warning"].allowed and by_name["drop_warning"].reason is None
    assert by_name["propose_ban"].bases == ["cishan-112"]
