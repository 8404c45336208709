"""Issue 10, item 6: the hearing right of a 责令撤换 is configured per basis (``bases.*.hearing``).
Where the basis grants it (the packaged shetuan-30 does), the prior notice offers a hearing
within five working days of service, ``request_hearing`` is allowed from
``replacement_proposed``, the hearing is noticed to the organization, and the order waits for
the window or the hearing's record; where it does not, none of that is offered."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.errors import ConfigError, GuardRefused
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import scrutinize, serve_all
from tests.conftest import NOW, TEST_ENV, MakeOffice
from tests.integration.helpers import advance, case_in, kinds
from tests.integration.test_review import html_text, needs_pdftotext, notice_of, pdf_text

S = CaseState


def _proposed(office: Office) -> int:
    """A warned social group's leader proposed for replacement (shetuan-30), notice served."""
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "propose_replacement")
    serve_all(office, case_id, date(2026, 11, 27))
    return case_id


@needs_pdftotext
def test_the_prior_notice_offers_the_hearing(office: Office, tmp_path: Path) -> None:
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "propose_replacement")
    assert "hearing_request" in kinds(office, case_id)
    notice = notice_of(office, case_id, "replacement_prior_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert "第六十三条、第六十四条的规定，你单位有权要求举行听证" in text
        assert "应当自收到本告知书之日起五个工作日内向本机关提出" in text


def test_the_order_waits_for_the_hearing_request_window(make_office: MakeOffice) -> None:
    office = make_office()
    case_id = _proposed(office)
    # Served on Friday 27 Nov: five working days end on Friday 4 Dec.
    later = make_office(now="2026-12-04T17:00:00+08:00")
    with pytest.raises(GuardRefused, match="hearing-request window is open until 2026-12-04"):
        advance(later, case_id, "order_replacement")
    after = make_office(now="2026-12-07T09:00:00+08:00")
    scrutinize(after, case_id, "review")
    assert advance(after, case_id, "order_replacement").to_state is S.REPLACEMENT_ORDERED


@needs_pdftotext
def test_a_requested_hearing_is_held_before_the_order(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = make_office()
    case_id = _proposed(office)
    result = advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    assert result.to_state is S.REPLACEMENT_PROPOSED
    assert [t for _, t, _ in result.notices] == ["hearing_notice"]
    with pytest.raises(GuardRefused, match="a hearing is scheduled already"):
        advance(office, case_id, "request_hearing", date=date(2026, 12, 16), time=time(9, 30))
    # The day of the hearing: the windows have closed, the record is still missing.
    office = make_office(now="2026-12-15T16:00:00+08:00")
    with pytest.raises(GuardRefused, match="record_hearing first"):
        advance(office, case_id, "order_replacement")
    org = office.case(case_id).organization.name
    notice = notice_of(office, case_id, "hearing_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert text.count(f"{org}：") == 1
        assert "对你单位作出责令撤换直接负责的主管人员（涉及人员：秘书长" in text
        assert "加盖你单位印章的授权委托书" in text
        assert "由你签名" not in text
    advance(office, case_id, "record_hearing", reason="听证笔录")
    scrutinize(office, case_id, "review")
    order = office.advance(
        case_id,
        "order_replacement",
        details={
            "facts": "拒不整改",
            "evidence": "听证笔录",
            "hearing_summary": "本机关于2026年12月15日依法举行听证",
        },
    )
    assert order.to_state is S.REPLACEMENT_ORDERED
    decision = notice_of(office, case_id, "replacement_order")
    text = html_text(office, decision)
    assert "陈述、申辩和要求听证的权利" in text and "本机关于2026年12月15日依法举行听证。" in text


def test_a_basis_without_the_hearing_offers_none(make_office: MakeOffice, tmp_path: Path) -> None:
    config = tmp_path / "office.yaml"
    config.write_text("bases:\n  shetuan-30:\n    hearing: []\n", "utf-8")
    office = make_office(config=config)
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "propose_replacement")
    assert "hearing_request" not in kinds(office, case_id)
    notice = notice_of(office, case_id, "replacement_prior_notice")
    assert "听证" not in html_text(office, notice)
    with pytest.raises(GuardRefused, match="offered no hearing: basis shetuan-30") as refused:
        advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    assert "bases.shetuan-30.hearing" in refused.value.message
    [line] = [n for n in office.next_events(case_id)[1] if n.event == "request_hearing"]
    assert not line.allowed
    for event in ("record_hearing", "reschedule_hearing"):
        with pytest.raises(GuardRefused, match="no hearing was requested"):
            advance(office, case_id, event, **({"absent": True} if event == "record_hearing"
                                               else {"date": date(2026, 12, 15),
                                                     "time": time(9, 30)}))  # fmt: skip
    assert office.case(case_id).state is S.REPLACEMENT_PROPOSED


def test_the_setting_names_only_penalties_the_basis_allows(tmp_path: Path, db_url: str) -> None:
    config = tmp_path / "office.yaml"
    config.write_text("bases:\n  shetuan-30:\n    hearing: [ban]\n", "utf-8")
    with pytest.raises(ConfigError, match=r"bases.shetuan-30.hearing: 'ban' is not a penalty"):
        supervise.open(db_url, config=config, actor="zhang", now=NOW, environ=TEST_ENV)


def test_the_command_line_asks_for_the_hearing(db_url: str, tmp_path: Path) -> None:
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        case_id = _proposed(office)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    details = tmp_path / "hearing.yaml"
    details.write_text("chair: 赵六\n", "utf-8")
    args = ["case", "advance", str(case_id), "request_hearing", "--date", "2026-12-15T09:30",
            "--place", "听证室", "--details", str(details)]  # fmt: skip
    result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 0, result.stderr
    assert "replacement_proposed -> replacement_proposed" in result.stdout
    again = CliRunner().invoke(cli, args, env=env)
    assert again.exit_code == 1
    assert again.stderr.strip().splitlines() == [again.stderr.strip()]
    assert "a hearing is scheduled already" in again.stderr
