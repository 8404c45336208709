"""Settings: the packaged ``config.yaml`` defaults, layered under an office's own file.

Domain-adjacent: imports the standard library, PyYAML and the legal vocabulary
(``law.py``) whose types the settings are made of. Nothing reads settings at
import time; :func:`load_settings` is called by the entry points and tests build
``Settings`` through it with their own files.

The packaged defaults hold every key, so an office's file holds only what it changes.
Unknown keys and values of the wrong type are refused, naming the key.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supervise.errors import ConfigError, SuperviseError
from supervise.evaluation import EvaluationSettings, check_settings
from supervise.inputs import DateRange
from supervise.law import DEADLINE_KINDS, ORG_KINDS, PENALTIES, Basis, Period, Periods
from supervise.notices.numbering import validate_pattern
from supervise.notices.types import NOTICE_TYPES
from supervise.parse_cache import cached_parse
from supervise.userfiles import read_yaml_file
from supervise.yaml_dataclasses import as_plain_data, build

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
    source: tuple[str, ...] = field(default=(), metadata={"internal": True})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def date_range(self) -> DateRange:
        return self.dates.range


def packaged_defaults() -> dict[str, Any]:
    text = resources.files("supervise").joinpath("config.yaml").read_text(encoding="utf-8")
    data = cached_parse(text, "defaults-1", _parse_defaults)
    assert isinstance(data, dict)
    return data


def _parse_defaults(text: str) -> Any:
    import yaml  # only when this text was not parsed before (supervise.parse_cache)

    # libyaml's safe loader where PyYAML was built with it: the same safe subset, faster.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _read_yaml(path: Path) -> dict[str, Any]:
    data = read_yaml_file(path, "config file", ConfigError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys at the top level")
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load the packaged defaults, then ``path`` (or ``$SUPERVISE_CONFIG``) over them.

    Raises:
        ConfigError: the file is missing or unreadable, or a key is unknown or mistyped.
    """
    env = os.environ if environ is None else environ
    chosen = path if path is not None else env.get("SUPERVISE_CONFIG") or None
    data = packaged_defaults()
    sources = ["packaged defaults"]
    if chosen is not None:
        data = _merge(data, _read_yaml(Path(chosen)))
        sources.append(str(chosen))
    settings = cast(Settings, build(Settings, data, ""))
    settings = dataclasses.replace(settings, source=tuple(sources))
    _check(settings)
    return settings


def _check(settings: Settings) -> None:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"config key timezone: unknown time zone {settings.timezone!r}; "
            "use an IANA name such as Asia/Shanghai"
        ) from exc
    for name in (f.name for f in dataclasses.fields(Periods)):
        period: Period = getattr(settings.periods, name)
        if (period.workdays is None) == (period.calendar_days is None):
            raise ConfigError(
                f"config key periods.{name}: give exactly one of workdays or calendar_days"
            )
        count = period.workdays if period.workdays is not None else period.calendar_days
        if count is None or count < 0:
            raise ConfigError(f"config key periods.{name}: the number of days must be 0 or more")
    for key, basis in settings.bases.items():
        for penalty in basis.allows:
            if penalty not in PENALTIES:
                raise ConfigError(
                    f"config key bases.{key}.allows: unknown penalty {penalty!r}; "
                    f"use {', '.join(PENALTIES)}"
                )
        for kind in basis.kinds:
            if kind not in ORG_KINDS:
                raise ConfigError(
                    f"config key bases.{key}.kinds: unknown organization kind {kind!r}; "
                    f"use {', '.join(ORG_KINDS)}"
                )
        for penalty in basis.hearing:
            if penalty not in basis.allows:
                raise ConfigError(
                    f"config key bases.{key}.hearing: {penalty!r} is not a penalty this basis "
                    f"allows ({', '.join(basis.allows)}); list only those whose prior notice "
                    "offers a hearing"
                )
        if ("ban" in basis.allows or "court_ban" in basis.allows) and basis.ban is None:
            raise ConfigError(f"config key bases.{key}.ban: a basis allowing bans needs a term")
        if basis.ban is not None and not 0 <= basis.ban.min_years <= basis.ban.max_years:
            raise ConfigError(f"config key bases.{key}.ban: need 0 <= min_years <= max_years")
        if basis.effective is not None:
            try:
                date.fromisoformat(basis.effective)
            except ValueError:
                raise ConfigError(
                    f"config key bases.{key}.effective: {basis.effective!r} is not a date; "
                    "use YYYY-MM-DD (quoted), the day the provision took effect"
                ) from None
    if not settings.roles:
        raise ConfigError("config key roles: list at least one role")
    _check_mail(settings.mail)
    _check_reminders(settings.reminders)
    _check_notices(settings.notices)
    _check_dates(settings.dates)
    _check_areas(settings.areas, settings.organizations)
    check_settings(settings.evaluation)


