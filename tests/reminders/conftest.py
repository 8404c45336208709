"""Fixtures for the reminder tests: a real SMTP server, a config pointing at it, a small office.

The office: ``admin``, ``wang`` (director), ``zhang`` (supervisor, reports to wang) and
``li`` (supervisor, reports to wang); cases are appointed by zhang unless a test says otherwise.
``office`` is that office at 2026-11-27 10:00 with the mail config; ``mail_office(now=...,
user=..., config=...)`` opens others on the same database (with the mail config unless
told otherwise).
"""

from __future__ import annotations

import email
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import yaml

from supervise.office import Office
from tests.conftest import NOW, MakeOffice
from tests.smtp_server import SmtpTestServer

SENDER = "supervise@mzj.example.gov.cn"


def write_config(path: Path, server: SmtpTestServer | None, **sections: Any) -> Path:
    data: dict[str, Any] = {
        "mail": {
            "transport": "smtp",
            "from": SENDER,
            "smtp": {
                "host": server.host if server else "127.0.0.1",
                "port": server.port if server else 25,
                "timeout": 5,
            },
        },
        # Digests only where a test asks for them (they have their own tests).
        "reminders": {"digest": {"cron": "59 23 * * *"}},
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def mail_config(tmp_path: Path, smtp_server: SmtpTestServer) -> Path:
    return write_config(tmp_path / "office.yaml", smtp_server)


MailOffice = Callable[..., Office]


@pytest.fixture
def mail_office(make_office: MakeOffice, mail_config: Path) -> MailOffice:
    """make_office with the mail config: mail_office(now=..., user=..., config=...)."""

    def build(now: datetime | str = NOW, **kwargs: Any) -> Office:
        kwargs.setdefault("config", mail_config)
        return make_office(now=now, **kwargs)

    return build


@pytest.fixture
def office(mail_office: MailOffice) -> Office:
    """The office at 2026-11-27 10:00 (a Friday), with its directory filled in."""
    admin = mail_office(user="admin")
    admin.add_user("admin", role="admin")  # the first user: an empty directory checks nobody
    admin.add_user("wang", email="wang@mzj.example.gov.cn", role="director")
    admin.add_user("zhang", email="zhang@mzj.example.gov.cn", reports_to="wang")
    admin.add_user("li", email="li@mzj.example.gov.cn", reports_to="wang")
    return mail_office()


@dataclass(frozen=True)
class Mail:
    to: list[str]
    subject: str
    text: str
    html: str
    message_id: str
    message: EmailMessage


def received(server: SmtpTestServer) -> list[Mail]:
    out: list[Mail] = []
    for m in server.messages:
        msg = email.message_from_bytes(m.content, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        text_part = msg.get_body(preferencelist=("plain",))
        html_part = msg.get_body(preferencelist=("html",))
        assert text_part is not None and html_part is not None
        out.append(
            Mail(
                to=list(m.rcpt_tos),
                subject=str(msg["Subject"]),
                text=text_part.get_content(),
                html=html_part.get_content(),
                message_id=str(msg["Message-ID"]),
                message=msg,
            )
        )
    return out
