"""Working-day arithmetic for legal deadlines (行政处罚法 Art. 85; 民法典 Arts. 201-203).

Day 0 is the day of the action and is never counted. "N working days" end at 24:00 on the
Nth working day after day 0. A calendar-day period of N days ends on day 0 + N, rolled forward
to the next working day when that day is a weekend or holiday. Weekend days worked in place
of a holiday (调休) are working days, as the State Council's annual notice treats them.

Where the working days of a year come from, in order of precedence:

1. an official ``YearSchedule`` loaded by an administrator for that year;
2. ``chinese_calendar`` (package chinesecalendar), which carries the State Council notices,
   调休 included, for the years it covers (found by asking it, not by hard-coded years);
3. otherwise a PROVISIONAL guess: Saturdays, Sundays and the statutory holidays that
   ``holidays.China`` lists are days off, and no day is a make-up working day.

For (3) ``holidays.China`` lists three kinds of entry. Statutory holidays are kept. Its
"(observed)" entries are kept too: they apply Art. 6 of 全国年节及纪念日放假办法 (a holiday of
all citizens that falls on a weekend is made up on a working day; ``holidays`` picks the next
free one), which is statute, not a yearly arrangement. Its "Day off (substituted from …)"
entries are dropped: each is one half of a 调休 swap whose other half, the worked weekend day,
is excluded here, so keeping it alone would invent a day off. With the library versions
current when this was written, both libraries' data end with the same year, so this matters
only if ``holidays`` learns a year's notice before ``chinese_calendar`` does, or for years
before ``chinese_calendar``'s data begin.

A ``Due`` is provisional when any day consulted to reach it lies in a year answered by (3);
such deadlines must be recomputed once the year's notice is published (usually November or
December) and loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType

from supervise.errors import InvalidInput

__all__ = [
    "Due",
    "WorkCalendar",
    "YearSchedule",
    "parse_year_schedule",
]

_ONE_DAY = timedelta(days=1)
# Fixed names: strftime("%A") would follow the process locale.
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
_SCHEDULE_KEYS = ("year", "holidays", "workdays", "source")
# date.fromisoformat in 3.11 also takes "20270101" and week dates; a schedule file should
# carry only the one spelling people can read back against the State Council notice.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
#: Bounds on a plausible official schedule (twice what any year since 2008 had).
MAX_WEEKDAY_HOLIDAYS = 40
MAX_WORKED_WEEKEND_DAYS = 16


@dataclass(frozen=True)
class Due:
    """A deadline day (it ends at 24:00) and whether it rests on a provisional calendar."""

    day: date
    provisional: bool


@dataclass(frozen=True)
class YearSchedule:
    """The official days off and make-up working days of one year, as published."""

    year: int
    holidays: frozenset[date]
    workdays: frozenset[date]
    source: str

    def __post_init__(self) -> None:
        # Checked here as well as in parse_year_schedule so that schedules built in code (for
        # instance from a database row) cannot break the calendar's invariants either.
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise InvalidInput(
                f"year schedule: year must be a whole number, got {self.year!r}; fix the year"
            )
        if not 1 <= self.year <= 9999:
            raise InvalidInput(
                f"year schedule: year {self.year} is out of range 1-9999; fix the year"
            )
        if not isinstance(self.source, str) or not self.source.strip():
            raise InvalidInput(
                f"year schedule {self.year}: source must name the notice the dates come from "
                "(the State Council General Office notice); add it"
            )
        for key, days in (("holidays", self.holidays), ("workdays", self.workdays)):
            for entry in days:
                if isinstance(entry, datetime) or not isinstance(entry, date):
                    raise InvalidInput(
                        f"year schedule {self.year}: {key} entry {entry!r} is not a date; "
                        "write dates as YYYY-MM-DD"
                    )
            for day in sorted(days):
                if day.year != self.year:
                    raise InvalidInput(
                        f"year schedule {self.year}: {key} has {day.isoformat()}, outside "
                        f"{self.year}; list only dates of {self.year}"
                    )
        both = sorted(self.holidays & self.workdays)
        if both:
            raise InvalidInput(
                f"year schedule {self.year}: {both[0].isoformat()} is in both holidays and "
                "workdays; keep it in one list"
            )
        weekdays = sorted(day for day in self.workdays if day.weekday() < 5)
        if weekdays:
            # A weekday that is not a holiday already is a working day, so listing it can only
            # be a typo for the Saturday or Sunday that is actually worked.
            raise InvalidInput(
                f"year schedule {self.year}: workdays has {weekdays[0].isoformat()}, a "
                f"{_WEEKDAY_NAMES[weekdays[0].weekday()]}; list only the Saturdays and "
                "Sundays that are worked"
            )

    def check_plausible(self) -> None:
        """Refuse a schedule no State Council notice could have published.

        Official years have 16-19 weekday holidays and 5-8 worked weekend days
        (2008-2026); a file with every weekday off is a mistake, not a schedule.
        """
        off = sum(1 for day in self.holidays if day.weekday() < 5)
        if off > MAX_WEEKDAY_HOLIDAYS:
            raise InvalidInput(
                f"year schedule {self.year}: {off} weekday holidays; official years have "
                f"about 20 (at most {MAX_WEEKDAY_HOLIDAYS} accepted); check the file"
            )
        if len(self.workdays) > MAX_WORKED_WEEKEND_DAYS:
            raise InvalidInput(
                f"year schedule {self.year}: {len(self.workdays)} worked weekend days; official "
                f"years have about 6 (at most {MAX_WORKED_WEEKEND_DAYS} accepted); check the file"
            )

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` (which must lie in this year) is a working day."""
        return day in self.workdays or (day.weekday() < 5 and day not in self.holidays)


