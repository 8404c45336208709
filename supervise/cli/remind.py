"""`supervise remind …`, `agenda` and `scheduler`: reminders, who gets told, and when.

``agenda`` and ``scheduler`` are reminder commands; they answer both as ``supervise remind
agenda`` and, as they always have, as ``supervise agenda``.
"""

from __future__ import annotations

import logging

import click

from supervise.cli.base import cli, echo, emit_json, json_option, pass_office, stderr
from supervise.log_handlers import log_handlers
from supervise.office import Office
from supervise.reminder_plan import OUTBOX_STATUSES as STATUSES


@cli.group()
def remind() -> None:
    """Reminders, escalations and digests by e-mail (the outbox)."""


@remind.command("run")
@json_option
@pass_office
def run(office: Office, as_json: bool) -> None:
    """Do everything due now, once, and exit: bans that ran out, reminders, overdue
    notices, escalations, the digests whose time has come, then delivery.

    SUPERVISE_NOW moves the clock. Messages the mail server did not take stay pending
    (`remind status`) and are retried on a later run.

    \b
    Example:
        supervise remind run
        SUPERVISE_NOW=2026-12-15T09:00:00+08:00 supervise remind run --json
    """
    report = office.run_reminders()
    if as_json:
        emit_json(report.as_json())
    else:
        for lifted in report.lifted:
            echo(f"lifted   case {lifted.case}: ban ended {lifted.until.isoformat()}")
        for q in [*report.queue.queued, *report.digests.queued]:
            case = f"case {q.case}" if q.case is not None else "-"
            late = " (late)" if q.late else ""
            echo(f"queued   {q.kind:<13} {case:<10} {q.step_on.isoformat()} to {q.recipient}{late}")
        for d in report.delivery.sent:
            echo(f"sent     {d.kind:<13} #{d.id} to {d.address}: {d.subject}")
        for d in report.delivery.cancelled:
            echo(f"cancelled {d.kind:<12} #{d.id}: the deadline closed before delivery")
        for d in report.delivery.retrying:
            echo(f"retrying {d.kind:<13} #{d.id} to {d.address}: {d.error}")
        for d in report.delivery.failed:
            echo(f"FAILED   {d.kind:<13} #{d.id} to {d.address}: {d.error}")
        echo(report.summary())
    for problem in report.problems:
        stderr(f"Warning: {problem}")
    if report.delivery.server_error:
        stderr(
            f"Warning: {report.delivery.server_error}; the messages stay pending and are "
            "retried (see `supervise remind status`)"
        )


@remind.command("status")
@json_option
@pass_office
def status(office: Office, as_json: bool) -> None:
    """Report the outbox: messages pending, sent, failed, and the oldest one waiting.

    \b
    Example:
        supervise remind status --json
    """
    result = office.outbox_status()
    zone = office.settings.zone
    data = result.as_json(zone, STATUSES)
    if as_json:
        emit_json(data)
        return
    echo("  ".join(f"{name}: {data[name]}" for name in STATUSES))
    echo(f"oldest pending: {data['oldest_pending'] or '-'}")
    if data["next_attempt"]:
        echo(f"next attempt:   {data['next_attempt']}")
    for m in result.troubled:
        echo(
            f"  #{m.id} {m.status} {m.kind} case {m.case if m.case is not None else '-'} "
            f"to {m.address or m.recipient}, {m.attempts} attempt(s): {m.last_error}"
        )


@remind.command("list")
@click.option(
    "--status", "status_", metavar="STATUS", help="pending, sent, failed, superseded or cancelled."
)
@click.option("--case", "case_id", type=int, help="Only this case's messages.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@json_option
@pass_office
def list_(
    office: Office, status_: str | None, case_id: int | None, limit: int, as_json: bool
) -> None:
    """List outbox messages, newest first: what the scheduler did.

    \b
    Example:
        supervise remind list --case 12
        supervise remind list --status failed --json
    """
    views = office.messages(status=status_, case=case_id, limit=limit)
    zone = office.settings.zone
    if as_json:
        emit_json([v.as_json(zone) for v in views])
        return
    for v in views:
        when = v.sent_at or v.queued_at
        case = f"case {v.case}" if v.case is not None else "-"
        echo(
            f"{v.id:>6}  {v.status:<10} {v.kind:<13} {case:<10} {v.step_on.isoformat()}  "
            f"{when.astimezone(zone).strftime('%Y-%m-%d %H:%M')}  "
            f"{v.address or v.recipient}{'  (late)' if v.late else ''}"
        )
    if not views:
        stderr("no messages match")


@remind.command("retry")
@click.argument("ids", metavar="[ID]...", nargs=-1, type=int)
@json_option
@pass_office
def retry(office: Office, ids: tuple[int, ...], as_json: bool) -> None:
    """Put failed messages (all, or the IDs given) back in the queue; the next run sends them.

    \b
    Example:
        supervise remind retry
        supervise remind retry 17 18 && supervise remind run
    """
    count = office.retry_messages(ids)
    if as_json:
        emit_json({"retried": count})
    else:
        echo(f"{count} failed message(s) back in the queue")


@click.command()
@click.option(
    "--days",
    type=click.IntRange(0, 3660),
    help="Look this many days ahead (default reminders.digest.days).",
)
@click.option("--user", "user_name", metavar="USER", help="Only this supervisor's cases.")
@json_option
@pass_office
def agenda(office: Office, days: int | None, user_name: str | None, as_json: bool) -> None:
    """What falls due, per supervisor: deadlines within --days, and everything overdue.

    \b
    Example:
        supervise agenda --days 5
        supervise agenda --user zhang --json
    """
    items = office.agenda(days=days, user=user_name)
    if as_json:
        emit_json([i.as_json() for i in items])
        return
    current: object = object()
    for item in items:
        if item.supervisor != current:
            current = item.supervisor
            echo(f"{item.supervisor or '(no supervisor)'}:")
        flags = " OVERDUE" if item.overdue else ""
        flags += " (provisional)" if item.provisional else ""
        echo(
            f"  {item.due.isoformat()}  case {item.case:<6} {item.kind:<16} "
            f"{item.kind_zh}  {item.organization} / {item.person}{flags}"
        )
    if not items:
        echo("nothing falls due", err=True)


@click.command()
@click.option(
    "--every",
    type=click.IntRange(1, 1440),
    metavar="MINUTES",
    help="Minutes between sweeps (default reminders.sweep_every_minutes).",
)
@pass_office
def scheduler(office: Office, every: int | None) -> None:
    """Run the reminder work forever in the foreground; log to stderr; stop with SIGTERM
    or Ctrl-C. Several may run against one PostgreSQL database.

    Sweeps at start and every few minutes (bans that ran out, reminders, escalations,
    delivery and retries); sends the digest on the reminders.digest.cron schedule.

    \b
    Example:
        supervise --db postgresql+psycopg://supervise@db/supervise scheduler
    """
    # Masked lines on stderr, and warnings and errors in the log file too (supervise.log_handlers).
    logging.basicConfig(level=logging.INFO, handlers=log_handlers())
    # APScheduler's own INFO lines ("Running job …" every few minutes) say nothing ours don't.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    office.run_scheduler(every=every)


for _command in (agenda, scheduler):
    cli.add_command(_command)
    remind.add_command(_command)
