"""Views of notices: listed, rendered, served."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.views.base import _json


@dataclass(frozen=True)
class NoticeView:
    id: int
    case: int
    type: str
    number: str
    created_at: datetime
    served_on: date | None
    method: str | None
    status: str

    @classmethod
    def of(cls, notice: model.Notice) -> NoticeView:
        return cls(
            notice.id, notice.case_id, notice.type, notice.number, notice.created_at,
            notice.served_on, notice.service_method, notice.status,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return dict(_json(self, zone))


@dataclass(frozen=True)
class Rendered:
    notice: NoticeView
    data: bytes
    first: bool


@dataclass(frozen=True)
class Served:
    notice: NoticeView
    windows: list[tuple[str, date]]  # the windows the service started: (kind, last day)

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return {**self.notice.as_json(zone), "windows": {k: d.isoformat() for k, d in self.windows}}
