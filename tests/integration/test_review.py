"""Issue 10: documents that hold up on review, read from the generated documents themselves
(the text of the HTML and, through ``pdftotext``, of the PDF), on SQLite and PostgreSQL.

One test (or a few) per item of the issue: court bans stay the court's, the penalty
proposed is the penalty imposed or less, the hearing is noticed seven working days before
it counted from service, and the party is identified (address, full ID number on the
served original only).
"""

from __future__ import annotations

import html as html_lib
import re
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from click.testing import CliRunner

from supervise.cli import cli
from supervise.errors import GuardRefused, InvalidInput
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import COURT, clear_ban, serve_all
from supervise.validation import mask_id_number
from tests.conftest import (
    NOW,
    TEST_ENV,
    MakeOffice,
    get_case,
    new_org,
    new_person,
    open_case,
)
from tests.integration.helpers import advance, case_in

S = CaseState
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils"
)


def flat(text: str) -> str:
    """Text without the style sheet, tags and white space (line breaks split no phrase)."""
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    return re.sub(r"\s+", "", html_lib.unescape(re.sub(r"<[^>]+>", "", text)))


def html_text(office: Office, notice_id: int, *, public: bool = False) -> str:
    return flat(office.render_notice(notice_id, "html", public=public).data.decode("utf-8"))


