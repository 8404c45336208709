"""`supervise user …`: the user directory, who gets reminders and to whom they escalate."""

from __future__ import annotations

import click

from supervise.cli.base import cli, echo, emit_many, emit_one, json_option, pass_office
from supervise.law import OFFICE_ROLES
from supervise.office import Office
from supervise.views import UserView


def _print_user(view: UserView) -> None:
    boss = f"  reports to {view.reports_to}" if view.reports_to else ""
    echo(f"{view.name:<12} {view.role:<10} {view.email}{boss}")


@cli.group()
def user() -> None:
    """The user directory: who gets reminders, and to whom they escalate."""


@user.command("add")
@click.argument("name")
@click.option("--email", required=True, help="Where reminders go.")
@click.option(
    "--role", type=click.Choice(list(OFFICE_ROLES)), default="supervisor", show_default=True
)
@click.option(
    "--reports-to", "reports_to", metavar="NAME", help="Who gets this user's escalations."
)
@json_option
@pass_office
def user_add(
    office: Office, name: str, email: str, role: str, reports_to: str | None, as_json: bool
) -> None:
    """Add NAME (the name given to --as when they act) to the directory.

    \b
    Example:
        supervise user add wang --email wang@mzj.example.gov.cn --role director
        supervise user add zhang --email zhang@mzj.example.gov.cn --reports-to wang
    """
    view = office.add_user(name, email=email, role=role, reports_to=reports_to)
    emit_one(view, as_json, _print_user)


@user.command("list")
@json_option
@pass_office
def user_list(office: Office, as_json: bool) -> None:
    """List the directory.

    \b
    Example:
        supervise user list --json
    """
    views = office.users()
    emit_many(views, as_json, _print_user)
    if not as_json and not views:
        echo("no users yet; `supervise user add NAME --email ADDR`", err=True)


@user.command("edit")
@click.argument("name")
@click.option("--email", help="New e-mail address.")
@click.option("--role", type=click.Choice(list(OFFICE_ROLES)))
@click.option("--reports-to", "reports_to", metavar="NAME", help="New reports-to.")
@click.option("--no-reports-to", is_flag=True, help="Report to nobody (no escalations).")
@json_option
@pass_office
def user_edit(
    office: Office,
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
    view = office.edit_user(
        name, email=email, role=role, reports_to=reports_to, no_reports_to=no_reports_to
    )
    emit_one(view, as_json, _print_user)
