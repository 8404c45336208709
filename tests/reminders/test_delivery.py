"""Delivery faults: an SMTP outage, retries on the program's clock, failure, retry, files."""

from __future__ import annotations

import email
from datetime import date, datetime
from email.policy import default as default_policy
from pathlib import Path

import pytest

from supervise.errors import NotAllowed, NotFound
from supervise.office import Office
from tests.conftest import open_case
from tests.reminders.conftest import MailOffice, write_config
from tests.reminders.helpers import WANG, ZHANG, advance, mails, rows, run
from tests.smtp_server import SmtpTestServer

DUE = "2026-12-07T09:00:00+08:00"  # overdue notice + escalation of a 12-04 interview


def overdue_interviews(office: Office, count: int) -> list[int]:
    ids = []
    for _ in range(count):
        case_id = open_case(office)
        advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
        ids.append(case_id)
    return ids


def interview_mails(server: SmtpTestServer) -> list[str]:
    return [m.message_id for m in mails(server, "约谈日期")]


def test_outage_then_recovery_every_message_arrives_once(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    overdue_interviews(office, 3)
    smtp_server.stop()
    report = run(mail_office, DUE)
    assert report.delivery.sent == []
    assert "connection refused by SMTP server" in (report.delivery.server_error or "")
    pending = [m for m in rows(office) if m.status == "pending"]
    assert len(pending) == len(report.queue.queued) >= 6
    assert all(m.attempts == 1 and "connection refused" in (m.last_error or "") for m in pending)
    state = mail_office(now=DUE).outbox_status()
    assert state.counts.get("pending") == len(pending) and state.counts.get("sent") is None
    assert state.oldest_pending == datetime.fromisoformat(DUE)
    # Back up, but the retry waits its backoff (5 minutes) on the program's clock.
    smtp_server.start()
    assert run(mail_office, "2026-12-07T09:04:59+08:00").delivery.sent == []
    assert interview_mails(smtp_server) == []
    report = run(mail_office, "2026-12-07T09:05:00+08:00")
    assert len(report.delivery.sent) == len(pending)
    run(mail_office, "2026-12-07T09:30:00+08:00")
    received_ids = interview_mails(smtp_server)
    assert len(received_ids) == 6 and len(set(received_ids)) == 6
    assert sorted(m.to[0] for m in mails(smtp_server, "约谈日期")) == [WANG] * 3 + [ZHANG] * 3
    done = mail_office(now="2026-12-07T09:30:00+08:00").outbox_status()
    assert done.counts.get("pending") is None and done.oldest_pending is None
    assert all(m.attempts == 2 for m in rows(office) if m.status == "sent" and m.kind != "digest")


def test_failed_after_max_attempts_and_retry_puts_it_back(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "retry.yaml",
        smtp_server,
        reminders={
            "delivery": {"max_attempts": 3, "backoff_seconds": 60, "backoff_max_seconds": 90},
            "digest": {"cron": "59 23 * * *"},
        },
    )
    overdue_interviews(office, 1)
    smtp_server.stop()
    times = ["09:00:00", "09:00:59", "09:01:00", "09:02:29", "09:02:30"]
    reports = [
        mail_office(now=f"2026-12-07T{t}+08:00", config=config).run_reminders() for t in times
    ]
    n = len(reports[0].queue.queued)  # overdue, escalation, and a serve-the-notice reminder
    assert n >= 2
    # attempts at 09:00, 09:01 (+60 s), 09:02:30 (+90 s, the cap): the third fails for good
    assert [len(r.delivery.retrying) for r in reports] == [n, 0, n, 0, 0]
    assert [len(r.delivery.failed) for r in reports] == [0, 0, 0, 0, n]
    failed = [m for m in rows(office) if m.status == "failed"]
    assert len(failed) == n and all(m.attempts == 3 for m in failed)
    later = mail_office(now="2026-12-08T07:00:00+08:00", config=config)
    state = later.outbox_status()
    assert state.counts["failed"] == n
    assert {m.id for m in state.troubled} == {m.id for m in failed}
    assert all("connection refused" in (m.last_error or "") for m in state.troubled)
    smtp_server.start()
    assert later.run_reminders().delivery.sent == []  # failed stays failed
    with pytest.raises(NotFound, match="no outbox message 999"):
        later.retry_messages(actor="admin", ids=[999])
    assert later.retry_messages(actor="admin", ids=[failed[0].id]) == 1
    with pytest.raises(NotAllowed, match="not failed"):
        later.retry_messages(actor="admin", ids=[failed[0].id])  # pending again now
    assert later.retry_messages(actor="admin") == n - 1
    assert later.retry_messages(actor="admin") == 0
    report = later.run_reminders()
    assert len(report.delivery.sent) == n
    assert len(interview_mails(smtp_server)) == 2


def test_a_refused_recipient_does_not_hold_up_the_others(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer
) -> None:
    overdue_interviews(office, 1)
    smtp_server.handler.refuse = {WANG}
    report = run(mail_office, DUE)
    assert {d.address for d in report.delivery.sent} == {ZHANG}  # with the serve reminder
    [retrying] = report.delivery.retrying
    assert retrying.address == WANG and "550" in (retrying.error or "")
    assert report.delivery.server_error is None
    smtp_server.handler.refuse = set()
    run(mail_office, "2026-12-07T09:10:00+08:00")
    assert sorted(m.to[0] for m in mails(smtp_server, "约谈日期")) == [WANG, ZHANG]


def test_file_transport_writes_each_message_once(
    office: Office, mail_office: MailOffice, tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    config = tmp_path / "file.yaml"
    config.write_text(
        f"mail:\n  transport: file\n  from: robot@mzj.example.gov.cn\n  file:\n    dir: {folder}\n"
        "reminders:\n  digest:\n    cron: '59 23 * * *'\n",
        encoding="utf-8",
    )
    overdue_interviews(office, 1)
    mail_office(now=DUE, config=config).run_reminders()
    mail_office(now="2026-12-07T10:00:00+08:00", config=config).run_reminders()
    files = sorted(folder.glob("*.eml"))
    subjects = []
    for path in files:
        msg = email.message_from_bytes(path.read_bytes(), policy=default_policy)
        subjects.append(str(msg["Subject"]))
        assert path.name == str(msg["Message-ID"]).strip("<>") + ".eml"
    interview = [s for s in subjects if "约谈日期" in s]
    assert len(interview) == 2 and any("督办" in s for s in interview)
    assert len(files) == len([m for m in rows(office) if m.status == "sent"])


def test_unwritable_mail_folder_keeps_messages_pending(
    office: Office, mail_office: MailOffice, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    config = tmp_path / "file.yaml"
    config.write_text(f"mail:\n  transport: file\n  file:\n    dir: {blocker}\n", encoding="utf-8")
    overdue_interviews(office, 1)
    report = mail_office(now=DUE, config=config).run_reminders()
    assert report.delivery.sent == [] and "cannot write message file" in (
        report.delivery.server_error or ""
    )
    live = [m for m in rows(office) if m.status != "superseded"]
    assert live and all(m.status == "pending" and m.attempts == 1 for m in live)


def test_a_silent_server_costs_one_timeout_per_pass_not_one_per_message(
    office: Office, mail_office: MailOffice, tmp_path: Path
) -> None:
    import socket
    import time

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never says a word
    try:
        config = tmp_path / "silent.yaml"
        config.write_text(
            "mail:\n  transport: smtp\n  smtp:\n    host: 127.0.0.1\n"
            f"    port: {silent.getsockname()[1]}\n    timeout: 1\n",
            encoding="utf-8",
        )
        overdue_interviews(office, 3)
        start = time.monotonic()
        report = mail_office(now=DUE, config=config).run_reminders()
        elapsed = time.monotonic() - start
    finally:
        silent.close()
    assert len(report.delivery.retrying) >= 6
    assert all("did not answer within 1 s" in (d.error or "") for d in report.delivery.retrying)
    assert elapsed < 5, elapsed  # one 1-second timeout, not one per message
