"""Building reminder e-mails (adapter layer, standard library only).

A message carries the Message-ID its outbox row was given when it was queued (derived from
the outbox key, ``reminder_plan.message_id``), so a message sent twice after a crash is
recognisably the same message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import format_datetime, parseaddr

from supervise.errors import InvalidInput


def one_line(value: str) -> str:
    # Header values with line breaks are rejected by the email package (header injection).
    return " ".join(value.split())


def build_message(
    *,
    sender: str,
    to: list[str],
    subject: str,
    text: str,
    html: str | None,
    message_id: str,
    date: datetime,
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    """Build a UTF-8 text(+html) message with the given Message-ID.

    ``attachments`` are ``(filename, data, mime type)``; with any, the message becomes
    multipart/mixed with the text/html alternative first.
    """
    if "@" not in parseaddr(sender)[1]:
        raise InvalidInput(f"sender must be an e-mail address, not {sender!r}")
    if not to:
        raise InvalidInput("a message needs at least one recipient")
    if date.tzinfo is None or date.utcoffset() is None:
        # A naive time would be sent as "-0000" (unknown zone) and displayed wrongly.
        raise InvalidInput("the Date of a message must carry a time zone")
    msg = EmailMessage(policy=default_policy)
    msg["From"] = sender
    msg["To"] = ", ".join(one_line(r) for r in to)
    msg["Subject"] = one_line(subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id
    # RFC 3834: keeps vacation responders from answering the reminder robot.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, charset="utf-8")
    if html is not None:
        msg.add_alternative(html, subtype="html", charset="utf-8")
    for filename, data, mime_type in attachments:
        maintype, slash, subtype = mime_type.partition("/")
        if not slash or not maintype or not subtype:
            raise InvalidInput(f"attachment {filename!r}: bad MIME type {mime_type!r}")
        if maintype == "text":
            # As text with its charset: bytes would arrive without one, and a reader shows
            # a Chinese page as mojibake.
            msg.add_attachment(
                data.decode("utf-8"), subtype=subtype, charset="utf-8", filename=filename
            )
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
