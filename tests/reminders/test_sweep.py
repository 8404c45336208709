"""The sweep against a real SMTP server: reminders, overdue and escalation, windows, catch-up.

The office (see conftest): zhang supervises the cases and reports to wang; li is another
supervisor. 2026-11-27 is a Friday; an interview fixed for Friday 2026-12-04 gets reminders
on Tuesday 12-01 (3 working days before) and on 12-04, then overdue notices and
escalations on Monday 12-07, Thursday 12-10 and Tuesday 12-15 (every 3 working days).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from supervise.office import Office
from supervise.services.reminders.store import message_id, outbox_key
from supervise.states import CaseState
from supervise.story import serve_all
from tests.conftest import open_case
from tests.reminders.conftest import SENDER, MailOffice, received, write_config
from tests.reminders.helpers import LI, WANG, ZHANG, advance, mails, rows, run
from tests.smtp_server import SmtpTestServer

INTERVIEW = "约谈日期"


def interview_case(office: Office, day: date = date(2026, 12, 4)) -> int:
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=day)
    return case_id


def test_reminder_before_the_deadline_names_everything_and_goes_once(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    view = office.case(case_id)
    run(mail_office, "2026-11-30T09:00:00+08:00")
    assert mails(smtp_server, INTERVIEW) == []  # Monday: 4 working days before
    run(mail_office, "2026-12-01T07:59:00+08:00")
    assert mails(smtp_server, INTERVIEW) == []  # reminders go out from 08:00
    report = run(mail_office, "2026-12-01T08:00:00+08:00")
    assert [(q.kind, q.case, q.recipient) for q in report.queue.queued] == [
        ("reminder", case_id, "user:zhang")
    ]
    [mail] = mails(smtp_server, INTERVIEW)
    assert mail.to == [ZHANG]
    assert mail.subject == f"【supervise】提醒：案件{case_id} 约谈日期 2026-12-04 届满"
    for body in (mail.text, mail.html):
        assert view.organization.name in body
        assert view.person.name in body and view.person.id_number_masked in body
        assert "约谈已安排" in body and "interview_scheduled" in body  # the case state
        assert "2026-12-04" in body and "到期前3个工作日" in body
        assert "约谈通知期" in body  # the legal basis of the period
        assert f"supervise case advance {case_id} record_interview" in body
        assert "暂定" not in body and "迟发" not in body
    key = outbox_key("reminder", _deadline_id(office, case_id), 3, "user:zhang", None)
    assert mail.message_id == message_id(key, SENDER)
    # Again, the same minute and later the same day: nothing new.
    run(mail_office, "2026-12-01T08:00:00+08:00")
    run(mail_office, "2026-12-01T16:00:00+08:00")
    assert len(mails(smtp_server, INTERVIEW)) == 1
    run(mail_office, "2026-12-04T08:30:00+08:00")
    [_, on_the_day] = mails(smtp_server, INTERVIEW)
    assert "到期当日" in on_the_day.text and on_the_day.to == [ZHANG]


def _deadline_id(office: Office, case_id: int, kind: str = "interview") -> int:
    from sqlalchemy import select

    from supervise.adapters.orm import deadlines

    with office.runtime.uow() as uow:
        found = uow.session.scalar(
            select(deadlines.c.id).where(deadlines.c.case_id == case_id, deadlines.c.kind == kind)
        )
    assert found is not None
    return int(found)


def test_overdue_escalates_to_reports_to_only_repeating_until_the_case_moves_on(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    for day in (
        "2026-12-01",
        "2026-12-04",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
        "2026-12-11",
        "2026-12-14",
        "2026-12-15",
    ):
        run(mail_office, f"{day}T09:00:00+08:00")
    overdue = mails(smtp_server, "逾期：", INTERVIEW)
    escalations = mails(smtp_server, "督办", INTERVIEW)
    assert [m.to for m in overdue] == [[ZHANG]] * 3
    assert [m.to for m in escalations] == [[WANG]] * 3  # never li, never zhang
    assert all(LI not in m.to for m in received(smtp_server))
    assert [m.subject.split("：")[0] for m in escalations] == [
        "【supervise】督办（第1次）",
        "【supervise】督办（第2次）",
        "【supervise】督办（第3次）",
    ]
    assert "已逾期 3 天" in overdue[0].subject  # 12-07 is 3 days after 12-04
    assert "已逾期 11 天" in escalations[2].subject  # 12-15
    assert "承办人 zhang" in escalations[0].subject
    assert "每 3 个工作日" in escalations[0].text
    assert f"supervise case advance {case_id} record_interview" in escalations[0].text
    assert not any("迟发" in m.subject for m in overdue + escalations)  # all on time
    # The case moves on: the deadline closes and the repeats stop.
    advance(
        mail_office(now="2026-12-15T10:00:00+08:00"),
        case_id,
        "record_interview",
        reason="约谈记录",
    )
    run(mail_office, "2026-12-18T09:00:00+08:00")
    run(mail_office, "2026-12-23T09:00:00+08:00")
    assert len(mails(smtp_server, INTERVIEW)) == 2 + 3 + 3


def test_window_closed_names_what_is_now_possible_and_never_escalates(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = open_case(office, charity=True)
    advance(office, case_id, "propose_ban")
    serve_all(office, case_id, on=date(2026, 11, 27))
    # The hearing-request window: 5 working days from service, closes 2026-12-04.
    assert {d.kind: d.due for d in office.case(case_id).deadlines}["hearing_request"] == date(
        2026, 12, 4
    )
    for day in ("2026-12-04", "2026-12-07", "2026-12-10", "2026-12-15"):
        run(mail_office, f"{day}T09:00:00+08:00")
    window = mails(smtp_server, "听证申请期限")
    kinds = [m.subject.split("：")[0] for m in window]
    assert kinds == ["【supervise】提醒", "【supervise】期限届满"]
    closed = window[1]
    assert closed.to == [ZHANG]
    assert closed.subject == (
        f"【supervise】期限届满：案件{case_id} 听证申请期限已于 2026-12-04 届满，"
        "可执行 impose_ban 或 drop_ban"
    )
    assert f"supervise case advance {case_id} impose_ban --years N" in closed.text
    assert not mails(smtp_server, "督办", "听证申请期限")
    assert not mails(smtp_server, "逾期", "听证申请期限")


def test_defence_window_closed_allows_the_decision(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = open_case(office)
    advance(office, case_id, "propose_warning")
    serve_all(office, case_id, on=date(2026, 11, 27))
    run(mail_office, "2026-12-03T09:00:00+08:00")  # the 3-working-day window closed 12-02
    [closed] = mails(smtp_server, "期限届满", "陈述申辩期限")
    assert "可执行 issue_warning 或 drop_warning" in closed.subject
    # A reminder of the window was due on 12-02: it comes late, superseded by the close.
    assert not mails(smtp_server, "提醒", "陈述申辩期限")
    assert "迟发" in closed.subject


def test_catch_up_after_downtime_sends_only_the_latest_step_and_says_it_is_late(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    run(mail_office, "2026-12-01T09:00:00+08:00")
    # The scheduler was off from 12-02 to 12-07: the 12-04 reminder and the 12-07 overdue
    # step were never sent. On 12-08 only the latest step goes, late.
    report = run(mail_office, "2026-12-08T09:00:00+08:00")
    interview_mails = mails(smtp_server, INTERVIEW)
    assert [m.subject.split("：")[0] for m in interview_mails] == [
        "【supervise】提醒",
        "【supervise】逾期",
        "【supervise】督办（第1次）",
    ]
    for mail in interview_mails[1:]:
        assert "（迟发）" in mail.subject
        assert "提醒程序曾停止运行，本邮件系迟发" in mail.text
        assert "提醒程序曾停止运行" in mail.html
    statuses = [
        (m.kind, m.status, m.late)
        for m in rows(office, case=case_id)
        if m.step_on <= date(2026, 12, 7) and m.kind != "serve_notice"
    ]
    assert ("reminder", "superseded", False) in statuses
    assert statuses.count(("overdue", "sent", True)) == 1
    assert statuses.count(("escalation", "sent", True)) == 1
    assert report.queue.superseded >= 1


def test_first_run_long_after_the_deadline_sends_one_message_per_recipient(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    run(mail_office, "2026-12-16T09:00:00+08:00")  # repeat 3 fell on 12-15
    interview_mails = mails(smtp_server, INTERVIEW)
    assert sorted(m.subject.split("：")[0] for m in interview_mails) == [
        "【supervise】督办（第3次）",
        "【supervise】逾期",
    ]
    superseded = [m for m in rows(office, case=case_id) if m.status == "superseded"]
    # reminders at 3 and 0 days, overdue and escalation repeats 1 and 2
    assert {(m.kind, m.step) for m in superseded if m.kind != "serve_notice"} >= {
        ("reminder", 3),
        ("reminder", 0),
        ("overdue", 1),
        ("overdue", 2),
        ("escalation", 1),
        ("escalation", 2),
    }


def test_ban_end_lifts_the_ban_as_scheduler(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = open_case(office)
    advance(
        office,
        case_id,
        "record_court_ban",
        judgment="(2023)渝0103刑初7号",
        court="重庆市渝中区人民法院",
        start=date(2023, 12, 1),
        until=date(2026, 11, 30),
    )
    person = office.case(case_id).person
    run(mail_office, "2026-11-30T23:00:00+08:00")  # the last day of the ban: still banned
    assert office.case(case_id).state is CaseState.BANNED
    report = run(mail_office, "2026-12-01T00:10:00+08:00")
    assert [(x.case, x.until) for x in report.lifted] == [(case_id, date(2026, 11, 30))]
    view = office.case(case_id)
    assert view.state is CaseState.BAN_ENDED
    last = view.history[-1]
    assert (last.event, last.by, last.to_state) == ("lift_ban", "scheduler", "ban_ended")
    assert last.at.isoformat() == "2026-11-30T16:00:00+00:00"  # 24:00 of its last day
    later = mail_office(now="2026-12-01T00:10:00+08:00")
    with later.runtime.uow() as uow:
        from supervise import model

        stored = uow.session.get(model.Person, person.id)  # opened as it is loaded
        number = None if stored is None else stored.id_number
    assert number is not None
    assert later.check_bans(number) == []
    assert [b.status for b in later.bans() if b.case == case_id] == ["ended"]
    assert run(mail_office, "2026-12-01T00:20:00+08:00").lifted == []
    assert not mails(smtp_server, "从业禁止期满")  # no reminders for a ban's end


def test_parties_get_reminders_only_where_configured(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer, tmp_path: Path
) -> None:
    case_id = interview_case(office)
    config = write_config(
        tmp_path / "parties.yaml",
        smtp_server,
        reminders={"parties": {"interview": ["organization"]}},
    )
    # Default (no parties): only the supervisor.
    run(mail_office, "2026-12-01T09:00:00+08:00")
    assert [m.to for m in mails(smtp_server, INTERVIEW)] == [[ZHANG]]
    # The organization has no contact e-mail yet: said, not dropped silently.
    report = mail_office(now="2026-12-04T09:00:00+08:00", config=config).run_reminders()
    assert any("has no contact e-mail" in p and "org edit" in p for p in report.problems)
    org_id = office.case(case_id).organization.id
    office.edit_org(org_id, email="office@org.example.cn")
    mail_office(now="2026-12-04T09:10:00+08:00", config=config).run_reminders()
    to_org = [m for m in mails(smtp_server, INTERVIEW) if m.to == ["office@org.example.cn"]]
    assert len(to_org) == 1
    assert "supervise case" not in to_org[0].text  # no commands for the organization
    # Only reminders: the overdue notice and escalation stay inside the office.
    mail_office(now="2026-12-07T09:00:00+08:00", config=config).run_reminders()
    assert len([m for m in mails(smtp_server, INTERVIEW) if m.to == ["office@org.example.cn"]]) == 1


def test_supervisor_missing_from_the_directory_is_reported_and_caught_up(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    # A case whose supervisor is not a user (opened before the directory was filled in).
    case_id = interview_case(office)
    with office.runtime.uow() as uow:
        uow.session.execute(
            text("UPDATE cases SET supervisor = 'zhao' WHERE id = :id"), {"id": case_id}
        )
        uow.commit()
    report = run(mail_office, "2026-12-01T09:00:00+08:00")
    assert any(
        p.startswith(f"case {case_id}: its supervisor zhao is not in the user directory")
        and "supervise user add zhao" in p
        for p in report.problems
    )
    assert mails(smtp_server, INTERVIEW) == []
    office.add_user("zhao", email="zhao@mzj.example.gov.cn", actor="admin")
    report = run(mail_office, "2026-12-07T09:00:00+08:00")
    # zhao has no reports-to: the overdue notice goes, the escalation is reported.
    assert [m.to for m in mails(smtp_server, INTERVIEW)] == [["zhao@mzj.example.gov.cn"]]
    assert any("zhao has no reports-to" in p for p in report.problems)
    office.edit_user("zhao", reports_to="wang", actor="admin")
    run(mail_office, "2026-12-07T09:05:00+08:00")
    assert [m.to for m in mails(smtp_server, "督办", INTERVIEW)] == [[WANG]]


def test_reassigned_case_reminds_its_new_supervisor(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    office.assign(case_id, "li", actor="wang")
    run(mail_office, "2026-12-01T09:00:00+08:00")
    assert [m.to for m in mails(smtp_server, INTERVIEW)] == [[LI]]


def test_a_message_whose_deadline_closed_before_delivery_is_cancelled(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    case_id = interview_case(office)
    smtp_server.stop()
    report = run(mail_office, "2026-12-01T09:00:00+08:00")
    assert report.delivery.server_error and "connection refused" in report.delivery.server_error
    advance(
        mail_office(now="2026-12-01T09:30:00+08:00"), case_id, "cancel_interview", reason="改期"
    )
    smtp_server.start()
    report = run(mail_office, "2026-12-01T10:00:00+08:00")
    cancelled = [m for m in rows(office, case=case_id) if m.status == "cancelled"]
    assert [m.kind for m in cancelled] == ["reminder"]
    assert mails(smtp_server, INTERVIEW) == []


def test_sender_and_message_id_come_from_config(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    interview_case(office)
    run(mail_office, "2026-12-01T09:00:00+08:00")
    [mail] = mails(smtp_server, INTERVIEW)
    assert mail.message["From"] == SENDER
    assert mail.message_id.endswith("@mzj.example.gov.cn>")
    assert mail.message["Auto-Submitted"] == "auto-generated"


def test_a_reminder_to_serve_a_notice_carries_the_notice(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    pytest.importorskip("weasyprint")
    case_id = interview_case(office)
    [notice] = office.notices(case=case_id)
    # The interview notice must be served within 7 working days: by Tue 8 Dec; reminded on
    # Thu 3 Dec (3 working days before).
    run(mail_office, "2026-12-03T09:00:00+08:00")
    [mail] = mails(smtp_server, "文书送达期限")
    [attachment] = [part for part in mail.message.iter_attachments()]
    assert attachment.get_filename() == f"{notice.number}.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF")
