"""No e-mail carries a person's full ID number (issue 11): the reminders and the digest a
supervisor receives over real SMTP name the person with the masked number only."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from supervise.office import Office
from supervise.story import id_number
from supervise.validation import mask_id_number
from tests.conftest import new_org
from tests.reminders.conftest import MailOffice, received, write_config
from tests.reminders.helpers import advance
from tests.smtp_server import SmtpTestServer


def test_reminders_and_digests_show_the_number_masked(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer, tmp_path: Path
) -> None:
    number = id_number(birth="19850607")
    person = office.add_person(name="赵六", id_number=number, address="重庆市渝中区民生路3号").id
    case_id = office.appoint(org=new_org(office), person=person, role="秘书长").id
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    config = write_config(
        tmp_path / "digest.yaml", smtp_server, reminders={"digest": {"cron": "0 8 * * *"}}
    )
    mail_office(now="2026-12-01T08:00:00+08:00", config=config).run_reminders()
    got = received(smtp_server)
    assert {"提醒", "每日汇总"} <= {
        word for m in got for word in ("提醒", "每日汇总") if word in m.subject
    }
    masked = mask_id_number(number)
    for mail in got:
        assert number not in mail.subject + mail.text + mail.html, mail.subject
    # The reminder names the person with the masked number (the digest by name alone).
    [reminder] = [m for m in got if "提醒" in m.subject]
    assert masked in reminder.text and masked in reminder.html and "赵六" in reminder.text
