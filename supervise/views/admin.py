"""Views of the office itself: users, the calendar, set-up checks, backups, the audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supervise.views.base import _json


@dataclass(frozen=True)
class UserView:
    id: int
    name: str
    email: str | None
    role: str
    reports_to: str | None
    districts: list[str] = field(default_factory=list)
    qualification: str | None = None
    disabled: bool = False

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class AssignResult:
    case: int
    supervisor: str
    previous: str | None
    seq: int

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class YearView:
    year: int
    official: bool
    source: str
    holidays: list[date] = field(default_factory=list)
    workdays: list[date] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        data = dict(_json(self))
        data["holidays"] = [d.isoformat() for d in self.holidays]
        data["workdays"] = [d.isoformat() for d in self.workdays]
        return data


@dataclass(frozen=True)
class Recomputed:
    case: int
    kind: str
    old_due: date
    new_due: date
    provisional: bool

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class RotationReport:
    """What `supervise keys rotate` did: the key now sealing, rows seen and re-sealed, the
    keys no row needs any more, and rows still under an older key (sealed meanwhile)."""

    key: str
    seen: int
    resealed: int
    retired: tuple[str, ...]
    left: int

    def as_json(self) -> dict[str, object]:
        return {
            "key": self.key, "seen": self.seen, "resealed": self.resealed,
            "retired": list(self.retired), "left": self.left,
        }  # fmt: skip


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str

    def as_json(self) -> dict[str, object]:
        return dict(_json(self, keys={"name": "check"}))


@dataclass(frozen=True)
class BackupView:
    """A backup written (or restored) and what its check found; on PostgreSQL the command."""

    database: str
    file: str
    checked: bool
    schema: str | None
    counts: dict[str, int]
    command: str | None = None
    saved_aside: str | None = None
    carried: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        return dict(_json(self))


@dataclass(frozen=True)
class InitResult:
    database: str
    before: str | None
    after: str
    admin: str | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "database": self.database,
            "from": self.before,
            "schema": self.after,
        }
        if self.admin is not None:
            data["admin"] = self.admin
        return data


@dataclass(frozen=True)
class AuditReport:
    """What ``audit verify`` found: rows checked, or the first that does not match."""

    ok: bool
    history_rows: int
    audit_rows: int
    cases: int
    problem: str | None
    #: Whether the anchor given matched (None: no anchor given, or the walk stopped first).
    anchored: bool | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))
