"""Frozen dataclasses from parsed YAML, and back (domain-adjacent; standard library only).

``config`` describes the settings as nested frozen dataclasses; this module builds them
from the mapping PyYAML parsed, refusing unknown keys and values of the wrong type with a
message naming the key, and turns them back into plain data for ``config show``.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, Literal

from supervise.errors import ConfigError


def build(cls: Any, data: Any, path: str) -> Any:
    """Build a (nested) frozen dataclass from parsed YAML, refusing unknown keys."""
    label = path or "the top level"
    if not isinstance(data, Mapping):
        raise ConfigError(f"config key {label}: expected a mapping of keys")
    hints, known = _shape(cls)
    for key in data:
        if key not in known:
            where = f"{path}.{key}" if path else str(key)
            raise ConfigError(
                f"unknown config key {where}; known keys here: {', '.join(sorted(known))}"
            )
    values: dict[str, Any] = {}
    for key, fld in known.items():
        where = f"{path}.{key}" if path else key
        if key not in data:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                raise ConfigError(f"config key {where} is missing")
            continue
        values[fld.name] = convert(hints[fld.name], data[key], where)
    return cls(**values)


@functools.cache
def _shape(cls: Any) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """The class's evaluated field types and its fields by YAML key, worked out once per
    class: evaluating the annotations (text, under ``from __future__ import annotations``)
    cost a third of loading the settings when it was done for every mapping built."""
    # A field's YAML key is its name unless metadata {"key": ...} says otherwise (``from``
    # cannot be a Python field name).
    known = {_yaml_key(f): f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    return typing.get_type_hints(cls), known


def _yaml_key(fld: dataclasses.Field[Any]) -> str:
    return str(fld.metadata.get("key", fld.name))


def convert(hint: Any, value: Any, where: str) -> Any:
    """``value`` (parsed YAML) as ``hint`` says, checked; ``where`` is its key, for errors."""
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return convert(inner[0], value, where)
    if origin is Literal:
        if value not in args:
            choices = ", ".join(map(str, args))
            raise ConfigError(f"config key {where}: {value!r} is not one of {choices}")
        return value
    if origin is tuple:
        if not isinstance(value, list):
            raise ConfigError(f"config key {where}: expected a list")
        return tuple(convert(args[0], v, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"config key {where}: expected a mapping")
        return {str(k): convert(args[1], v, f"{where}.{k}") for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        return build(hint, value, where)
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"config key {where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key {where}: expected a whole number, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"config key {where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"config key {where}: expected text, got {value!r}")
        return value
    raise ConfigError(f"config key {where}: unsupported setting type")  # pragma: no cover


def as_plain_data(value: Any) -> dict[str, Any]:
    """A dataclass as plain data under its YAML keys (``config show``)."""
    data = plain(value)
    assert isinstance(data, dict)
    return data


def plain(value: Any) -> Any:
    """Any value :func:`convert` builds, as plain data under its YAML keys."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            _yaml_key(f): plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not f.metadata.get("internal")
        }
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    return value