def pdf_text(
    office: Office, notice_id: int, tmp_path: Path, *, public: bool = False, mark: bool = False
) -> str:
    path = tmp_path / f"{notice_id}{'-public' if public else ''}.pdf"
    path.write_bytes(office.render_notice(notice_id, "pdf", public=public).data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    # Page numbers (—1—) fall where the page breaks, inside sentences; so does the 样本
    # watermark of the test offices' placeholder data (kept when ``mark``).
    text = re.sub(r"—\d+—", "", flat(done.stdout))
    return text if mark else text.replace("样本", "")


def notice_of(office: Office, case_id: int, notice_type: str) -> int:
    return [n.id for n in office.notices(case=case_id) if n.type == notice_type][-1]


# --- 1. a court's ban is the court's ------------------------------------------------------------

BUREAU_CLAIMS = ("本机关依据", "对你作出", "本机关作出", "行政处罚决定", "法发〔2022〕32号")


@needs_pdftotext
def test_a_court_ban_that_ends_is_reported_as_the_courts(office: Office, tmp_path: Path) -> None:
    case_id = case_in(office, S.BAN_ENDED)  # recorded after its end, lifted at once
    notice = notice_of(office, case_id, "ban_lifted")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert f"{COURT}作出的刑事判决（(2023)渝0103刑初9号）禁止你" in text
        assert "已于2026年11月20日届满" in text
        assert "本机关已在从业禁止登记中记载其期满" in text
        for claim in BUREAU_CLAIMS:
            assert claim not in text, claim
    [ban] = [b for b in office.bans() if b.case == case_id]
    assert (ban.court, ban.judgment, ban.status) == (COURT, "(2023)渝0103刑初9号", "ended")


@needs_pdftotext
def test_a_court_ban_set_aside_is_recorded_with_the_judgment(
    office: Office, tmp_path: Path
) -> None:
    case_id = case_in(office, S.BAN_REVOKED)
    notice = notice_of(office, case_id, "revocation_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert f"{COURT}作出的刑事判决（(2026)渝0103刑初1号）" in text
        assert "已由渝府复〔2026〕1号撤销" in text
        assert "本机关已据此在从业禁止登记中记载该从业禁止被撤销" in text
        for claim in BUREAU_CLAIMS:
            assert claim not in text, claim
    [ban] = [b for b in office.bans() if b.case == case_id]
    assert (ban.status, ban.end_reference, ban.court) == ("revoked", "渝府复〔2026〕1号", COURT)
    assert ban.as_json()["end_reference"] == "渝府复〔2026〕1号"


def test_a_court_ban_needs_its_court(office: Office) -> None:
    case_id = open_case(office)
    with pytest.raises(InvalidInput, match="needs --court NAME"):
        office.advance(
            case_id,
            "record_court_ban",
            judgment="(2026)渝0103刑初1号",
            start=date(2026, 11, 1),
            until=date(2030, 10, 31),
        )
    assert office.case(case_id).state is S.APPOINTED and office.bans() == []


# --- 2. the penalty proposed is the penalty imposed, or less --------------------------------------


@needs_pdftotext
def test_the_prior_notice_states_the_term_proposed(office: Office, tmp_path: Path) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_ban", years=3)
    assert get_case(office, case_id).proposed_measure == 3
    notice = notice_of(office, case_id, "ban_prior_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert "拟对你作出如下行政处罚：三年内不得担任慈善组织的管理人员" in text
        assert "年以上" not in text and "年以下" not in text  # never a range


def _heard(office: Office, years: int) -> int:
    case_id = open_case(office)
    advance(office, case_id, "propose_ban", years=years)
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)  # 法制审核 and 集体讨论 (issue 11)
    return case_id


def test_a_heavier_ban_than_proposed_is_refused(office: Office) -> None:
    case_id = _heard(office, 3)
    with pytest.raises(GuardRefused) as refused:
        advance(office, case_id, "impose_ban", years=4)
    assert refused.value.kind == "guard"
    assert refused.value.details["rule"] == "measure"
    assert "第四十四条、第四十五条、第六十二条" in str(refused.value)
    assert "drop_ban, then propose_ban" in str(refused.value)
    assert office.case(case_id).state is S.HEARING_SCHEDULED
    # The proposed term or less is allowed; the term's days follow from the years and the
    # day the decision is served.
    result = advance(office, case_id, "impose_ban", years=2)
    assert result.to_state is S.BANNED
    [ban] = [b for b in office.bans() if b.case == case_id]
    assert (ban.status, ban.years, ban.until) == ("pending", 2, None)
    serve_all(office, case_id, date(2026, 11, 27))
    [ban] = [b for b in office.bans() if b.case == case_id]
    assert (ban.status, ban.start, ban.until) == ("active", date(2026, 11, 27), date(2028, 11, 26))
    assert get_case(office, case_id).proposed_measure is None


def test_a_heavier_ban_needs_a_new_prior_notice(office: Office) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_ban", years=2)
    advance(office, case_id, "drop_ban", reason="拟加重处罚，重新告知")
    advance(office, case_id, "propose_ban", years=4)
    assert get_case(office, case_id).proposed_measure == 4
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)
    assert advance(office, case_id, "impose_ban", years=4).to_state is S.BANNED


@pytest.mark.parametrize(
    ("years", "error", "message"),
    [
        (None, InvalidInput, "propose_ban needs --years N"),
        (6, GuardRefused, "outside the 1-5 years"),
        (0, InvalidInput, "--years must be a whole number"),
    ],
)
def test_a_proposal_states_a_term_its_basis_allows(
    office: Office, years: int | None, error: type[Exception], message: str
) -> None:
    case_id = open_case(office)
    with pytest.raises(error, match=message):
        office.advance(case_id, "propose_ban", years=years, facts="违规", details={"evidence": "x"})
    assert office.case(case_id).state is S.APPOINTED
    assert office.notices(case=case_id) == []


def test_dropping_a_ban_restores_the_earlier_proposal_measure(office: Office) -> None:
    case_id = case_in(office, S.WARNING_PROPOSED)
    advance(office, case_id, "propose_ban", years=2)
    advance(office, case_id, "drop_ban", reason="x")
    assert get_case(office, case_id).proposed_measure is None
    assert office.case(case_id).state is S.WARNING_PROPOSED


# --- 3. the hearing is noticed seven working days before it, counted from service --------------


def _hearing_noticed(office: Office) -> tuple[int, int]:
    case_id = open_case(office)
    advance(office, case_id, "propose_ban", years=3)
    serve_all(office, case_id, date(2026, 11, 27))
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    return case_id, notice_of(office, case_id, "hearing_notice")


@needs_pdftotext
def test_the_hearing_notice_gives_the_hour(office: Office, tmp_path: Path) -> None:
    _, notice = _hearing_noticed(office)
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert "听证时间：2026年12月15日上午9时30分" in text


def test_a_hearing_notice_served_too_late_is_refused(make_office: MakeOffice) -> None:
    office = make_office()
    case_id, notice = _hearing_noticed(office)
    late = make_office(now="2026-12-10T10:00:00+08:00")
    with pytest.raises(GuardRefused) as refused:
        late.serve_notice(notice, method="mail", on=date(2026, 12, 10))
    message = str(refused.value)
    assert refused.value.kind == "guard"
    # Served on 12-10, the hearing could be held on 12-21 at the earliest; for the hearing
    # on 12-15 it had to be served by Sunday 12-06 (then 12-07 … 12-15 are 7 working days).
    assert "the latest date this notice could have been served for that hearing is 2026-12-06" in (
        message
    )
    assert "held on 2026-12-21 at the earliest" in message
    assert f"supervise case advance {case_id} reschedule_hearing --date 2026-12-21" in message
    assert "第六十四条" in message
    [view] = [n for n in late.notices(case=case_id) if n.id == notice]
    assert view.served_on is None
    # Served in time, it is recorded.
    in_time = make_office(now="2026-12-04T16:00:00+08:00")
    assert in_time.serve_notice(notice, method="mail", on=date(2026, 12, 4)).notice.served_on


def test_the_hour_is_given_on_the_command_line(db_url: str, tmp_path: Path) -> None:
    office_env = {
        "SUPERVISE_NOW": NOW.isoformat(),
        "SUPERVISE_DB": db_url,
        "SUPERVISE_USER": "zhang",
    }
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str, str]:
        result = runner.invoke(cli, list(args), env=office_env)
        return result.exit_code, result.stdout, result.stderr

    import supervise

    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        first = open_case(office)
        second = open_case(office)
        for case_id in (first, second):
            advance(office, case_id, "propose_ban", years=3)
    code, out, err = run(
        "case", "advance", str(first), "request_hearing", "--date", "2026-12-15T09:30",
        "--place", "听证室", "--details", str(_chair(tmp_path)),
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(
        "case", "advance", str(second), "request_hearing", "--date", "2026-12-15",
        "--time", "14:30", "--place", "听证室", "--details", str(_chair(tmp_path)),
    )  # fmt: skip
    assert code == 0, err
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        assert "2026年12月15日上午9时30分" in html_text(
            office, notice_of(office, first, "hearing_notice")
        )
        assert "2026年12月15日下午2时30分" in html_text(
            office, notice_of(office, second, "hearing_notice")
        )
    for bad, message in (
        (["--date", "2026-12-16"], "needs the hearing's hour"),
        (["--date", "2026-12-16T25:00"], "not a time of day"),
        (["--date", "2026-12-16T09:30", "--time", "10:00"], "give the hour once"),
        (["--time", "10:00"], "takes --time only with --date"),
    ):
        code, out, err = run("case", "advance", str(first), "reschedule_hearing", *bad)
        assert code == 2, (bad, err)
        assert message in err and len(err.strip().splitlines()) == 1


def _chair(tmp_path: Path) -> Path:
    path = tmp_path / "hearing.yaml"
    path.write_text("chair: 赵六\n", encoding="utf-8")
    return path


# --- 4. the party is identified ---------------------------------------------------------------


def test_a_decision_without_the_party_address_is_refused(office: Office) -> None:
    org = new_org(office, address=None)
    case_id = office.appoint(org=org, person=new_person(office), role="秘书长").id
    advance(office, case_id, "propose_warning")
    advance(office, case_id, "record_statement", waiver=True)
    with pytest.raises(GuardRefused, match=f"supervise org edit {org} --address TEXT"):
        advance(office, case_id, "issue_warning")
    office.edit_org(org, address="重庆市渝中区中山一路9号", legal_representative="王立")
    assert advance(office, case_id, "issue_warning").to_state is S.WARNED
    text = html_text(office, notice_of(office, case_id, "warning_decision"))
    assert "住所：重庆市渝中区中山一路9号" in text and "法定代表人：王立" in text

    person = new_person(office, address=None)
    banned = office.appoint(org=new_org(office, charity=True), person=person, role="理事长").id
    advance(office, banned, "propose_ban", years=2)
    advance(office, banned, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, banned, "record_hearing", absent=True)
    clear_ban(office, banned)
    with pytest.raises(GuardRefused, match=f"supervise person edit {person} --address TEXT"):
        advance(office, banned, "impose_ban", years=2)
    assert office.case(banned).state is S.HEARING_SCHEDULED


@needs_pdftotext
def test_the_served_original_carries_the_full_id_number_and_nothing_else_does(
    office: Office, tmp_path: Path
) -> None:
    number = "500103198001010016"
    person = office.add_person(name="李四", id_number=number, address="重庆市渝中区民生路2号").id
    case_id = office.appoint(org=new_org(office, charity=True), person=person, role="理事长").id
    advance(office, case_id, "propose_ban", years=2)
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)
    advance(office, case_id, "impose_ban", years=2)
    masked = mask_id_number(number)
    for notice_type in ("ban_prior_notice", "ban_decision"):
        notice = notice_of(office, case_id, notice_type)
        original = html_text(office, notice)
        assert f"身份证号码：{number}" in original and "住址：重庆市渝中区民生路2号" in original
        assert number in pdf_text(office, notice, tmp_path)
        for public in (
            html_text(office, notice, public=True),
            pdf_text(office, notice, tmp_path, public=True),
        ):  # noqa: E501
            assert number not in public and masked in public
            assert "民生路2号" not in public and "住址：重庆市渝中区" in public
        # What is stored (and mailed to supervisors) holds the masked number only.
        [view] = [n for n in office.notices(case=case_id) if n.id == notice]
        assert view.number
    with office.runtime.uow() as uow:
        from supervise import model

        for stored in uow.session.query(model.Notice).filter_by(case_id=case_id):
            assert number not in stored.html and number not in str(stored.snapshot)
    # verify accepts the served original as rendered.
    decision = notice_of(office, case_id, "ban_decision")
    path = tmp_path / "original.html"
    path.write_bytes(office.render_notice(decision, "html").data)
    assert office.verify_notice(decision, path)


