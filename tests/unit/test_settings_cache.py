"""Checked settings kept between runs (config/loader.py): read back only for the same files
and the same checking code; a changed file is checked again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from supervise.config import load_settings, loader, settings_as_dict
from supervise.errors import ConfigError


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder / "supervise"


def office_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "office.yaml"
    path.write_text(f"office:\n  name: {name}\n", encoding="utf-8")
    return path


def tamper_checked_entry(cache: Path, name: str) -> None:
    """Rename the office in the kept checked settings (the one entry holding every section
    with the office's own name): a load that reads this entry shows the new name."""
    found = 0
    for entry in cache.glob("yaml-*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        if "timezone" in data and data["office"]["name"] == "某某区民政局":
            data["office"]["name"] = name
            entry.write_text(json.dumps(data), encoding="utf-8")
            found += 1
    assert found == 1


def test_the_second_load_reads_the_checked_settings(cache: Path, tmp_path: Path) -> None:
    path = office_file(tmp_path, "某某区民政局")
    cold = load_settings(path, environ={})
    tamper_checked_entry(cache, "从缓存读出")
    warm = load_settings(path, environ={})
    assert warm.office.name == "从缓存读出"
    assert warm.source == cold.source == ("packaged defaults", str(path))


def test_a_changed_file_is_checked_again(cache: Path, tmp_path: Path) -> None:
    path = office_file(tmp_path, "某某区民政局")
    load_settings(path, environ={})
    path.write_text("mail:\n  smtp:\n    port: 70000\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="mail.smtp.port: 70000 is not a port number"):
        load_settings(path, environ={})
    path.write_text("office:\n  name: 另一个民政局\n", encoding="utf-8")
    assert load_settings(path, environ={}).office.name == "另一个民政局"


def test_changed_checking_code_checks_again(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = office_file(tmp_path, "某某区民政局")
    load_settings(path, environ={})
    tamper_checked_entry(cache, "从缓存读出")
    monkeypatch.setattr(loader, "code_stamp", lambda: "another version of the checks")
    assert load_settings(path, environ={}).office.name == "某某区民政局"


def test_the_code_stamp_names_every_checking_file() -> None:
    stamp = loader.code_stamp()
    assert "?" not in stamp, stamp  # every file is there to be stat'ed
    for name in ("config/checks.py", "law.py", "scrutiny.py", "evaluation.py"):
        assert f"\n{name}:" in stamp


def test_a_refused_file_is_not_kept(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "office.yaml"
    path.write_text("timezone: Mars/Olympus\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ConfigError, match="unknown time zone 'Mars/Olympus'"):
            load_settings(path, environ={})


def test_without_a_cache_folder_every_load_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    path = office_file(tmp_path, "某某区民政局")
    assert load_settings(path, environ={}).office.name == "某某区民政局"


def test_a_cached_load_builds_only_what_is_read(cache: Path, tmp_path: Path) -> None:
    path = office_file(tmp_path, "某某区民政局")
    cold = load_settings(path, environ={})
    warm = load_settings(path, environ={})
    assert warm._built == {}  # noqa: SLF001 - the laziness is what is tested
    assert warm.timezone == "Asia/Shanghai"
    assert set(warm._built) == {"timezone"}  # noqa: SLF001
    assert settings_as_dict(warm) == settings_as_dict(cold)
    assert warm == cold
