"""The parsed-YAML cache (supervise.parse_cache): same text, same result, never stale."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from supervise.config import load_settings, packaged_defaults
from supervise.parse_cache import cached_parse


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "supervise"


def counting(result: Any) -> tuple[list[str], Any]:
    calls: list[str] = []

    def parse(text: str) -> Any:
        calls.append(text)
        return result

    return calls, parse


def test_a_text_is_parsed_once_and_read_back_equal(cache: Path) -> None:
    value = {"a": [1, 2.5, None, True, "文本"], "since": date(2024, 9, 5), "b": {"c": "d"}}
    calls, parse = counting(value)
    assert cached_parse("text", "p", parse) == value
    again = cached_parse("text", "p", parse)
    assert again == value and isinstance(again["since"], date)
    assert calls == ["text"]
    assert len(list(cache.glob("yaml-*.json"))) == 1


def test_another_text_or_parser_is_parsed_anew(cache: Path) -> None:
    calls, parse = counting({"a": 1})
    cached_parse("one", "p", parse)
    cached_parse("two", "p", parse)
    cached_parse("one", "q", parse)
    assert calls == ["one", "two", "one"]


@pytest.mark.parametrize("value", [{1: "a"}, {"a": {2024: "x"}}, {"a": (1, 2)}, {"\x00date": "x"}])
def test_what_json_would_not_keep_exactly_is_not_kept(cache: Path, value: Any) -> None:
    calls, parse = counting(value)
    assert cached_parse("t", "p", parse) == value
    assert cached_parse("t", "p", parse) == value
    assert len(calls) == 2 and not list(cache.glob("yaml-*.json"))


def test_a_cache_that_cannot_be_written_or_read_means_parsing(cache: Path) -> None:
    cache.parent.mkdir()
    cache.write_text("a file where the folder would be")
    calls, parse = counting({"a": 1})
    assert cached_parse("t", "p", parse) == {"a": 1}
    assert cached_parse("t", "p", parse) == {"a": 1}
    assert len(calls) == 2


def test_a_damaged_entry_is_parsed_again(cache: Path) -> None:
    calls, parse = counting({"a": 1})
    cached_parse("t", "p", parse)
    (entry,) = cache.glob("yaml-*.json")
    entry.write_text("{not json")
    assert cached_parse("t", "p", parse) == {"a": 1}
    assert len(calls) == 2


def test_settings_from_the_cache_equal_settings_parsed(cache: Path, tmp_path: Path) -> None:
    office = tmp_path / "office.yaml"
    office.write_text("office:\n  name: 某某区民政局\n", encoding="utf-8")
    cold = load_settings(office, environ={})
    # The defaults, the office's file, and both merged once checked (config/loader.py).
    assert len(list(cache.glob("yaml-*.json"))) == 3
    warm = load_settings(office, environ={})
    assert warm == cold and warm.office.name == "某某区民政局"
    assert packaged_defaults() == packaged_defaults()
    office.write_text("office:\n  name: 另一个民政局\n", encoding="utf-8")
    assert load_settings(office, environ={}).office.name == "另一个民政局"
    assert os.stat(cache).st_mode & 0o777 == 0o700
