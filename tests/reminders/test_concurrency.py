"""Two real `supervise remind run` processes at once: each message queued once, sent once.

On PostgreSQL the delivery step locks rows FOR UPDATE SKIP LOCKED, so the two processes
share the work; on SQLite the second waits for the first's pass (a lock file beside the
database) and then finds nothing left. The SMTP server takes 40 ms per message so that
both processes are certainly at work at the same time.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from supervise.office import Office
from tests.conftest import open_case
from tests.reminders.conftest import MailOffice, received
from tests.reminders.helpers import advance, rows
from tests.smtp_server import RecordingHandler, SmtpTestServer

NOW = "2026-12-07T09:00:00+08:00"


class SlowHandler(RecordingHandler):
    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        await asyncio.sleep(0.04)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_two_processes_queue_and_send_each_message_exactly_once(
    office: Office, db_url: str, mail_config: Path, smtp_server: SmtpTestServer
) -> None:
    # Slow on purpose (10-20 s): 75 messages through an SMTP server that takes 40 ms each, so
    # that the two real processes overlap for long enough to race for the same rows.
    smtp_server.stop()
    smtp_server.handler = SlowHandler()
    smtp_server.start()
    for _ in range(25):
        case_id = open_case(office)
        advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    env = {
        **os.environ,
        "SUPERVISE_NOW": NOW,
        "SUPERVISE_DB": db_url,
        "SUPERVISE_CONFIG": str(mail_config),
        "SUPERVISE_USER": "zhang",
    }
    command = [sys.executable, "-m", "supervise", "remind", "run", "--json"]
    procs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    reports = [json.loads(out) for out, _ in results]
    outbox = rows(office)
    pending_or_sent = [m for m in outbox if m.status in ("pending", "sent")]
    # Queued once: the two processes together inserted each row exactly once.
    assert sum(r["queued"] for r in reports) == len(pending_or_sent) >= 75
    assert all(m.status == "sent" for m in pending_or_sent)
    assert sum(r["sent"] for r in reports) == len(pending_or_sent)
    # Sent once: every Message-ID arrived exactly once, and nothing else did.
    arrived = Counter(m.message_id for m in received(smtp_server))
    assert set(arrived.values()) == {1}
    assert set(arrived) == {m.message_id for m in pending_or_sent}
    workers = Counter(m.sent_by for m in pending_or_sent)
    if db_url.startswith("postgresql"):
        # SKIP LOCKED: both processes delivered part of the outbox, side by side. (On SQLite
        # the first to take the write lock tends to keep it between messages.)
        assert len(workers) == 2, workers


class VerySlowHandler(RecordingHandler):
    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        await asyncio.sleep(0.3)
        return await super().handle_DATA(server, session, envelope)


@pytest.mark.slow
def test_a_run_killed_mid_delivery_loses_nothing(
    office: Office,
    mail_office: MailOffice,
    db_url: str,
    mail_config: Path,
    smtp_server: SmtpTestServer,
) -> None:
    smtp_server.stop()
    smtp_server.handler = VerySlowHandler()
    smtp_server.start()
    for _ in range(5):
        case_id = open_case(office)
        advance(office, case_id, "schedule_interview", date=date(2026, 12, 4))
    env = {
        **os.environ,
        "SUPERVISE_NOW": NOW,
        "SUPERVISE_DB": db_url,
        "SUPERVISE_CONFIG": str(mail_config),
        "SUPERVISE_USER": "zhang",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "supervise", "remind", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while len(smtp_server.messages) < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no cleanup, in the middle of a delivery pass
    proc.wait(timeout=30)
    assert 3 <= len(smtp_server.messages) < 15
    mail_office(now="2026-12-07T09:01:00+08:00").run_reminders()
    live = [m for m in rows(office) if m.status in ("pending", "sent")]
    assert len(live) == 15 and all(m.status == "sent" for m in live)
    arrived = Counter(m.message_id for m in received(smtp_server))
    # Every message arrived; one may have arrived twice (accepted by the server just before
    # the kill, not yet marked sent), under the same Message-ID.
    assert set(arrived) == {m.message_id for m in live}
    assert sum(arrived.values()) - len(arrived) <= 1
