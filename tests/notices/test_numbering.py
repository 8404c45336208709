"""Document numbers per GB/T 9704-2012 §7.2.5 and office patterns."""

from __future__ import annotations

import pytest

from supervise.errors import InvalidInput
from supervise.notices.numbering import format_number, validate_pattern
from supervise.notices.types import NOTICE_TYPES

# Each notice type's default document-number pattern (the old ``DEFAULT_PATTERNS`` table).
DEFAULT_PATTERNS = {key: nt.pattern for key, nt in NOTICE_TYPES.items()}


def test_default_pattern_follows_gbt_9704() -> None:
    number = format_number(DEFAULT_PATTERNS["interview_notice"], year=2026, seq=12)
    assert number == "渝民社约〔2026〕12号"
    single = format_number(DEFAULT_PATTERNS["warning_decision"], year=2026, seq=5)
    assert single == "渝民社罚决〔2026〕5号"  # 不编虚位: not 05
    assert "第" not in single


def test_default_patterns_are_the_published_ones() -> None:
    """The patterns moved onto the notice types; the numbers they give did not change."""
    assert DEFAULT_PATTERNS == {
        "interview_notice": "渝民社约〔{year}〕{seq}号",
        "interview_record": "渝民社约记〔{year}〕{seq}号",
        "rectification_order": "渝民社整改〔{year}〕{seq}号",
        "warning_prior_notice": "渝民社罚告〔{year}〕{seq}号",
        "warning_decision": "渝民社罚决〔{year}〕{seq}号",
        "replacement_prior_notice": "渝民社撤告〔{year}〕{seq}号",
        "replacement_order": "渝民社撤换〔{year}〕{seq}号",
        "ban_prior_notice": "渝民社禁告〔{year}〕{seq}号",
        "hearing_notice": "渝民社听〔{year}〕{seq}号",
        "ban_decision": "渝民社禁决〔{year}〕{seq}号",
        "ban_lifted": "渝民社解〔{year}〕{seq}号",
        "cascade_notice": "渝民社终职〔{year}〕{seq}号",
        "revocation_notice": "渝民社撤销〔{year}〕{seq}号",
    }


def test_every_type_has_its_own_valid_default() -> None:
    assert set(DEFAULT_PATTERNS) == set(NOTICE_TYPES)
    numbers = {format_number(p, year=2026, seq=1) for p in DEFAULT_PATTERNS.values()}
    assert len(numbers) == len(DEFAULT_PATTERNS)
    for pattern in DEFAULT_PATTERNS.values():
        validate_pattern(pattern)
        assert "〔{year}〕" in pattern and pattern.endswith("{seq}号") and "第" not in pattern


def test_office_pattern_with_di_is_allowed() -> None:
    assert format_number("渝民罚字〔{year}〕第{seq}号", year=2027, seq=3) == "渝民罚字〔2027〕第3号"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("渝民社约〔{year}〕号", r"\{seq\} 0 times"),
        ("{year}〔{year}〕{seq}号", r"\{year\} 2 times"),
        ("渝〔{year}〕{seq:03d}号", "formats"),
        ("渝〔{year}〕{seq!r}号", "formats"),
        ("渝〔{year}〕{seq}号{office}", r"uses field \{office\}"),
        ("渝〔{year}〕{seq.__class__}号", "uses field"),
        ("渝〔{year}〕{0}{seq}号", "uses field"),
        ("渝〔{year}〕{}{seq}号", "uses field"),
        ("渝〔{year〕{seq}号", "unbalanced"),
        ("", "empty"),
    ],
)
def test_bad_patterns_are_refused(pattern: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validate_pattern(pattern)
    with pytest.raises(InvalidInput):
        format_number(pattern, year=2026, seq=1)


def test_literal_braces_are_allowed() -> None:
    assert format_number("{{A}}〔{year}〕{seq}号", year=2026, seq=1) == "{A}〔2026〕1号"


@pytest.mark.parametrize(("year", "seq"), [(26, 1), (2026, 0), (2026, -1), (True, 1), (2026, True)])
def test_bad_year_or_sequence_is_refused(year: int, seq: int) -> None:
    with pytest.raises(InvalidInput):
        format_number(DEFAULT_PATTERNS["interview_notice"], year=year, seq=seq)
