"""APScheduler 3 wiring for ``supervise scheduler`` (adapter layer).

APScheduler only says *when* to look: the database says what is due. Jobs live in the
default in-memory job store and take no arguments that need saving; APScheduler 3 must not
share a job store between processes, and here nothing is shared but the database, so any
number of schedulers on any number of hosts may run against one PostgreSQL database.

A ``BlockingScheduler`` runs two jobs in one worker thread (so they never overlap): the
sweep on an interval trigger, first at start-up, and the digest on a cron trigger.
SIGTERM and SIGINT stop it cleanly: no new job starts, and a sweep in progress finishes
(each message is its own transaction, so stopping mid-sweep would lose nothing either).
"""

from __future__ import annotations

import logging
import re
import signal
import threading
from collections.abc import Callable
from datetime import date, datetime
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor  # type: ignore[import-untyped]
from apscheduler.schedulers.blocking import BlockingScheduler  # type: ignore[import-untyped]
from apscheduler.triggers.cron import CronTrigger  # type: ignore[import-untyped]
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]

from supervise.clock import start_of_day
from supervise.errors import ConfigError

logger = logging.getLogger("supervise.scheduler")

_NUMERIC_WEEKDAY = re.compile(r"\d")


def cron_trigger(expr: str, zone: ZoneInfo) -> CronTrigger:
    """A crontab expression (minute hour day month weekday) in ``zone``.

    Raises:
        ConfigError: not five valid fields, or a numeric weekday (APScheduler 3 counts 0 as
            Monday where cron counts it as Sunday: names such as mon-fri are unambiguous).
    """
    fields = expr.split()
    if len(fields) == 5 and _NUMERIC_WEEKDAY.search(fields[4]):
        raise ConfigError(
            f"config key reminders.digest.cron: write the weekday field of {expr!r} with "
            "names (mon-fri, sat, sun), not numbers: APScheduler and cron number days "
            "differently"
        )
    try:
        return CronTrigger.from_crontab(expr, timezone=zone)
    except ValueError as exc:
        raise ConfigError(f"config key reminders.digest.cron: {expr!r}: {exc}") from exc


def first_fire_on(expr: str, zone: ZoneInfo, day: date) -> datetime | None:
    """The first time the cron schedule fires on ``day``, or None if it does not."""
    trigger = cron_trigger(expr, zone)
    fire: datetime | None = trigger.get_next_fire_time(None, start_of_day(day, zone))
    if fire is None or fire.astimezone(zone).date() != day:
        return None
    return fire


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def _leave_signals_to_the_main_thread() -> None:
    """Worker-thread initializer: block the stop signals here and in every thread started
    from here (libraries loaded by a job start their own, and a thread inherits its
    creator's mask). A stop signal delivered to another thread only sets Python's flag, and
    the main thread, asleep until the next job is due, would not act on it for minutes."""
    signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)


def run_forever(
    *,
    zone: ZoneInfo,
    sweep: Callable[[], None],
    digest: Callable[[], None],
    every_minutes: int,
    cron: str,
) -> None:
    """Run ``sweep`` now and every ``every_minutes``, ``digest`` on ``cron``, until
    SIGTERM or SIGINT."""
    busy = threading.Lock()
    stopping = threading.Event()

    def guarded(job: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if stopping.is_set():
                return
            with busy:
                job()

        run.__name__ = getattr(job, "__name__", "job")
        return run

    scheduler = BlockingScheduler(
        timezone=zone,
        executors={
            "default": ThreadPoolExecutor(
                max_workers=1, pool_kwargs={"initializer": _leave_signals_to_the_main_thread}
            )
        },
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    scheduler.add_job(
        guarded(sweep),
        IntervalTrigger(minutes=every_minutes, timezone=zone),
        id="sweep",
        name="reminder sweep",
        next_run_time=datetime.now(zone),
    )
    scheduler.add_job(guarded(digest), cron_trigger(cron, zone), id="digest", name="morning digest")

    def stop(signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if not scheduler.running:
            return
        logger.info("%s received: stopping after the job in progress", name)
        stopping.set()
        # wait=False: a signal handler must not block; start() returns and the job in
        # progress is waited for below.
        scheduler.shutdown(wait=False)

    previous = {s: signal.signal(s, stop) for s in _STOP_SIGNALS}
    logger.info(
        "scheduler started: sweep every %s min, digest at cron '%s' (%s)",
        every_minutes,
        cron,
        zone.key,
    )
    try:
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    with busy:  # let a sweep in progress finish its message
        pass
    logger.info("scheduler stopped")
