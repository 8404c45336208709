"""Reading a spreadsheet's CSV export (domain-adjacent: the standard library only).

Chinese spreadsheet software saves CSV as UTF-8 (with or without a byte-order mark) or as
GB18030/GBK; the encoding is recognised — a BOM means UTF-8, text that decodes as UTF-8
is UTF-8, anything else is tried as GB18030 — or given (``--encoding``). The file is read
through :mod:`supervise.userfiles` rules: a regular file, at most ``FILE_LIMITS["import
file"]`` bytes. Each record keeps the line it starts on, so a bad row is named by the line
a person sees in an editor.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from supervise.errors import InvalidInput
from supervise.redact import clip
from supervise.userfiles import read_bytes

ENCODINGS: dict[str, str] = {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gb18030": "gb18030"}
#: More columns than any import takes, or a record longer than this, is not our file.
MAX_FIELD = 10_000


@dataclass(frozen=True)
class Table:
    """A CSV file as read: its encoding, header and records (line number, values)."""

    encoding: str
    header: list[str]
    records: list[tuple[int, list[str]]]


def decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """(text, encoding) of the file: the one given, or the one recognised."""
    if encoding is not None:
        if encoding not in ENCODINGS:
            raise InvalidInput(
                f"--encoding {clip(repr(encoding), 40)} is not supported; "
                f"use one of {', '.join(ENCODINGS)}"
            )
        try:
            return data.decode(ENCODINGS[encoding]), encoding
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                f"{clip(str(path))} is not {encoding} text (byte {exc.start + 1}); "
                "give the right --encoding"
            ) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        chosen = "utf-8-sig"
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            chosen = "gb18030"
    try:
        return data.decode(chosen), chosen
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{clip(str(path))} is neither UTF-8 nor GB18030 text (byte {exc.start + 1}); "
            "save it as CSV UTF-8, or give --encoding"
        ) from exc


def read_table(path: Path, encoding: str | None = None) -> Table:
    """The CSV file at ``path`` (see the module docstring).

    Raises:
        InvalidInput: not a readable regular file, too big, not text in a known encoding,
            no header, or not CSV (a NUL byte, an unterminated quote, a huge field).
    """
    data = read_bytes(path, "import file")
    text, used = decode(data, path, encoding)
    if "\x00" in text:
        raise InvalidInput(f"{clip(str(path))} holds NUL bytes: it is not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        while True:
            start = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            if any(len(v) > MAX_FIELD for v in values):
                raise InvalidInput(
                    f"{clip(str(path))} line {start}: a field of more than {MAX_FIELD} "
                    "characters; this is not a register export"
                )
            if header is None:
                header = [v.strip() for v in values]
                continue
            if not any(v.strip() for v in values):
                continue  # blank lines at the end of a spreadsheet export
            records.append((start, values))
    except csv.Error as exc:
        raise InvalidInput(
            f"{clip(str(path))} line {reader.line_num}: not valid CSV ({exc}); "
            "save the sheet as CSV again"
        ) from exc
    if not header or not any(header):
        raise InvalidInput(f"{clip(str(path))} is empty: the first line must name the columns")
    return Table(used, header, records)
