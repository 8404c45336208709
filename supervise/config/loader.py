"""Loading: the packaged defaults, an office's file layered over them, checked; and back to plain
data.

A configuration is checked whole (every section built, every check in ``checks.py``) the
first time it is seen. The checked data is then kept in the user's cache
(:mod:`supervise.parse_cache`) under the SHA-256 of both files' text and of a stamp of the
code that checks them, so that later commands skip the checks and build only the sections
they read (``effective.py``): a changed file, or changed checking code, is a new name, and
a stale entry can never be read.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from supervise.config.effective import SECTIONS, Settings
from supervise.errors import ConfigError
from supervise.parse_cache import cached_parse
from supervise.redact import clip
from supervise.userfiles import parse_yaml, read_text
from supervise.yaml_dataclasses import plain

#: The source files whose code decides whether a configuration passes, relative to the
#: package: a change to any of them changes the cache's key.
_CHECKED_BY = (
    "config/checks.py",
    "config/effective.py",
    "config/loader.py",
    "config/settings.py",
    "yaml_dataclasses.py",
    "law.py",
    "inputs.py",
    "evaluation.py",
    "report_coverage.py",
    "scrutiny.py",
    "notices/numbering.py",
    "notices/types.py",
)


def packaged_defaults() -> dict[str, Any]:
    return _parse_defaults_text(_defaults_text())


def _defaults_text() -> str:
    return resources.files("supervise").joinpath("config.yaml").read_text(encoding="utf-8")


def _parse_defaults_text(text: str) -> dict[str, Any]:
    data = cached_parse(text, "defaults-1", _parse_defaults)
    assert isinstance(data, dict)
    return data


def _parse_defaults(text: str) -> Any:
    import yaml  # only when this text was not parsed before (supervise.parse_cache)

    # libyaml's safe loader where PyYAML was built with it: the same safe subset, faster.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _own_data(text: str, path: Path) -> dict[str, Any]:
    data = parse_yaml(text, f"config file {clip(str(path))}", ConfigError)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of keys at the top level")
    return data


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def code_stamp() -> str:
    """The checking code's files' sizes and times (one ``stat`` each; an upgrade rewrites
    them)."""
    root = Path(__file__).parent.parent
    parts = ["checks"]
    for name in _CHECKED_BY:
        try:
            info = (root / name).stat()
        except OSError:
            parts.append(f"{name}:?")
        else:
            parts.append(f"{name}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(parts)


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load the packaged defaults, then ``path`` (or ``$SUPERVISE_CONFIG``) over them.

    Raises:
        ConfigError: the file is missing or unreadable, or a key is unknown or mistyped.
    """
    env = os.environ if environ is None else environ
    chosen = path if path is not None else env.get("SUPERVISE_CONFIG") or None
    sources = ("packaged defaults",) if chosen is None else ("packaged defaults", str(chosen))
    defaults = _defaults_text()
    own = None if chosen is None else read_text(Path(chosen), "config file", ConfigError)
    checked: list[Settings] = []

    def check(_text: str) -> dict[str, Any]:
        from supervise.config.checks import _check

        data = _parse_defaults_text(defaults)
        if own is not None and chosen is not None:
            data = _merge(data, _own_data(own, Path(chosen)))
        settings = Settings(data, sources)
        settings.build_all()
        _check(settings)
        checked.append(settings)
        return data

    text = "\x00".join((code_stamp(), defaults, own or ""))
    data = cached_parse(text, "checked-settings-1", check)
    if checked:
        return checked[0]
    if not isinstance(data, dict):  # a damaged entry: check the files again
        check(text)
        return checked[0]
    return Settings(data, sources)


def settings_as_dict(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data under their YAML keys, for ``config show``."""
    return {key: plain(getattr(settings, key)) for key in SECTIONS}
