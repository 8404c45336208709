"""The plan of a deadline's messages, counted in working days (no database)."""

from __future__ import annotations

from datetime import date

from supervise.reminder_plan import Point, plan, reminder_day
from supervise.workdays import WorkCalendar

CAL = WorkCalendar()


def days(points: list[Point]) -> list[tuple[str, int, str]]:
    return [(p.kind, p.step, p.day.isoformat()) for p in points]


def test_reminders_count_working_days_back_across_a_holiday() -> None:
    # 2026-09-25 (Friday) is the Mid-Autumn Festival: 3 working days before 09-30 is 09-24.
    assert reminder_day(CAL, date(2026, 9, 30), 3) == date(2026, 9, 24)
    assert reminder_day(CAL, date(2026, 9, 30), 0) == date(2026, 9, 30)
    # A due day that is not a working day (a Sunday): "on the day" is the Friday before.
    assert reminder_day(CAL, date(2026, 11, 29), 0) == date(2026, 11, 27)
    assert reminder_day(CAL, date(2026, 11, 29), 1) == date(2026, 11, 26)


def test_overdue_repeats_every_n_working_days_through_national_day_and_a_make_up_saturday() -> None:
    points = plan(
        CAL,
        nature="office",
        start=date(2026, 9, 1),
        due=date(2026, 9, 30),
        offsets=(0, 3),
        every=3,
        until=date(2026, 10, 20),
    )
    assert days(points) == [
        ("reminder", 3, "2026-09-24"),
        ("reminder", 0, "2026-09-30"),
        ("overdue", 1, "2026-10-08"),  # 10-01..10-07 are the National Day holiday
        ("overdue", 2, "2026-10-12"),  # 10-09, Saturday 10-10 (worked, 调休), 10-12
        ("overdue", 3, "2026-10-15"),
        ("overdue", 4, "2026-10-20"),
    ]
    assert [p.rank for p in points] == list(range(6))


def test_a_window_closes_once_and_a_ban_end_has_no_mail() -> None:
    window = plan(
        CAL,
        nature="window",
        start=date(2026, 11, 27),
        due=date(2026, 12, 4),
        offsets=(3, 0),
        every=3,
        until=date(2026, 12, 31),
    )
    assert days(window) == [
        ("reminder", 3, "2026-12-01"),
        ("reminder", 0, "2026-12-04"),
        ("window_closed", 0, "2026-12-07"),
    ]
    assert (
        plan(
            CAL,
            nature="term",
            start=date(2026, 1, 1),
            due=date(2026, 6, 30),
            offsets=(3, 0),
            every=3,
            until=date(2026, 12, 31),
        )
        == []
    )


def test_steps_before_the_deadline_opened_or_after_until_are_left_out() -> None:
    # Opened on 12-03: the reminder "3 working days before" 12-04 (12-01) never applied.
    points = plan(
        CAL,
        nature="office",
        start=date(2026, 12, 3),
        due=date(2026, 12, 4),
        offsets=(3, 0),
        every=3,
        until=date(2026, 12, 4),
    )
    assert days(points) == [("reminder", 0, "2026-12-04")]
