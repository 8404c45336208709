"""A real SMTP server (aiosmtpd) for tests, with outage simulation.

Usable from any test folder::

    from tests.smtp_server import SmtpTestServer

    server = SmtpTestServer()
    server.start()
    ...                      # send to server.host:server.port
    server.messages          # list[ReceivedMessage]
    server.stop(); server.start()   # outage and recovery on the same port
"""

from __future__ import annotations

import email
import shutil
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now (Controller cannot bind port 0 usefully)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class ReceivedMessage:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    message: EmailMessage


class RecordingHandler:
    """aiosmtpd handler that keeps every accepted message and can refuse recipients."""

    def __init__(self) -> None:
        self.messages: list[ReceivedMessage] = []
        self.refuse: set[str] = set()
        self._lock = threading.Lock()

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        parsed = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        mail_from = envelope.mail_from or ""
        with self._lock:
            self.messages.append(ReceivedMessage(mail_from, list(envelope.rcpt_tos), raw, parsed))
        return "250 Message accepted for delivery"


class SmtpTestServer:
    """A threaded aiosmtpd server on 127.0.0.1 that keeps its port across stop()/start().

    ``tls`` (cert file, key file) makes the server offer STARTTLS; ``users`` enables
    AUTH PLAIN/LOGIN (allowed without TLS here so plain tests can log in).
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int | None = None,
        tls: tuple[Path, Path] | None = None,
        users: dict[str, str] | None = None,
    ) -> None:
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.handler = RecordingHandler()
        self.tls = tls
        self.users = users
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[ReceivedMessage]:
        return self.handler.messages

    @property
    def running(self) -> bool:
        return self._controller is not None

    def _authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword) or self.users is None:
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        ok = self.users.get(login) == auth_data.password.decode()
        return AuthResult(success=ok, handled=False)

    def start(self) -> None:
        if self._controller is not None:
            return
        kwargs: dict[str, Any] = {}
        if self.tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self.tls[0]), str(self.tls[1]))
            kwargs["tls_context"] = context
        if self.users is not None:
            kwargs["authenticator"] = self._authenticate
            kwargs["auth_require_tls"] = self.tls is not None
        # A Controller's event loop is closed by stop(), so every start needs a new one.
        controller = Controller(
            self.handler,
            hostname=self.host,
            port=self.port,
            # Without server_hostname aiosmtpd calls socket.getfqdn(), slow without DNS.
            server_hostname="localhost",
            **kwargs,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpTestServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_self_signed_cert(directory: Path, common_name: str = "localhost") -> tuple[Path, Path]:
    """(cert, key) for ``common_name`` made with the openssl CLI; RuntimeError if absent."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise RuntimeError("openssl not installed")
    cert = directory / "cert.pem"
    key = directory / "key.pem"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            f"/CN={common_name}",
            "-addext",
            f"subjectAltName=DNS:{common_name},IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key
