"""Reminders: the agenda, the reminder run and scheduler, the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from supervise.inputs import optional_id, record_id
from supervise.office.base import OfficeBase

if TYPE_CHECKING:
    from supervise.views import (
        AgendaItem,
        MessageView,
        OutboxStatus,
        RunReport,
    )


class ReminderDesk(OfficeBase):
    # -- reminders ------------------------------------------------------------------------

    def agenda(
        self, *, days: int | None = None, user: str | None = None, actor: str | None = None
    ) -> list[AgendaItem]:
        """What falls due within ``days``, and everything overdue, per supervisor."""
        from supervise.services.reminders import digest

        return digest.agenda(self.runtime, self._act("agenda", actor), days, user)

    def run_reminders(self, *, actor: str | None = None) -> RunReport:
        """One pass of the reminder work (what ``remind run`` does)."""
        from supervise.services.reminders import run

        if actor or self.actor:
            self._act("remind.run", actor)
        return run.run_once(self.runtime)

    def run_scheduler(self, *, every: int | None = None, actor: str | None = None) -> None:
        """Run the reminder work forever, until SIGTERM or SIGINT."""
        from supervise.services.reminders import run

        if actor or self.actor:
            self._act("scheduler", actor)
        run.run_scheduler(self.runtime, every)

    def outbox_status(self, *, limit: int = 20, actor: str | None = None) -> OutboxStatus:
        from supervise.services.reminders import outbox

        return outbox.status(self.runtime, self._act("remind.status", actor), limit)

    def messages(
        self,
        *,
        status: str | None = None,
        case: int | None = None,
        limit: int = 50,
        actor: str | None = None,
    ) -> list[MessageView]:
        """Outbox messages, newest first."""
        from supervise.services.reminders import outbox

        return outbox.list_messages(
            self.runtime,
            self._act("remind.list", actor),
            status,
            optional_id(case, "--case"),
            limit,
        )

    def retry_messages(self, ids: Sequence[int] = (), *, actor: str | None = None) -> int:
        """Put failed messages back in the queue; returns how many."""
        from supervise.services.reminders import outbox

        return outbox.retry(
            self.runtime, self._act("remind.retry", actor), [record_id(i, "message") for i in ids]
        )
