"""`supervise remind …`: one pass of the reminder work, and the outbox it leaves behind."""

from __future__ import annotations

import click

from supervise.bootstrap import App
from supervise.cli.base import cli, emit_json, json_option, pass_app, stderr
from supervise.services import outbox_admin as outbox_service
from supervise.services.outbox import STATUSES


@cli.group()
def remind() -> None:
    """Reminders, escalations and digests by e-mail (the outbox)."""


@remind.command("run")
@json_option
@pass_app
def run(app: App, as_json: bool) -> None:
    """Do everything due now, once, and exit: bans that ran out, reminders, overdue
    notices, escalations, the digests whose time has come, then delivery.

    SUPERVISE_NOW moves the clock. Messages the mail server did not take stay pending
    (`remind status`) and are retried on a later run.

    \b
    Example:
        supervise remind run
        SUPERVISE_NOW=2026-12-15T09:00:00+08:00 supervise remind run --json
    """
    from supervise.services import sweep as service  # mail rendering: only when run

    report = service.run_once(app)
    if as_json:
        emit_json(report.as_json())
    else:
        for lifted in report.lifted:
            click.echo(f"lifted   case {lifted.case}: ban ended {lifted.until.isoformat()}")
        for q in [*report.queue.queued, *report.digests.queued]:
            case = f"case {q.case}" if q.case is not None else "-"
            late = " (late)" if q.late else ""
            click.echo(
                f"queued   {q.kind:<13} {case:<10} {q.step_on.isoformat()} to {q.recipient}{late}"
            )
        for d in report.delivery.sent:
            click.echo(f"sent     {d.kind:<13} #{d.id} to {d.address}: {d.subject}")
        for d in report.delivery.cancelled:
            click.echo(f"cancelled {d.kind:<12} #{d.id}: the deadline closed before delivery")
        for d in report.delivery.retrying:
            click.echo(f"retrying {d.kind:<13} #{d.id} to {d.address}: {d.error}")
        for d in report.delivery.failed:
            click.echo(f"FAILED   {d.kind:<13} #{d.id} to {d.address}: {d.error}")
        click.echo(service.summary(report))
    for problem in report.problems:
        stderr(f"Warning: {problem}")
    if report.delivery.server_error:
        stderr(
            f"Warning: {report.delivery.server_error}; the messages stay pending and are "
            "retried (see `supervise remind status`)"
        )


@remind.command("status")
@json_option
@pass_app
def status(app: App, as_json: bool) -> None:
    """Report the outbox: messages pending, sent, failed, and the oldest one waiting.

    \b
    Example:
        supervise remind status --json
    """
    result = outbox_service.status(app)
    zone = app.settings.zone
    if as_json:
        emit_json(result.as_json(zone))
        return
    data = result.as_json(zone)
    click.echo("  ".join(f"{name}: {data[name]}" for name in STATUSES))
    click.echo(f"oldest pending: {data['oldest_pending'] or '-'}")
    if data["next_attempt"]:
        click.echo(f"next attempt:   {data['next_attempt']}")
    for m in result.troubled:
        click.echo(
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
@pass_app
def list_(app: App, status_: str | None, case_id: int | None, limit: int, as_json: bool) -> None:
    """List outbox messages, newest first: what the scheduler did.

    \b
    Example:
        supervise remind list --case 12
        supervise remind list --status failed --json
    """
    views = outbox_service.list_messages(app, status_, case_id, limit)
    zone = app.settings.zone
    if as_json:
        emit_json([v.as_json(zone) for v in views])
        return
    for v in views:
        when = v.sent_at or v.queued_at
        case = f"case {v.case}" if v.case is not None else "-"
        click.echo(
            f"{v.id:>6}  {v.status:<10} {v.kind:<13} {case:<10} {v.step_on.isoformat()}  "
            f"{when.astimezone(zone).strftime('%Y-%m-%d %H:%M')}  "
            f"{v.address or v.recipient}{'  (late)' if v.late else ''}"
        )
    if not views:
        stderr("no messages match")


@remind.command("retry")
@click.argument("ids", metavar="[ID]...", nargs=-1, type=int)
@json_option
@pass_app
def retry(app: App, ids: tuple[int, ...], as_json: bool) -> None:
    """Put failed messages (all, or the IDs given) back in the queue; the next run sends them.

    \b
    Example:
        supervise remind retry
        supervise remind retry 17 18 && supervise remind run
    """
    count = outbox_service.retry(app, ids)
    if as_json:
        emit_json({"retried": count})
    else:
        click.echo(f"{count} failed message(s) back in the queue")