def _parse_day(key: str, year: object, value: object) -> date:
    if isinstance(value, datetime):
        raise InvalidInput(
            f"year schedule {year}: {key} entry {value!r} has a time of day; "
            "write dates as YYYY-MM-DD"
        )
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidInput(
        f"year schedule {year}: {key} entry {value!r} is not a valid date; "
        "write dates as YYYY-MM-DD"
    )


def _parse_days(key: str, year: object, value: object) -> frozenset[date]:
    if not isinstance(value, list | tuple):
        raise InvalidInput(
            f"year schedule {year}: {key} must be a list of dates, got {value!r}; use [] for none"
        )
    return frozenset(_parse_day(key, year, item) for item in value)


def parse_year_schedule(data: object) -> YearSchedule:
    """Build a ``YearSchedule`` from a parsed YAML mapping, refusing anything doubtful."""
    if not isinstance(data, Mapping):
        raise InvalidInput(
            "year schedule: expected a mapping with keys year, holidays, workdays, source; "
            "fix the file"
        )
    unknown = sorted(str(key) for key in data if key not in _SCHEDULE_KEYS)
    if unknown:
        raise InvalidInput(
            f"year schedule: unknown key(s) {', '.join(unknown)}; "
            "allowed keys are year, holidays, workdays, source"
        )
    missing = [key for key in _SCHEDULE_KEYS if key not in data]
    if missing:
        raise InvalidInput(
            f"year schedule: missing key(s) {', '.join(missing)}; "
            "a schedule needs year, holidays, workdays and source"
        )
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int):
        raise InvalidInput(
            f"year schedule: year must be a whole number such as 2027, got {year!r}; fix the year"
        )
    source = data["source"]
    if not isinstance(source, str):
        raise InvalidInput(
            f"year schedule {year}: source must be text naming the notice, got {source!r}; "
            "fix the source"
        )
    return YearSchedule(
        year=year,
        holidays=_parse_days("holidays", year, data["holidays"]),
        workdays=_parse_days("workdays", year, data["workdays"]),
        source=source.strip(),
    )


@lru_cache(maxsize=256)
def _chinese_calendar_year(year: int) -> frozenset[date] | None:
    """Working days of ``year`` per chinese_calendar, or None if it does not cover the year."""
    # Imported on first use: commands that compute no deadline never load the data.
    import chinese_calendar  # type: ignore[import-untyped]

    working: set[date] = set()
    day = date(year, 1, 1)
    try:
        while day.year == year:
            if chinese_calendar.is_workday(day):
                working.add(day)
            if day == date.max:
                break
            day += _ONE_DAY
    except NotImplementedError:
        # The library raises this for years outside its data; a year it covers only in part
        # is treated as not covered, since a half-known year cannot be official.
        return None
    return frozenset(working)


