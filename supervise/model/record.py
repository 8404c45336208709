"""The keyword constructor every mapped domain class shares."""

from __future__ import annotations

from typing import Any


class _Record:
    """Keyword constructor for the mapped classes (SQLAlchemy skips it on load)."""

    def __init__(self, **values: Any) -> None:
        for key, value in values.items():
            setattr(self, key, value)
