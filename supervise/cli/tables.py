"""Aligned text tables for the terminal (entry-point layer).

Chinese characters take two columns in a terminal, so widths are counted in display
columns (East Asian Width), not characters; numbers are right-aligned.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from supervise.inputs import printable


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


def render(headers: Sequence[str], rows: Sequence[Sequence[object]], numeric_from: int = 1) -> str:
    """The table as lines: a header, a rule, the rows; stored text shown printable."""
    cells = [[printable("" if v is None else v) for v in row] for row in rows]
    heads = [printable(h) for h in headers]
    sizes = [width(h) for h in heads]
    for row in cells:
        for i, value in enumerate(row):
            sizes[i] = max(sizes[i], width(value))
    lines = [
        "  ".join(_pad(h, sizes[i], i >= numeric_from) for i, h in enumerate(heads)).rstrip(),
        "  ".join("-" * s for s in sizes),
    ]
    for row in cells:
        lines.append(
            "  ".join(_pad(v, sizes[i], i >= numeric_from) for i, v in enumerate(row)).rstrip()
        )
    return "\n".join(lines)
