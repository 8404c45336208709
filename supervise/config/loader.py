"""Loading: the packaged defaults, an office's file layered over them, checked; and back to plain
data.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, cast

from supervise.config.checks import (
    _check,
)
from supervise.config.settings import (
    Settings,
)
from supervise.errors import ConfigError
from supervise.parse_cache import cached_parse
from supervise.userfiles import read_yaml_file
from supervise.yaml_dataclasses import as_plain_data, build


def packaged_defaults() -> dict[str, Any]:
    text = resources.files("supervise").joinpath("config.yaml").read_text(encoding="utf-8")
    data = cached_parse(text, "defaults-1", _parse_defaults)
    assert isinstance(data, dict)
    return data


def _parse_defaults(text: str) -> Any:
    import yaml  # only when this text was not parsed before (supervise.parse_cache)

    # libyaml's safe loader where PyYAML was built with it: the same safe subset, faster.
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _read_yaml(path: Path) -> dict[str, Any]:
    data = read_yaml_file(path, "config file", ConfigError)
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


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Load the packaged defaults, then ``path`` (or ``$SUPERVISE_CONFIG``) over them.

    Raises:
        ConfigError: the file is missing or unreadable, or a key is unknown or mistyped.
    """
    env = os.environ if environ is None else environ
    chosen = path if path is not None else env.get("SUPERVISE_CONFIG") or None
    data = packaged_defaults()
    sources = ["packaged defaults"]
    if chosen is not None:
        data = _merge(data, _read_yaml(Path(chosen)))
        sources.append(str(chosen))
    settings = cast(Settings, build(Settings, data, ""))
    settings = dataclasses.replace(settings, source=tuple(sources))
    _check(settings)
    return settings


def settings_as_dict(settings: Settings) -> dict[str, Any]:
    """The effective settings as plain data under their YAML keys, for ``config show``."""
    return as_plain_data(settings)
