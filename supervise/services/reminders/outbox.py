"""The outbox: queueing messages once, and the outbox as the operator sees it (status,
listing, retry) (service layer).

``sweep`` and ``digest`` decide what to queue, ``delivery`` sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from supervise.errors import InvalidInput, NotAllowed, NotFound
from supervise.reminder_plan import OUTBOX_STATUSES as STATUSES
from supervise.runtime import Runtime
from supervise.services.reminders import store
from supervise.services.reminders.store import NewMessage
from supervise.views import MessageView, OutboxStatus, Queued, QueueReport

_CHUNK = 200  # messages per queueing transaction


def queue(rt: Runtime, messages: Sequence[NewMessage], now: datetime, report: QueueReport) -> None:
    """Queue ``messages`` in transactions of a few hundred, counting what was new."""
    for i in range(0, len(messages), _CHUNK):
        with rt.uow() as uow:
            inserted = store.insert_messages(
                uow, messages[i : i + _CHUNK], now, rt.settings.mail.sender
            )
            uow.commit()
        for m in inserted:
            if m.status == "superseded":
                report.superseded += 1
            else:
                report.queued.append(
                    Queued(m.kind, m.case_id, m.recipient, m.step_on, m.late, m.subject)
                )


def status(rt: Runtime, actor: str, limit: int = 20) -> OutboxStatus:
    """Counts per status, the oldest pending message, and the messages in trouble."""
    with rt.uow() as uow:
        counts = store.counts_by_status(uow)
        oldest, upcoming = store.pending_times(uow)
        troubled = [MessageView.of(row) for row in store.troubled(uow, limit)]
    # Aggregates bypass the column type: bring them back to aware UTC.
    return OutboxStatus(counts, _aware(oldest), _aware(upcoming), troubled)


def _aware(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns MIN() of a datetime column as text
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def list_messages(
    rt: Runtime,
    actor: str,
    status_filter: str | None = None,
    case_id: int | None = None,
    limit: int = 50,
) -> list[MessageView]:
    """Outbox rows, newest first."""
    if status_filter is not None and status_filter not in STATUSES:
        raise InvalidInput(f"unknown status {status_filter!r}; use one of {', '.join(STATUSES)}")
    with rt.uow() as uow:
        return [MessageView.of(row) for row in store.messages(uow, status_filter, case_id, limit)]


def retry(rt: Runtime, actor: str, ids: Sequence[int] = ()) -> int:
    """Put failed messages (all, or those with ``ids``) back in the queue, due now.

    Raises:
        NotFound: an id names no message.
        NotAllowed: an id names a message that has not failed.
    """
    with rt.uow() as uow:
        if ids:
            found = store.statuses_of(uow, ids)
            for wanted in ids:
                if wanted not in found:
                    raise NotFound(f"no outbox message {wanted}; see `supervise remind list`")
                if found[wanted] != "failed":
                    raise NotAllowed(
                        f"outbox message {wanted} is {found[wanted]}, not failed; only failed "
                        "messages are retried"
                    )
        count = store.requeue_failed(uow, ids, rt.clock.now())
        uow.commit()
        return count
