"""Delivery into a folder of ``.eml`` files (adapter layer): tests, demos, offline offices."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from supervise.errors import MailDeliveryError

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

    def open(self) -> None:
        """Nothing to connect to."""

    def close(self) -> None:
        """Nothing to let go of."""

    def check(self) -> tuple[bool, str]:
        """Whether the folder can be written, for ``supervise doctor``."""
        directory = self.directory.resolve()
        probe = directory if directory.exists() else directory.parent
        if not os.access(probe, os.W_OK):
            return False, f"cannot write mail files into {directory}; fix mail.file.dir"
        return True, (
            f"file transport: messages are written as .eml files into {directory} "
            "(set mail.transport: smtp to send them)"
        )

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
