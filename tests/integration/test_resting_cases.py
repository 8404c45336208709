"""Two small things noticed on review of issue 10: a case coming to rest where no penalty
stands forgets the proceeding's basis (a later notice must not cite a stale one), and the
command line says which case each cascade notice belongs to."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from click.testing import CliRunner

import supervise
from supervise.cli import cli
from supervise.office import Office
from supervise.states import CaseState
from supervise.story import clear_ban
from tests.conftest import NOW, TEST_ENV, get_case, new_org, new_person
from tests.integration.helpers import advance, case_in
from tests.integration.test_review import html_text, notice_of

S = CaseState


def test_the_basis_is_forgotten_where_no_penalty_stands(office: Office) -> None:
    warned = case_in(office, S.WARNED)
    assert get_case(office, warned).proceeding_basis == "shetuan-30"  # the warning stands
    advance(office, warned, "revoke_warning", reason="事实不清", reference="渝府复〔2026〕9号")
    assert get_case(office, warned).proceeding_basis is None
    # The revocation notice of that very step still cites the warning's basis.
    text = html_text(office, notice_of(office, warned, "revocation_notice"))
    assert "依据《社会团体登记管理条例》第三十条第一款对你单位作出的" in text

    rectified = case_in(office, S.WARNED)
    advance(office, rectified, "accept_rectification", reason="已整改")
    assert get_case(office, rectified).proceeding_basis is None


def test_cascade_notices_are_listed_with_their_case(db_url: str, tmp_path: Path) -> None:
    with supervise.open(db_url, actor="zhang", now=NOW, environ=TEST_ENV) as office:
        person = new_person(office)
        banned = office.appoint(
            org=new_org(office, kind="foundation", charity=True), person=person, role="理事长"
        ).id
        other = office.appoint(
            org=new_org(office, kind="service-org", charity=True), person=person, role="院长"
        ).id
        advance(office, banned, "propose_ban", years=2)
        advance(office, banned, "request_hearing", date=date(2026, 12, 15), time=time(9, 30))
        advance(office, banned, "record_hearing", absent=True)
        clear_ban(office, banned)  # 法制审核 and 集体讨论
    details = tmp_path / "ban.yaml"
    details.write_text("evidence: 审计报告\n", "utf-8")
    env = {"SUPERVISE_NOW": NOW.isoformat(), "SUPERVISE_DB": db_url, "SUPERVISE_USER": "zhang"}
    result = CliRunner().invoke(
        cli,
        ["case", "advance", str(banned), "impose_ban", "--years", "2", "--facts", "挪用",
         "--details", str(details)],
        env=env,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "notice" in line]
    assert any("(ban_decision)" in line for line in lines), lines
    assert any(f"(cascade_notice, case {other})" in line for line in lines), lines
