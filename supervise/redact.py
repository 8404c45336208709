"""Masking personal data and secrets out of what the program says (domain layer, stdlib only).

The one place that decides what an error message, a log line or a traceback may show:
every ``SuperviseError`` message, every line the log formatter writes and every incident
written to the log file goes through :func:`redact`. It masks

- any 18-character run that has the shape of a 居民身份证号码 (17 digits and a digit or X,
  not part of a longer run of digits, characters 7-14 a date), as ``500103********0016``:
  whether or not its check character is right, since a mistyped number is still someone's
  personal data;
- e-mail addresses, as ``z***@example.cn`` (the domain says where, not who);
- the password part of a URL (``postgresql://user:***@host``);
- the secrets registered with :func:`add_secret` (the SMTP password read from the
  environment variable the configuration names).

:func:`clip` caps text a user typed before it is echoed, so that a 39 MB value never
becomes a 39 MB error line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "ECHO_LIMIT",
    "MESSAGE_LIMIT",
    "add_secret",
    "clip",
    "id_check_char",
    "mask_id_numbers",
    "quoted",
    "redact",
]

#: The most of one user-given value an error message repeats.
ECHO_LIMIT = 200
#: The longest error message (one line) the program prints.
MESSAGE_LIMIT = 1000

# Patterns, not compiled ones: ``re`` compiles each on first use and keeps it, so that
# `supervise --help`, which masks nothing, does not compile them (issue 13, target 3).
# \d would also match full-width and other scripts' digits: masked as well, on purpose.
_ID_NUMBER = r"(?<!\d)(\d{6})(\d{8})(\d{3}[\dXx])(?!\d)"
_LABEL = r"[A-Za-z0-9\u00a0-\uffff-]+"
_EMAIL = rf"([\w.+%-]{{1,64}})@({_LABEL}(?:\.{_LABEL})+)"
# Message-IDs (hex digests @ the sender's domain) name a message, not a person.
_MESSAGE_ID = r"[0-9a-f]{16,}"
_URL_PASSWORD = r"(://[^:/@\s]*:)[^@\s]+@"
_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Never show ``value`` (a password read from the environment) in any message or log."""
    if value and len(value) >= 4:
        _secrets.add(value)


def _mask_id_number(match: re.Match[str]) -> str:
    # Characters 7-14 of an ID number are a birth date; an all-digit 统一社会信用代码 (whose
    # characters 7-14 are an administrative code and an organization code) is left alone,
    # unless its last character is right for an ID number (GB 11643): then it is masked too,
    # since a run that passes the ID number's own check may be one, mistyped or not.
    if _plausible_birth(match.group(2)) or _id_check_holds(match.group(0)):
        return match.group(1) + "*" * 8 + match.group(3)
    return match.group(0)


def _plausible_birth(digits: str) -> bool:
    birth = unicodedata.normalize("NFKC", digits)
    try:
        born = date(int(birth[:4]), int(birth[4:6]), int(birth[6:]))
    except ValueError:
        return False
    return 1800 <= born.year <= 2199


# ISO 7064 MOD 11-2 weights for positions 1-17 (2**(18-i) mod 11), as printed in GB 11643.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_char(first17: str) -> str:
    """The GB 11643-1999 check character for 17 digits (here, the lowest layer, so that
    validation, the input rules and the masking share one definition)."""
    total = sum(int(char) * weight for char, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return "0123456789X"[(12 - total % 11) % 11]


def _id_check_holds(run: str) -> bool:
    run = unicodedata.normalize("NFKC", run)
    return id_check_char(run[:17]) == run[17].upper()


def _mask_email(match: re.Match[str]) -> str:
    local, domain = match.group(1), match.group(2)
    if re.fullmatch(_MESSAGE_ID, local):
        return match.group(0)
    return f"{local[:1]}***@{domain}"


def mask_id_numbers(text: str) -> str:
    """``text`` with every ID number masked (the rest left as it is): the last guard on what
    a command prints, so that a user-given path or name holding one is not echoed in full."""
    return re.sub(_ID_NUMBER, _mask_id_number, text)


def redact(text: str) -> str:
    """``text`` with ID numbers, e-mail addresses, URL passwords and secrets masked."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, "***")
    text = re.sub(_URL_PASSWORD, r"\1***@", text)
    text = re.sub(_ID_NUMBER, _mask_id_number, text)
    return re.sub(_EMAIL, _mask_email, text)


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """At most ``limit`` characters of ``text``, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…({len(text) - limit} more characters)"


def quoted(value: object, limit: int = ECHO_LIMIT) -> str:
    """A user-given value as an error message repeats it: ``repr``, capped."""
    if isinstance(value, str) and len(value) > limit * 4:
        value = value[: limit * 4]  # repr of a huge value costs memory before it is cut
    return clip(repr(value), limit)
