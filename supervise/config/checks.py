"""The checks a loaded configuration must pass beyond its types, each naming the key at fault."""

from __future__ import annotations

import dataclasses
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from supervise.config.effective import Settings
from supervise.config.sections import (
    _HHMM,
    PARTY_RECIPIENTS,
    AreaSettings,
    NoticeSettings,
    OrganizationSettings,
    RemindersSettings,
)
from supervise.config.settings import DateSettings, MailConfig
from supervise.errors import ConfigError, SuperviseError
from supervise.evaluation import check_settings
from supervise.law import DEADLINE_KINDS, ORG_KINDS, PENALTIES, Period, Periods
from supervise.notices.numbering import validate_pattern
from supervise.notices.types import NOTICE_TYPES
from supervise.report_coverage import check_report_settings
from supervise.scrutiny import check_settings as check_decisions


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
    check_report_settings(settings.reports)
    check_decisions(settings.decisions)


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
