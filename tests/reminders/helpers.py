"""Helpers shared by the reminder tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from supervise import permissions
from supervise.office import Office
from supervise.permissions import event_action
from supervise.story import DETAILS, with_inputs
from supervise.views import AdvanceResult, MessageView, RunReport
from tests.reminders.conftest import Mail, MailOffice, received
from tests.smtp_server import SmtpTestServer

ZHANG = "zhang@mzj.example.gov.cn"
WANG = "wang@mzj.example.gov.cn"
LI = "li@mzj.example.gov.cn"


def advance(
    office: Office, case_id: int, event: str, at: datetime | None = None, **inputs: Any
) -> AdvanceResult:
    """office.advance with the event's notice content (story.DETAILS) and default options
    (story.INPUTS) filled in; the directory's director (wang) takes the decisions, as the
    permission table wants."""
    if "actor" not in inputs and not permissions.allows("supervisor", event_action(event)):
        inputs["actor"] = "wang"
    return office.advance(
        case_id, event, at=at, details=DETAILS.get(event), **with_inputs(event, inputs)
    )


def run(mail_office: MailOffice, when: str) -> RunReport:
    """One `remind run` at ``when`` (ISO time with offset)."""
    return mail_office(now=when).run_reminders()


def mails(server: SmtpTestServer, *fragments: str) -> list[Mail]:
    """Received mails whose subject contains every fragment."""
    return [m for m in received(server) if all(f in m.subject for f in fragments)]


def rows(office: Office, *, case: int | None = None, kind: str | None = None) -> list[MessageView]:
    found = office.messages(case=case, limit=10_000)
    return sorted((m for m in found if kind is None or m.kind == kind), key=lambda m: m.id)
