"""Views of reminders: the agenda, a reminder run, the outbox."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.law import DEADLINE_KINDS
from supervise.views.base import _json, iso


@dataclass(frozen=True)
class AgendaItem:
    case: int
    kind: str
    due: date
    provisional: bool
    overdue: bool
    supervisor: str | None
    nature: str
    state: str
    organization: str
    person: str
    person_id_masked: str

    @property
    def kind_zh(self) -> str:
        return DEADLINE_KINDS[self.kind].zh

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class Queued:
    kind: str
    case: int | None
    recipient: str
    step_on: date
    late: bool
    subject: str | None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass
class QueueReport:
    queued: list[Queued] = field(default_factory=list)
    superseded: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)
            logging.getLogger("supervise.reminders").info("%s", text)


@dataclass(frozen=True)
class Lifted:
    case: int
    until: date

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self))


@dataclass(frozen=True)
class Delivered:
    id: int
    kind: str
    case: int | None
    address: str | None
    subject: str | None
    error: str | None = None

    def as_json(self) -> dict[str, Any]:
        return dict(_json(self, keys={"address": "to"}))


@dataclass
class DeliveryReport:
    sent: list[Delivered] = field(default_factory=list)
    retrying: list[Delivered] = field(default_factory=list)
    failed: list[Delivered] = field(default_factory=list)
    cancelled: list[Delivered] = field(default_factory=list)
    server_error: str | None = None


@dataclass
class RunReport:
    lifted: list[Lifted]
    queue: QueueReport
    digests: QueueReport
    delivery: DeliveryReport

    @property
    def problems(self) -> list[str]:
        out = list(self.queue.problems)
        out.extend(p for p in self.digests.problems if p not in out)
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "lifted": len(self.lifted),
            "queued": len(self.queue.queued) + len(self.digests.queued),
            "digests": len(self.digests.queued),
            "superseded": self.queue.superseded,
            "sent": len(self.delivery.sent),
            "retrying": len(self.delivery.retrying),
            "failed": len(self.delivery.failed),
            "cancelled": len(self.delivery.cancelled),
            "server_error": self.delivery.server_error,
            "problems": self.problems,
        }

    def summary(self) -> str:
        data = self.as_json()
        return (
            f"queued {data['queued']} (digests {data['digests']}, superseded "
            f"{data['superseded']}), sent {data['sent']}, retrying {data['retrying']}, failed "
            f"{data['failed']}, cancelled {data['cancelled']}, bans lifted {data['lifted']}"
        )


@dataclass(frozen=True)
class MessageView:
    id: int
    kind: str
    case: int | None
    deadline: int | None
    step: int
    recipient: str
    address: str | None
    status: str
    late: bool
    step_on: date
    attempts: int
    queued_at: datetime
    next_attempt_at: datetime | None
    sent_at: datetime | None
    sent_by: str | None
    last_error: str | None
    subject: str | None
    message_id: str

    @classmethod
    def of(cls, row: model.OutboxMessage) -> MessageView:
        return cls(
            row.id, row.kind, row.case_id, row.deadline_id, row.step, row.recipient,
            row.address, row.status, row.late, row.step_on, row.attempts, row.queued_at,
            row.next_attempt_at, row.sent_at, row.sent_by, row.last_error, row.subject,
            row.message_id,
        )  # fmt: skip

    def as_json(self, zone: ZoneInfo) -> dict[str, Any]:
        return dict(_json(self, zone, keys={"address": "to"}))


@dataclass(frozen=True)
class OutboxStatus:
    counts: dict[str, int]
    oldest_pending: datetime | None
    next_attempt: datetime | None
    troubled: list[MessageView]

    def as_json(self, zone: ZoneInfo, statuses: tuple[str, ...]) -> dict[str, Any]:
        return {
            **{s: self.counts.get(s, 0) for s in statuses},
            "oldest_pending": iso(self.oldest_pending, zone),
            "next_attempt": iso(self.next_attempt, zone),
            "troubled": [m.as_json(zone) for m in self.troubled],
        }
