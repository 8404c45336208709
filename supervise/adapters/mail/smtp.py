"""Delivery through an SMTP server with the standard library's smtplib (adapter layer).

The transport owns its connection: ``open`` connects (STARTTLS and login as configured)
for a batch, ``send`` reuses it and reconnects once if the server dropped an idle
connection, ``close`` says QUIT. Every failure is a ``MailDeliveryError`` whose message
names what failed (connection refused by host:port, authentication, a refused recipient)
and whose ``refused`` tells a refusal of this message from a server that cannot be used.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from supervise.adapters.mail.message import one_line
from supervise.config import SmtpConfig
from supervise.errors import MailDeliveryError

# The server answered, and refused this message (or some of its recipients): the next
# message may go through. Any other failure is the server's.
_MESSAGE_REFUSALS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return one_line(text)


class SmtpTransport:
    """Deliver through an SMTP server with the standard library's smtplib.

    ``send`` alone opens and closes a connection per message. For a batch, use the
    transport as a context manager (or ``open()``/``close()``): messages then share
    one connection, which is re-opened once if the server dropped it between messages.
    """

    def __init__(self, settings: SmtpConfig, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        # Injectable so tests (or a bureau with a private CA) can trust another certificate.
        self._ssl_context = ssl_context
        self._conn: smtplib.SMTP | None = None

    # -- connection management

    def __enter__(self) -> SmtpTransport:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Connect (and STARTTLS / log in as configured) unless already connected."""
        if self._conn is None:
            self._conn = self._connect()

    def close(self) -> None:
        """Say QUIT and drop the connection; a server that is already gone is not an error."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError):
            conn.close()

    def noop(self) -> None:
        """Check that the server still answers (used by ``supervise doctor``)."""
        conn = self._conn
        if conn is None:
            raise MailDeliveryError("not connected to the SMTP server")
        try:
            code, reply = conn.noop()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise self._error(exc, "NOOP") from exc
        if code != 250:
            raise MailDeliveryError(
                f"SMTP server {self.address} answered NOOP with {code} {_reply_text(reply)}",
                host=self.settings.host,
                port=self.settings.port,
            )

    def check(self) -> tuple[bool, str]:
        """Whether the server answers (and login works), for ``supervise doctor``."""
        try:
            with self:
                self.noop()
        except MailDeliveryError as exc:
            return False, f"{exc.message}; check mail.smtp in the configuration"
        return True, f"SMTP server {self.address} answers"

    @property
    def address(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _password(self) -> str | None:
        s = self.settings
        if s.user is None:
            return None
        assert s.password_env  # the configuration refuses a user without password_env
        password = os.environ.get(s.password_env)
        if password is None:
            raise MailDeliveryError(
                f"SMTP password for user {s.user} expected in environment variable "
                f"{s.password_env}, which is not set",
                host=s.host,
                port=s.port,
            )
        return password

    def _context(self) -> ssl.SSLContext:
        return self._ssl_context or ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        # Read the password first: a missing variable is a configuration problem and
        # should be reported as such, not hidden behind a network error.
        password = self._password()
        stage = "connect"
        try:
            conn: smtplib.SMTP
            if s.security == "ssl":
                conn = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=self._context())
            else:
                conn = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        except (smtplib.SMTPException, OSError) as exc:
            raise self._error(exc, stage) from exc
        try:
            stage = "EHLO"
            # Unlike ehlo(), this falls back to HELO and raises if the server refuses both.
            conn.ehlo_or_helo_if_needed()
            if s.security == "starttls":
                stage = "STARTTLS"
                conn.starttls(context=self._context())
                stage = "EHLO"
                conn.ehlo_or_helo_if_needed()
            if s.user is not None and password is not None:
                stage = "AUTH"
                conn.login(s.user, password)
        except (smtplib.SMTPException, OSError) as exc:
            conn.close()
            raise self._error(exc, stage) from exc
        return conn

    # -- sending

    def send(self, message: EmailMessage) -> None:
        if self._conn is None:
            conn = self._connect()
            try:
                self._send_on(conn, message)
            except _Reconnectable as exc:
                conn.close()
                raise self._error(exc.cause, "send") from exc.cause
            except BaseException:
                # No polite QUIT after a failure: a server that just timed out would
                # make us wait a second full timeout.
                conn.close()
                raise
            with contextlib.suppress(smtplib.SMTPException, OSError):
                conn.quit()
            conn.close()
            return
        try:
            self._send_on(self._conn, message)
        except _Reconnectable:
            # The server (or a NAT box) dropped our idle batch connection: one fresh
            # attempt. A duplicate is acceptable (at-least-once, same Message-ID).
            self._drop()
            self.open()
            assert self._conn is not None
            try:
                self._send_on(self._conn, message)
            except _Reconnectable as exc:
                self._drop()
                raise self._error(exc.cause, "send") from exc.cause

    def _send_on(self, conn: smtplib.SMTP, message: EmailMessage) -> None:
        try:
            refused = conn.send_message(message)
        except (smtplib.SMTPServerDisconnected, ConnectionError) as exc:
            raise _Reconnectable(exc) from exc
        except (smtplib.SMTPException, OSError) as exc:
            if isinstance(exc, OSError) and self._conn is conn:
                # A timeout or socket error leaves the SMTP dialogue in an unknown state.
                self._drop()
            raise self._error(exc, "send") from exc
        if refused:
            # smtplib only raises when *every* recipient is refused; a partial refusal
            # must not pass as delivered.
            raise MailDeliveryError(
                f"{_refused_text(refused)} by SMTP server {self.address} "
                "(delivered to the other recipients)",
                refused=True,
                host=self.settings.host,
                port=self.settings.port,
                recipients=sorted(refused),
            )

    # -- error translation

    def _error(self, exc: BaseException, stage: str) -> MailDeliveryError:
        s = self.settings
        addr = self.address
        details: dict[str, Any] = {"host": s.host, "port": s.port, "stage": stage}
        text: str
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            text = f"{_refused_text(exc.recipients)} by SMTP server {addr}"
            details["recipients"] = sorted(exc.recipients)
        elif isinstance(exc, smtplib.SMTPSenderRefused):
            sender = exc.sender.decode() if isinstance(exc.sender, bytes) else exc.sender
            text = (
                f"sender {sender} refused by SMTP server {addr}: "
                f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
            )
        elif isinstance(exc, smtplib.SMTPDataError):
            text = (
                f"message refused by SMTP server {addr}: "
                f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
            )
        elif isinstance(exc, smtplib.SMTPAuthenticationError):
            text = (
                f"SMTP authentication failed for user {s.user} at {addr}: "
                f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
            )
        elif isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "STARTTLS":
            text = f"SMTP server {addr} does not offer STARTTLS (mail.smtp.security is starttls)"
        elif isinstance(exc, smtplib.SMTPNotSupportedError) and stage == "AUTH":
            text = (
                f"SMTP server {addr} does not offer AUTH, cannot log in as {s.user} "
                "(many servers offer AUTH only after STARTTLS)"
            )
        elif isinstance(exc, smtplib.SMTPConnectError):
            text = (
                f"SMTP server {addr} refused the session: "
                f"{exc.smtp_code} {_reply_text(exc.smtp_error)}"
            )
        elif isinstance(exc, smtplib.SMTPServerDisconnected) and isinstance(
            exc.__context__, TimeoutError
        ):
            # smtplib reports a read timeout as a disconnection; say what really happened.
            text = f"SMTP server {addr} did not answer within {s.timeout:g} s ({stage})"
        elif isinstance(exc, smtplib.SMTPServerDisconnected):
            text = f"SMTP server {addr} closed the connection unexpectedly ({stage})"
        elif isinstance(exc, smtplib.SMTPResponseException):
            text = (
                f"SMTP server {addr} answered {exc.smtp_code} "
                f"{_reply_text(exc.smtp_error)} ({stage})"
            )
        elif isinstance(exc, smtplib.SMTPException):
            text = f"SMTP error with {addr} ({stage}): {one_line(str(exc))}"
        elif isinstance(exc, ssl.SSLCertVerificationError):
            text = (
                f"TLS certificate of SMTP server {addr} not trusted: "
                f"{exc.verify_message or exc.reason}"
            )
        elif isinstance(exc, ssl.SSLError):
            text = (
                f"TLS with SMTP server {addr} failed ({stage}): {exc.reason or one_line(str(exc))}"
            )
        elif isinstance(exc, ConnectionRefusedError):
            text = f"connection refused by SMTP server {addr}"
        elif isinstance(exc, TimeoutError):
            text = f"SMTP server {addr} did not answer within {s.timeout:g} s ({stage})"
        elif isinstance(exc, socket.gaierror):
            text = f"cannot resolve SMTP host {s.host}: {exc.strerror}"
        elif isinstance(exc, OSError):
            text = f"cannot talk to SMTP server {addr} ({stage}): {exc.strerror or exc}"
        else:
            text = f"SMTP failure with {addr} ({stage}): {one_line(str(exc))}"
        return MailDeliveryError(text, refused=isinstance(exc, _MESSAGE_REFUSALS), **details)


class _Reconnectable(Exception):
    """The connection died under us; the message may be retried on a fresh one."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _refused_text(refused: Mapping[str, tuple[int, bytes]]) -> str:
    parts = [
        f"{addr} ({code} {_reply_text(reply)})" for addr, (code, reply) in sorted(refused.items())
    ]
    noun = "recipient" if len(parts) == 1 else "recipients"
    return f"{noun} {'; '.join(parts)} refused"
