"""Issue 10, the pure parts: the measure rule, the hearing-notice rule, the hour as documents
write it, Chinese numerals for periods, and the masking of the published version."""

from __future__ import annotations

from datetime import date, time

import pytest

from supervise.errors import GuardRefused, InvalidInput, SuperviseError
from supervise.notices import pii
from supervise.numerals import cn_period, cn_time
from supervise.rules import CaseFacts, Params, check_measure, hearing_notice_refusal
from supervise.states import CaseState
from tests.unit.test_rules import LAW

S = CaseState
TODAY = date(2026, 11, 27)


def proposed(years: int | None) -> CaseFacts:
    return CaseFacts(
        S.HEARING_SCHEDULED, "social-group", True, "cishan-112", False, True,
        proposed_measure=years,
    )  # fmt: skip


def test_a_proposal_returns_the_measure_it_states() -> None:
    facts = CaseFacts(S.APPOINTED, "social-group", True, None, False, False)
    assert check_measure("propose_ban", facts, LAW, "cishan-112", Params(years=3), TODAY) == 3
    with pytest.raises(InvalidInput, match=r"needs --years N, the term proposed \(1-5 years\)"):
        check_measure("propose_ban", facts, LAW, "cishan-112", Params(), TODAY)
    with pytest.raises(GuardRefused, match="outside the 1-5 years"):
        check_measure("propose_ban", facts, LAW, "cishan-112", Params(years=6), TODAY)
    # Penalties without a measure are not touched.
    assert check_measure("propose_warning", facts, LAW, "shetuan-30", Params(), TODAY) is None


@pytest.mark.parametrize(
    ("params", "allowed"),
    [
        (Params(years=3), True),
        (Params(years=1), True),
        (Params(years=4), False),
        (Params(until=date(2029, 11, 26)), True),  # three years from today, last day
        (Params(until=date(2029, 11, 27)), False),
    ],
)
def test_a_decision_may_not_exceed_the_proposal(params: Params, allowed: bool) -> None:
    if allowed:
        assert check_measure("impose_ban", proposed(3), LAW, "cishan-112", params, TODAY) is None
        return
    with pytest.raises(GuardRefused) as refused:
        check_measure("impose_ban", proposed(3), LAW, "cishan-112", params, TODAY)
    assert refused.value.details["rule"] == "measure"


def test_a_decision_on_a_proposal_without_a_measure_is_refused() -> None:
    with pytest.raises(GuardRefused, match="the prior notice stated no years"):
        check_measure("impose_ban", proposed(None), LAW, "cishan-112", Params(years=1), TODAY)


def test_the_hearing_notice_counts_seven_working_days_from_service() -> None:
    # 2026-12-15 (Tuesday): served on Sunday 12-06, 12-07 … 12-15 are seven working days.
    assert hearing_notice_refusal(LAW, date(2026, 12, 6), date(2026, 12, 15)) is None
    assert hearing_notice_refusal(LAW, date(2026, 12, 4), date(2026, 12, 15)) is None
    assert hearing_notice_refusal(LAW, date(2026, 12, 7), date(2026, 12, 15)) == (
        date(2026, 12, 16),
        date(2026, 12, 6),
    )
    # Over the National Day holiday: served 2026-09-30, the 7th working day is 10-15.
    earliest, _ = hearing_notice_refusal(LAW, date(2026, 9, 30), date(2026, 10, 9)) or (None, None)
    assert earliest == date(2026, 10, 15)


@pytest.mark.parametrize(
    ("hour", "text"),
    [
        (time(9, 30), "2026年5月6日上午9时30分"),
        (time(9, 0), "2026年5月6日上午9时"),
        (time(12, 15), "2026年5月6日中午12时15分"),
        (time(14, 30), "2026年5月6日下午2时30分"),
        (time(19, 0), "2026年5月6日晚上7时"),
        (None, "2026年5月6日"),
    ],
)
def test_the_hour_as_documents_write_it(hour: time | None, text: str) -> None:
    assert cn_time(date(2026, 5, 6), hour) == text


def test_periods_in_chinese_numerals() -> None:
    assert cn_period(3, None) == "三个工作日"
    assert cn_period(None, 30) == "三十日"
    assert cn_period(5, None) == "五个工作日"


def test_the_published_version_masks_personal_addresses() -> None:
    stored = (
        '<p>身份证号码：<span class="idno" data-idno="party">500103********0016</span></p>'
        '<p>住址：<span class="pii-address">重庆市渝中区民生路2号&amp;3号</span></p>'
    )
    public = pii.public(stored)
    assert "500103********0016" in public and "民生路" not in public
    assert '<span class="pii-address">重庆市渝中区＊＊＊＊＊＊＊＊</span>' in public
    original = pii.original(stored, "500103198001010016", "500103********0016")
    assert "500103198001010016" in original and "民生路2号&amp;3号" in original
    with pytest.raises(SuperviseError, match="altered"):
        pii.original(stored, "500103198001010024", "500103********0024")
