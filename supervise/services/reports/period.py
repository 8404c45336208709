"""A report's period: the days it covers and its months as instants (service layer)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from supervise.errors import InvalidInput
from supervise.inputs import DateRange
from supervise.report_views import Period

#: Without --from, a report's flows cover the twelve months up to --to.
DEFAULT_MONTHS = 12


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def period(start: date | None, end: date | None, today: date, dates: DateRange) -> Period:
    """The period asked for; by default the twelve calendar months up to today."""
    last = dates.day(end, "--to") if end is not None else today
    first = (
        dates.day(start, "--from") if start is not None else _month_start(last, DEFAULT_MONTHS - 1)
    )
    if first > last:
        raise InvalidInput(
            f"--from {first.isoformat()} is after --to {last.isoformat()}; swap them"
        )
    return Period(first, last)


def instant(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in the office's zone."""
    return datetime.combine(day, time(), tzinfo=zone)


def months(span: Period, zone: ZoneInfo) -> tuple[list[str], list[datetime]]:
    """The calendar months the period touches (``YYYY-MM``) and their bounds as instants:
    ``bounds[i]`` to ``bounds[i + 1]`` is month ``i`` clipped to the period."""
    labels: list[str] = []
    bounds: list[datetime] = [instant(span.start, zone)]
    month = _month_start(span.start)
    end = span.end + timedelta(days=1)
    while month < end:
        labels.append(f"{month.year:04d}-{month.month:02d}")
        following = _month_start(month, -1)
        bounds.append(instant(min(following, end), zone))
        month = following
    return labels, bounds
