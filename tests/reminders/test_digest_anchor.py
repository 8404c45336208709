"""The chains' anchor in every director's morning digest (issue 11): the hash a director
receives by real SMTP is the one ``supervise audit anchor`` prints, ``audit verify
--anchor`` passes with it, and fails once a case's chain has been recomputed whole."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from supervise.cli import cli
from supervise.office import Office
from tests.conftest import new_org, new_person
from tests.integration.helpers import rewrite_chain
from tests.reminders.conftest import MailOffice, write_config
from tests.reminders.helpers import WANG, ZHANG, advance, mails
from tests.smtp_server import SmtpTestServer

ANCHOR = re.compile(r"\d+\.\d+\.[0-9a-f]{64}")
MORNING = "2026-11-27T08:30:00+08:00"


@pytest.fixture
def digest_config(tmp_path: Path, smtp_server: SmtpTestServer) -> Path:
    return write_config(
        tmp_path / "digest.yaml", smtp_server, reminders={"digest": {"cron": "30 8 * * *"}}
    )


def _interview(office: Office, day: date) -> int:
    case_id = office.appoint(org=new_org(office), person=new_person(office), role="秘书长").id
    advance(office, case_id, "schedule_interview", date=day)
    return case_id


def _cli(office: Office, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        ["--db", office.runtime.db_url, "--as", "admin", *args],
        env={"SUPERVISE_NOW": MORNING},
    )
    return result.exit_code, result.stdout, result.stderr


def test_every_director_gets_the_anchor_audit_anchor_prints_and_verify_checks_it(
    office: Office, mail_office: MailOffice, digest_config: Path, smtp_server: SmtpTestServer
) -> None:
    admin = mail_office(user="admin")
    admin.add_user("yb", email="yb@mzj.example.gov.cn", role="director", districts=["渝北区"])
    admin.add_user("off", email="off@mzj.example.gov.cn", role="director")
    admin.disable_user("off")
    case_id = _interview(office, date(2026, 12, 4))  # zhang has something due; wang nothing
    advance(office, case_id, "cancel_interview", reason="改期")
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 7))

    mail_office(now=MORNING, config=digest_config).run_reminders()
    digests = {m.to[0]: m for m in mails(smtp_server, "每日汇总")}
    # Every enabled director with an address, whatever their districts or their load; the
    # supervisor's digest does not carry it.
    assert sorted(digests) == [WANG, "yb@mzj.example.gov.cn", ZHANG]
    assert ANCHOR.search(digests[ZHANG].text) is None and "审计锚点" not in digests[ZHANG].text
    code, printed, _ = _cli(office, "audit", "anchor")
    assert code == 0
    anchor = printed.strip()
    for address in (WANG, "yb@mzj.example.gov.cn"):
        mail = digests[address]
        assert ANCHOR.findall(mail.text) == [anchor, anchor]  # the anchor, and the command
        assert f"supervise audit verify --anchor {anchor}" in mail.text
        assert anchor in mail.html
    # Rows counted and the time: 1 case, appoint + 3 steps, the audit rows so far.
    assert re.search(
        r"涵盖 1 个案件的 4 条历史记录和 \d+ 条审计记录，取于 2026-11-27T08:30:00\+08:00",
        digests[WANG].text,
    )

    code, out, _ = _cli(office, "audit", "verify", "--anchor", anchor)
    assert code == 0 and "the anchor matches" in out
    # Someone with write access rewrites a step and recomputes the case's chain and head:
    # the chain agrees with itself, but not with the anchor the directors received.
    rewrite_chain(office, case_id, 2, "伪造的原因")
    assert _cli(office, "audit", "verify")[0] == 0
    code, out, err = _cli(office, "audit", "verify", "--anchor", anchor)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "rewritten after the anchor was taken" in err


def test_a_director_with_nothing_else_gets_the_anchor_alone(
    office: Office, mail_office: MailOffice, digest_config: Path, smtp_server: SmtpTestServer
) -> None:
    mail_office(now=MORNING, config=digest_config).run_reminders()
    [mail] = mails(smtp_server, "每日汇总")
    assert mail.to == [WANG] and "培育目标" not in mail.text
    assert mail.subject == "【supervise】每日汇总 2026-11-27：10日内到期 0 项，已逾期 0 项"
    # An empty record has an anchor too (no case chain, the audit chain's rows so far).
    assert re.search(r"涵盖 0 个案件的 0 条历史记录和 \d+ 条审计记录", mail.text)
    code, printed, _ = _cli(office, "audit", "anchor")
    assert code == 0 and printed.strip() in mail.text
    # Once a working day: a second run that day sends no second one.
    mail_office(now="2026-11-27T15:00:00+08:00", config=digest_config).run_reminders()
    assert len(mails(smtp_server, "每日汇总")) == 1
