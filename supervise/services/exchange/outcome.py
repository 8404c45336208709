"""What an import found and did, and its reject file (service layer): shared by every
``supervise import`` kind."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from supervise.csvfiles import Table
from supervise.errors import InvalidInput
from supervise.redact import clip

#: Told of progress: the phase ("checking", "writing"), rows just done, rows in the phase.
Progress = Callable[[str, int, int], None]
#: Keys looked up in the database per query, rows inserted per executemany.
CHUNK = 500


@dataclass(frozen=True)
class BadRow:
    line: int
    reason: str
    values: list[str] = field(repr=False)


@dataclass
class ImportReport:
    """What an import found and did. ``written`` is False when bad rows stopped it."""

    kind: str
    file: str
    encoding: str
    rows: int = 0
    inserted: int = 0
    unchanged: int = 0
    bad: list[BadRow] = field(default_factory=list)
    written: bool = False
    reject_file: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "encoding": self.encoding,
            "rows": self.rows,
            "inserted": self.inserted,
            "unchanged": self.unchanged,
            "bad": [{"line": b.line, "reason": b.reason} for b in self.bad],
            "written": self.written,
            "reject_file": self.reject_file,
        }


def reject_path(source: Path) -> Path:
    return source.with_name(f"{source.stem}.rejects.csv")


def write_rejects(path: Path, table: Table, bad: list[BadRow]) -> None:
    try:
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "reason", *table.header])
            for row in bad:
                writer.writerow([row.line, row.reason, *row.values])
    except OSError as exc:
        raise InvalidInput(
            f"cannot write the reject file {clip(str(path))}: {exc.strerror}; nothing imported"
        ) from exc