@lru_cache(maxsize=256)
def _provisional_year(year: int) -> frozenset[date]:
    """Working days of ``year`` guessed from weekends and ``holidays.China``."""
    import holidays

    # Pinned language: otherwise the names follow the process locale.
    listed = holidays.country_holidays("CN", years=year, language="en_US")
    if not listed.start_year <= year <= listed.end_year:
        # Outside this range holidays.China silently returns no holidays at all, which would
        # make every weekday a working day; refusing is better than a wrong deadline.
        raise InvalidInput(
            f"no holiday data for {year}: neither chinese_calendar nor holidays covers it; "
            f"load an official schedule for {year} or check the date"
        )
    label = getattr(listed, "substituted_label", "")
    prefix = listed.tr(label).partition("%s")[0] if isinstance(label, str) and label else ""
    days_off = {
        day
        for day in listed
        if not (prefix and all(name.startswith(prefix) for name in listed.get_list(day)))
    }
    working: set[date] = set()
    day = date(year, 1, 1)
    while day.year == year:
        if day.weekday() < 5 and day not in days_off:
            working.add(day)
        if day == date.max:
            break
        day += _ONE_DAY
    return frozenset(working)


def _as_date(day: date) -> date:
    # A datetime is a date too, but it never equals the plain dates held in the sets.
    return day.date() if isinstance(day, datetime) else day


def _following(day: date) -> date:
    try:
        return day + _ONE_DAY
    except OverflowError:
        raise InvalidInput(
            f"no working day found after {day.isoformat()}; check the dates and schedules"
        ) from None


class WorkCalendar:
    """Answers working-day questions; read-only after construction, so safe to share."""

    __slots__ = ("_schedules",)

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None) -> None:
        checked: dict[int, YearSchedule] = {}
        for year, schedule in (schedules or {}).items():
            if schedule.year != year:
                raise InvalidInput(
                    f"year schedule for {schedule.year} was filed under {year}; "
                    "file each schedule under its own year"
                )
            checked[year] = schedule
        self._schedules: Mapping[int, YearSchedule] = MappingProxyType(checked)

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The official schedules loaded by an administrator, by year."""
        return self._schedules

    def _lookup(self, day: date) -> tuple[bool, bool]:
        """(is a working day, answer is provisional) for one day."""
        schedule = self._schedules.get(day.year)
        if schedule is not None:
            return schedule.is_workday(day), False
        official = _chinese_calendar_year(day.year)
        if official is not None:
            return day in official, False
        return day in _provisional_year(day.year), True

    def is_official(self, year: int) -> bool:
        """Whether ``year`` is answered by a loaded schedule or by chinese_calendar."""
        return year in self._schedules or _chinese_calendar_year(year) is not None

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (调休 weekend days included)."""
        return self._lookup(_as_date(day))[0]

    def add_workdays(self, start: date, n: int) -> Due:
        """The Nth working day after ``start``; ``start`` itself is never counted."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput(
                f"working-day period must be a whole number of at least 1 day, got {n!r}; "
                "fix the period"
            )
        day = _as_date(start)
        provisional = False
        remaining = n
        while remaining:
            day = _following(day)
            working, guessed = self._lookup(day)
            provisional = provisional or guessed
            if working:
                remaining -= 1
        return Due(day, provisional)

    def add_calendar_days(self, start: date, n: int) -> Due:
        """``start`` + ``n`` days, rolled forward to a working day (民法典 Arts. 201, 203)."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput(
                f"calendar-day period must be a whole number of at least 1 day, got {n!r}; "
                "fix the period"
            )
        try:
            end = _as_date(start) + timedelta(days=n)
        except OverflowError:
            raise InvalidInput(
                f"{n} days after {start.isoformat()} is past the last representable date; "
                "check the dates"
            ) from None
        return self.next_workday(end)

    def next_workday(self, day: date) -> Due:
        """The first working day on or after ``day``."""
        current = _as_date(day)
        working, provisional = self._lookup(current)
        while not working:
            current = _following(current)
            working, guessed = self._lookup(current)
            provisional = provisional or guessed
        return Due(current, provisional)

    def workdays_between(self, start: date, end: date) -> int:
        """How many working days lie in (``start``, ``end``]; 0 when ``end`` <= ``start``."""
        first, last = _as_date(start), _as_date(end)
        count = 0
        day = first
        while day < last:
            day += _ONE_DAY
            if self._lookup(day)[0]:
                count += 1
        return count
