"""The settings' shape: one frozen dataclass per section of ``config.yaml``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from supervise.evaluation import EvaluationSettings
from supervise.inputs import DateRange
from supervise.law import Basis, Periods
from supervise.report_coverage import ReportSettings
from supervise.scrutiny import ScrutinySettings

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class DatabaseSettings:
    url: str | None = None


#: The packaged placeholders for the office's address and telephone (config.yaml): a notice
#: printed with them is a sample, not a document to serve.
PLACEHOLDER_ADDRESS_MARK = "示例"
PLACEHOLDER_PHONE = "023-00000000"


@dataclass(frozen=True)
class OfficeSettings:
    name: str
    address: str
    phone: str
    review_body: str
    court: str
    #: What the interview and the rectification ordered after it rest on (民发〔2016〕39号
    #: Art. 2, or the office's own rule); cited by the 约谈通知书, 约谈记录, 责令整改通知书.
    interview_basis: str = (
        "《社会组织登记管理机关行政执法约谈工作规定（试行）》（民发〔2016〕39号）第二条"
    )

    def placeholders(self) -> list[str]:
        """The settings still holding the packaged placeholder (``office.address``, …)."""
        found = []
        if not self.address.strip() or PLACEHOLDER_ADDRESS_MARK in self.address:
            found.append("office.address")
        digits = "".join(c for c in self.phone if c.isdigit())
        if self.phone.strip() == PLACEHOLDER_PHONE or not digits or set(digits[3:]) <= {"0"}:
            found.append("office.phone")
        return found


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
class DigestConfig:
    """YAML ``reminders.digest``: the morning digest per supervisor."""

    cron: str = "30 8 * * *"  # crontab fields, in the configured time zone; working days only
    days: int = 10


@dataclass(frozen=True)
class DeliveryConfig:
    """YAML ``reminders.delivery``: retries of messages the mail server did not take."""

    max_attempts: int = 10
    backoff_seconds: int = 300
    backoff_max_seconds: int = 21600


PARTY_RECIPIENTS = ("organization", "person")


@dataclass(frozen=True)
class RemindersSettings:
    """YAML ``reminders``: when the scheduler writes to whom."""

    before_workdays: tuple[int, ...] = (3, 0)
    send_from: str = "08:00"
    repeat_every_workdays: int = 3
    parties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sweep_every_minutes: int = 5
    digest: DigestConfig = field(default_factory=DigestConfig)
    delivery: DeliveryConfig = field(default_factory=DeliveryConfig)


@dataclass(frozen=True)
class NoticeSettings:
    """Official notices: an office's template folder, the PDF font, number patterns."""

    template_dir: str | None = None
    font: str | None = None
    numbers: dict[str, str] = field(default_factory=dict)


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
class AreaSettings:
    """YAML ``areas``: the city and its 区县 (townships are loaded with ``area import``).

    An empty ``districts`` list accepts any district name."""

    city: str = ""
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationSettings:
    """YAML ``organizations``: the services an organization may record that it provides."""

    services: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonalDataSettings:
    """YAML ``personal_data``: where the key sealing ID numbers is (never the key itself)."""

    #: A file holding the key ring; ``$SUPERVISE_DATA_KEY``, when set, is used instead.
    key_file: str | None = None


@dataclass(frozen=True)
class Settings:
    timezone: str
    database: DatabaseSettings
    roles: tuple[str, ...]
    periods: Periods
    bases: dict[str, Basis]
    office: OfficeSettings
    mail: MailConfig = field(default_factory=MailConfig)
    reminders: RemindersSettings = field(default_factory=RemindersSettings)
    notices: NoticeSettings = field(default_factory=lambda: NoticeSettings())
    dates: DateSettings = field(default_factory=DateSettings)
    log: LogSettings = field(default_factory=LogSettings)
    areas: AreaSettings = field(default_factory=AreaSettings)
    organizations: OrganizationSettings = field(default_factory=OrganizationSettings)
    evaluation: EvaluationSettings = field(default_factory=EvaluationSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    personal_data: PersonalDataSettings = field(default_factory=PersonalDataSettings)
    decisions: ScrutinySettings = field(default_factory=ScrutinySettings)
    source: tuple[str, ...] = field(default=(), metadata={"internal": True})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def date_range(self) -> DateRange:
        return self.dates.range
