"""Document numbers (发文字号) for official notices.

GB/T 9704-2012 §7.2.5 writes a number as agency code + full year in 六角括号 〔〕 +
sequence number + 号, with no 第 and no leading zeros (``渝民社约〔2026〕5号``). Many
enforcement offices use their own forms (``…字〔2026〕第5号``), so the pattern is a setting
per notice type (the defaults are in ``types.py``); this module only checks and fills
patterns. Choosing the sequence number is the engine's business.
"""

from __future__ import annotations

import string

from supervise.errors import InvalidInput

_FIELDS = ("year", "seq")


def validate_pattern(pattern: str) -> None:
    """Refuse a pattern unless it has ``{year}`` and ``{seq}`` exactly once each and nothing else.

    Format specs and conversions are refused too: ``{seq:03d}`` would bring back the
    leading zeros the standard forbids, and ``{seq.__class__}`` would let a settings file
    reach into Python objects.
    """
    if not isinstance(pattern, str) or not pattern.strip():
        raise InvalidInput(
            f"number pattern {pattern!r} is empty; give one like '渝民社约〔{{year}}〕{{seq}}号'"
        )
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise InvalidInput(
            f"number pattern {pattern!r} has unbalanced braces ({exc}); "
            "write literal braces as {{ and }}"
        ) from exc
    seen: list[str] = []
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in _FIELDS:
            raise InvalidInput(
                f"number pattern {pattern!r} uses field {{{field}}}; only {{year}} and {{seq}} "
                "are allowed"
            )
        if spec or conversion:
            raise InvalidInput(
                f"number pattern {pattern!r} formats {{{field}}} with "
                f"{'!' + conversion if conversion else ''}{':' + spec if spec else ''}; "
                "write the bare field (numbers are printed without leading zeros)"
            )
        seen.append(field)
    for name in _FIELDS:
        count = seen.count(name)
        if count != 1:
            raise InvalidInput(
                f"number pattern {pattern!r} has {{{name}}} {count} times; it must appear exactly "
                "once"
            )


def format_number(pattern: str, *, year: int, seq: int) -> str:
    """Fill a checked pattern: ``format_number('渝民社约〔{year}〕{seq}号', year=2026, seq=5)``."""
    validate_pattern(pattern)
    if isinstance(year, bool) or not isinstance(year, int) or not 1000 <= year <= 9999:
        raise InvalidInput(f"document year {year!r} is not a four-digit year")
    if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
        raise InvalidInput(f"document sequence number {seq!r} must be a whole number from 1 up")
    # str() of an int never pads, which is what "不编虚位" asks for.
    return pattern.format(year=str(year), seq=str(seq))
