"""What every view shares: times in the configured zone and the JSON form."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(zone).isoformat()


def day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _json(view: Any, zone: ZoneInfo | None = None, keys: Mapping[str, str] | None = None) -> Any:
    """A view's fields in declaration order as JSON values; ``keys`` renames some."""
    out: dict[str, Any] = {}
    for f in fields(view):
        value = getattr(view, f.name)
        if isinstance(value, datetime):
            value = iso(value, zone) if zone is not None else value.isoformat()
        elif isinstance(value, date):
            value = value.isoformat()
        elif isinstance(value, enum.Enum):
            value = value.value
        out[(keys or {}).get(f.name, f.name)] = value
    return out