def _check_areas(areas: AreaSettings, orgs: OrganizationSettings) -> None:
    for key, names in (
        ("areas.districts", areas.districts),
        ("organizations.services", orgs.services),
    ):
        for name in names:
            if not name.strip() or len(name) > 100:
                raise ConfigError(f"config key {key}: {name!r} is not a name (1 to 100 characters)")
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ConfigError(f"config key {key}: {dup[0]} is listed twice; keep one")


def _check_dates(dates: DateSettings) -> None:
    # chinesecalendar and holidays know no working days outside these years.
    if not 1949 <= dates.earliest_year <= dates.latest_year <= 2100:
        raise ConfigError(
            "config key dates: need 1949 <= earliest_year <= latest_year <= 2100 "
            f"(got {dates.earliest_year} and {dates.latest_year})"
        )
    if not 1 <= dates.ahead_days <= 3660:
        raise ConfigError(f"config key dates.ahead_days: give 1 to 3660 (got {dates.ahead_days})")


def _check_notices(notices: NoticeSettings) -> None:
    for key, pattern in notices.numbers.items():
        if key not in NOTICE_TYPES:
            raise ConfigError(
                f"config key notices.numbers.{key}: unknown notice type; "
                f"types: {', '.join(NOTICE_TYPES)}"
            )
        try:
            validate_pattern(pattern)
        except SuperviseError as exc:
            raise ConfigError(f"config key notices.numbers.{key}: {exc.message}") from exc


def _check_mail(mail: MailConfig) -> None:
    local, at, domain = mail.sender.rpartition("<")[2].rstrip(">").strip().partition("@")
    if not (local and at and domain) or any(c.isspace() for c in local + domain):
        raise ConfigError(f"config key mail.from: {mail.sender!r} is not an e-mail address")
    smtp = mail.smtp
    if not smtp.host:
        raise ConfigError("config key mail.smtp.host: give the SMTP server's host name")
    if not 0 < smtp.port < 65536:
        raise ConfigError(f"config key mail.smtp.port: {smtp.port} is not a port number")
    if smtp.timeout <= 0:
        raise ConfigError("config key mail.smtp.timeout: give a positive number of seconds")
    if smtp.user is not None and not smtp.password_env:
        raise ConfigError(
            "config key mail.smtp.password_env: mail.smtp.user is set, so name the "
            "environment variable that holds the password"
        )
    if not mail.file.dir:
        raise ConfigError("config key mail.file.dir: give a folder")


def _check_reminders(reminders: RemindersSettings) -> None:
    for offset in reminders.before_workdays:
        if offset < 0:
            raise ConfigError(
                "config key reminders.before_workdays: offsets are working days before the "
                f"deadline, 0 or more (got {offset})"
            )
    if len(set(reminders.before_workdays)) != len(reminders.before_workdays):
        raise ConfigError("config key reminders.before_workdays: an offset is listed twice")
    if not _HHMM.match(reminders.send_from):
        raise ConfigError(
            f"config key reminders.send_from: {reminders.send_from!r} is not a time; use HH:MM"
        )
    positive = {
        "reminders.repeat_every_workdays": reminders.repeat_every_workdays,
        "reminders.sweep_every_minutes": reminders.sweep_every_minutes,
        "reminders.digest.days": reminders.digest.days,
        "reminders.delivery.max_attempts": reminders.delivery.max_attempts,
        "reminders.delivery.backoff_seconds": reminders.delivery.backoff_seconds,
        "reminders.delivery.backoff_max_seconds": reminders.delivery.backoff_max_seconds,
    }
    for key, value in positive.items():
        if value < 1:
            raise ConfigError(f"config key {key}: must be 1 or more (got {value})")
    if len(reminders.digest.cron.split()) != 5:
        raise ConfigError(
            f"config key reminders.digest.cron: {reminders.digest.cron!r} is not a crontab "
            "expression of five fields (minute hour day month weekday), e.g. '30 8 * * *'"
        )
    for kind, recipients in reminders.parties.items():
        if kind not in DEADLINE_KINDS:
            raise ConfigError(
                f"config key reminders.parties.{kind}: unknown deadline kind; "
                f"use {', '.join(DEADLINE_KINDS)}"
            )
        for who in recipients:
            if who not in PARTY_RECIPIENTS:
                raise ConfigError(
                    f"config key reminders.parties.{kind}: unknown recipient {who!r}; "
                    f"use {', '.join(PARTY_RECIPIENTS)}"
                )


def settings_as_dict(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data under their YAML keys, for ``config show``."""
    return as_plain_data(settings)
