"""Tests for supervise.workdays: working-day and calendar-day deadlines and year schedules."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import chinese_calendar  # type: ignore[import-untyped]
import pytest

from supervise import workdays
from supervise.errors import InvalidInput
from supervise.workdays import Due, WorkCalendar, YearSchedule, parse_year_schedule

D = date.fromisoformat


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar()


def schedule_2027(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "year": 2027,
        "holidays": ["2027-01-01"],
        # A made-up 调休: Saturday 2 January 2027 worked.
        "workdays": [date(2027, 1, 2)],
        "source": "test notice for 2027",
    }
    data.update(overrides)
    return data


# --- official years (chinese_calendar) ------------------------------------------------------


@pytest.mark.parametrize("day", ["2026-02-14", "2025-01-26"])
def test_make_up_weekend_is_a_working_day(cal: WorkCalendar, day: str) -> None:
    assert D(day).weekday() >= 5
    assert chinese_calendar.is_workday(D(day)) is True
    assert cal.is_workday(D(day)) is True


def test_ordinary_weekend_and_holiday_are_not_working_days(cal: WorkCalendar) -> None:
    assert cal.is_workday(D("2026-02-07")) is False  # plain Saturday
    assert cal.is_workday(D("2025-10-01")) is False  # 国庆
    assert cal.is_workday(D("2025-10-08")) is False  # Wednesday inside the 国庆 break
    assert cal.is_workday(D("2025-10-09")) is True


def test_five_working_days_across_national_day(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D("2025-09-30"), 5) == Due(D("2025-10-14"), False)


def test_working_days_count_make_up_saturday(cal: WorkCalendar) -> None:
    # 2025-10-11 (Saturday) is a 调休 working day: day 1 is 10-09, day 3 is that Saturday.
    assert cal.add_workdays(D("2025-10-08"), 3) == Due(D("2025-10-11"), False)
    assert cal.add_workdays(D("2025-10-08"), 4) == Due(D("2025-10-13"), False)


def test_start_day_is_not_counted(cal: WorkCalendar) -> None:
    assert cal.add_workdays(D("2025-03-03"), 1) == Due(D("2025-03-04"), False)
    assert cal.add_workdays(D("2025-03-07"), 1) == Due(D("2025-03-10"), False)  # Fri -> Mon


def test_calendar_period_ending_on_saturday_rolls_to_monday(cal: WorkCalendar) -> None:
    assert D("2025-03-29").weekday() == 5
    assert cal.add_calendar_days(D("2025-03-14"), 15) == Due(D("2025-03-31"), False)


def test_calendar_period_ending_in_holiday_rolls_past_it(cal: WorkCalendar) -> None:
    # Ends on 2025-10-01; 10-01 to 10-08 are off, so the period ends on 10-09.
    assert cal.add_calendar_days(D("2025-09-16"), 15) == Due(D("2025-10-09"), False)


def test_calendar_period_ending_on_make_up_saturday_does_not_roll(cal: WorkCalendar) -> None:
    assert cal.add_calendar_days(D("2025-10-01"), 10) == Due(D("2025-10-11"), False)


def test_calendar_period_ending_on_working_day_stays(cal: WorkCalendar) -> None:
    assert cal.add_calendar_days(D("2025-01-02"), 90) == Due(D("2025-04-02"), False)


def test_next_workday(cal: WorkCalendar) -> None:
    assert cal.next_workday(D("2025-10-09")) == Due(D("2025-10-09"), False)
    assert cal.next_workday(D("2025-10-04")) == Due(D("2025-10-09"), False)
    assert cal.next_workday(D("2026-02-14")) == Due(D("2026-02-14"), False)


def test_workdays_between(cal: WorkCalendar) -> None:
    assert cal.workdays_between(D("2025-09-30"), D("2025-10-14")) == 5
    # Saturday 09-27 is off, Sunday 09-28 is a 调休 working day.
    assert cal.workdays_between(D("2025-09-26"), D("2025-09-28")) == 1
    assert cal.workdays_between(D("2025-10-14"), D("2025-10-14")) == 0
    assert cal.workdays_between(D("2025-10-14"), D("2025-09-30")) == 0


def test_datetime_is_treated_as_its_date(cal: WorkCalendar) -> None:
    assert cal.is_workday(datetime(2026, 2, 14, 9, 30)) is True
    assert cal.add_workdays(datetime(2025, 9, 30, 23, 0), 5) == Due(D("2025-10-14"), False)


@pytest.mark.parametrize("n", [0, -1])
def test_non_positive_periods_are_refused(cal: WorkCalendar, n: int) -> None:
    with pytest.raises(InvalidInput, match="at least 1"):
        cal.add_workdays(D("2025-01-02"), n)
    with pytest.raises(InvalidInput, match="at least 1"):
        cal.add_calendar_days(D("2025-01-02"), n)


def test_official_years_follow_chinese_calendar_coverage(cal: WorkCalendar) -> None:
    for year in (2004, 2025, 2026, 2027, 2030):
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            covered = True
        except NotImplementedError:
            covered = False
        assert cal.is_official(year) is covered
    assert cal.is_official(2026) is True
    assert cal.is_official(2027) is False


# --- provisional years ----------------------------------------------------------------------


def test_2027_dates_are_provisional(cal: WorkCalendar) -> None:
    assert cal.next_workday(D("2027-03-01")) == Due(D("2027-03-01"), True)
    assert cal.add_calendar_days(D("2027-03-01"), 5) == Due(D("2027-03-08"), True)  # Sat -> Mon


def test_provisional_2027_national_day_keeps_observed_days(cal: WorkCalendar) -> None:
    # 2027-10-02/03 fall on a weekend; holidays.China makes them up on Mon 10-04 and Tue 10-05.
    assert cal.is_workday(D("2027-10-01")) is False
    assert cal.is_workday(D("2027-10-04")) is False
    assert cal.is_workday(D("2027-10-05")) is False
    assert cal.is_workday(D("2027-10-06")) is True
    assert cal.add_workdays(D("2027-09-28"), 5) == Due(D("2027-10-08"), True)


def test_provisional_rule_drops_substituted_days_off() -> None:
    # Applied to 2026, the provisional rule differs from the official calendar exactly on
    # the 调休 swaps: substituted days off are working days, and no weekend day is worked.
    provisional = workdays._provisional_year(2026)
    official = workdays._chinese_calendar_year(2026)
    assert official is not None
    # fmt: off
    assert sorted(provisional ^ official) == [
        D(d)
        for d in (
            "2026-01-02", "2026-01-04", "2026-02-14", "2026-02-20", "2026-02-23",
            "2026-02-28", "2026-05-05", "2026-05-09", "2026-09-20", "2026-10-06",
            "2026-10-07", "2026-10-10",
        )
    ]
    # fmt: on
    assert D("2026-01-02") in provisional  # "Day off (substituted from …)": dropped
    assert D("2026-10-05") not in provisional  # "National Day (observed)": kept


def test_deadline_crossing_into_2027_is_provisional(cal: WorkCalendar) -> None:
    # 12-28..12-31 are working days, 2027-01-01 is New Year's Day.
    assert cal.add_workdays(D("2026-12-25"), 4) == Due(D("2026-12-31"), False)
    assert cal.add_workdays(D("2026-12-25"), 5) == Due(D("2027-01-04"), True)
    assert cal.add_calendar_days(D("2026-12-25"), 7) == Due(D("2027-01-04"), True)


def test_year_without_any_holiday_data_is_refused(cal: WorkCalendar) -> None:
    with pytest.raises(InvalidInput, match="no holiday data for 2101"):
        cal.is_workday(D("2101-03-01"))
    assert cal.is_official(2101) is False


# --- loaded schedules -----------------------------------------------------------------------


def test_loaded_2027_schedule_makes_results_official() -> None:
    schedule = parse_year_schedule(schedule_2027())
    loaded = WorkCalendar({2027: schedule})
    assert loaded.is_official(2027) is True
    assert loaded.is_workday(D("2027-01-02")) is True
    assert WorkCalendar().is_workday(D("2027-01-02")) is False
    # Same question as the provisional test above; the worked Saturday moves the answer.
    assert loaded.add_workdays(D("2026-12-25"), 5) == Due(D("2027-01-02"), False)
    # Ends on New Year's Day and rolls to the worked Saturday rather than to Monday.
    assert loaded.add_calendar_days(D("2026-12-25"), 7) == Due(D("2027-01-02"), False)
    # The schedule replaces holidays.China for 2027: its observed National Day days are
    # working days unless the schedule lists them.
    assert loaded.is_workday(D("2027-10-04")) is True
    assert loaded.is_workday(D("2027-01-01")) is False


def test_loaded_schedule_overrides_chinese_calendar() -> None:
    schedule = YearSchedule(
        year=2026,
        holidays=frozenset({D("2026-03-02")}),
        workdays=frozenset(),
        source="override test",
    )
    loaded = WorkCalendar({2026: schedule})
    assert loaded.is_workday(D("2026-03-02")) is False
    assert loaded.is_workday(D("2026-02-14")) is False  # no longer a make-up day
    assert loaded.add_workdays(D("2026-02-27"), 1) == Due(D("2026-03-03"), False)


def test_parse_year_schedule_accepts_dates_and_strings() -> None:
    schedule = parse_year_schedule(
        {
            "year": 2027,
            "holidays": [date(2027, 1, 1), " 2027-02-08 ", "2027-02-06"],
            "workdays": [],
            "source": "  国务院办公厅通知  ",
        }
    )
    assert schedule == YearSchedule(
        year=2027,
        holidays=frozenset({D("2027-01-01"), D("2027-02-06"), D("2027-02-08")}),
        workdays=frozenset(),
        source="国务院办公厅通知",
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["year", 2027], "expected a mapping"),
        (schedule_2027(notes="x"), "unknown key(s) notes"),
        ({k: v for k, v in schedule_2027().items() if k != "year"}, "missing key(s) year"),
        ({k: v for k, v in schedule_2027().items() if k != "holidays"}, "missing key(s) holidays"),
        ({k: v for k, v in schedule_2027().items() if k != "workdays"}, "missing key(s) workdays"),
        ({k: v for k, v in schedule_2027().items() if k != "source"}, "missing key(s) source"),
        (schedule_2027(year="2027"), "year must be a whole number"),
        (schedule_2027(year=True), "year must be a whole number"),
        (schedule_2027(year=0), "out of range"),
        (schedule_2027(holidays="2027-01-01"), "holidays must be a list"),
        (schedule_2027(workdays=None), "workdays must be a list"),
        (schedule_2027(holidays=["2027-02-30"]), "holidays entry '2027-02-30' is not a valid"),
        (schedule_2027(holidays=["2027/01/01"]), "holidays entry '2027/01/01' is not a valid"),
        (schedule_2027(holidays=["20270101"]), "holidays entry '20270101' is not a valid"),
        (schedule_2027(holidays=[20270101]), "holidays entry 20270101 is not a valid"),
        (schedule_2027(workdays=[datetime(2027, 1, 2, 8)]), "workdays entry .* time of day"),
        (schedule_2027(holidays=["2026-12-31"]), "holidays has 2026-12-31, outside 2027"),
        (schedule_2027(workdays=["2028-01-01"]), "workdays has 2028-01-01, outside 2027"),
        (
            schedule_2027(holidays=["2027-01-01", "2027-01-02"]),
            "2027-01-02 is in both holidays and workdays",
        ),
        (schedule_2027(workdays=["2027-01-04"]), "workdays has 2027-01-04, a Monday"),
        (schedule_2027(source=""), "source must name the notice"),
        (schedule_2027(source="   "), "source must name the notice"),
        (schedule_2027(source=None), "source must be text"),
    ],
)
def test_parse_year_schedule_refusals(data: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_year_schedule(data)


def test_schedule_filed_under_wrong_year_is_refused() -> None:
    schedule = parse_year_schedule(schedule_2027())
    with pytest.raises(InvalidInput, match="filed under 2028"):
        WorkCalendar({2028: schedule})


def test_calendar_can_be_shared_between_threads() -> None:
    shared = WorkCalendar({2027: parse_year_schedule(schedule_2027())})
    starts = [D("2025-01-01") + timedelta(days=i) for i in range(0, 900, 7)]
    expected = [shared.add_workdays(s, 7) for s in starts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda s: shared.add_workdays(s, 7), starts))
    assert results == expected
