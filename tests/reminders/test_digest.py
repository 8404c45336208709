"""The morning digest (working days by the office's calendar, 调休 included) and the agenda."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import pytest

from supervise.errors import ConfigError
from supervise.office import Office
from supervise.services.reminders.digest import digest_time
from tests.conftest import NOW, new_org, new_person
from tests.reminders.conftest import MailOffice, write_config
from tests.reminders.helpers import WANG, ZHANG, advance, mails, rows
from tests.smtp_server import SmtpTestServer


@pytest.fixture
def digest_office(
    mail_office: MailOffice, tmp_path: Path, smtp_server: SmtpTestServer
) -> MailOffice:
    config = write_config(
        tmp_path / "digest.yaml",
        smtp_server,
        reminders={"digest": {"cron": "30 8 * * *", "days": 10}},
    )

    def build(now: datetime | str = NOW, **kwargs: object) -> Office:
        kwargs.setdefault("config", config)
        return mail_office(now=now, **kwargs)

    return build


def interview(office: Office, day: date, user: str | None = None) -> int:
    org = new_org(office)
    person = new_person(office)
    case_id = office.appoint(org=org, person=person, role="秘书长").id
    advance(office, case_id, "schedule_interview", date=day)
    return case_id


def test_digest_lists_due_and_overdue_once_a_working_day(
    office: Office, digest_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    earlier = digest_office(now="2026-11-16T10:00:00+08:00")
    overdue_case = interview(earlier, date(2026, 11, 20))  # passed a week ago
    soon = interview(office, date(2026, 12, 4))
    later = interview(office, date(2026, 12, 31))  # beyond the 10 days
    other = digest_office(user="li")
    interview(other, date(2027, 1, 8))  # li: nothing within 10 days, nothing overdue

    digest_office(now="2026-11-27T08:29:00+08:00").run_reminders()
    assert mails(smtp_server, "每日汇总") == []  # before 08:30
    digest_office(now="2026-11-27T08:30:00+08:00").run_reminders()
    # wang (director) gets one every working day with the chains' anchor (test_digest_anchor).
    [mail] = [m for m in mails(smtp_server, "每日汇总") if m.to != [WANG]]
    assert mail.to == [ZHANG]
    overdue_part, due_part = mail.text.split("二、")
    # The counts in the subject are those of the lists (the overdue service deadline of the
    # interview notice, 7 working days after 11-16, is there too).
    n_overdue = len(re.findall(r"^\d+\. 案件", overdue_part, re.M))
    n_due = len(re.findall(r"^\d+\. 案件", due_part, re.M))
    assert (n_overdue, n_due) >= (1, 1)
    assert mail.subject == (
        f"【supervise】每日汇总 2026-11-27：10日内到期 {n_due} 项，已逾期 {n_overdue} 项"
    )
    assert f"案件{overdue_case} 约谈日期 2026-11-20 届满，已逾期 7 天" in overdue_part
    assert f"案件{soon} 约谈日期 2026-12-04 届满" in due_part
    assert f"案件{later} " not in mail.text
    assert f">{soon}</td>" in mail.html and "2026-12-04" in mail.html
    # Later runs the same day send no second digest; a Saturday has none.
    digest_office(now="2026-11-27T16:00:00+08:00").run_reminders()
    digest_office(now="2026-11-28T09:00:00+08:00").run_reminders()
    digest_office(now="2026-11-29T09:00:00+08:00").run_reminders()
    assert len(mails(smtp_server, "每日汇总")) == 2
    digest_office(now="2026-11-30T08:45:00+08:00").run_reminders()  # Monday
    monday = mails(smtp_server, "每日汇总 2026-11-30")
    # By Monday li's interview notice must be served within the 10 days (12-08): li too.
    assert sorted(m.to[0] for m in monday) == ["li@mzj.example.gov.cn", WANG, ZHANG]
    digests = [m for m in rows(office) if m.kind == "digest"]
    assert sorted((m.recipient, m.step_on) for m in digests) == [
        ("user:li", date(2026, 11, 30)),
        ("user:wang", date(2026, 11, 27)),
        ("user:wang", date(2026, 11, 30)),
        ("user:zhang", date(2026, 11, 27)),
        ("user:zhang", date(2026, 11, 30)),
    ]


def test_digest_follows_the_make_up_working_days(
    digest_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    feb = digest_office(now="2026-02-09T10:00:00+08:00")
    feb.add_user("admin", role="admin")  # the first user: an empty directory checks nobody
    feb.add_user("wang", email="wang@mzj.example.gov.cn", role="director", actor="admin")
    feb.add_user("zhang", email=ZHANG, reports_to="wang", actor="admin")
    interview(feb, date(2026, 2, 24))
    # 2026-02-14 is a Saturday worked in place of a Spring Festival day (调休);
    # 2026-02-16 is a Monday off.
    for day in ("2026-02-14", "2026-02-15", "2026-02-16"):
        digest_office(now=f"{day}T09:00:00+08:00").run_reminders()
    days = [(m.to[0], m.subject.split()[1][:10]) for m in mails(smtp_server, "每日汇总")]
    assert sorted(days) == [(WANG, "2026-02-14"), (ZHANG, "2026-02-14")]


def test_digest_time_comes_from_the_cron_setting(
    digest_office: MailOffice, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    config = write_config(
        tmp_path / "c.yaml", smtp_server, reminders={"digest": {"cron": "0 14 * * mon-fri"}}
    )
    friday = digest_office(config=config)
    assert digest_time(friday.runtime, date(2026, 11, 27)).isoformat() == (  # type: ignore[union-attr]
        "2026-11-27T14:00:00+08:00"
    )
    assert digest_time(friday.runtime, date(2026, 11, 28)) is None  # Saturday
    # A make-up Saturday is a working day, but this cron says mon-fri: no digest then.
    assert digest_time(friday.runtime, date(2026, 2, 14)) is None
    numeric = write_config(
        tmp_path / "n.yaml", smtp_server, reminders={"digest": {"cron": "30 8 * * 1-5"}}
    )
    with pytest.raises(ConfigError, match="names"):
        digest_time(digest_office(config=numeric).runtime, date(2026, 11, 27))


def test_nobody_with_nothing_gets_a_digest_but_the_directors(
    office: Office, digest_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    digest_office(now="2026-11-27T09:00:00+08:00").run_reminders()
    # wang's carries the chains' anchor alone (test_digest_anchor); zhang and li get none.
    assert [m.to for m in mails(smtp_server, "每日汇总")] == [[WANG]]


def test_agenda_per_supervisor(office: Office, mail_office: MailOffice) -> None:
    earlier = mail_office(now="2026-11-16T10:00:00+08:00")
    overdue_case = interview(earlier, date(2026, 11, 20))
    soon = interview(office, date(2026, 12, 4))
    next_year = interview(mail_office(user="li"), date(2027, 1, 6))
    items = office.agenda(days=10)
    got = [(i.case, i.kind, i.overdue, i.supervisor) for i in items if i.kind == "interview"]
    assert got == [(overdue_case, "interview", True, "zhang"), (soon, "interview", False, "zhang")]
    assert [i.case for i in office.agenda(days=60, user="li") if i.kind == "interview"] == [
        next_year
    ]
    [provisional] = [i for i in office.agenda(days=60, user="li") if i.kind == "interview"]
    assert provisional.provisional  # 2027's holidays are not announced yet
    data = provisional.as_json()
    assert {"case", "kind", "due", "provisional", "overdue", "supervisor"} <= set(data)
    assert data["due"] == "2027-01-06" and data["person_id_masked"].count("*") == 8


def test_with_reports_digest_directors_get_the_coverage_report_attached(
    office: Office, mail_office: MailOffice, tmp_path: Path, smtp_server: SmtpTestServer
) -> None:
    """wang (director) has no case of their own: the digest carries the report alone; a
    director limited to 渝北区 gets that district's; zhang (a supervisor) gets no report."""
    config = write_config(
        tmp_path / "reports.yaml",
        smtp_server,
        reminders={"digest": {"cron": "30 8 * * *", "days": 10}},
        reports={"digest": True, "coverage": {"professional_orgs": 3}},
    )
    admin = mail_office(user="admin", config=config)
    admin.add_user("yb", email="yb@mzj.example.gov.cn", role="director", districts=["渝北区"])
    admin.add_user("off", email="off@mzj.example.gov.cn", role="director")
    admin.disable_user("off")
    interview(office, date(2026, 12, 4))  # zhang has a case due
    new_org(office, district="渝中区", professional=True)
    mail_office(now="2026-11-27T08:30:00+08:00", config=config).run_reminders()
    digests = {m.to[0]: m for m in mails(smtp_server, "每日汇总")}
    assert sorted(digests) == [
        "wang@mzj.example.gov.cn", "yb@mzj.example.gov.cn", ZHANG,
    ]  # fmt: skip
    wang = digests["wang@mzj.example.gov.cn"]
    assert "三、培育目标（全市；全文见附件 培育目标.html）" in wang.text
    assert "专业未成年人保护社会组织 1 家，目标 3 家，尚差 2 家。" in wang.text
    [attached] = list(wang.message.iter_attachments())
    assert attached.get_filename() == "培育目标.html"
    page = attached.get_content()
    assert "<title>未成年人保护社会组织培育目标</title>" in page and "距目标 3 家还差 2 家" in page
    yb = digests["yb@mzj.example.gov.cn"]
    assert "三、培育目标（渝北区；" in yb.text and "0 家，目标 3 家，尚差 3 家" in yb.text
    [yb_page] = list(yb.message.iter_attachments())
    assert "范围：渝北区" in yb_page.get_content()
    zhang = digests[ZHANG]
    assert "培育目标" not in zhang.text and list(zhang.message.iter_attachments()) == []


