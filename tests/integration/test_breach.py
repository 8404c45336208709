"""Issue 10, item 7: bases are cited to the paragraph and item, and the documents name the
provision breached (``--breach KEY``, one of the basis's ``provisions``) apart from the
provision that imposes the penalty; the decision cites the breach its prior notice told."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.errors import InvalidInput
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban, scrutinize, serve_all
from tests.conftest import NOW, TEST_ENV, MakeOffice, open_case
from tests.integration.helpers import advance, case_in
from tests.integration.test_review import html_text, needs_pdftotext, notice_of, pdf_text

S = CaseState
SHETUAN = "《社会团体登记管理条例》"


@needs_pdftotext
def test_the_warning_names_the_item_breached_and_the_paragraph_penalizing(
    office: Office, tmp_path: Path
) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_warning", breach="7")
    prior = notice_of(office, case_id, "warning_prior_notice")
    advance(office, case_id, "record_statement", waiver=True)
    advance(office, case_id, "issue_warning")
    decision = notice_of(office, case_id, "warning_decision")
    for notice in (prior, decision):
        for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
            assert f"属于{SHETUAN}第三十条第一款第（七）项规定的情形" in text
            assert f"依据{SHETUAN}第三十条第一款的规定" in text
    history = office.case(case_id).history
    assert [h.data.get("breach") for h in history if h.event == "propose_warning"] == ["7"]


@needs_pdftotext
def test_a_ban_names_which_of_articles_109_to_111_was_breached(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = make_office()
    case_id = open_case(office, kind="foundation", charity=True)
    advance(office, case_id, "propose_ban", years=2, breach="110")
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)
    advance(office, case_id, "impose_ban", years=2)
    for kind in ("ban_prior_notice", "ban_decision"):
        notice = notice_of(office, case_id, kind)
        for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
            assert "属于《中华人民共和国慈善法》第一百一十条规定的情形" in text
            assert "依据《中华人民共和国慈善法》第一百一十二条的规定" in text


def test_the_replacement_order_cites_the_breach_of_its_latest_proposal(
    make_office: MakeOffice,
) -> None:
    office = make_office()
    case_id = case_in(office, S.WARNED)
    advance(office, case_id, "propose_replacement", breach="2")
    advance(office, case_id, "drop_replacement", reason="重新告知")
    advance(office, case_id, "propose_replacement", breach="6")
    serve_all(office, case_id, date(2026, 11, 27))
    later = make_office(now="2026-12-07T09:00:00+08:00")
    scrutinize(later, case_id, "review")
    advance(later, case_id, "order_replacement")
    text = html_text(later, notice_of(later, case_id, "replacement_order"))
    assert f"属于{SHETUAN}第三十条第一款第（六）项规定的情形" in text
    assert "第（二）项" not in text


def test_an_unknown_provision_is_refused_listing_the_basis_provisions(office: Office) -> None:
    case_id = open_case(office)
    with pytest.raises(InvalidInput) as refused:
        advance(office, case_id, "propose_warning", breach="9")
    message = refused.value.message
    assert message.startswith("--breach '9': basis shetuan-30 lists these provisions: 1 ")
    assert "3 《社会团体登记管理条例》第三十条第一款第（三）项 (拒不接受" in message
    assert office.case(case_id).state is S.APPOINTED
    with pytest.raises(InvalidInput, match="issue_warning takes no --breach"):
        office.advance(case_id, "issue_warning", breach="3")


def test_without_a_breach_the_documents_cite_the_penalizing_provision(office: Office) -> None:
    case_id = open_case(office)
    office.advance(
        case_id, "propose_warning", details={"facts": "未报送年度报告", "evidence": "年检记录"}
    )
    text = html_text(office, notice_of(office, case_id, "warning_prior_notice"))
    assert f"属于{SHETUAN}第三十条第一款规定的情形" in text


def test_the_command_line_takes_the_breach(db_url: str, tmp_path: Path) -> None:
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        case_id = open_case(office)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    details = tmp_path / "w.yaml"
    details.write_text("evidence: 年检记录\n", "utf-8")
    base = ["case", "advance", str(case_id), "propose_warning", "--facts", "未接受年检",
            "--details", str(details)]  # fmt: skip
    bad = CliRunner().invoke(cli, [*base, "--breach", "x\x1b[31m"], env=env)
    assert bad.exit_code == 2 and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
    unknown = CliRunner().invoke(cli, [*base, "--breach", "99"], env=env)
    assert unknown.exit_code == 2 and "--breach '99'" in unknown.stderr
    good = CliRunner().invoke(cli, [*base, "--breach", "3"], env=env)
    assert good.exit_code == 0, good.stderr
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        assert office.case(case_id).state is S.WARNING_PROPOSED
        text = html_text(office, notice_of(office, case_id, "warning_prior_notice"))
        assert f"{SHETUAN}第三十条第一款第（三）项" in text
