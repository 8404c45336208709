"""Mail adapter: build reminder e-mails and hand them to an SMTP server or a directory.

The delivery step reads pending OUTBOX rows, builds one message per row with
:func:`build_message` and calls ``transport.send``; only when ``send`` returns does it
mark the row sent. Delivery is therefore at-least-once, and the Message-ID is derived
from the outbox key so that a message sent twice is recognisably the same message
(mail clients and :class:`FileTransport` collapse the duplicates).

Transports never drop a message silently: every failure is a :class:`MailDeliveryError`
whose message names what failed (connection refused by host:port, authentication,
refused recipient) so the row stays pending and the operator sees why.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import smtplib
import socket
import ssl
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from supervise.errors import ConfigError, InvalidInput, SuperviseError

SECURITY_MODES = ("none", "starttls", "ssl")
TRANSPORTS = ("smtp", "file")


class MailDeliveryError(SuperviseError):
    """A message could not be handed to the mail server or written to the mail directory."""

    kind = "mail"


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the SMTP server (YAML ``mail.smtp``)."""

    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"
    user: str | None = None
    # The password itself never goes into the configuration file, only the name of the
    # environment variable holding it, so the YAML can be committed and shown by doctor.
    password_env: str | None = None
    timeout: float = 10.0

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ConfigError(
                f"mail.smtp.security must be one of {', '.join(SECURITY_MODES)}, "
                f"not {self.security!r}"
            )
        if not isinstance(self.host, str) or not self.host:
            raise ConfigError(f"mail.smtp.host must be a host name, not {self.host!r}")
        if (
            isinstance(self.port, bool)
            or not isinstance(self.port, int)
            or not (0 < self.port < 65536)
        ):
            raise ConfigError(f"mail.smtp.port must be a port number, not {self.port!r}")
        if (
            isinstance(self.timeout, bool)
            or not isinstance(self.timeout, int | float)
            or (self.timeout <= 0)
        ):
            raise ConfigError(
                f"mail.smtp.timeout must be a positive number of seconds, not {self.timeout!r}"
            )
        if self.user is not None and not self.password_env:
            raise ConfigError(
                "mail.smtp.user is set but mail.smtp.password_env "
                "(the environment variable holding the password) is not"
            )

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    """The ``mail:`` section of the configuration."""

    transport: str = "file"
    sender: str = "supervise@example.org"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    file_dir: str = "outbox"

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ConfigError(
                f"mail.transport must be one of {', '.join(TRANSPORTS)}, not {self.transport!r}"
            )
        if not isinstance(self.sender, str) or "@" not in parseaddr(self.sender)[1]:
            raise ConfigError(f"mail.from must be an e-mail address, not {self.sender!r}")
        if not self.file_dir:
            raise ConfigError("mail.file.dir must not be empty")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> MailSettings:
        """Read the YAML ``mail:`` mapping (keys ``transport``, ``from``, ``smtp``, ``file``)."""
        if data is None:
            return cls()
        _no_unknown_keys("mail", data, {"transport", "from", "smtp", "file"})
        smtp_data = _mapping("mail.smtp", data.get("smtp"))
        _no_unknown_keys(
            "mail.smtp",
            smtp_data,
            {"host", "port", "security", "user", "password_env", "timeout"},
        )
        file_data = _mapping("mail.file", data.get("file"))
        _no_unknown_keys("mail.file", file_data, {"dir"})
        defaults = cls()
        smtp = SmtpSettings(**smtp_data)
        return cls(
            transport=data.get("transport", defaults.transport),
            sender=data.get("from", defaults.sender),
            smtp=smtp,
            file_dir=str(file_data.get("dir", defaults.file_dir)),
        )


def _mapping(name: str, value: object) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(f"{name} must be a mapping")
    return value


def _no_unknown_keys(name: str, data: Mapping[str, Any], known: set[str]) -> None:
    unknown = sorted(str(k) for k in data if k not in known)
    if unknown:
        raise ConfigError(f"unknown key(s) in {name}: {', '.join(unknown)}")


@runtime_checkable
class MailTransport(Protocol):
    """Anything that can deliver a built message; raises MailDeliveryError on failure."""

    def send(self, message: EmailMessage) -> None: ...


# ---------------------------------------------------------------------------- building


def message_id(key: str, domain: str) -> str:
    """Deterministic Message-ID for an outbox key, so a re-sent message is the same message."""
    return "<" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@" + domain + ">"


def _one_line(value: str) -> str:
    # Header values with line breaks are rejected by the email package (header injection).
    return " ".join(value.split())