def test_without_reports_digest_no_digest_carries_the_coverage_report(
    office: Office, digest_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    interview(office, date(2026, 12, 4))
    digest_office(now="2026-11-27T08:30:00+08:00").run_reminders()
    got = mails(smtp_server, "每日汇总")
    assert sorted(m.to[0] for m in got) == [WANG, ZHANG]
    assert all("培育目标" not in m.text and not list(m.message.iter_attachments()) for m in got)


def test_reviewers_and_directors_learn_what_waits_for_them(
    office: Office, digest_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    admin = digest_office(user="admin")
    admin.add_user("zhao", email="zhao@mzj.example.gov.cn", role="legal_reviewer",
                   qualification="A20231234567")  # fmt: skip
    admin.add_user("qian", email="qian@mzj.example.gov.cn", role="legal_reviewer",
                   districts=["江北区"])  # fmt: skip
    org = new_org(office, charity=True)
    case_id = office.appoint(org=org, person=new_person(office), role="秘书长").id
    advance(office, case_id, "propose_ban")
    advance(office, case_id, "request_hearing", date=date(2026, 12, 15))
    advance(office, case_id, "record_hearing", reason="听证笔录")

    digest_office(now="2026-11-27T08:30:00+08:00").run_reminders()
    waiting = mails(smtp_server, "1 件待法制审核")
    # The director and the reviewer of the case's district; not qian (江北区 only).
    assert sorted(to for m in waiting for to in m.to) == [WANG, "zhao@mzj.example.gov.cn"]
    [to_zhao] = [m for m in waiting if m.to == ["zhao@mzj.example.gov.cn"]]
    assert f"1 件案件待法制审核：案件 {case_id}" in to_zhao.text
    assert "待集体讨论" not in to_zhao.text

    digest_office(user="zhao").review(case_id, approve=True, opinion="同意")
    smtp_server.messages.clear()
    digest_office(now="2026-11-30T08:30:00+08:00").run_reminders()
    [to_wang] = mails(smtp_server, "待集体讨论")
    assert to_wang.to == [WANG] and f"1 件案件待集体讨论：案件 {case_id}" in to_wang.text
    assert mails(smtp_server, "待法制审核") == []
