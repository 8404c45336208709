"""The settings every command reads as it starts (the database, the mail server's password
variable, the dates it accepts, the log and the key file), one frozen dataclass per section
of ``config.yaml``. The other sections are in ``sections.py``, or beside the code that uses
them (``law``, ``evaluation``, ``report_coverage``, ``scrutiny``): a read command never
defines them (issue 13, target 3). ``effective.Settings`` holds them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from supervise.inputs import DateRange


@dataclass(frozen=True)
class DatabaseSettings:
    url: str | None = None


@dataclass(frozen=True)
class SmtpConfig:
    """YAML ``mail.smtp``: how to reach the SMTP server."""

    host: str = "127.0.0.1"
    port: int = 25
    security: Literal["none", "starttls", "ssl"] = "none"
    user: str | None = None
    # Only the name of the environment variable holding the password, never the password.
    password_env: str | None = None
    timeout: float = 10.0


@dataclass(frozen=True)
class MailFileConfig:
    """YAML ``mail.file``: the folder the file transport writes .eml files into."""

    dir: str = "outbox"


@dataclass(frozen=True)
class MailConfig:
    """YAML ``mail``: which transport delivers reminder e-mails, and from which address."""

    transport: Literal["smtp", "file"] = "file"
    sender: str = field(default="supervise@example.org", metadata={"key": "from"})
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    file: MailFileConfig = field(default_factory=MailFileConfig)


@dataclass(frozen=True)
class DateSettings:
    """YAML ``dates``: the days an office can plausibly mean; anything else is a typo."""

    earliest_year: int = 1979
    latest_year: int = 2100
    ahead_days: int = 366  # how far ahead an interview or hearing may be scheduled

    @property
    def range(self) -> DateRange:
        return DateRange.of_years(self.earliest_year, self.latest_year, self.ahead_days)


@dataclass(frozen=True)
class LogSettings:
    """YAML ``log``: where unexpected errors are written, masked (default: the user's
    state folder, ``$XDG_STATE_HOME/supervise/supervise.log``)."""

    file: str | None = None


@dataclass(frozen=True)
class PersonalDataSettings:
    """YAML ``personal_data``: where the key sealing ID numbers is (never the key itself)."""

    #: A file holding the key ring; ``$SUPERVISE_DATA_KEY``, when set, is used instead.
    key_file: str | None = None
