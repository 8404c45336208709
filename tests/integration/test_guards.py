"""Guards from the law, counting rules, and the bad inputs that must change nothing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from supervise.errors import GuardRefused, InvalidInput, NotAllowed, NotFound
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban, scrutinize, serve_all
from tests.conftest import MakeOffice, new_org, new_person, open_case
from tests.integration.helpers import advance, case_in, kinds

S = CaseState


def at(office: Office, when: str) -> Office:
    return office.at(datetime.fromisoformat(when))


def deadline(office: Office, case_id: int, kind: str) -> tuple[date, bool]:
    for d in office.case(case_id).deadlines:
        if d.kind == kind:
            return d.due, d.provisional
    raise AssertionError(f"no open {kind} deadline")


def test_interview_needs_the_notice_period(office: Office) -> None:
    case_id = open_case(office)
    with pytest.raises(GuardRefused) as refused:
        advance(office, case_id, "schedule_interview", date=date(2026, 12, 1))
    # Fri 27 Nov + 3 working days: Mon 30, Tue 1, Wed 2.
    assert "earliest allowed date is 2026-12-02" in refused.value.message
    assert refused.value.details["earliest"] == "2026-12-02T00:00:00+08:00"
    assert office.case(case_id).state is S.APPOINTED
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 2))
    assert deadline(office, case_id, "interview") == (date(2026, 12, 2), False)


def test_reschedule_moves_the_interview_deadline(office: Office) -> None:
    case_id = case_in(office, S.INTERVIEW_SCHEDULED)
    advance(office, case_id, "reschedule_interview", date=date(2026, 12, 21))
    shown = office.case(case_id)
    assert [(d.kind, d.due) for d in shown.deadlines if d.kind == "interview"] == [
        ("interview", date(2026, 12, 21))
    ]
    # The earlier notice is superseded: only the new one must still be served.
    assert [d.notice for d in shown.deadlines if d.kind == "service"] == [
        max(n.id for n in office.notices(case=case_id))
    ]
    with pytest.raises(GuardRefused):
        advance(office, case_id, "reschedule_interview", date=date(2026, 11, 30))


def test_a_make_up_weekend_counts_as_a_working_day(make_office: MakeOffice) -> None:
    office = make_office(now="2026-02-11T09:00:00+08:00")
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    # Wed 11 Feb 2026 + 3 working days: Thu 12, Fri 13, Sat 14 (调休 working day).
    assert deadline(office, case_id, "defence_window") == (date(2026, 2, 14), False)


def test_a_window_across_the_national_day_week(make_office: MakeOffice) -> None:
    office = make_office(now="2026-09-30T09:00:00+08:00")
    case_id = open_case(office)
    advance(office, case_id, "propose_ban")
    # 1-7 Oct are holidays; 8, 9 and the make-up Saturday 10 Oct are working days; 11 off.
    assert deadline(office, case_id, "hearing_request") == (date(2026, 10, 13), False)
    advance(office, case_id, "record_statement", reason="申辩")
    assert deadline(office, case_id, "hearing_request") == (date(2026, 10, 13), False)


def test_a_calendar_period_ending_on_a_holiday_rolls_to_the_next_working_day(
    make_office: MakeOffice,
) -> None:
    office = make_office(now="2026-07-03T09:00:00+08:00")
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    # 3 Jul + 90 days = 1 Oct (国庆): the decision deadline ends on Thu 8 Oct.
    assert deadline(office, case_id, "decision") == (date(2026, 10, 8), False)


def test_deadlines_in_2027_are_provisional(office: Office) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    assert deadline(office, case_id, "decision") == (date(2027, 2, 25), True)
    assert deadline(office, case_id, "defence_window") == (date(2026, 12, 2), False)


def test_decision_refused_while_the_defence_window_is_open(office: Office) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    # Until the prior notice is served, the window does not even start.
    with pytest.raises(GuardRefused, match="has not been served") as unserved:
        advance(office, case_id, "issue_warning")
    assert unserved.value.details["earliest"] is None
    serve_all(office, case_id, date(2026, 11, 27))
    with pytest.raises(GuardRefused) as refused:
        advance(office, case_id, "issue_warning")
    assert "open until 2026-12-02" in refused.value.message
    assert refused.value.details["earliest"] == "2026-12-03T00:00:00+08:00"
    assert "行政处罚法" in refused.value.message
    # The last day of the window is still inside it; the day after, the decision may issue.
    with pytest.raises(GuardRefused):
        advance(at(office, "2026-12-02T23:59:00+08:00"), case_id, "issue_warning")
    result = advance(at(office, "2026-12-03T00:00:00+08:00"), case_id, "issue_warning")
    assert result.to_state is S.WARNED
    # The decision must be served within 7 working days (Art. 61); rectification waits for it.
    assert kinds(office, case_id, service=True) == ["service", "rectification"]
    shown = office.case(case_id)
    assert [d.waiting for d in shown.deadlines] == [False, True]
    assert shown.deadlines[0].due == date(2026, 12, 14)


def test_an_express_waiver_lets_the_decision_issue_at_once(office: Office) -> None:
    case_id = case_in(office, S.REPLACEMENT_PROPOSED)
    with pytest.raises(GuardRefused):
        advance(office, case_id, "order_replacement")
    advance(office, case_id, "record_statement", waiver=True)
    scrutinize(office, case_id, "review")  # 法制审核 (issue 11)
    result = advance(office, case_id, "order_replacement")
    assert result.to_state is S.REPLACEMENT_ORDERED
    assert "replacement" in kinds(office, case_id)


def test_hearing_request_window(office: Office) -> None:
    late = case_in(office, S.BAN_PROPOSED)
    serve_all(office, late, date(2026, 11, 27))
    # Served 27 Nov + 5 working days = Fri 4 Dec; a request on 5 Dec is too late.
    assert deadline(office, late, "hearing_request") == (date(2026, 12, 4), False)
    with pytest.raises(GuardRefused, match="closed on 2026-12-04"):
        advance(
            at(office, "2026-12-05T09:00:00+08:00"),
            late,
            "request_hearing",
            date=date(2026, 12, 20),
        )
    on_time = case_in(at(office, "2026-11-27T10:00:00+08:00"), S.BAN_PROPOSED)
    # The hearing must be notified 7 working days ahead: 27 Nov + 7 = Tue 8 Dec.
    with pytest.raises(GuardRefused, match="earliest allowed date is 2026-12-08"):
        advance(office, on_time, "request_hearing", date=date(2026, 12, 7))
    result = advance(office, on_time, "request_hearing", date=date(2026, 12, 8))
    assert sorted(kinds(office, on_time)) == ["decision", "hearing"]
    assert result.notices[0][1] == "hearing_notice"


def test_ban_decision_waits_for_window_or_hearing(office: Office) -> None:
    proposed = case_in(office, S.BAN_PROPOSED)
    with pytest.raises(GuardRefused, match="has not been served"):
        advance(office, proposed, "impose_ban", years=2)
    serve_all(office, proposed, date(2026, 11, 27))
    with pytest.raises(GuardRefused, match="hearing-request window is open until 2026-12-04"):
        advance(office, proposed, "impose_ban", years=2)
    heard = case_in(office, S.HEARING_SCHEDULED)
    with pytest.raises(GuardRefused, match="record_hearing first"):
        advance(office, heard, "impose_ban", years=2)
    advance(office, heard, "record_hearing", reason="听证笔录")
    clear_ban(office, heard)  # 法制审核 and 集体讨论 (issue 11)
    assert advance(office, heard, "impose_ban", years=2).to_state is S.BANNED
    later = at(office, "2026-12-05T09:00:00+08:00")
    clear_ban(later, proposed)
    assert advance(later, proposed, "impose_ban", years=3).to_state is S.BANNED


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        # A decided ban runs from service: its last day is not the user's to give.
        ({"until": date(2028, 6, 30)}, "not --until"),
        ({"years": 0}, "whole number of years"),
        ({"lifelong": True}, "allows no lifelong ban"),
        ({}, "needs --years N"),
        ({"years": 2, "lifelong": True}, "not both"),
    ],
)
def test_ban_term_must_fit_the_basis(office: Office, inputs: dict[str, Any], message: str) -> None:
    case_id = case_in(office, S.HEARING_SCHEDULED)
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)
    with pytest.raises((GuardRefused, InvalidInput), match=message):
        advance(office, case_id, "impose_ban", **inputs)
    assert office.case(case_id).state is S.HEARING_SCHEDULED


def test_court_ban_terms(office: Office) -> None:
    case_id = open_case(office)
    with pytest.raises(GuardRefused, match="outside the 3-5 years"):
        advance(
            office,
            case_id,
            "record_court_ban",
            judgment="J1",
            court="重庆市渝中区人民法院",
            start=date(2026, 11, 1),
            until=date(2027, 10, 31),
        )
    result = advance(
        office,
        case_id,
        "record_court_ban",
        judgment="J1",
        court="重庆市渝中区人民法院",
        start=date(2026, 11, 1),
        lifelong=True,
    )
    assert office.case(case_id).history[-1].basis == "fafa-2022-32"
    assert result.case.deadlines == []  # a lifelong ban has no end to watch


@pytest.mark.parametrize(
    ("kind", "charity", "event", "setup"),
    [
        ("foundation", True, "propose_replacement", S.WARNED),
        ("service-org", False, "propose_replacement", S.RECTIFYING),
        ("social-group", False, "propose_ban", S.APPOINTED),
    ],
)
def test_no_basis_fits(
    office: Office, kind: str, charity: bool, event: str, setup: CaseState
) -> None:
    case_id = open_case(office, kind=kind, charity=charity)
    if setup is S.WARNED:
        advance(office, case_id, "propose_warning")
        advance(office, case_id, "record_statement", waiver=True)
        advance(office, case_id, "issue_warning")
    elif setup is S.RECTIFYING:
        advance(office, case_id, "schedule_interview", date=date(2026, 12, 10))
        advance(office, case_id, "record_interview", reason="r")
    with pytest.raises(GuardRefused, match="no configured legal basis"):
        advance(office, case_id, event)
    assert office.case(case_id).state is setup


def test_each_kind_gets_its_own_warning_basis(office: Office) -> None:
    for kind, key in (
        ("social-group", "shetuan-30"),
        ("service-org", "minfei-25"),
        ("foundation", "jijinhui-42"),
    ):
        case_id = open_case(office, kind=kind, charity=False)
        advance(office, case_id, "propose_warning")
        assert office.case(case_id).history[-1].basis == key


def test_a_basis_that_does_not_fit_is_refused(office: Office) -> None:
    case_id = open_case(office, kind="foundation")
    with pytest.raises(GuardRefused, match="does not allow warning"):
        advance(office, case_id, "propose_warning", basis="shetuan-30")
    with pytest.raises(InvalidInput, match="unknown basis"):
        advance(office, case_id, "propose_warning", basis="nope")


def test_at_in_the_future_or_before_the_last_event_is_refused(office: Office) -> None:
    case_id = office.appoint(
        org=new_org(office),
        person=new_person(office),
        role="秘书长",
        at=datetime.fromisoformat("2026-11-27T08:00:00+08:00"),
    ).id
    with pytest.raises(InvalidInput, match="in the future"):
        advance(
            office,
            case_id,
            "propose_warning",
            at=datetime.fromisoformat("2026-11-28T00:00:00+08:00"),
        )
    with pytest.raises(NotAllowed, match="before the case's latest event"):
        advance(
            office,
            case_id,
            "propose_warning",
            at=datetime.fromisoformat("2026-11-27T07:59:00+08:00"),
        )
    # Guards are evaluated at --at: a back-dated proposal opens its window from that day.
    advance(
        office,
        case_id,
        "propose_warning",
        at=datetime.fromisoformat("2026-11-27T09:59:00+08:00"),
    )
    shown = office.case(case_id)
    assert len(shown.history) == 2


def test_unknown_ids(office: Office) -> None:
    with pytest.raises(NotFound, match="no case with id 999"):
        advance(office, 999, "leave", reason="x")
    with pytest.raises(NotFound, match="no case"):
        office.case(999)
    with pytest.raises(NotFound, match="no organization"):
        office.appoint(org=999, person=1, role="秘书长")


def test_unknown_role_and_double_appointment(office: Office) -> None:
    case_id = open_case(office)
    shown = office.case(case_id)
    with pytest.raises(InvalidInput, match="unknown role"):
        office.appoint(org=shown.organization.id, person=shown.person.id, role="董事长")
    with pytest.raises(NotAllowed, match="already holds"):
        office.appoint(org=shown.organization.id, person=shown.person.id, role="秘书长")


def test_next_lists_guards_with_earliest(office: Office) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    _, events = office.next_events(case_id)
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
    serve_all(office, case_id, date(2026, 11, 27))
    by_name = {e.event: e for e in office.next_events(case_id)[1]}
    assert by_name["issue_warning"].earliest == datetime.fromisoformat("2026-12-03T00:00:00+08:00")
    assert by_name["issue_warning"].bases == ["shetuan-30"]
    assert by_name["drop_warning"].allowed and by_name["drop_warning"].reason is None
    assert by_name["propose_ban"].bases == ["cishan-112"]
