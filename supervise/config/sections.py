"""The sections of ``config.yaml`` only some commands read: the office, reminders, notices,
areas and organizations (one frozen dataclass each; see ``settings.py``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


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
class AreaSettings:
    """YAML ``areas``: the city and its 区县 (townships are loaded with ``area import``).

    An empty ``districts`` list accepts any district name."""

    city: str = ""
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrganizationSettings:
    """YAML ``organizations``: the services an organization may record that it provides."""

    services: tuple[str, ...] = ()
