"""Time: parsing user dates and the injectable clock (domain layer, standard library only).

Domain code never calls ``datetime.now()``: services take ``now`` from a :class:`Clock`,
which honours ``SUPERVISE_NOW`` so demos, tests and replays can move time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supervise.errors import InvalidInput
from supervise.inputs import DEFAULT_DATES, DateRange
from supervise.redact import quoted

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def parse_date(text: str, what: str = "date") -> date:
    """A ``YYYY-MM-DD`` date."""
    if not _DATE.fullmatch(text.strip()):
        raise InvalidInput(f"{what} {quoted(text)} is not a date; use YYYY-MM-DD, e.g. 2026-12-15")
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise InvalidInput(
            f"{what} {quoted(text)} is not a real calendar date; use YYYY-MM-DD"
        ) from exc


_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)", re.ASCII)


def parse_time(text: str, what: str = "--time") -> time:
    """An ``HH:MM`` time of day (24-hour clock)."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise InvalidInput(f"{what} {quoted(text)} is not a time of day; use HH:MM, e.g. 09:30")
    return time(int(match.group(1)), int(match.group(2)))


def parse_day_and_time(text: str, what: str = "--date") -> tuple[date, time | None]:
    """``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM`` (a local time of the office's zone)."""
    raw = text.strip()
    day, sep, hour = raw.partition("T")
    if not sep:
        return parse_date(raw, what), None
    return parse_date(day, what), parse_time(hour, what)


def parse_when(text: str, zone: ZoneInfo, what: str = "time") -> datetime:
    """``YYYY-MM-DD`` (00:00 in ``zone``) or ISO 8601 with an offset, as an aware datetime."""
    raw = text.strip()
    if _DATE.fullmatch(raw):
        return datetime.combine(parse_date(raw, what), time(0, 0), tzinfo=zone)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(
            f"{what} {quoted(text)} is not a date or time; use YYYY-MM-DD or ISO 8601 with an "
            "offset, e.g. 2026-12-15T09:00:00+08:00"
        ) from exc
    if value.tzinfo is None:
        raise InvalidInput(
            f"{what} {quoted(text)} has no UTC offset; add one (e.g. +08:00) or give a bare date"
        )
    return value


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=zone)


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """24:00 of ``day``: when a period ending on that day runs out (民法典 Art. 203)."""
    return start_of_day(day + timedelta(days=1), zone)


@dataclass(frozen=True)
class Clock:
    """The program's notion of now, in the configured zone."""

    zone: ZoneInfo
    fixed: datetime | None = None

    @classmethod
    def from_env(
        cls, zone: ZoneInfo, environ: Mapping[str, str], dates: DateRange = DEFAULT_DATES
    ) -> Clock:
        text = environ.get("SUPERVISE_NOW")
        if not text:
            return cls(zone)
        return cls.fixed_at(zone, parse_when(text, zone, "SUPERVISE_NOW"), dates, "SUPERVISE_NOW")

    @classmethod
    def fixed_at(
        cls, zone: ZoneInfo, moment: datetime, dates: DateRange = DEFAULT_DATES, what: str = "now"
    ) -> Clock:
        """A clock stopped at ``moment``, which must lie in the plausible range."""
        if moment.tzinfo is None:
            raise InvalidInput(f"{what} {moment.isoformat()} has no UTC offset; add one")
        dates.moment(moment, what)
        return cls(zone, moment)

    def now(self) -> datetime:
        if self.fixed is not None:
            return self.fixed.astimezone(self.zone)
        return datetime.now(UTC).astimezone(self.zone)

    def today(self) -> date:
        return self.now().date()

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)


def wall_clock() -> datetime:
    """The real time, stored beside the effective time in the history (``recorded_at``)."""
    return datetime.now(UTC)
