"""Mail adapters (message, SMTP, files) and templates, against a real local SMTP server."""

from __future__ import annotations

import hashlib
import socket
import ssl
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from supervise.adapters.mail.files import FileTransport
from supervise.adapters.mail.message import build_message
from supervise.adapters.mail.render import KINDS, MailRenderer
from supervise.adapters.mail.smtp import SmtpTransport
from supervise.bootstrap import mail_transport
from supervise.config import MailConfig, MailFileConfig, SmtpConfig, load_settings
from supervise.errors import ConfigError, InvalidInput, MailDeliveryError, SuperviseError
from supervise.services.reminders.store import message_id
from tests.smtp_server import RecordingHandler, SmtpTestServer

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 4, 10, 9, 0, tzinfo=CST)
SENDER = "监督系统 <supervise@mzj.example.gov.cn>"
SUBJECT = "【supervise】提醒：案件12 听证申请期限 2026-04-14 届满"


def make(key: str = "17/reminder/3/zhang@example.org", **overrides: Any) -> EmailMessage:
    """A message whose Message-ID comes from the outbox ``key`` (as the sweep gives it)."""
    args: dict[str, Any] = {
        "sender": SENDER,
        "to": ["zhang@example.org"],
        "subject": SUBJECT,
        "text": "张三：\n\n案件12的听证申请期限将于 2026-04-14 届满。\n",
        "html": "<p>张三：</p><p>案件12的听证申请期限将于 <b>2026-04-14</b> 届满。</p>",
        "message_id": message_id(key, SENDER),
        "date": NOW,
    }
    args.update(overrides)
    return build_message(**args)


def smtp_settings(server: SmtpTestServer, **overrides: Any) -> SmtpConfig:
    values: dict[str, Any] = {"host": server.host, "port": server.port, "timeout": 5.0}
    values.update(overrides)
    return SmtpConfig(**values)


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


# ------------------------------------------------------------------------ building


def test_message_id_is_deterministic() -> None:
    key = "17/reminder/3/zhang@example.org"
    sender = "robot@example.org"
    expected = "<" + hashlib.sha256(key.encode()).hexdigest()[:32] + "@example.org>"
    assert message_id(key, sender) == expected
    assert message_id(key, sender) == message_id(key, sender)
    assert message_id(key + "x", sender) != expected
    # The domain is the sender address's, with or without a display name.
    assert message_id(key, "监督系统 <robot@example.org>") == expected


def test_build_message_structure_and_headers() -> None:
    msg = make()
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Message-ID"] == message_id("17/reminder/3/zhang@example.org", SENDER)
    assert msg["Message-ID"].endswith("@mzj.example.gov.cn>")
    assert msg["Date"] == "Fri, 10 Apr 2026 09:00:00 +0800"
    assert msg["Auto-Submitted"] == "auto-generated"
    raw = msg.as_bytes()
    # The Chinese subject travels RFC 2047-encoded, and reads back intact.
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0].lower()
    reparsed = BytesParser(policy=default_policy).parsebytes(raw)
    assert reparsed["Subject"] == SUBJECT
    text, html = bodies(reparsed)
    assert "听证申请期限" in text and "<b>2026-04-14</b>" in html


def test_build_message_text_only_and_validation() -> None:
    assert make(html=None).get_content_type() == "text/plain"
    with pytest.raises(InvalidInput):
        make(date=datetime(2026, 4, 10, 9, 0))
    with pytest.raises(InvalidInput):
        make(to=[])
    with pytest.raises(InvalidInput):
        make(sender="no address")
    with pytest.raises(InvalidInput):
        make(attachments=[("a.pdf", b"x", "pdf")])
    # A line break in the subject must not become a header injection.
    assert make(subject="a\r\nBcc: evil@example.org")["Subject"] == "a Bcc: evil@example.org"


# ---------------------------------------------------------------------------- SMTP


