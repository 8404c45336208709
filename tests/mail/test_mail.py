"""Mail adapter and templates, against a real local SMTP server (aiosmtpd)."""

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

from supervise.adapters.mail import (
    FileTransport,
    MailDeliveryError,
    MailSettings,
    SmtpSettings,
    SmtpTransport,
    build_message,
    check_smtp,
    mail_session,
    make_transport,
    message_id,
)
from supervise.adapters.mail_render import KINDS, MailRenderer
from supervise.errors import ConfigError, InvalidInput, SuperviseError
from tests.smtp_server import SmtpTestServer

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 4, 10, 9, 0, tzinfo=CST)
SENDER = "监督系统 <supervise@mzj.example.gov.cn>"
SUBJECT = "【supervise】提醒：案件12 听证申请期限 2026-04-14 届满"


def make(key: str = "17/reminder/3/zhang@example.org", **overrides: Any) -> EmailMessage:
    args: dict[str, Any] = {
        "sender": SENDER,
        "to": ["zhang@example.org"],
        "subject": SUBJECT,
        "text": "张三：\n\n案件12的听证申请期限将于 2026-04-14 届满。\n",
        "html": "<p>张三：</p><p>案件12的听证申请期限将于 <b>2026-04-14</b> 届满。</p>",
        "key": key,
        "date": NOW,
    }
    args.update(overrides)
    return build_message(**args)


def smtp_settings(server: SmtpTestServer, **overrides: Any) -> SmtpSettings:
    values: dict[str, Any] = {"host": server.host, "port": server.port, "timeout": 5.0}
    values.update(overrides)
    return SmtpSettings(**values)


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert isinstance(text, EmailMessage) and isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


# ------------------------------------------------------------------------ building


def test_message_id_is_deterministic() -> None:
    key = "17/reminder/3/zhang@example.org"
    expected = "<" + hashlib.sha256(key.encode()).hexdigest()[:32] + "@example.org>"
    assert message_id(key, "example.org") == expected
    assert message_id(key, "example.org") == message_id(key, "example.org")
    assert message_id(key + "x", "example.org") != expected


def test_build_message_structure_and_headers() -> None:
    msg = make()
    assert msg.get_content_type() == "multipart/alternative"
    assert msg["Message-ID"] == message_id(
        "17/reminder/3/zhang@example.org", "mzj.example.gov.cn"
    )
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
    assert got.message["Message-ID"] == message_id(
        "17/reminder/3/zhang@example.org", "mzj.example.gov.cn"
    )
    text, html = bodies(got.message)
    assert "案件12的听证申请期限将于 2026-04-14 届满。" in text
    assert "<b>2026-04-14</b>" in html


def test_attachments_arrive(smtp_server: SmtpTestServer) -> None:
    pdf = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"
    msg = make(attachments=[("听证告知书.pdf", pdf, "application/pdf"),
                            ("list.csv", "名单,1\n".encode(), "text/csv")])
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
    with mail_session(transport):
        transport.send(make("a"))
        transport.send(make("b"))
        smtp_server.stop()
        with pytest.raises(MailDeliveryError, match="connection refused"):
            transport.send(make("c"))
        smtp_server.start()
        # The dead connection is replaced transparently once the server is back.
        transport.send(make("d"))
    ids = [m.message["Message-ID"] for m in smtp_server.messages]
    assert ids == [message_id(k, "mzj.example.gov.cn") for k in ("a", "b", "d")]


def test_silent_server_times_out_clearly() -> None:
    # Accepts the TCP connection but never greets, like a hung or firewalled relay.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        settings = SmtpSettings(host="127.0.0.1", port=port, timeout=0.5)
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


