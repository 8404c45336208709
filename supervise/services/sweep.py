"""One pass of the reminder work, and the scheduler's jobs (service layer).

``run_once`` is what ``supervise remind run`` does and what ``supervise scheduler`` runs
every few minutes: bans that ran out, the due messages of every deadline, the digests
whose time has come, then delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import InterfaceError, OperationalError

from supervise.bootstrap import App
from supervise.errors import DatabaseProblem
from supervise.services.digest import queue_digests
from supervise.services.outbox import DeliveryReport, deliver
from supervise.services.reminders import Lifted, QueueReport, lift_ended_bans, queue_due

logger = logging.getLogger("supervise.reminders")


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


def run_once(app: App, *, digests: bool = True) -> RunReport:
    """Everything due now, once: ban expiries, reminders and escalations, the digests
    whose time has come, then delivery of every pending message."""
    queue = QueueReport()
    lifted = lift_ended_bans(app, queue)
    queue_report = queue_due(app)
    queue.queued.extend(queue_report.queued)
    queue.superseded += queue_report.superseded
    for problem in queue_report.problems:
        queue.problem(problem)
    digest_report = queue_digests(app) if digests else QueueReport()
    delivery = deliver(app)
    return RunReport(lifted, queue, digest_report, delivery)


def summary(report: RunReport) -> str:
    data = report.as_json()
    return (
        f"queued {data['queued']} (digests {data['digests']}, superseded {data['superseded']}), "
        f"sent {data['sent']}, retrying {data['retrying']}, failed {data['failed']}, "
        f"cancelled {data['cancelled']}, bans lifted {data['lifted']}"
    )


def _log(report: RunReport, what: str) -> None:
    data = report.as_json()
    busy = any(
        data[k]
        for k in ("queued", "superseded", "sent", "retrying", "failed", "cancelled", "lifted")
    )
    logger.log(logging.INFO if busy else logging.DEBUG, "%s: %s", what, summary(report))
    for problem in report.problems:
        logger.warning("%s", problem)
    if report.delivery.server_error:
        logger.warning(
            "mail server: %s; messages stay pending and are retried", report.delivery.server_error
        )


def sweep_job(app: App) -> None:
    """The scheduler's interval job: one pass of :func:`run_once`."""
    with _job("sweep", app):
        _log(run_once(app), "sweep")


def digest_job(app: App) -> None:
    """The scheduler's cron job: queue the digests now due, and deliver."""
    with _job("digest", app):
        report = RunReport([], QueueReport(), queue_digests(app), deliver(app))
        _log(report, "digest")


@contextmanager
def _job(name: str, app: App) -> Iterator[None]:
    """One scheduler job: a fresh calendar (an administrator may have loaded a year), and
    a database outage logged in one line; the next run tries again."""
    app.forget_calendar()
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        detail = (str(exc.orig if exc.orig is not None else exc).strip() or "?").splitlines()[0]
        logger.error("%s skipped: the database is unavailable (%s); next run retries", name, detail)
    except DatabaseProblem as exc:
        logger.error("%s skipped: %s", name, exc.message)