def build_message(
    *,
    sender: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None,
    key: str,
    date: datetime,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    """Build a UTF-8 text(+html) message whose Message-ID is derived from ``key``.

    ``attachments`` are ``(filename, data, mime type)``; with any, the message becomes
    multipart/mixed with the text/html alternative first.
    """
    sender_address = parseaddr(sender)[1]
    if "@" not in sender_address:
        raise InvalidInput(f"sender must be an e-mail address, not {sender!r}")
    if not to:
        raise InvalidInput("a message needs at least one recipient")
    if date.tzinfo is None or date.utcoffset() is None:
        # A naive time would be sent as "-0000" (unknown zone) and displayed wrongly.
        raise InvalidInput("the Date of a message must carry a time zone")
    domain = sender_address.rpartition("@")[2]

    msg = EmailMessage(policy=default_policy)
    msg["From"] = sender
    msg["To"] = ", ".join(_one_line(r) for r in to)
    msg["Subject"] = _one_line(subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id(key, domain)
    # RFC 3834: keeps vacation responders from answering the reminder robot.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    for filename, data, mime_type in attachments:
        maintype, slash, subtype = mime_type.partition("/")
        if not slash or not maintype or not subtype:
            raise InvalidInput(f"attachment {filename!r}: bad MIME type {mime_type!r}")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


# ------------------------------------------------------------------------------ SMTP


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return _one_line(text)


class SmtpTransport:
    """Deliver through an SMTP server with the standard library's smtplib.

    ``send`` alone opens and closes a connection per message. For a batch, use the
    transport as a context manager (or ``open()``/``close()``): messages then share
    one connection, which is re-opened once if the server dropped it between messages.
    """

    def __init__(
        self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None
    ) -> None:
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
                f"SMTP server {self.settings.address} answered NOOP with "
                f"{code} {_reply_text(reply)}",
                host=self.settings.host,
                port=self.settings.port,
            )

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _password(self) -> str | None:
        s = self.settings
        if s.user is None:
            return None
        assert s.password_env  # SmtpSettings refuses a user without password_env
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
                f"{_refused_text(refused)} by SMTP server {self.settings.address} "
                "(delivered to the other recipients)",
                host=self.settings.host,
                port=self.settings.port,
                refused=sorted(refused),
            )

    # -- error translation

    def _error(self, exc: BaseException, stage: str) -> MailDeliveryError:
        s = self.settings
        addr = s.address
        details: dict[str, Any] = {"host": s.host, "port": s.port, "stage": stage}
        text: str
        if isinstance(exc, smtplib.SMTPRecipientsRefused):
            text = f"{_refused_text(exc.recipients)} by SMTP server {addr}"
            details["refused"] = sorted(exc.recipients)
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
            text = f"SMTP error with {addr} ({stage}): {_one_line(str(exc))}"
        elif isinstance(exc, ssl.SSLCertVerificationError):
            text = (
                f"TLS certificate of SMTP server {addr} not trusted: "
                f"{exc.verify_message or exc.reason}"
            )
        elif isinstance(exc, ssl.SSLError):
            text = (
                f"TLS with SMTP server {addr} failed ({stage}): {exc.reason or _one_line(str(exc))}"
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
            text = f"SMTP failure with {addr} ({stage}): {_one_line(str(exc))}"
        return MailDeliveryError(text, **details)


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


# ------------------------------------------------------------------------------ file

_UNSAFE_FILENAME_CHARS = re.compile(r"[^A-Za-z0-9._@+-]")


def _message_filename(mid: str) -> str:
    name = _UNSAFE_FILENAME_CHARS.sub("_", mid.strip().strip("<>"))
    if not name.strip(".") or len(name) > 200:
        # Never let an odd Message-ID become "..", a hidden file or an over-long name.
        name = hashlib.sha256(mid.encode("utf-8")).hexdigest()
    return name + ".eml"


class FileTransport:
    """Write each message to ``<dir>/<message-id>.eml`` (for tests, demos, offline offices).

    The file name comes from the Message-ID, so delivering the same outbox row twice
    overwrites one file instead of creating a duplicate.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, message: EmailMessage) -> Path:
        mid = message["Message-ID"]
        if not mid:
            raise MailDeliveryError(
                "message has no Message-ID; the file transport names files after it"
            )
        return self.directory / _message_filename(str(mid))

    def send(self, message: EmailMessage) -> None:
        target = self.path_for(message)
        # CRLF: the wire format, which every mail client opens as .eml.
        data = message.as_bytes(policy=SMTP_POLICY)
        tmp: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Same directory, so os.replace is an atomic rename: a reader never sees half
            # a message, and a crash leaves at most a hidden .tmp file behind.
            fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".eml.tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
            tmp = None
        except OSError as exc:
            raise MailDeliveryError(
                f"cannot write message file {target}: {exc.strerror or exc}",
                path=str(target),
            ) from exc
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


# ---------------------------------------------------------------------------- wiring


def make_transport(settings: MailSettings, base_dir: Path) -> MailTransport:
    """The configured transport; a relative ``file.dir`` is taken relative to ``base_dir``."""
    if settings.transport == "smtp":
        return SmtpTransport(settings.smtp)
    if settings.transport == "file":
        directory = Path(settings.file_dir).expanduser()
        if not directory.is_absolute():
            directory = base_dir / directory
        return FileTransport(directory)
    raise ConfigError(f"unknown mail transport {settings.transport!r}")


@contextlib.contextmanager
def mail_session(transport: MailTransport) -> Iterator[MailTransport]:
    """Share one connection for a batch when the transport supports it (SMTP); else no-op."""
    if isinstance(transport, SmtpTransport):
        with transport:
            yield transport
    else:
        yield transport


def check_smtp(settings: MailSettings) -> str | None:
    """One-line problem with the SMTP server, or None if it answers (and login works).

    With the file transport there is no server to check, so None.
    """
    if settings.transport != "smtp":
        return None
    transport = SmtpTransport(settings.smtp)
    try:
        with transport:
            transport.noop()
    except MailDeliveryError as exc:
        return exc.message
    return None
