"""Parsed YAML kept between runs (domain-adjacent: the standard library only).

A command reads the packaged defaults, and often an office's settings file, every time it
runs; parsing them costs more than the rest of a read command's own work, and importing
PyYAML as much again. The parse of a given text never changes, so the result is kept as
JSON under the user's cache folder (``$XDG_CACHE_HOME/supervise``, else
``~/.cache/supervise``), named by the SHA-256 of the parser's name and the text: a changed
file is a new name, a stale entry can never be read. Only what JSON keeps exactly is kept
(mappings with text keys, lists, text, numbers, booleans, null, and dates, tagged);
anything else, or a cache folder that cannot be written, simply means parsing every time.
A file in the cache is trusted no more than the settings file itself: it is JSON, read
without running anything, and whoever can write the user's cache can write their settings.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

_DATE = "\x00date"
_DATETIME = "\x00datetime"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or (
        str(Path.home() / ".cache") if env.get("HOME") or os.name != "posix" else ""
    )
    return Path(base) / "supervise" if base else None


def cached_parse(text: str, parser: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, from the cache when this parser has parsed this text before."""
    folder = cache_dir()
    if folder is None:
        return parse(text)
    key = hashlib.sha256(f"{parser}\x00{text}".encode()).hexdigest()
    path = folder / f"yaml-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
    except (OSError, ValueError):
        pass
    value = parse(text)
    if _keepable(value):
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            partial.write_text(json.dumps(value, default=_encode), encoding="utf-8")
            os.replace(partial, path)  # readers see the whole file or none
        except OSError:
            pass
    return value


def _keepable(value: Any, depth: int = 0) -> bool:
    if depth > 64:
        return False
    if value is None or isinstance(value, (str, bool, int, float, date)):
        return True
    if isinstance(value, list):
        return all(_keepable(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(
            isinstance(k, str) and not k.startswith("\x00") and _keepable(v, depth + 1)
            for k, v in value.items()
        )
    return False


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not kept")


def _decode(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if _DATE in obj:
            return date.fromisoformat(obj[_DATE])
        if _DATETIME in obj:
            return datetime.fromisoformat(obj[_DATETIME])
    return obj
