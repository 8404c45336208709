"""Numerals, periods, dates and hours as official documents write them (domain layer).

GB/T 9704-2012 §7.3.5 and the enforcement-document style: dates stay in Arabic numerals,
periods and terms in the running text are written in Chinese numerals (三个工作日, 三十日,
五年), never mixed within one document.
"""

from __future__ import annotations

from datetime import date, time

from supervise.errors import InvalidInput

_DIGITS = "零一二三四五六七八九"


def cn_num(value: int) -> str:
    """Small whole numbers in Chinese numerals as written in running text (60 -> 六十)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10000:
        raise InvalidInput(f"cannot write {value!r} in Chinese numerals (0 to 9999 only)")
    if value < 10:
        return _DIGITS[value]
    out = ""
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit_value % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
            zero_pending = False
        # 十二, not 一十二, when the number starts with its tens.
        out += ("" if (unit == "十" and digit == 1 and not out) else _DIGITS[digit]) + unit
    return out


def cn_period(workdays: int | None, calendar_days: int | None) -> str:
    """A legal period in words: 三个工作日, 三十日."""
    if workdays is not None:
        return f"{cn_num(workdays)}个工作日"
    assert calendar_days is not None
    return f"{cn_num(calendar_days)}日"


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_time(day: date, hour: time | None) -> str:
    """A day with its hour as documents write it: 2026年5月6日上午9时30分."""
    if hour is None:
        return cn_date(day)
    if hour.hour < 12:
        part, h = "上午", hour.hour
    elif hour.hour == 12:
        part, h = "中午", 12
    elif hour.hour < 18:
        part, h = "下午", hour.hour - 12
    else:
        part, h = "晚上", hour.hour - 12
    minutes = f"{hour.minute}分" if hour.minute else ""
    return f"{cn_date(day)}{part}{h}时{minutes}"