def test_smtp_send_is_received(smtp_server: SmtpTestServer) -> None:
    transport = SmtpTransport(smtp_settings(smtp_server))
    transport.send(make(to=["zhang@example.org", "wang@example.org"]))

    assert len(smtp_server.messages) == 1
    got = smtp_server.messages[0]
    assert got.mail_from == "supervise@mzj.example.gov.cn"
    assert got.rcpt_tos == ["zhang@example.org", "wang@example.org"]
    assert got.message["Subject"] == SUBJECT
    assert got.message["From"].addresses[0].display_name == "监督系统"
    assert got.message["Message-ID"] == message_id("17/reminder/3/zhang@example.org", SENDER)
    text, html = bodies(got.message)
    assert "案件12的听证申请期限将于 2026-04-14 届满。" in text
    assert "<b>2026-04-14</b>" in html


def test_attachments_arrive(smtp_server: SmtpTestServer) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"
    msg = make(
        attachments=[
            ("听证告知书.pdf", pdf, "application/pdf"),
            ("list.csv", "名单,1\n".encode(), "text/csv"),
        ]
    )
    assert msg.get_content_type() == "multipart/mixed"
    SmtpTransport(smtp_settings(smtp_server)).send(msg)

    got = smtp_server.messages[0].message
    attachments = list(got.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["听证告知书.pdf", "list.csv"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == pdf
    assert attachments[1].get_content_type() == "text/csv"
    text, html = bodies(got)
    assert "听证申请期限" in text and "<b>" in html


def test_outage_raises_then_recovery_on_same_port(smtp_server: SmtpTestServer) -> None:
    transport = SmtpTransport(smtp_settings(smtp_server))
    smtp_server.stop()
    with pytest.raises(MailDeliveryError) as caught:
        transport.send(make())
    assert f"127.0.0.1:{smtp_server.port}" in str(caught.value)
    assert "refused" in str(caught.value)
    assert caught.value.kind == "mail"
    assert caught.value.details["port"] == smtp_server.port
    assert smtp_server.messages == []

    smtp_server.start()
    transport.send(make())
    assert len(smtp_server.messages) == 1


def test_batch_session_reuses_connection_and_notices_outage(
    smtp_server: SmtpTestServer,
) -> None:
    transport = SmtpTransport(smtp_settings(smtp_server))
    transport.open()
    try:
        transport.send(make("a"))
        transport.send(make("b"))
        smtp_server.stop()
        with pytest.raises(MailDeliveryError, match="connection refused"):
            transport.send(make("c"))
        smtp_server.start()
        # The dead connection is replaced transparently once the server is back.
        transport.send(make("d"))
    finally:
        transport.close()
    ids = [m.message["Message-ID"] for m in smtp_server.messages]
    assert ids == [message_id(k, SENDER) for k in ("a", "b", "d")]


def test_silent_server_times_out_clearly() -> None:
    # Accepts the TCP connection but never greets, like a hung or firewalled relay.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = SmtpConfig(host="127.0.0.1", port=port, timeout=0.5)
        with pytest.raises(MailDeliveryError, match=f"127.0.0.1:{port} did not answer"):
            SmtpTransport(settings).send(make())


def test_starttls_not_offered_is_a_clear_error(smtp_server: SmtpTestServer) -> None:
    transport = SmtpTransport(smtp_settings(smtp_server, security="starttls"))
    with pytest.raises(MailDeliveryError, match="does not offer STARTTLS") as caught:
        transport.send(make())
    assert f"127.0.0.1:{smtp_server.port}" in str(caught.value)
    assert smtp_server.messages == []


def test_ssl_against_plain_server_fails_clearly(smtp_server: SmtpTestServer) -> None:
    transport = SmtpTransport(smtp_settings(smtp_server, security="ssl", timeout=3.0))
    with pytest.raises(MailDeliveryError, match="TLS") as caught:
        transport.send(make())
    assert f"127.0.0.1:{smtp_server.port}" in str(caught.value)


def test_starttls_and_login(tls_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPERVISE_TEST_SMTP_PASSWORD", "s3cret")
    client_context = ssl.create_default_context(cafile=str(tls_cert[0]))
    with SmtpTestServer(tls=tls_cert, users={"robot": "s3cret"}) as server:
        settings = smtp_settings(
            server,
            host="localhost",
            security="starttls",
            user="robot",
            password_env="SUPERVISE_TEST_SMTP_PASSWORD",
        )
        SmtpTransport(settings, ssl_context=client_context).send(make())
        assert len(server.messages) == 1
        # Certificate not trusted by the default store: refused, not sent in clear.
        with pytest.raises(MailDeliveryError, match="not trusted"):
            SmtpTransport(settings).send(make())
        assert len(server.messages) == 1


def test_login_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    with SmtpTestServer(users={"robot": "s3cret"}) as server:
        settings = smtp_settings(server, user="robot", password_env="SUPERVISE_TEST_PW")
        monkeypatch.delenv("SUPERVISE_TEST_PW", raising=False)
        with pytest.raises(MailDeliveryError, match="SUPERVISE_TEST_PW.*not set"):
            SmtpTransport(settings).send(make())

        monkeypatch.setenv("SUPERVISE_TEST_PW", "wrong")
        with pytest.raises(MailDeliveryError, match="authentication failed for user robot"):
            SmtpTransport(settings).send(make())
        assert server.messages == []

        monkeypatch.setenv("SUPERVISE_TEST_PW", "s3cret")
        SmtpTransport(settings).send(make())
        assert len(server.messages) == 1


def test_refused_recipients_are_errors(smtp_server: SmtpTestServer) -> None:
    smtp_server.handler.refuse.add("gone@example.org")
    transport = SmtpTransport(smtp_settings(smtp_server))
    with pytest.raises(MailDeliveryError, match=r"recipient g\*\*\*@example.org .*550.* refused"):
        transport.send(make(to=["gone@example.org"]))
    assert smtp_server.messages == []

    # Partially refused: the others got it, but the row must not count as delivered.
    with pytest.raises(MailDeliveryError, match=r"g\*\*\*@example.org") as caught:
        transport.send(make(to=["zhang@example.org", "gone@example.org"]))
    assert caught.value.details["recipients"] == ["gone@example.org"]
    assert smtp_server.messages[0].rcpt_tos == ["zhang@example.org"]


def test_smtp_check(smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = smtp_settings(smtp_server)
    assert SmtpTransport(settings).check() == (
        True,
        f"SMTP server 127.0.0.1:{smtp_server.port} answers",
    )

    smtp_server.stop()
    ok, problem = SmtpTransport(settings).check()
    assert not ok and "\n" not in problem
    assert f"127.0.0.1:{smtp_server.port}" in problem

    smtp_server.start()
    ok, problem = SmtpTransport(smtp_settings(smtp_server, security="starttls")).check()
    assert not ok and "STARTTLS" in problem
    monkeypatch.delenv("SUPERVISE_TEST_PW", raising=False)
    with_login = SmtpTransport(
        smtp_settings(smtp_server, user="robot", password_env="SUPERVISE_TEST_PW")
    )
    ok, problem = with_login.check()
    assert not ok and "SUPERVISE_TEST_PW" in problem
    monkeypatch.setenv("SUPERVISE_TEST_PW", "x")
    # The server offers no AUTH at all.
    ok, problem = with_login.check()
    assert not ok and "does not offer AUTH" in problem
    assert smtp_server.messages == []


# ------------------------------------------------------- refused or server unusable


class RefusingHandler(RecordingHandler):
    """Also refuses the senders in ``refuse_senders`` (at MAIL FROM) and, with
    ``refuse_data``, every message at the end of DATA."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse_senders: set[str] = set()
        self.refuse_data = False

    async def handle_MAIL(  # noqa: N802 - aiosmtpd hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        mail_options: list[str],
    ) -> str:
        if address in self.refuse_senders:
            return "553 5.7.1 Sender address rejected"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.refuse_data:
            return "554 5.6.0 Message content rejected"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_server(smtp_server: SmtpTestServer) -> SmtpTestServer:
    smtp_server.stop()
    smtp_server.handler = RefusingHandler()
    smtp_server.start()
    return smtp_server


def _refuse(handler: RefusingHandler, what: str) -> None:
    if what == "recipient":
        handler.refuse.add("zhang@example.org")
    elif what == "sender":
        handler.refuse_senders.add("supervise@mzj.example.gov.cn")
    else:
        handler.refuse_data = True


def _accept(handler: RefusingHandler) -> None:
    handler.refuse.clear()
    handler.refuse_senders.clear()
    handler.refuse_data = False


@pytest.mark.parametrize(
    ("what", "fragment"),
    [
        ("recipient", "recipient z***@example.org (550 5.1.1 No such user here) refused"),
        ("sender", "sender s***@mzj.example.gov.cn refused by SMTP server"),
        ("data", "message refused by SMTP server"),
    ],
)
def test_a_refusal_of_the_message_is_refused(
    refusing_server: SmtpTestServer, what: str, fragment: str
) -> None:
    handler = refusing_server.handler
    assert isinstance(handler, RefusingHandler)
    _refuse(handler, what)
    transport = SmtpTransport(smtp_settings(refusing_server))
    with pytest.raises(MailDeliveryError) as caught:
        transport.send(make())  # a connection of its own
    assert caught.value.refused, caught.value.message
    assert fragment in caught.value.message
    assert f"127.0.0.1:{refusing_server.port}" in caught.value.message
    assert refusing_server.messages == []
    # On a batch connection the refusal is of this message only: the next one goes.
    transport.open()
    try:
        with pytest.raises(MailDeliveryError) as again:
            transport.send(make("a"))
        assert again.value.refused
        _accept(handler)
        transport.send(make("b"))
    finally:
        transport.close()
    assert [m.message["Message-ID"] for m in refusing_server.messages] == [message_id("b", SENDER)]


def test_a_partly_refused_message_is_refused(smtp_server: SmtpTestServer) -> None:
    smtp_server.handler.refuse.add("gone@example.org")
    with pytest.raises(MailDeliveryError, match="delivered to the other recipients") as caught:
        SmtpTransport(smtp_settings(smtp_server)).send(
            make(to=["zhang@example.org", "gone@example.org"])
        )
    assert caught.value.refused
    assert caught.value.details["recipients"] == ["gone@example.org"]


def _failure(settings: SmtpConfig, **kwargs: Any) -> MailDeliveryError:
    with pytest.raises(MailDeliveryError) as caught:
        SmtpTransport(settings, **kwargs).send(make())
    return caught.value


def test_a_server_that_cannot_be_used_is_not_a_refusal(
    smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = smtp_settings(smtp_server)
    smtp_server.stop()
    down = _failure(plain)
    assert "connection refused" in down.message and not down.refused
    smtp_server.start()

    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        hung = _failure(SmtpConfig(host="127.0.0.1", port=port, timeout=0.5))
    assert "did not answer" in hung.message and not hung.refused

    no_tls = _failure(smtp_settings(smtp_server, security="ssl", timeout=3.0))
    assert "TLS" in no_tls.message and not no_tls.refused
    no_starttls = _failure(smtp_settings(smtp_server, security="starttls"))
    assert "does not offer STARTTLS" in no_starttls.message and not no_starttls.refused
    assert smtp_server.messages == []

    with SmtpTestServer(users={"robot": "s3cret"}) as server:
        login = smtp_settings(server, user="robot", password_env="SUPERVISE_TEST_PW")
        monkeypatch.setenv("SUPERVISE_TEST_PW", "wrong")
        refused_login = _failure(login)
        assert "authentication failed" in refused_login.message and not refused_login.refused
        monkeypatch.delenv("SUPERVISE_TEST_PW")
        no_password = _failure(login)
        assert "not set" in no_password.message and not no_password.refused
        assert server.messages == []


def test_an_untrusted_certificate_is_not_a_refusal(
    tls_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPERVISE_TEST_PW", "s3cret")
    with SmtpTestServer(tls=tls_cert, users={"robot": "s3cret"}) as server:
        settings = smtp_settings(
            server,
            host="localhost",
            security="starttls",
            user="robot",
            password_env="SUPERVISE_TEST_PW",
        )
        untrusted = _failure(settings)
        assert "not trusted" in untrusted.message and not untrusted.refused
        assert server.messages == []


# ---------------------------------------------------------------------------- file


def test_file_transport_is_atomic_and_idempotent(tmp_path: Path) -> None:
    transport = mail_transport(MailConfig(file=MailFileConfig(dir="mail/out")), tmp_path)
    assert isinstance(transport, FileTransport)
    assert transport.directory == tmp_path / "mail" / "out"

    transport.send(make("k1", subject="第一版"))
    transport.send(make("k1", subject="第二版"))
    transport.send(make("k2"))

    files = sorted(p.name for p in transport.directory.iterdir())
    digest1 = hashlib.sha256(b"k1").hexdigest()[:32]
    assert f"{digest1}@mzj.example.gov.cn.eml" in files
    assert len(files) == 2, files  # no duplicate, no leftover temporary file
    saved = BytesParser(policy=default_policy).parsebytes(
        (transport.directory / f"{digest1}@mzj.example.gov.cn.eml").read_bytes()
    )
    assert saved["Subject"] == "第二版"
    assert saved["Message-ID"] == message_id("k1", SENDER)


def test_file_transport_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(MailDeliveryError, match="cannot write"):
        FileTransport(blocker / "sub").send(make())
    msg = make()
    del msg["Message-ID"]
    with pytest.raises(MailDeliveryError, match="Message-ID"):
        FileTransport(tmp_path).send(msg)


def test_file_transport_check(tmp_path: Path) -> None:
    # No server to ask: the check says where the files go.
    transport = mail_transport(MailConfig(), tmp_path)
    assert isinstance(transport, FileTransport)
    ok, text = transport.check()
    assert ok and str(tmp_path / "outbox") in text and "\n" not in text
    transport.open()
    transport.close()


def test_absolute_file_dir_and_smtp_choice(tmp_path: Path) -> None:
    absolute = mail_transport(
        MailConfig(file=MailFileConfig(dir=str(tmp_path / "abs"))), Path("/nowhere")
    )
    assert isinstance(absolute, FileTransport) and absolute.directory == tmp_path / "abs"
    assert isinstance(mail_transport(MailConfig(transport="smtp"), tmp_path), SmtpTransport)


def _load_mail(tmp_path: Path, text: str) -> MailConfig:
    path = tmp_path / "office.yaml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, environ={}).mail


def test_settings_validation_and_yaml_mapping(tmp_path: Path) -> None:
    refused = {
        "mail:\n  smtp: {security: tls}\n": "config key mail.smtp.security",
        "mail:\n  smtp: {port: 0}\n": "config key mail.smtp.port",
        "mail:\n  smtp: {user: robot}\n": "config key mail.smtp.password_env",  # no password_env
        "mail:\n  transport: pigeon\n": "config key mail.transport",
        "mail:\n  sender_name: x\n": "unknown config key mail.sender_name",
    }
    for text, key in refused.items():
        with pytest.raises(ConfigError) as caught:
            _load_mail(tmp_path, text)
        assert key in caught.value.message, (text, caught.value.message)
    mail = _load_mail(
        tmp_path,
        "mail:\n  transport: smtp\n  from: mzj@example.gov.cn\n"
        "  smtp: {host: mail.example.gov.cn, port: 587, security: starttls, user: robot, "
        "password_env: SMTP_PW}\n  file: {dir: /var/spool/supervise}\n",
    )
    assert mail.transport == "smtp" and mail.sender == "mzj@example.gov.cn"
    assert mail.smtp.port == 587 and mail.smtp.security == "starttls"
    assert mail.smtp.user == "robot" and mail.smtp.password_env == "SMTP_PW"
    assert mail.file.dir == "/var/spool/supervise"
    assert _load_mail(tmp_path, "timezone: Asia/Shanghai\n") == MailConfig()  # no mail: section
    assert issubclass(MailDeliveryError, SuperviseError)


# ----------------------------------------------------------------------- templates


def item(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "case_id": 12,
        "organization": "重庆市某某儿童服务中心",
        "person": "李四",
        "person_id_masked": "110105********002X",
        "role": "秘书长",
        "state": "ban_proposed",
        "state_zh": "拟从业禁止",
        "deadline_kind": "hearing_request",
        "deadline_zh": "听证申请期限",
        "due": "2026-04-14",
        "provisional": False,
        "basis": "《中华人民共和国行政处罚法》第六十四条",
        "next_command": "supervise case advance 12 impose_ban --until 2031-04-14",
        "next_events": ["impose_ban", "drop_ban"],
        "overdue_days": 0,
        "late": False,
        "repeat": 1,
        "supervisor": "张三",
        "step": "3 working days before",
    }
    values.update(overrides)
    return values


def single(kind: str, **overrides: Any) -> dict[str, Any]:
    return {
        "recipient": {"name": "张三", "email": "zhang@example.org"},
        "item": item(**overrides),
        "now": "2026-04-10 09:00 +08:00",
    }


def digest_context(**overrides: Any) -> dict[str, Any]:
    return {
        "recipient": {"name": "张三", "email": "zhang@example.org"},
        "due": [
            item(),
            item(case_id=13, deadline_zh="陈述申辩期限", due="2026-04-17", provisional=True),
        ],
        "overdue": [
            item(
                case_id=9, deadline_zh="决定送达期限", due="2026-04-02", overdue_days=6, **overrides
            )
        ],
        "days": 10,
        "now": NOW,
    }


@pytest.fixture(scope="module")
def renderer() -> MailRenderer:
    return MailRenderer()


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "digest"])
def test_each_single_item_kind_renders(renderer: MailRenderer, kind: str) -> None:
    subject, text, html = renderer.render(kind, single(kind))
    assert subject.startswith("【supervise】")
    assert "案件12" in subject and "\n" not in subject
    for body in (text, html):
        assert "张三" in body
        assert "重庆市某某儿童服务中心" in body
        assert "李四" in body and "秘书长" in body
        assert "110105********002X" in body
        assert "听证申请期限" in body and "2026-04-14" in body
        assert "supervise case advance 12 impose_ban --until 2031-04-14" in body
        assert "2026-04-10 09:00 +08:00" in body
        assert "暂定" not in body and "迟发" not in body
    assert html.lstrip().startswith("<!DOCTYPE html>")
    assert f"<title>{subject}</title>" in html


def test_kind_specific_wording(renderer: MailRenderer) -> None:
    subject, _, _ = renderer.render("reminder", single("reminder"))
    assert subject == SUBJECT

    subject, text, _ = renderer.render("overdue", single("overdue", overdue_days=3))
    assert subject.startswith("【supervise】逾期：") and "已逾期 3 天" in subject
    assert "已逾期 3 天" in text

    subject, text, html = renderer.render(
        "escalation", single("escalation", repeat=2, overdue_days=5)
    )
    assert "督办（第2次）" in subject and "承办人 张三" in subject
    assert "第 2 次督办" in text and "第 2 次</strong>督办" in html

    subject, text, html = renderer.render("window_closed", single("window_closed"))
    assert "2026-04-14" in subject and "impose_ban 或 drop_ban" in subject
    assert "已于 2026-04-14 届满" in text and "现在可执行 impose_ban 或 drop_ban" in text
    assert "<code" in html and "impose_ban</code>" in html

    subject, text, _ = renderer.render("serve_notice", single("serve_notice"))
    assert subject.startswith("【supervise】待送达：") and "送达" in text


def test_provisional_and_late_are_said(renderer: MailRenderer) -> None:
    subject, text, html = renderer.render(
        "reminder", single("reminder", provisional=True, late=True)
    )
    assert "2026-04-14（暂定）" in subject and "迟发" in subject
    for body in (text, html):
        assert "暂定：该年度放假安排尚未公布，公布后将重新计算" in body
        assert "迟发" in body


def test_digest(renderer: MailRenderer) -> None:
    subject, text, html = renderer.render("digest", digest_context())
    assert subject == "【supervise】每日汇总 2026-04-10：10日内到期 2 项，已逾期 1 项"
    for body in (text, html):
        assert "案件9" in body or ">9<" in body
        assert "决定送达期限" in body and "已逾期 6 天" in body
        assert "陈述申辩期限" in body and "2026-04-17（暂定）" in body
        assert "暂定：该年度放假安排尚未公布" in body
        assert "2026-04-10 09:00 +08:00" in body
    assert text.index("已逾期（1 项）") < text.index("决定送达期限") < text.index("10日内到期")

    empty = dict(digest_context(), due=[], overdue=[])
    subject, text, html = renderer.render("digest", empty)
    assert "到期 0 项，已逾期 0 项" in subject and "无" in text and "<p>无</p>" in html


def test_names_are_escaped_in_html_only(renderer: MailRenderer) -> None:
    evil = "<script>alert('x')</script>"
    for kind in KINDS:
        if kind == "digest":
            context = digest_context(person=evil, organization=evil)
        else:
            context = single(kind, person=evil, organization=evil, role="A&B")
            context["recipient"] = {"name": evil, "email": "x@example.org"}
        subject, text, html = renderer.render(kind, context)
        assert "<script>" not in html, kind
        assert "&lt;script&gt;" in html, kind
        assert "&amp;lt;" not in html, kind  # escaped once, not twice
        assert evil in text, kind
    _, _, html = renderer.render("reminder", single("reminder", role="A&B"))
    assert "A&amp;B" in html


def test_render_refuses_bad_input(renderer: MailRenderer) -> None:
    with pytest.raises(InvalidInput, match="unknown mail kind"):
        renderer.render("birthday", single("reminder"))
    context = single("reminder")
    del context["item"]["due"]
    with pytest.raises(InvalidInput, match="due"):
        renderer.render("reminder", context)
    context = single("escalation")
    del context["item"]["repeat"]
    with pytest.raises(InvalidInput, match="repeat"):
        renderer.render("escalation", context)
    # Optional fields may be left out.
    minimal = single("reminder")
    for name in (
        "role",
        "person_id_masked",
        "basis",
        "next_command",
        "next_events",
        "provisional",
        "late",
        "step",
        "state",
        "deadline_kind",
    ):
        del minimal["item"][name]
    subject, text, _ = renderer.render("reminder", minimal)
    assert subject == SUBJECT and "下一步操作" not in text


def test_rendered_mail_end_to_end(renderer: MailRenderer, smtp_server: SmtpTestServer) -> None:
    subject, text, html = renderer.render("reminder", single("reminder"))
    mid = message_id("17/reminder/3/zhang@example.org", SENDER)
    msg = build_message(
        sender=SENDER,
        to=["zhang@example.org"],
        subject=subject,
        text=text,
        html=html,
        message_id=mid,
        date=NOW,
    )
    SmtpTransport(smtp_settings(smtp_server)).send(msg)
    got = smtp_server.messages[0].message
    assert got["Subject"] == subject
    got_text, got_html = bodies(got)
    assert got_text == text
    assert "重庆市某某儿童服务中心" in got_html
