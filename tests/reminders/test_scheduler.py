"""`supervise scheduler` as a real process: sweeps at once, logs to stderr, stops on a signal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from supervise.office import Office
from supervise.services.reminders import run
from tests.conftest import open_case
from tests.reminders.conftest import MailOffice, write_config
from tests.reminders.helpers import WANG, ZHANG, advance, mails
from tests.smtp_server import SmtpTestServer


def start(db_url: str, config: Path, now: str, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "SUPERVISE_NOW": now,
        "SUPERVISE_DB": db_url,
        "SUPERVISE_CONFIG": str(config),
        "SUPERVISE_USER": "zhang",  # the scheduler runs as a user of the office
    }
    return subprocess.Popen(
        [sys.executable, "-m", "supervise", "scheduler", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out waiting")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_scheduler_sweeps_at_start_and_stops_cleanly(
    office: Office,
    db_url: str,
    mail_config: Path,
    smtp_server: SmtpTestServer,
    sig: signal.Signals,
) -> None:
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    proc = start(db_url, mail_config, "2026-12-07T09:00:00+08:00")
    try:
        wait_for(lambda: len(mails(smtp_server, "约谈日期")) == 2)
        time.sleep(0.5)
        assert proc.poll() is None  # still running
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert out == ""
    assert "scheduler started: sweep every 5 min" in err
    assert "sweep: queued" in err
    assert f"{sig.name} received" in err
    assert err.rstrip().endswith("scheduler stopped")
    assert "Traceback" not in err
    assert sorted(m.to[0] for m in mails(smtp_server, "约谈日期")) == [WANG, ZHANG]


@pytest.mark.slow
def test_scheduler_refuses_a_bad_setup_with_one_line(
    tmp_path: Path, mail_config: Path, smtp_server: SmtpTestServer, sqlite_url: str
) -> None:
    missing = start(f"sqlite:///{tmp_path / 'none.db'}", mail_config, "2026-12-07T09:00:00+08:00")
    _, err = missing.communicate(timeout=30)
    assert missing.returncode == 1
    assert err.startswith("Error: no database at") and err.count("\n") == 1
    bad = write_config(
        tmp_path / "bad.yaml", smtp_server, reminders={"digest": {"cron": "99 8 * * *"}}
    )
    wrong = start(sqlite_url, bad, "2026-12-07T09:00:00+08:00")
    _, err = wrong.communicate(timeout=30)
    assert wrong.returncode == 2
    assert err.startswith("Error: config key reminders.digest.cron") and err.count("\n") == 1


def test_digest_job_sends_the_digest(
    office: Office, mail_office: MailOffice, smtp_server: SmtpTestServer, tmp_path: Path
) -> None:
    config = write_config(
        tmp_path / "d.yaml", smtp_server, reminders={"digest": {"cron": "30 8 * * *"}}
    )
    case_id = open_case(office)
    advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    run.digest_job(mail_office(now="2026-11-30T08:30:00+08:00", config=config).runtime)
    [digest] = [m for m in mails(smtp_server, "每日汇总") if m.to == [ZHANG]]
    assert f"案件{case_id}" in digest.text
    assert mails(smtp_server, "约谈日期") == []  # the cron job sends digests only


def test_a_job_survives_a_database_error(
    office: Office, mail_office: MailOffice, caplog: pytest.LogCaptureFixture
) -> None:
    if not office.runtime.db_url.startswith("sqlite"):
        pytest.skip("breaks the database on purpose; SQLite is enough")
    import sqlite3

    with sqlite3.connect(office.runtime.db_url.removeprefix("sqlite:///")) as conn:
        conn.execute("ALTER TABLE outbox RENAME TO outbox_gone")
    caplog.set_level("ERROR", logger="supervise.reminders")
    run.sweep_job(mail_office(now="2026-12-07T09:00:00+08:00").runtime)  # no exception escapes
    [record] = caplog.records
    assert record.getMessage().startswith("sweep skipped: the database is unavailable (")
    assert "outbox" in record.getMessage() and record.exc_info is None
