"""One pass of the reminder work, and the scheduler's jobs (service layer).

``run_once`` is what ``supervise remind run`` does and what ``supervise scheduler`` runs
every few minutes: bans that ran out, the due messages of every deadline, the digests
whose time has come, then delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from supervise.errors import DatabaseProblem
from supervise.runtime import Runtime
from supervise.services.reminders.delivery import deliver
from supervise.services.reminders.digest import queue_digests
from supervise.services.reminders.sweep import lift_ended_bans, queue_due
from supervise.views import QueueReport, RunReport

logger = logging.getLogger("supervise.reminders")


def run_once(rt: Runtime, *, digests: bool = True) -> RunReport:
    """Everything due now, once: ban expiries, reminders and escalations, the digests
    whose time has come, then delivery of every pending message."""
    with rt.database.one_at_a_time("remind"):
        queue = QueueReport()
        lifted = lift_ended_bans(rt, queue)
        queue_report = queue_due(rt)
        queue.queued.extend(queue_report.queued)
        queue.superseded += queue_report.superseded
        for problem in queue_report.problems:
            queue.problem(problem)
        digest_report = queue_digests(rt) if digests else QueueReport()
        delivery = deliver(rt)
    return RunReport(lifted, queue, digest_report, delivery)


def _log(report: RunReport, what: str) -> None:
    data = report.as_json()
    busy = any(
        data[k]
        for k in ("queued", "superseded", "sent", "retrying", "failed", "cancelled", "lifted")
    )
    logger.log(logging.INFO if busy else logging.DEBUG, "%s: %s", what, report.summary())
    for problem in report.problems:
        logger.warning("%s", problem)
    if report.delivery.server_error:
        logger.warning(
            "mail server: %s; messages stay pending and are retried", report.delivery.server_error
        )


def sweep_job(rt: Runtime) -> None:
    """The scheduler's interval job: one pass of :func:`run_once`."""
    with _job("sweep", rt):
        _log(run_once(rt), "sweep")


def digest_job(rt: Runtime) -> None:
    """The scheduler's cron job: queue the digests now due, and deliver."""
    with _job("digest", rt), rt.database.one_at_a_time("remind"):
        report = RunReport([], QueueReport(), queue_digests(rt), deliver(rt))
        _log(report, "digest")


def run_scheduler(rt: Runtime, every: int | None = None) -> None:
    """Run the reminder work forever: sweep now and every few minutes, the digest on its
    cron schedule, until SIGTERM or SIGINT.

    Raises (before anything runs):
        ConfigError: the digest's cron expression is unusable.
        DatabaseProblem: the database is missing or at another schema.
    """
    settings = rt.settings.reminders
    rt.cron()(settings.digest.cron, rt.settings.zone, rt.clock.today())  # a bad schedule: now
    rt.database.engine()  # a missing or outdated database: now, not in the log later
    rt.scheduler_loop()(
        zone=rt.settings.zone,
        sweep=partial(sweep_job, rt),
        digest=partial(digest_job, rt),
        every_minutes=every or settings.sweep_every_minutes,
        cron=settings.digest.cron,
    )


@contextmanager
def _job(name: str, rt: Runtime) -> Iterator[None]:
    """One scheduler job: a fresh calendar (an administrator may have loaded a year), and
    a database outage logged in one line; the next run tries again."""
    rt.forget_calendar()
    try:
        yield
    except DatabaseProblem as exc:
        logger.error(
            "%s skipped: the database is unavailable (%s); next run retries", name, exc.message
        )
