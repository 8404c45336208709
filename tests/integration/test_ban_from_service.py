"""Issue 10, item 12: the bureau's ban runs from the service of its decision. Decided but not
served, it is pending: it already bars appointments, ``bans check`` shows it as pending, its
term has no dates yet and it cannot be lifted; service sets its first and last day."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path

import pytest
from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.errors import Banned, GuardRefused
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban, id_number
from tests.conftest import NOW, TEST_ENV, MakeOffice, new_org, open_case
from tests.integration.helpers import advance
from tests.integration.test_review import html_text, needs_pdftotext, notice_of, pdf_text

S = CaseState


def _decided(office: Office, years: int = 2) -> tuple[int, int, str]:
    """A two-year charity ban decided on 2026-11-27 after a hearing; (case, person, ID)."""
    number = id_number()
    person = office.add_person(name="李四", id_number=number, address="重庆市渝中区民生路2号")
    case_id = open_case(office, kind="foundation", charity=True, person_id=person.id)
    advance(office, case_id, "propose_ban", years=3)
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, case_id, "record_hearing", absent=True)
    clear_ban(office, case_id)  # 法制审核 and 集体讨论
    assert advance(office, case_id, "impose_ban", years=years).to_state is S.BANNED
    return case_id, person.id, number


@needs_pdftotext
def test_the_decision_says_the_term_runs_from_service(office: Office, tmp_path: Path) -> None:
    case_id, _, _ = _decided(office)
    decision = notice_of(office, case_id, "ban_decision")
    for text in (html_text(office, decision), pdf_text(office, decision, tmp_path)):
        # In the statute's words (慈善法 Art. 112), the term from service, no dates.
        assert "二年内不得担任慈善组织的管理人员" in text
        assert "禁止期限：二年，自本决定书送达之日起计算。" in text
        assert "本决定自送达之日起生效" in text
        assert "2028年" not in text and "至" not in text.split("禁止期限：")[1][:20]


def test_a_pending_ban_blocks_appointments_and_shows_as_pending(office: Office) -> None:
    case_id, person, number = _decided(office)
    [found] = office.check_bans(number)
    assert found.check_json() == {
        "case": case_id,
        "basis": "cishan-112",
        "from": None,
        "until": None,
        "lifelong": False,
        "status": "pending",
        "years": 2,
    }
    charity = new_org(office, kind="service-org", charity=True)
    with pytest.raises(Banned) as refused:
        office.appoint(org=charity, person=person, role="院长")
    assert "pending" in refused.value.message and "service of the decision" in refused.value.message
    assert list(office.cases(org=charity)) == []
    assert [b.id for b in office.bans(active=True)] == [found.id]
    # The term has not started: the ban cannot be lifted, and its end waits for service.
    later = office.at(datetime.fromisoformat("2031-01-05T09:00:00+08:00"))
    with pytest.raises(GuardRefused, match="has not been served"):
        advance(later, case_id, "lift_ban")
    [end] = [d for d in office.case(case_id).deadlines if d.kind == "ban_end"]
    assert end.waiting


def test_service_starts_the_term_and_a_new_service_moves_it(make_office: MakeOffice) -> None:
    office = make_office()
    case_id, _, number = _decided(office)
    decision = notice_of(office, case_id, "ban_decision")
    served = make_office(now="2026-12-03T10:00:00+08:00")
    result = served.serve_notice(decision, method="mail", on=date(2026, 12, 2))
    assert ("ban_end", date(2028, 12, 1)) in result.windows
    [ban] = served.bans()
    assert (ban.status, ban.start, ban.until, ban.years) == (
        "active",
        date(2026, 12, 2),
        date(2028, 12, 1),
        2,
    )
    [end] = [d for d in served.case(case_id).deadlines if d.kind == "ban_end"]
    assert (end.due, end.waiting) == (date(2028, 12, 1), False)
    # Before service the person was barred as pending; on and after it, by the term.
    assert [b.status for b in served.check_bans(number)] == ["active"]
    # The first delivery was returned; the decision served again on 12-08 starts the term then.
    again = make_office(now="2026-12-08T10:00:00+08:00")
    again.serve_notice(decision, method="mail", on=date(2026, 12, 8))
    [ban] = again.bans()
    assert (ban.start, ban.until) == (date(2026, 12, 8), date(2028, 12, 7))
    [end] = [d for d in again.case(case_id).deadlines if d.kind == "ban_end"]
    assert end.due == date(2028, 12, 7)
    # Lifted only after the term counted from service.
    with pytest.raises(GuardRefused, match="runs until 2028-12-07"):
        advance(make_office(now="2028-12-07T18:00:00+08:00"), case_id, "lift_ban")
    done = advance(make_office(now="2028-12-08T09:00:00+08:00"), case_id, "lift_ban")
    assert done.to_state is S.BAN_ENDED


def test_a_pending_ban_can_be_set_aside(office: Office) -> None:
    case_id, _, number = _decided(office)
    advance(office, case_id, "revoke_ban", reason="复议撤销", reference="渝府复〔2026〕9号")
    assert office.check_bans(number) == []
    [ban] = office.bans()
    assert ban.status == "revoked"


@needs_pdftotext
def test_the_cascade_notice_says_the_term_runs_from_service(office: Office, tmp_path: Path) -> None:
    person = office.add_person(name="李四", id_number=id_number(), address="重庆市渝中区民生路2号")
    banned = open_case(office, kind="foundation", charity=True, person_id=person.id)
    other = open_case(office, kind="service-org", charity=True, person_id=person.id)
    advance(office, banned, "propose_ban", years=2)
    advance(office, banned, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
    advance(office, banned, "record_hearing", absent=True)
    clear_ban(office, banned)
    assert advance(office, banned, "impose_ban", years=2).cascaded == [other]
    notice = notice_of(office, other, "cascade_notice")
    for text in (html_text(office, notice), pdf_text(office, notice, tmp_path)):
        assert "禁止期限：二年，自该决定书送达之日起计算。" in text


def test_the_command_line_takes_years_and_shows_pending(db_url: str, tmp_path: Path) -> None:
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        number = id_number()
        person = office.add_person(name="李四", id_number=number, address="重庆市渝中区民生路2号")
        case_id = open_case(office, kind="foundation", charity=True, person_id=person.id)
        advance(office, case_id, "propose_ban", years=3)
        advance(office, case_id, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
        advance(office, case_id, "record_hearing", absent=True)
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    runner = CliRunner()
    base = ["case", "advance", str(case_id), "impose_ban", "--facts", "挪用", "--details"]
    details = tmp_path / "ban.yaml"
    details.write_text("evidence: 审计报告\n", "utf-8")
    for bad, said in (
        (["--until", "2028-11-26"], "not --until"),
        (["--years", "2", "--lifelong"], "not both"),
    ):
        result = runner.invoke(cli, [*base, str(details), *bad], env=env)
        assert result.exit_code == 2, result.stderr
        assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        assert office.case(case_id).state is S.HEARING_SCHEDULED
        assert office.bans() == []
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        clear_ban(office, case_id)  # 法制审核 and 集体讨论
        advance(office, case_id, "impose_ban", years=2)
    result = runner.invoke(cli, ["bans", "check", "--id-number", number], env=env)
    assert result.exit_code == 0
    assert "2 years from the service of the decision (not served yet)" in result.stdout
    assert "pending" in result.stdout
    result = runner.invoke(cli, ["bans", "check", "--id-number", number, "--json"], env=env)
    [shown] = json.loads(result.stdout)["bans"]
    assert (shown["status"], shown["from"], shown["years"]) == ("pending", None, 2)
