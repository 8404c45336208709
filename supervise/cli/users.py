"""`supervise user …`, `case assign`, `agenda` and `scheduler`: who gets told, and when."""

from __future__ import annotations

import logging
import sys
from functools import partial

import click

from supervise.bootstrap import App
from supervise.cli.base import cli, emit_json, json_option, pass_app
from supervise.rules import DEADLINE_KINDS
from supervise.services import users as service
from supervise.services.users import ROLES, UserView


def _print_user(view: UserView) -> None:
    boss = f"  reports to {view.reports_to}" if view.reports_to else ""
    click.echo(f"{view.name:<12} {view.role:<10} {view.email}{boss}")


@cli.group()
def user() -> None:
    """The user directory: who gets reminders, and to whom they escalate."""


@user.command("add")
@click.argument("name")
@click.option("--email", required=True, help="Where reminders go.")
@click.option("--role", type=click.Choice(list(ROLES)), default="supervisor", show_default=True)
@click.option(
    "--reports-to", "reports_to", metavar="NAME", help="Who gets this user's escalations."
)
@json_option
@pass_app
def user_add(
    app: App, name: str, email: str, role: str, reports_to: str | None, as_json: bool
) -> None:
    """Add NAME (the name given to --as when they act) to the directory.

    \b
    Example:
        supervise user add wang --email wang@mzj.example.gov.cn --role director
        supervise user add zhang --email zhang@mzj.example.gov.cn --reports-to wang
    """
    view = service.add_user(app, name, email, role, reports_to)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_user(view)


@user.command("list")
@json_option
@pass_app
def user_list(app: App, as_json: bool) -> None:
    """List the directory.

    \b
    Example:
        supervise user list --json
    """
    views = service.list_users(app)
    if as_json:
        emit_json([v.as_json() for v in views])
        return
    for view in views:
        _print_user(view)
    if not views:
        click.echo("no users yet; `supervise user add NAME --email ADDR`", err=True)


@user.command("edit")
@click.argument("name")
@click.option("--email", help="New e-mail address.")
@click.option("--role", type=click.Choice(list(ROLES)))
@click.option("--reports-to", "reports_to", metavar="NAME", help="New reports-to.")
@click.option("--no-reports-to", is_flag=True, help="Report to nobody (no escalations).")
@json_option
@pass_app
def user_edit(
    app: App,
    name: str,
    email: str | None,
    role: str | None,
    reports_to: str | None,
    no_reports_to: bool,
    as_json: bool,
) -> None:
    """Change NAME's e-mail, role or reports-to; the old values are kept.

    \b
    Example:
        supervise user edit zhang --reports-to li
    """
    view = service.edit_user(
        app, name, email=email, role=role, reports_to=reports_to, no_reports_to=no_reports_to
    )
    if as_json:
        emit_json(view.as_json())
    else:
        _print_user(view)


@cli.command()
@click.option(
    "--days",
    type=click.IntRange(0, 3660),
    help="Look this many days ahead (default reminders.digest.days).",
)
@click.option("--user", "user_name", metavar="USER", help="Only this supervisor's cases.")
@json_option
@pass_app
def agenda(app: App, days: int | None, user_name: str | None, as_json: bool) -> None:
    """What falls due, per supervisor: deadlines within --days, and everything overdue.

    \b
    Example:
        supervise agenda --days 5
        supervise agenda --user zhang --json
    """
    from supervise.services import digest as digest_service  # imported only when needed

    items = digest_service.agenda(app, days, user_name)
    if as_json:
        emit_json([i.as_json() for i in items])
        return
    current: object = object()
    for item in items:
        if item.supervisor != current:
            current = item.supervisor
            click.echo(f"{item.supervisor or '(no supervisor)'}:")
        flags = " OVERDUE" if item.overdue else ""
        flags += " (provisional)" if item.provisional else ""
        click.echo(
            f"  {item.due.isoformat()}  case {item.case:<6} {item.kind:<16} "
            f"{DEADLINE_KINDS[item.kind][1]}  {item.organization} / {item.person}{flags}"
        )
    if not items:
        click.echo("nothing falls due", err=True)


@cli.command()
@click.option(
    "--every",
    type=click.IntRange(1, 1440),
    metavar="MINUTES",
    help="Minutes between sweeps (default reminders.sweep_every_minutes).",
)
@pass_app
def scheduler(app: App, every: int | None) -> None:
    """Run the reminder work forever in the foreground; log to stderr; stop with SIGTERM
    or Ctrl-C. Several may run against one PostgreSQL database.

    Sweeps at start and every few minutes (bans that ran out, reminders, escalations,
    delivery and retries); sends the digest on the reminders.digest.cron schedule.

    \b
    Example:
        supervise --db postgresql+psycopg://supervise@db/supervise scheduler
    """
    # APScheduler and the mail templates load only for the commands that use them.
    from supervise.adapters.scheduler import cron_trigger, run_forever
    from supervise.services import sweep as sweep_service

    settings = app.settings.reminders
    cron_trigger(settings.digest.cron, app.settings.zone)  # a bad schedule: exit 2 now
    app.engine()  # a missing or outdated database: exit 1 now, not in the log later
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # APScheduler's own INFO lines ("Running job …" every few minutes) say nothing ours don't.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    run_forever(
        zone=app.settings.zone,
        sweep=partial(sweep_service.sweep_job, app),
        digest=partial(sweep_service.digest_job, app),
        every_minutes=every or settings.sweep_every_minutes,
        cron=settings.digest.cron,
    )