def test_party_inputs_are_validated_and_change_nothing(db_url: str) -> None:
    import supervise

    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        org = new_org(office)
        person = new_person(office)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    runner = CliRunner()
    for args in (
        ["org", "edit", str(org), "--address", "x\x1b[31m"],
        ["org", "edit", str(org), "--legal-representative", "长" * 101],
        ["org", "edit", str(org), "--address", "   "],
        ["person", "edit", str(person), "--address", "a" * 201],
        ["person", "add", "--name", "王五", "--id-number", "500103198001010024", "--address",
         "\u202eevil"],
    ):  # fmt: skip
        result = runner.invoke(cli, args, env=env)
        assert result.exit_code == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        assert office.org(org).address == "重庆市渝中区人民路1号"
        assert office.person(person).address == "重庆市渝中区民生路2号"
        assert len(office.persons()) == 1


# --- 14. no document goes out with placeholder office data ---------------------------------------


@needs_pdftotext
def test_placeholder_office_data_fails_doctor_and_marks_notices(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    placeholder = make_office()
    [office_check] = [c for c in placeholder.doctor() if c.name == "office"]
    assert not office_check.ok
    assert "office.address and office.phone" in office_check.message
    case_id = case_in(placeholder, S.WARNING_PROPOSED)
    notice = notice_of(placeholder, case_id, "warning_prior_notice")
    for text in (
        html_text(placeholder, notice),
        pdf_text(placeholder, notice, tmp_path, mark=True),
    ):
        assert "样本" in text and "不得作为正式文书送达" in text

    config = tmp_path / "office.yaml"
    config.write_text(
        "office:\n  address: 重庆市渝北区示范大道100号\n  phone: '023-67000000'\n", "utf-8"
    )
    own = make_office(config=config)
    [office_check] = [c for c in own.doctor() if c.name == "office"]
    assert office_check.ok
    case_id = case_in(own, S.WARNING_PROPOSED)
    notice = notice_of(own, case_id, "warning_prior_notice")
    html, pdf = html_text(own, notice), pdf_text(own, notice, tmp_path, mark=True)
    assert "样本" not in html and "样本" not in pdf
    # 17: the seal placeholder shows on screen only, never in the PDF.
    assert "（印章）" in html and "（印章）" not in pdf


# --- 5, 10, 11, 16: what the documents say -----------------------------------------------------


@needs_pdftotext
def test_the_warning_orders_rectification_with_its_term(office: Office, tmp_path: Path) -> None:
    case_id = case_in(office, S.WARNED)
    notice = notice_of(office, case_id, "warning_decision")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert (
            "责令你单位自收到本决定书之日起三十日内改正上述违法行为，并将改正情况书面报告本机关"
            in (text)
        )
        assert "立即纠正" not in text and "本文书" not in text


@needs_pdftotext
def test_the_interview_rectification_cites_its_basis(office: Office, tmp_path: Path) -> None:
    case_id = case_in(office, S.RECTIFYING)
    rule = "《社会组织登记管理机关行政执法约谈工作规定（试行）》（民发〔2016〕39号）第二条"
    order = notice_of(office, case_id, "rectification_order")
    for text in (html_text(office, order), pdf_text(office, order, tmp_path)):
        assert f"根据{rule}的规定，本机关责令你单位限期整改" in text
        assert "自收到本通知书之日起三十日内完成整改" in text


def test_an_office_rule_replaces_the_interview_basis(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    config = tmp_path / "office.yaml"
    config.write_text("office:\n  interview_basis: 《重庆市社会组织约谈办法》第八条\n", "utf-8")
    office = make_office(config=config)
    case_id = case_in(office, S.RECTIFYING)
    for notice_type in ("interview_notice", "interview_record", "rectification_order"):
        assert "《重庆市社会组织约谈办法》第八条" in html_text(
            office, notice_of(office, case_id, notice_type)
        )


@needs_pdftotext
def test_endings_cite_the_decision_from_the_record(make_office: MakeOffice, tmp_path: Path) -> None:
    office = make_office()
    case_id = _heard(office, 1)
    advance(office, case_id, "impose_ban", years=1)
    decision = [n for n in office.notices(case=case_id) if n.type == "ban_decision"][-1]
    office.serve_notice(decision.id, method="mail", on=date(2026, 11, 27))  # the term starts
    later = make_office(now="2027-12-01T09:00:00+08:00")
    later.advance(case_id, "lift_ban")
    lifted = notice_of(later, case_id, "ban_lifted")
    for text in (html_text(later, lifted), pdf_text(later, lifted, tmp_path)):
        assert (
            f"于2026年11月27日依据《中华人民共和国慈善法》第一百一十二条对你作出《从业禁止决定书》（{decision.number}）"
            in text
        )  # noqa: E501
        assert "已于2027年11月26日届满" in text

    warned = case_in(office, S.WARNED)
    warning = notice_of(office, warned, "warning_decision")
    number = [n.number for n in office.notices(case=warned) if n.id == warning][0]
    advance(office, warned, "revoke_warning", reason="事实不清", reference="渝府复〔2026〕9号")
    revoked = notice_of(office, warned, "revocation_notice")
    for text in (html_text(office, revoked), pdf_text(office, revoked, tmp_path)):
        assert f"《行政处罚决定书》（{number}），已由渝府复〔2026〕9号予以撤销" in text
        assert "自始不发生法律效力" in text and "不再执行" not in text


# --- 13. the cascade is documented ----------------------------------------------------------------


@needs_pdftotext
def test_each_organization_the_ban_reaches_gets_a_notice(office: Office, tmp_path: Path) -> None:
    person = new_person(office)
    banned = office.appoint(org=new_org(office, charity=True), person=person, role="理事长").id
    other = office.appoint(org=new_org(office, charity=True), person=person, role="秘书长").id
    plain = office.appoint(org=new_org(office, charity=False), person=person, role="理事").id
    advance(office, banned, "propose_ban", years=2)
    advance(office, banned, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, banned, "record_hearing", absent=True)
    clear_ban(office, banned)
    result = advance(office, banned, "impose_ban", years=2)
    assert result.cascaded == [other]  # a charity ban does not reach the plain association
    decision = [n for n in office.notices(case=banned) if n.type == "ban_decision"][-1]
    notice = notice_of(office, other, "cascade_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert f"《从业禁止决定书》（{decision.number}）" in text
        assert "二年内不得担任慈善组织的管理人员" in text
        assert "依照《中华人民共和国慈善法》第一百一十二条" in text
        assert "自收到本通知书之日起三十日内依照章程终止其秘书长职务" in text
        assert "本通知不是对你单位的行政处罚" in text
    # The replacement period waits for the notice to be served.
    [waiting] = [d for d in office.case(other).deadlines if d.kind == "replacement"]
    assert waiting.waiting and waiting.notice == notice
    assert office.notices(case=plain) == []
    assert "the post must end" in (office.case(other).history[-1].reason or "")


def test_a_court_ban_cascade_cites_the_judgment(office: Office) -> None:
    person = new_person(office)
    first = office.appoint(org=new_org(office), person=person, role="理事长").id
    second = office.appoint(org=new_org(office, charity=False), person=person, role="理事").id
    result = advance(
        office, first, "record_court_ban", judgment="(2026)渝0103刑初5号", court=COURT,
        start=date(2026, 11, 1), until=date(2030, 10, 31),
    )  # fmt: skip
    assert result.cascaded == [second]
    text = html_text(office, notice_of(office, second, "cascade_notice"))
    assert f"{COURT}作出的刑事判决（(2026)渝0103刑初5号）禁止" in text
    assert "依照《中华人民共和国未成年人保护法》第六十二条" in text
    assert "本机关于" not in text and "行政处罚决定" not in text


# --- 8. the law in force at the time of the conduct ----------------------------------------------


def test_a_basis_not_in_force_at_the_conduct_is_refused(
    make_office: MakeOffice, tmp_path: Path
) -> None:
    office = make_office()
    case_id = open_case(office)
    # 慈善法 as revised in 2023 (its Art. 112 ban) took effect on 2024-09-05.
    with pytest.raises(GuardRefused) as refused:
        advance(office, case_id, "propose_ban", years=2, conduct_date=date(2024, 8, 1))
    assert refused.value.details["rule"] == "law_in_force"
    assert "took effect on 2024-09-05" in str(refused.value) and "第三十七条" in str(refused.value)
    with pytest.raises(InvalidInput, match="needs --conduct-date"):
        office.advance(case_id, "propose_ban", years=2, facts="违规", details={"evidence": "x"})
    with pytest.raises(InvalidInput, match="in the future"):
        advance(office, case_id, "propose_ban", years=2, conduct_date=date(2026, 12, 1))
    assert office.case(case_id).state is S.APPOINTED and office.notices(case=case_id) == []
    advance(office, case_id, "propose_ban", years=2, conduct_date=date(2024, 9, 5))
    assert get_case(office, case_id).conduct_date == date(2024, 9, 5)
    # A warning under a regulation in force for decades needs no conduct date.
    warned = open_case(office)
    assert advance(office, warned, "propose_warning").to_state is S.WARNING_PROPOSED

    # 从旧兼从轻: a provision the configuration marks lighter applies to earlier conduct.
    config = tmp_path / "office.yaml"
    config.write_text("bases:\n  cishan-112:\n    lighter: true\n", "utf-8")
    lighter = make_office(config=config)
    other = open_case(lighter)
    advance(lighter, other, "propose_ban", years=1, conduct_date=date(2024, 8, 1))
    assert get_case(lighter, other).conduct_date == date(2024, 8, 1)


def test_the_conduct_date_is_validated_on_the_command_line(db_url: str) -> None:
    import supervise

    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        case_id = open_case(office)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    for bad in ("2024-02-30", "yesterday", "0001-01-01"):
        result = CliRunner().invoke(
            cli,
            ["case", "advance", str(case_id), "propose_ban", "--years", "2",
             "--conduct-date", bad, "--facts", "x"],
            env=env,
        )  # fmt: skip
        assert result.exit_code == 2 and "--conduct-date" in result.stderr, result.stderr
    result = CliRunner().invoke(
        cli, ["case", "advance", str(case_id), "leave", "--reason", "x", "--conduct-date",
              "2026-01-01"], env=env,
    )  # fmt: skip
    assert result.exit_code == 2 and "takes no --conduct-date" in result.stderr


# --- 9. receipts of service --------------------------------------------------------------------


def test_direct_service_needs_its_receipt_or_a_reason(db_url: str, tmp_path: Path) -> None:
    import supervise

    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        case_id = case_in(office, S.WARNING_PROPOSED)
        [notice] = office.notices(case=case_id)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    scan = tmp_path / "回证.pdf"
    scan.write_bytes(b"%PDF-1.4 signed receipt")
    base = ["notice", "serve", str(notice.id), "--on", "2026-11-27", "--method"]
    for args, message in (
        (["direct"], "proved by the signed 送达回证"),
        (["lodged", "--no-receipt"], "--no-receipt and --reason go together"),
        (["direct", "--reason", "x"], "--no-receipt and --reason go together"),
        (["mail", "--no-receipt", "--reason", "x"], "--no-receipt is for direct or lodged"),
        (["direct", "--receipt", str(scan), "--no-receipt", "--reason", "x"], "not both"),
        (["direct", "--no-receipt", "--reason", "bad\x1b[31m"], "--reason"),
    ):
        result = CliRunner().invoke(cli, base + args, env=env)
        assert result.exit_code == 2, (args, result.stderr)
        assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        assert office.notices(case=case_id)[0].served_on is None
    result = CliRunner().invoke(cli, base + ["direct", "--receipt", str(scan)], env=env)
    assert result.exit_code == 0, result.stderr
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        # The receipt's hash is kept: verify recognises the scan as proof of this notice.
        assert office.verify_notice(notice.id, scan)
        history = office.case(case_id).history[-1]
        assert history.event == "serve_notice"
    other = None
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        other = case_in(office, S.WARNING_PROPOSED)
        [second] = office.notices(case=other)
        served = office.serve_notice(
            second.id, method="lodged", on=date(2026, 11, 27),
            no_receipt_reason="受送达人拒绝签收，已拍照留存，见证人王某",
        )  # fmt: skip
        assert served.notice.served_on == date(2026, 11, 27)
        assert office.case(other).history[-1].reason
