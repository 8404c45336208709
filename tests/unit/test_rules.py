"""The guards of ``supervise.rules``, without a database.

Legal bases per organization kind, the windows a decision waits for, the notice periods of
interviews and hearings (counted with the real working-day calendar), ban terms, the inputs
every event needs, and how a case's facts are read. The packaged settings are used, as a
fresh installation has them; the database tests keep a representative subset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from supervise import model
from supervise.config import load_settings
from supervise.errors import GuardRefused, InvalidInput
from supervise.law import BanTerm, Basis, Period
from supervise.rules import (
    CaseFacts,
    OpenDeadline,
    Params,
    Refusal,
    Rulebook,
    add_years,
    basis_fits,
    case_facts,
    check_params,
    choose_basis,
    court_ban_without_post,
    fitting_bases,
    require_inputs,
    time_guard,
)
from supervise.states import CaseState
from supervise.workdays import WorkCalendar
from tests.unit.test_states import TABLE

S = CaseState
SETTINGS = load_settings(None, environ={})
LAW = Rulebook(
    periods=SETTINGS.periods, bases=SETTINGS.bases, calendar=WorkCalendar(), zone=SETTINGS.zone
)
NOW = datetime.fromisoformat("2026-11-27T10:00:00+08:00")  # a Friday
KINDS = ["social-group", "service-org", "foundation"]
KIND_ZH = {"social-group": "社会团体", "service-org": "社会服务机构", "foundation": "基金会"}
ALL_BASES = ["shetuan-30", "minfei-25", "jijinhui-42", "cishan-112", "xingfa-37-1", "fafa-2022-32"]
CITATION = {
    "shetuan-30": "《社会团体登记管理条例》第三十条第一款",
    "cishan-112": "《中华人民共和国慈善法》第一百一十二条",
    "xingfa-37-1": "《中华人民共和国刑法》第三十七条之一",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def facts(
    state: CaseState = S.APPOINTED,
    kind: str | None = "social-group",
    charity: bool = True,
    basis: str | None = None,
    waived: bool = False,
    heard: bool = False,
    deadlines: Sequence[OpenDeadline] = (),
    ban_ends: Sequence[date | None] = (),
) -> CaseFacts:
    return CaseFacts(state, kind, charity, basis, waived, heard, deadlines, ban_ends)


def window(kind: str, due: date, waiting: bool = False) -> OpenDeadline:
    return OpenDeadline(kind, due, provisional=False, waiting=waiting)


def test_the_packaged_bases() -> None:
    assert list(LAW.bases) == ALL_BASES
    for key, citation in CITATION.items():
        assert LAW.bases[key].citation == citation


# --- legal bases per organization kind ------------------------------------------------------

# Which basis each proposal rests on, per organization kind and charity (None: none fits).
WARNING_BASIS = {
    "social-group": "shetuan-30",
    "service-org": "minfei-25",
    "foundation": "jijinhui-42",
}
EXPECTED_BASIS: dict[tuple[str, str, bool], str | None] = {}
for _kind in KINDS:
    for _charity in (True, False):
        EXPECTED_BASIS["propose_warning", _kind, _charity] = WARNING_BASIS[_kind]
        EXPECTED_BASIS["propose_replacement", _kind, _charity] = (
            "shetuan-30" if _kind == "social-group" else None
        )
        EXPECTED_BASIS["propose_ban", _kind, _charity] = "cishan-112" if _charity else None
PENALTY_WORDS = {
    "propose_warning": "warning",
    "propose_replacement": "replacement",
    "propose_ban": "ban",
}


@pytest.mark.parametrize(
    ("event", "kind", "charity"),
    list(EXPECTED_BASIS),
    ids=[f"{e}-{k}-{'charity' if c else 'plain'}" for e, k, c in EXPECTED_BASIS],
)
def test_each_proposal_chooses_the_basis_of_its_organization(
    event: str, kind: str, charity: bool
) -> None:
    expected = EXPECTED_BASIS[event, kind, charity]
    case = facts(kind=kind, charity=charity)
    if expected is not None:
        assert choose_basis(event, case, LAW, Params()) == expected
        assert fitting_bases(event, case, LAW) == [expected]
        return
    with pytest.raises(GuardRefused) as refused:
        choose_basis(event, case, LAW, Params())
    what = f"a {kind} ({KIND_ZH[kind]}){' that is a charity' if charity else ''}"
    assert refused.value.message == (
        f"{event} refused: no configured legal basis allows {PENALTY_WORDS[event]} for {what} "
        "(行政处罚法 Art. 16: a penalty needs a law, regulation or rule); see "
        "`supervise config show` under bases"
    )
    assert refused.value.details == {"rule": "basis"}
    assert fitting_bases(event, case, LAW) == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("charity", [True, False])
def test_a_court_ban_rests_on_the_criminal_law_or_for_life_on_the_2022_opinion(
    kind: str, charity: bool
) -> None:
    case = facts(kind=kind, charity=charity)
    for_a_term = Params(judgment="J", court="C", start=date(2026, 11, 1), until=date(2030, 10, 31))
    assert choose_basis("record_court_ban", case, LAW, for_a_term) == "xingfa-37-1"
    for_life = Params(judgment="J", court="C", start=date(2026, 11, 1), lifelong=True)
    assert choose_basis("record_court_ban", case, LAW, for_life) == "fafa-2022-32"
    assert fitting_bases("record_court_ban", case, LAW) == ["xingfa-37-1", "fafa-2022-32"]


@pytest.mark.parametrize("event", ["issue_warning", "order_replacement", "impose_ban"])
def test_decisions_rest_on_the_basis_of_their_proposal(event: str) -> None:
    # Whatever fits the organization now, and whatever is asked for: the proposal's basis.
    case = facts(kind="foundation", charity=False, basis="shetuan-30")
    assert choose_basis(event, case, LAW, Params(basis="minfei-25")) == "shetuan-30"
    assert fitting_bases(event, case, LAW) == ["shetuan-30"]
    assert choose_basis(event, facts(), LAW, Params()) is None
    assert fitting_bases(event, facts(), LAW) == []


PENALTY_EVENTS = [
    "propose_warning",
    "issue_warning",
    "propose_replacement",
    "order_replacement",
    "propose_ban",
    "impose_ban",
    "record_court_ban",
]


@pytest.mark.parametrize("event", [e for e in TABLE if e not in PENALTY_EVENTS])
def test_events_that_are_no_penalty_need_no_basis(event: str) -> None:
    assert choose_basis(event, facts(basis="shetuan-30"), LAW, Params(basis="nope")) is None
    assert fitting_bases(event, facts(basis="shetuan-30"), LAW) == []


def test_a_basis_given_must_exist_and_fit() -> None:
    foundation = facts(kind="foundation", charity=True)
    with pytest.raises(GuardRefused) as refused:
        choose_basis("propose_warning", foundation, LAW, Params(basis="shetuan-30"))
    assert refused.value.message == (
        "propose_warning refused: basis shetuan-30 (《社会团体登记管理条例》第三十条第一款) "
        "does not allow warning for a foundation (基金会) that is a charity"
    )
    assert refused.value.details == {"rule": "basis"}
    with pytest.raises(InvalidInput) as unknown:
        choose_basis("propose_warning", foundation, LAW, Params(basis="nope"))
    assert unknown.value.message == (
        f"unknown basis 'nope'; configured bases: {', '.join(ALL_BASES)}"
    )
    assert choose_basis("propose_warning", foundation, LAW, Params(basis="jijinhui-42")) == (
        "jijinhui-42"
    )


def test_a_court_ban_basis_must_allow_the_term_asked_for() -> None:
    for_life = Params(
        judgment="J", court="C", start=date(2026, 11, 1), lifelong=True, basis="xingfa-37-1"
    )
    with pytest.raises(GuardRefused, match="basis xingfa-37-1 .* does not allow court ban"):
        choose_basis("record_court_ban", facts(), LAW, for_life)
    for_a_term = Params(
        judgment="J",
        court="C",
        start=date(2026, 11, 1),
        until=date(2030, 10, 31),
        basis="fafa-2022-32",
    )
    with pytest.raises(GuardRefused, match="basis fafa-2022-32 .* does not allow court ban"):
        choose_basis("record_court_ban", facts(), LAW, for_a_term)


def test_several_fitting_bases_need_a_choice() -> None:
    twin = Basis(citation="甲", allows=("warning",), kinds=("social-group",))
    law = Rulebook(
        periods=LAW.periods, bases={"a": twin, "b": twin}, calendar=LAW.calendar, zone=LAW.zone
    )
    with pytest.raises(InvalidInput) as several:
        choose_basis("propose_warning", facts(), law, Params())
    assert several.value.message == (
        "several legal bases fit propose_warning (a, b); choose one with --basis"
    )
    assert choose_basis("propose_warning", facts(), law, Params(basis="b")) == "b"
    assert fitting_bases("propose_warning", facts(), law) == ["a", "b"]


def test_basis_fits() -> None:
    bases = LAW.bases
    plain, charity = facts(charity=False), facts(charity=True)
    no_post = facts(kind=None, charity=False)
    assert basis_fits(bases["shetuan-30"], "replacement", plain)
    assert not basis_fits(bases["shetuan-30"], "ban", charity)  # a penalty it does not allow
    assert not basis_fits(bases["minfei-25"], "warning", plain)  # another kind
    assert basis_fits(bases["minfei-25"], "warning", no_post)  # no post: no kind restricts it
    assert basis_fits(bases["cishan-112"], "ban", charity)
    assert not basis_fits(bases["cishan-112"], "ban", plain)  # charities only
    assert basis_fits(bases["xingfa-37-1"], "court_ban", plain)
    assert not basis_fits(bases["xingfa-37-1"], "court_ban", plain, lifelong=True)
    assert basis_fits(bases["fafa-2022-32"], "court_ban", plain, lifelong=True)
    assert not basis_fits(bases["fafa-2022-32"], "court_ban", plain)  # no fixed term


# --- windows a decision waits for -----------------------------------------------------------

DEFENCE_BASIS = SETTINGS.periods.defence_window.basis
HEARING_REQUEST_BASIS = SETTINGS.periods.hearing_request.basis


@pytest.mark.parametrize(
    ("event", "state"),
    [("issue_warning", S.WARNING_PROPOSED), ("order_replacement", S.REPLACEMENT_PROPOSED)],
)
def test_a_decision_waits_for_the_defence_window(event: str, state: CaseState) -> None:
    unserved = facts(state, deadlines=(window("defence_window", date(2026, 12, 2), True),))
    refusal = time_guard(event, unserved, LAW, NOW)
    assert refusal == Refusal(
        "the prior notice has not been served, so the statement-and-defence window has not "
        "started; serve it first (`supervise notice list --case N`, then "
        "`supervise notice serve`)",
        DEFENCE_BASIS,
    )
    assert refusal.earliest is None
    open_until_2_dec = facts(state, deadlines=(window("defence_window", date(2026, 12, 2)),))
    for moment in (NOW, at("2026-12-02T23:59:00+08:00"), at("2026-12-02T15:59:00+00:00")):
        assert time_guard(event, open_until_2_dec, LAW, moment) == Refusal(
            "the statement-and-defence window is open until 2026-12-02; wait for it to close "
            "or record the party's express waiver (record_statement --waiver)",
            DEFENCE_BASIS,
            at("2026-12-03T00:00:00+08:00"),
        )
    # The day after the last day, in the office's zone, the decision may issue.
    for moment in (at("2026-12-03T00:00:00+08:00"), at("2026-12-02T16:00:00+00:00")):
        assert time_guard(event, open_until_2_dec, LAW, moment) is None
    # An express waiver ends the wait, served or not; without a window there is none.
    for waived in (unserved, open_until_2_dec):
        assert (
            time_guard(event, facts(state, waived=True, deadlines=waived.deadlines), LAW, NOW)
            is None
        )
    assert time_guard(event, facts(state), LAW, NOW) is None


def test_a_ban_decision_waits_for_the_hearing_request_window() -> None:
    unserved = facts(
        S.BAN_PROPOSED, deadlines=(window("hearing_request", date(2026, 12, 4), True),)
    )
    assert time_guard("impose_ban", unserved, LAW, NOW) == Refusal(
        "the prior notice has not been served, so the hearing-request window has not started; "
        "serve it first (`supervise notice list --case N`, then `supervise notice serve`)",
        HEARING_REQUEST_BASIS,
    )
    open_until_4_dec = facts(
        S.BAN_PROPOSED, deadlines=(window("hearing_request", date(2026, 12, 4)),)
    )
    refusal = time_guard("impose_ban", open_until_4_dec, LAW, at("2026-12-04T18:00:00+08:00"))
    assert refusal == Refusal(
        "the hearing-request window is open until 2026-12-04",
        HEARING_REQUEST_BASIS,
        at("2026-12-05T00:00:00+08:00"),
    )
    assert time_guard("impose_ban", open_until_4_dec, LAW, at("2026-12-05T09:00:00+08:00")) is None
    # A waiver of the statement does not waive the right to a hearing.
    waived = facts(S.BAN_PROPOSED, waived=True, deadlines=open_until_4_dec.deadlines)
    assert time_guard("impose_ban", waived, LAW, NOW) is not None


def test_a_ban_decision_after_a_hearing_waits_for_its_record() -> None:
    refusal = time_guard("impose_ban", facts(S.HEARING_SCHEDULED), LAW, NOW)
    assert refusal == Refusal(
        "the hearing has not been recorded; record_hearing first (or --absent)",
        "《行政处罚法》第六十五条：根据听证笔录作出决定",
    )
    assert time_guard("impose_ban", facts(S.HEARING_SCHEDULED, heard=True), LAW, NOW) is None


def test_a_hearing_may_be_requested_until_the_window_closes() -> None:
    open_until_4_dec = facts(
        S.BAN_PROPOSED, deadlines=(window("hearing_request", date(2026, 12, 4)),)
    )
    assert (
        time_guard("request_hearing", open_until_4_dec, LAW, at("2026-12-04T23:59:00+08:00"))
        is None
    )
    late = time_guard("request_hearing", open_until_4_dec, LAW, at("2026-12-05T00:00:00+08:00"))
    assert late == Refusal("the hearing-request window closed on 2026-12-04", HEARING_REQUEST_BASIS)
    assert late.earliest is None  # it never opens again
    # Until the prior notice is served the window has not started, so it cannot have closed.
    unserved = facts(
        S.BAN_PROPOSED, deadlines=(window("hearing_request", date(2026, 12, 4), True),)
    )
    assert time_guard("request_hearing", unserved, LAW, at("2027-01-05T09:00:00+08:00")) is None
    assert time_guard("request_hearing", facts(S.BAN_PROPOSED), LAW, NOW) is None


def test_a_ban_is_lifted_only_after_its_term() -> None:
    lifelong = Refusal(
        "a lifelong ban has no end; revoke_ban if it was set aside", "法发〔2022〕32号"
    )
    for ends in ((), (None,), (date(2027, 1, 1), None)):
        assert time_guard("lift_ban", facts(S.BANNED, ban_ends=ends), LAW, NOW) == lifelong
    until = facts(S.BANNED, ban_ends=(date(2028, 11, 30),))
    assert time_guard("lift_ban", until, LAW, at("2028-11-30T23:59:00+08:00")) == Refusal(
        "the ban runs until 2028-11-30", "从业禁止期限", at("2028-12-01T00:00:00+08:00")
    )
    assert time_guard("lift_ban", until, LAW, at("2028-12-01T00:00:00+08:00")) is None
    # Several bans of the case: the last one to end decides.
    several = facts(S.BANNED, ban_ends=(date(2028, 11, 30), date(2029, 5, 31)))
    refusal = time_guard("lift_ban", several, LAW, at("2029-01-01T09:00:00+08:00"))
    assert refusal is not None and refusal.rule == "the ban runs until 2029-05-31"
    assert refusal.earliest == at("2029-06-01T00:00:00+08:00")


WINDOW_EVENTS = ["issue_warning", "order_replacement", "impose_ban", "request_hearing", "lift_ban"]


@pytest.mark.parametrize("event", [e for e in TABLE if e not in WINDOW_EVENTS])
def test_other_events_wait_for_no_window(event: str) -> None:
    everything_open = facts(
        S.BAN_PROPOSED,
        deadlines=(
            window("defence_window", date(2026, 12, 2)),
            window("hearing_request", date(2026, 11, 20)),
        ),
        ban_ends=(None,),
    )
    assert time_guard(event, everything_open, LAW, NOW) is None


def test_a_refusal_names_its_rule_basis_and_earliest_time() -> None:
    error = Refusal("r", "b", at("2026-12-03T00:00:00+08:00")).error("issue_warning")
    assert isinstance(error, GuardRefused)
    assert error.message == "issue_warning refused: r (b); earliest: 2026-12-03T00:00:00+08:00"
    assert error.details == {"rule": "r", "basis": "b", "earliest": "2026-12-03T00:00:00+08:00"}
    never = Refusal("r", "b").error("request_hearing")
    assert never.message == "request_hearing refused: r (b)"
    assert never.details == {"rule": "r", "basis": "b", "earliest": None}


# --- notice periods of interviews and hearings ----------------------------------------------

INTERVIEW_BASIS = SETTINGS.periods.interview_notice.basis
HEARING_BASIS = SETTINGS.periods.hearing_notice.basis


@pytest.mark.parametrize(
    ("event", "now", "earliest", "count", "what", "basis"),
    [
        # Fri 27 Nov + 3 working days: Mon 30, Tue 1, Wed 2.
        ("schedule_interview", NOW, date(2026, 12, 2), 3, "interview", INTERVIEW_BASIS),
        ("reschedule_interview", NOW, date(2026, 12, 2), 3, "interview", INTERVIEW_BASIS),
        # Wed 11 Feb + 3: Thu 12, Fri 13 and Sat 14, a make-up working day (调休).
        (
            "schedule_interview",
            at("2026-02-11T09:00:00+08:00"),
            date(2026, 2, 14),
            3,
            "interview",
            INTERVIEW_BASIS,
        ),
        # 30 Sep + 3: 1-7 Oct are holidays; Thu 8, Fri 9 and the make-up Sat 10 Oct.
        (
            "schedule_interview",
            at("2026-09-30T09:00:00+08:00"),
            date(2026, 10, 10),
            3,
            "interview",
            INTERVIEW_BASIS,
        ),
        # 01:00 on Fri 27 Nov in Chongqing is still Thursday in UTC: the office's day counts.
        (
            "schedule_interview",
            at("2026-11-26T17:00:00+00:00"),
            date(2026, 12, 2),
            3,
            "interview",
            INTERVIEW_BASIS,
        ),
        # Fri 27 Nov + 7 working days: 30, 1, 2, 3, 4, 7, 8 Dec.
        ("request_hearing", NOW, date(2026, 12, 8), 7, "hearing", HEARING_BASIS),
        ("reschedule_hearing", NOW, date(2026, 12, 8), 7, "hearing", HEARING_BASIS),
        # Mon 28 Dec + 7: 29, 30, 31 Dec, then 2027 (provisional): 1 Jan off, 4-7 Jan.
        (
            "request_hearing",
            at("2026-12-28T09:00:00+08:00"),
            date(2027, 1, 7),
            7,
            "hearing",
            HEARING_BASIS,
        ),
    ],
)
def test_interviews_and_hearings_need_their_notice_period(
    event: str, now: datetime, earliest: date, count: int, what: str, basis: str
) -> None:
    today = now.astimezone(SETTINGS.zone).date()
    case = facts()
    too_early = earliest - timedelta(days=1)
    with pytest.raises(GuardRefused) as refused:
        check_params(event, case, LAW, now, Params(date=too_early))
    rule = (
        f"the {what} date {too_early.isoformat()} is less than {count} working days after "
        f"{today.isoformat()}; the earliest allowed date is {earliest.isoformat()}"
    )
    start = f"{earliest.isoformat()}T00:00:00+08:00"
    assert refused.value.message == f"{event} refused: {rule} ({basis}); earliest: {start}"
    assert refused.value.details == {"rule": rule, "basis": basis, "earliest": start}
    check_params(event, case, LAW, now, Params(date=earliest))
    check_params(event, case, LAW, now, Params(date=earliest + timedelta(days=30)))


def test_a_notice_period_in_calendar_days_says_so() -> None:
    ten_days = Period(calendar_days=10, basis="十日")
    law = dataclasses.replace(
        LAW, periods=dataclasses.replace(LAW.periods, interview_notice=ten_days)
    )
    # 27 Nov + 10 days = Mon 7 Dec.
    with pytest.raises(GuardRefused) as refused:
        check_params("schedule_interview", facts(), law, NOW, Params(date=date(2026, 12, 6)))
    assert "less than 10 days after 2026-11-27; the earliest allowed date is 2026-12-07" in (
        refused.value.message
    )
    check_params("schedule_interview", facts(), law, NOW, Params(date=date(2026, 12, 7)))


# --- ban terms --------------------------------------------------------------------------------


def proposed_ban() -> CaseFacts:
    return facts(S.HEARING_SCHEDULED, basis="cishan-112", heard=True)


@pytest.mark.parametrize(
    ("until", "allowed"),
    [
        # From 27 Nov 2026: at least one year (to 26 Nov 2027), at most five (27 Nov 2031).
        (date(2027, 6, 30), False),
        (date(2027, 11, 25), False),
        (date(2027, 11, 26), True),
        (date(2029, 1, 1), True),
        (date(2031, 11, 27), True),
        (date(2031, 11, 28), False),
        (date(2032, 12, 31), False),
    ],
)
def test_an_imposed_ban_lasts_one_to_five_years_from_the_decision(
    until: date, allowed: bool
) -> None:
    params = Params(until=until)
    if allowed:
        check_params("impose_ban", proposed_ban(), LAW, NOW, params)
        return
    with pytest.raises(GuardRefused) as refused:
        check_params("impose_ban", proposed_ban(), LAW, NOW, params)
    assert refused.value.message == (
        "impose_ban refused: a ban of more than 5 or fewer than 1 years is outside what "
        f"cishan-112 ({CITATION['cishan-112']}) allows; give --years N within 1-5"
    )
    assert refused.value.details == {"rule": "term"}


def test_the_term_counts_from_the_office_day() -> None:
    # 01:00 on 27 Nov in Chongqing (still 26 Nov in UTC): five years end on 27 Nov 2031.
    early = at("2026-11-26T17:00:00+00:00")
    check_params("impose_ban", proposed_ban(), LAW, early, Params(until=date(2031, 11, 27)))


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (
            Params(lifelong=True),
            GuardRefused,
            f"impose_ban refused: basis cishan-112 ({CITATION['cishan-112']}) allows no lifelong "
            "ban; give --years N within 1-5 years",
        ),
        (
            Params(),
            InvalidInput,
            "impose_ban needs --years N (the term, at most the one proposed; it runs from the "
            "day the decision is served) or --lifelong",
        ),
        (
            Params(until=date(2028, 1, 1), lifelong=True),
            InvalidInput,
            "give either --until DATE or --lifelong, not both",
        ),
    ],
)
def test_an_imposed_ban_needs_one_term_its_basis_allows(
    params: Params, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as refused:
        check_params("impose_ban", proposed_ban(), LAW, NOW, params)
    assert str(refused.value) == message


@pytest.mark.parametrize("basis", [None, "shetuan-30"])
def test_an_imposed_ban_needs_a_basis_with_a_term(basis: str | None) -> None:
    case = facts(S.HEARING_SCHEDULED, basis=basis, heard=True)
    with pytest.raises(GuardRefused) as refused:
        check_params("impose_ban", case, LAW, NOW, Params(until=date(2028, 11, 30)))
    assert refused.value.message == (
        f"impose_ban refused: no ban term is configured for basis {basis}"
    )


@pytest.mark.parametrize(
    ("params", "error", "message"),
    [
        (
            Params(start=date(2026, 11, 1), until=date(2030, 10, 31)),
            InvalidInput,
            "record_court_ban needs --judgment REF (the court's judgment)",
        ),
        (
            Params(judgment="J", court="C", until=date(2030, 10, 31)),
            InvalidInput,
            "record_court_ban needs --from YYYY-MM-DD (when the ban starts)",
        ),
        (
            Params(judgment="J", court="C", start=date(2026, 11, 1)),
            InvalidInput,
            "record_court_ban needs --until YYYY-MM-DD (the last day of the ban)",
        ),
        (
            Params(
                judgment="J",
                court="C",
                start=date(2026, 11, 1),
                until=date(2030, 10, 31),
                lifelong=True,
            ),
            InvalidInput,
            "give either --until DATE or --lifelong, not both",
        ),
    ],
)
def test_a_court_ban_needs_its_judgment_and_dates(
    params: Params, error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as refused:
        check_params("record_court_ban", facts(), LAW, NOW, params)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("until", "allowed"),
    [
        # From the court's 1 Nov 2026: three to five years, 31 Oct 2029 to 1 Nov 2031.
        (date(2027, 10, 31), False),
        (date(2029, 10, 30), False),
        (date(2029, 10, 31), True),
        (date(2031, 11, 1), True),
        (date(2031, 11, 2), False),
    ],
)
def test_a_court_ban_term_counts_from_the_judgment_start(until: date, allowed: bool) -> None:
    params = Params(judgment="J", court="C", start=date(2026, 11, 1), until=until)
    if allowed:
        check_params("record_court_ban", facts(), LAW, NOW, params)
        return
    with pytest.raises(GuardRefused) as refused:
        check_params("record_court_ban", facts(), LAW, NOW, params)
    assert refused.value.message == (
        f"record_court_ban refused: a ban from 2026-11-01 until {until.isoformat()} is outside "
        f"the 3-5 years that xingfa-37-1 ({CITATION['xingfa-37-1']}) allows; give --until "
        "between 2029-10-31 and 2031-11-01"
    )


def test_a_lifelong_court_ban() -> None:
    params = Params(judgment="J", court="C", start=date(2026, 11, 1), lifelong=True)
    check_params("record_court_ban", facts(), LAW, NOW, params)
    with pytest.raises(GuardRefused, match="does not allow court ban"):
        check_params(
            "record_court_ban",
            facts(),
            LAW,
            NOW,
            Params(**{**vars(params), "basis": "xingfa-37-1"}),
        )


def test_years_are_added_to_the_calendar_day() -> None:
    assert add_years(date(2026, 11, 27), 5) == date(2031, 11, 27)
    assert add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


# --- a court's ban on someone who holds no post ----------------------------------------------


def test_a_court_ban_without_a_post() -> None:
    term = Params(judgment="J", court="C", start=date(2026, 6, 1), until=date(2030, 5, 31))
    assert court_ban_without_post(LAW, NOW, term) == "xingfa-37-1"
    for_life = Params(judgment="J", court="C", start=date(2026, 6, 1), lifelong=True)
    assert court_ban_without_post(LAW, NOW, for_life) == "fafa-2022-32"
    with pytest.raises(GuardRefused, match="outside the 3-5 years"):
        court_ban_without_post(
            LAW,
            NOW,
            Params(judgment="J", court="C", start=date(2026, 6, 1), until=date(2027, 1, 1)),
        )
    with pytest.raises(InvalidInput, match="not both"):
        court_ban_without_post(LAW, NOW, Params(**{**vars(term), "lifelong": True}))
    with pytest.raises(InvalidInput, match="needs --until"):
        court_ban_without_post(LAW, NOW, Params(judgment="J", court="C", start=date(2026, 6, 1)))
    with pytest.raises(InvalidInput, match="unknown basis 'nope'"):
        court_ban_without_post(LAW, NOW, Params(**{**vars(term), "basis": "nope"}))
    with pytest.raises(GuardRefused, match="basis xingfa-37-1 .* does not allow court ban"):
        court_ban_without_post(LAW, NOW, Params(**{**vars(for_life), "basis": "xingfa-37-1"}))


# --- inputs every event needs -----------------------------------------------------------------

NEEDS_REASON = [
    "cancel_interview",
    "drop_warning",
    "drop_replacement",
    "drop_ban",
    "leave",
    "revoke_warning",
    "revoke_ban",
]
NEEDS_DATE = ["schedule_interview", "reschedule_interview", "request_hearing", "reschedule_hearing"]
NEEDS_NOTHING_HERE = [
    "record_interview",
    "accept_rectification",
    "propose_warning",
    "issue_warning",
    "propose_replacement",
    "order_replacement",
    "confirm_replacement",
    "propose_ban",
    "impose_ban",  # its term is checked with the law (check_params)
    "record_court_ban",  # likewise its judgment and dates
    "lift_ban",
]


def test_every_event_is_listed_once() -> None:
    listed = [*NEEDS_REASON, *NEEDS_DATE, *NEEDS_NOTHING_HERE, "record_statement", "record_hearing"]
    assert sorted(listed) == sorted(TABLE)


@pytest.mark.parametrize("event", NEEDS_REASON)
def test_events_that_need_a_reason(event: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        require_inputs(event, Params(reference="渝府复〔2026〕2号"))
    assert refused.value.message == f"{event} needs --reason TEXT (why it happened)"
    if event.startswith("revoke"):
        with pytest.raises(InvalidInput) as unreferenced:
            require_inputs(event, Params(reason="复议撤销"))
        assert unreferenced.value.message == (
            f"{event} needs --reference TEXT (the review decision or judgment setting it aside)"
        )
        # Without either, the reason is asked for first.
        with pytest.raises(InvalidInput, match="--reason"):
            require_inputs(event, Params())
    require_inputs(event, Params(reason="r", reference="渝府复〔2026〕2号"))


@pytest.mark.parametrize("event", NEEDS_DATE)
def test_events_that_need_a_date(event: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        require_inputs(event, Params(reason="r", until=date(2026, 12, 10)))
    assert refused.value.message == f"{event} needs --date YYYY-MM-DD"
    require_inputs(event, Params(date=date(2026, 12, 10)))
    # check_params asks the same first, before any counting.
    with pytest.raises(InvalidInput, match="--date"):
        check_params(event, facts(), LAW, NOW, Params())


def test_a_statement_is_recorded_or_waived() -> None:
    with pytest.raises(InvalidInput) as refused:
        require_inputs("record_statement", Params())
    assert refused.value.message == (
        "record_statement needs --reason TEXT (the party's statement) or --waiver"
    )
    require_inputs("record_statement", Params(reason="陈述：已整改"))
    require_inputs("record_statement", Params(waiver=True))


def test_a_hearing_is_recorded_or_the_party_was_absent() -> None:
    with pytest.raises(InvalidInput) as refused:
        require_inputs("record_hearing", Params())
    assert refused.value.message == (
        "record_hearing needs --reason TEXT (the hearing record) or --absent"
    )
    require_inputs("record_hearing", Params(reason="听证笔录"))
    require_inputs("record_hearing", Params(absent=True))


@pytest.mark.parametrize("event", NEEDS_NOTHING_HERE)
def test_events_that_need_nothing_before_the_law_is_read(event: str) -> None:
    require_inputs(event, Params())


# --- the good inputs of every row of the state table pass every guard --------------------------

# Inputs that satisfy each event's guards (the database ladder uses the same).
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
    "propose_ban": Params(years=3),
    "request_hearing": Params(date=date(2026, 12, 15), time=time(9, 30)),
    "reschedule_hearing": Params(date=date(2026, 12, 16), time=time(14, 0)),
    "record_hearing": Params(absent=True),
    "impose_ban": Params(until=date(2028, 11, 30)),
    "record_court_ban": Params(
        judgment="(2026)渝0103刑初2号", court="C", start=date(2026, 11, 1), until=date(2030, 10, 31)
    ),
    "drop_ban": Params(reason="不予处罚"),
    "lift_ban": Params(),
    "revoke_warning": Params(reason="复议撤销", reference="渝府复〔2026〕2号"),
    "revoke_ban": Params(reason="判决撤销", reference="(2026)渝01行终3号"),
    "leave": Params(reason="任期届满"),
}
# The proceeding a charity social group's case in each state has open, ready for its decision
# (statement waived, hearing recorded, windows closed, a ban's term over).
PROCEEDING_BASIS = {
    S.WARNING_PROPOSED: "shetuan-30",
    S.WARNED: "shetuan-30",
    S.REPLACEMENT_PROPOSED: "shetuan-30",
    S.REPLACEMENT_ORDERED: "shetuan-30",
    S.BAN_PROPOSED: "cishan-112",
    S.HEARING_SCHEDULED: "cishan-112",
    S.BANNED: "xingfa-37-1",
}
CHOSEN_BASIS = {
    "propose_warning": "shetuan-30",
    "propose_replacement": "shetuan-30",
    "propose_ban": "cishan-112",
    "record_court_ban": "xingfa-37-1",
}
ROWS = [(e, s) for e, (sources, _) in TABLE.items() for s in sources]
# A 责令撤换's hearing (item 6) is asked for in the window its prior notice opened, and
# moved or recorded once it is scheduled.
READY_DEADLINES = {
    ("request_hearing", S.REPLACEMENT_PROPOSED): (window("hearing_request", date(2026, 12, 4)),),
    ("reschedule_hearing", S.REPLACEMENT_PROPOSED): (window("hearing", date(2026, 12, 15)),),
    ("record_hearing", S.REPLACEMENT_PROPOSED): (window("hearing", date(2026, 12, 15)),),
}


@pytest.mark.parametrize(("event", "state"), ROWS, ids=[f"{e}-from-{s.value}" for e, s in ROWS])
def test_every_row_of_the_table_passes_its_guards_with_good_inputs(
    event: str, state: CaseState
) -> None:
    basis = PROCEEDING_BASIS.get(state)
    ready = facts(
        state,
        basis=basis,
        waived=True,
        heard=True,
        ban_ends=(date(2026, 11, 20),),
        deadlines=READY_DEADLINES.get((event, state), ()),
    )
    assert time_guard(event, ready, LAW, NOW) is None
    check_params(event, ready, LAW, NOW, GOOD[event])
    decides = event in ("issue_warning", "order_replacement", "impose_ban")
    expected = basis if decides else CHOSEN_BASIS.get(event)
    assert choose_basis(event, ready, LAW, GOOD[event]) == expected


# --- reading a case's facts ---------------------------------------------------------------------


def _deadline(kind: str, due: date, status: str, provisional: bool = False) -> model.Deadline:
    return model.Deadline(kind=kind, due=due, provisional=provisional, status=status)


def _ban(until: date | None) -> model.Ban:
    return model.Ban(lifelong=until is None, until=until, status="active")


def _case(state: CaseState, **flags: Any) -> model.Case:
    values = {"proceeding_basis": None, "statement_waived": False, "hearing_recorded": False}
    return model.Case(state=state, stack="", **{**values, **flags})


def test_case_facts_keep_the_running_deadlines() -> None:
    case = _case(S.WARNING_PROPOSED, proceeding_basis="shetuan-30", statement_waived=True)
    deadlines = [
        _deadline("defence_window", date(2026, 12, 2), "open"),
        _deadline("decision", date(2027, 2, 25), "waiting", provisional=True),
        _deadline("interview", date(2026, 12, 10), "moved"),
        _deadline("rectification", date(2026, 12, 28), "closed"),
    ]
    read = case_facts(case, "foundation", False, deadlines, [_ban(date(2030, 1, 1))])
    assert read == CaseFacts(
        state=S.WARNING_PROPOSED,
        org_kind="foundation",
        org_charity=False,
        proceeding_basis="shetuan-30",
        statement_waived=True,
        hearing_recorded=False,
        deadlines=[
            OpenDeadline("defence_window", date(2026, 12, 2), False, False),
            OpenDeadline("decision", date(2027, 2, 25), True, True),
        ],
        ban_ends=[],  # bans matter only to a banned case
    )
    assert read.deadline("defence_window") == OpenDeadline(
        "defence_window", date(2026, 12, 2), False, False
    )
    assert read.deadline("interview") is None  # moved: no longer running
    assert read.waiting("decision") and not read.waiting("defence_window")
    assert not read.waiting("rectification")


def test_case_facts_of_a_banned_case_keep_its_ban_ends() -> None:
    case = _case(S.BANNED, proceeding_basis="cishan-112", hearing_recorded=True)
    read = case_facts(case, "social-group", True, [], [_ban(date(2028, 11, 30)), _ban(None)])
    assert read.ban_ends == [date(2028, 11, 30), None]
    assert read.hearing_recorded and read.org_charity and read.org_kind == "social-group"
    assert time_guard("lift_ban", read, LAW, at("2030-01-01T00:00:00+08:00")) is not None
    without_lifelong = case_facts(case, "social-group", True, [], [_ban(date(2028, 11, 30))])
    assert time_guard("lift_ban", without_lifelong, LAW, at("2030-01-01T00:00:00+08:00")) is None


def test_a_ban_term_is_part_of_the_law() -> None:
    assert LAW.bases["cishan-112"].ban == BanTerm(1, 5, lifelong=False, scope="charity")
    assert LAW.bases["xingfa-37-1"].ban == BanTerm(3, 5, lifelong=False, scope="all")
    assert LAW.bases["fafa-2022-32"].ban == BanTerm(0, 0, lifelong=True, scope="all")
