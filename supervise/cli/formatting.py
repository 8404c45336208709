"""The top-level help's formatting, as click formats it, at less cost (entry-point layer).

`supervise --help` should cost little more than importing click (issue 13, target 3); click's
formatter imports shutil (and the compression modules shutil imports) for the terminal's
width and wraps every row of a definition list with textwrap. These do the same work where
it is simple, and leave the rest to click.
"""

from __future__ import annotations

import os
import sys

import click


def columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` finds it: ``$COLUMNS``, else
    the terminal on stdout, else 80."""
    try:
        width = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        width = 0
    if width <= 0:
        try:
            width = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            width = 0
    return width or 80


class HelpContext(click.Context):
    """The group's context: its help formatter is sized as click sizes it."""

    def make_formatter(self) -> click.HelpFormatter:
        # The width click's formatter would choose, without importing shutil (and the
        # compression modules shutil imports): about 3% of `supervise --help`.
        width = self.terminal_width or click.formatting.FORCED_WIDTH
        if width is None:
            width = max(min(columns(), self.max_content_width or 80) - 2, 50)
        return self.formatter_class(width=width, max_width=self.max_content_width)


def write_rows(formatter: click.HelpFormatter, rows: list[tuple[str, str]]) -> None:
    """``formatter.write_dl(rows)``, without wrapping rows that each fit on one line (as
    the command list's do): click wraps every row with textwrap."""
    first_col = min(max(len(name) for name, _ in rows), 30) + 2
    text_width = max(formatter.width - first_col - 2, 10)
    if any(
        len(name) > first_col - 2
        or len(text) > text_width
        or not text.isprintable()
        or text != text.strip()
        for name, text in rows
    ):
        formatter.write_dl(rows)
        return
    indent = " " * formatter.current_indent
    for name, text in rows:
        formatter.write(f"{indent}{name:<{first_col}}{text}\n" if text else f"{indent}{name}\n")