def test_starttls_and_login(
    tls_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPERVISE_TEST_SMTP_PASSWORD", "s3cret")
    client_context = ssl.create_default_context(cafile=str(tls_cert[0]))
    with SmtpTestServer(tls=tls_cert, users={"robot": "s3cret"}) as server:
        settings = smtp_settings(
            server, host="localhost", security="starttls",
            user="robot", password_env="SUPERVISE_TEST_SMTP_PASSWORD",
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
    with pytest.raises(MailDeliveryError, match="recipient gone@example.org .*550.* refused"):
        transport.send(make(to=["gone@example.org"]))
    assert smtp_server.messages == []

    # Partially refused: the others got it, but the row must not count as delivered.
    with pytest.raises(MailDeliveryError, match="gone@example.org") as caught:
        transport.send(make(to=["zhang@example.org", "gone@example.org"]))
    assert caught.value.details["refused"] == ["gone@example.org"]
    assert smtp_server.messages[0].rcpt_tos == ["zhang@example.org"]


def test_check_smtp(smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = MailSettings(transport="smtp", smtp=smtp_settings(smtp_server))
    assert check_smtp(settings) is None
    assert check_smtp(MailSettings(transport="file")) is None

    smtp_server.stop()
    problem = check_smtp(settings)
    assert problem is not None and "\n" not in problem
    assert f"127.0.0.1:{smtp_server.port}" in problem

    smtp_server.start()
    needs_tls = MailSettings(
        transport="smtp", smtp=smtp_settings(smtp_server, security="starttls")
    )
    assert "STARTTLS" in (check_smtp(needs_tls) or "")
    monkeypatch.delenv("SUPERVISE_TEST_PW", raising=False)
    with_login = MailSettings(
        transport="smtp",
        smtp=smtp_settings(smtp_server, user="robot", password_env="SUPERVISE_TEST_PW"),
    )
    assert "SUPERVISE_TEST_PW" in (check_smtp(with_login) or "")
    monkeypatch.setenv("SUPERVISE_TEST_PW", "x")
    # The server offers no AUTH at all.
    assert "does not offer AUTH" in (check_smtp(with_login) or "")
    assert smtp_server.messages == []


# ---------------------------------------------------------------------------- file


def test_file_transport_is_atomic_and_idempotent(tmp_path: Path) -> None:
    transport = make_transport(MailSettings(file_dir="mail/out"), tmp_path)
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
    assert saved["Message-ID"] == message_id("k1", "mzj.example.gov.cn")


def test_file_transport_errors(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(MailDeliveryError, match="cannot write"):
        FileTransport(blocker / "sub").send(make())
    msg = make()
    del msg["Message-ID"]
    with pytest.raises(MailDeliveryError, match="Message-ID"):
        FileTransport(tmp_path).send(msg)


def test_absolute_file_dir_and_smtp_choice(tmp_path: Path) -> None:
    absolute = make_transport(MailSettings(file_dir=str(tmp_path / "abs")), Path("/nowhere"))
    assert isinstance(absolute, FileTransport) and absolute.directory == tmp_path / "abs"
    assert isinstance(make_transport(MailSettings(transport="smtp"), tmp_path), SmtpTransport)


def test_settings_validation_and_yaml_mapping() -> None:
    with pytest.raises(ConfigError):
        SmtpSettings(security="tls")
    with pytest.raises(ConfigError):
        SmtpSettings(port=0)
    with pytest.raises(ConfigError):
        SmtpSettings(user="robot")  # no password_env
    with pytest.raises(ConfigError):
        MailSettings(transport="pigeon")
    settings = MailSettings.from_mapping({
        "transport": "smtp",
        "from": "mzj@example.gov.cn",
        "smtp": {"host": "mail.example.gov.cn", "port": 587, "security": "starttls",
                 "user": "robot", "password_env": "SMTP_PW"},
        "file": {"dir": "/var/spool/supervise"},
    })
    assert settings.sender == "mzj@example.gov.cn"
    assert settings.smtp.port == 587 and settings.smtp.security == "starttls"
    assert settings.file_dir == "/var/spool/supervise"
    assert MailSettings.from_mapping(None) == MailSettings()
    with pytest.raises(ConfigError, match="sender_name"):
        MailSettings.from_mapping({"sender_name": "x"})
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
        "due": [item(), item(case_id=13, deadline_zh="陈述申辩期限", due="2026-04-17",
                             provisional=True)],
        "overdue": [item(case_id=9, deadline_zh="决定送达期限", due="2026-04-02",
                         overdue_days=6, **overrides)],
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
    for name in ("role", "person_id_masked", "basis", "next_command", "next_events",
                 "provisional", "late", "step", "state", "deadline_kind"):
        del minimal["item"][name]
    subject, text, _ = renderer.render("reminder", minimal)
    assert subject == SUBJECT and "下一步操作" not in text


def test_rendered_mail_end_to_end(renderer: MailRenderer, smtp_server: SmtpTestServer) -> None:
    subject, text, html = renderer.render("reminder", single("reminder"))
    msg = build_message(sender=SENDER, to=["zhang@example.org"], subject=subject, text=text,
                        html=html, key="17/reminder/3/zhang@example.org", date=NOW)
    SmtpTransport(smtp_settings(smtp_server)).send(msg)
    got = smtp_server.messages[0].message
    assert got["Subject"] == subject
    got_text, got_html = bodies(got)
    assert got_text == text
    assert "重庆市某某儿童服务中心" in got_html
