"""Helpers shared by the reminder tests."""

from __future__ import annotations

from datetime import date

from supervise.bootstrap import App
from supervise.services import notice_records, outbox_admin, sweep
from supervise.services.outbox_admin import MessageView
from tests.reminders.conftest import Mail, OfficeApp, received
from tests.smtp_server import SmtpTestServer

ZHANG = "zhang@mzj.example.gov.cn"
WANG = "wang@mzj.example.gov.cn"
LI = "li@mzj.example.gov.cn"


def run(office: OfficeApp, when: str) -> sweep.RunReport:
    """One `remind run` at ``when`` (ISO time with offset)."""
    return sweep.run_once(office(now=when))


def serve_all(app: App, case_id: int, on: date) -> None:
    """Serve every unserved notice of the case on ``on``: the windows start running."""
    for notice in notice_records.list_notices(app, case_id):
        if notice.served_on is None and notice.status == "active":
            try:
                notice_records.serve(app, notice.id, "direct", on)
            except Exception as exc:  # records (约谈记录) are not served
                if "not served" not in str(exc):
                    raise


def mails(server: SmtpTestServer, *fragments: str) -> list[Mail]:
    """Received mails whose subject contains every fragment."""
    return [m for m in received(server) if all(f in m.subject for f in fragments)]


def rows(app: App, *, case: int | None = None, kind: str | None = None) -> list[MessageView]:
    found = outbox_admin.list_messages(app, case_id=case, limit=10_000)
    return sorted((m for m in found if kind is None or m.kind == kind), key=lambda m: m.id)
