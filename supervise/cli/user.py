"""`supervise user …`: the office's users, their roles and districts, who gets reminders."""

from __future__ import annotations

import click

from supervise.cli.base import cli, echo, emit_many, emit_one, json_option, pass_office
from supervise.law import OFFICE_ROLES
from supervise.office import Office
from supervise.views import UserView


def _print_user(view: UserView) -> None:
    boss = f"  reports to {view.reports_to}" if view.reports_to else ""
    where = f"  districts {','.join(view.districts)}" if view.districts else ""
    qualification = f"  qualification {view.qualification}" if view.qualification else ""
    off = "  DISABLED" if view.disabled else ""
    echo(f"{view.name:<12} {view.role:<14} {view.email or '-'}{boss}{where}{qualification}{off}")


@cli.group()
def user() -> None:
    """The office's users: roles (see `supervise permissions`), districts, reminders."""


@user.command("add")
@click.argument("name")
@click.option("--email", help="Where reminders and digests go.")
@click.option(
    "--role", type=click.Choice(list(OFFICE_ROLES)), default="supervisor", show_default=True
)
@click.option(
    "--reports-to", "reports_to", metavar="NAME", help="Who gets this user's escalations."
)
@click.option(
    "--district",
    "districts",
    multiple=True,
    metavar="D",
    help="Limit the user to a district (repeat for several; none: every district).",
)
@click.option("--qualification", metavar="NO", help="A legal reviewer's 法律职业资格证书编号.")
@json_option
@pass_office
def user_add(
    office: Office,
    name: str,
    email: str | None,
    role: str,
    reports_to: str | None,
    districts: tuple[str, ...],
    qualification: str | None,
    as_json: bool,
) -> None:
    """Add NAME (the name given to --as when they act). An admin's act.

    \b
    Example:
        supervise user add wang --email wang@mzj.example.gov.cn --role director
        supervise user add zhang --email zhang@mzj.example.gov.cn --reports-to wang \\
            --district 渝中区
        supervise user add chen --role legal_reviewer --qualification A20231100000000
    """
    view = office.add_user(
        name,
        email=email,
        role=role,
        reports_to=reports_to,
        districts=districts,
        qualification=qualification,
    )
    emit_one(view, as_json, _print_user)


@user.command("list")
@json_option
@pass_office
def user_list(office: Office, as_json: bool) -> None:
    """List the users.

    \b
    Example:
        supervise user list --json
    """
    views = office.users()
    emit_many(views, as_json, _print_user)
    if not as_json and not views:
        echo("no users yet; `supervise init --admin NAME` makes the first admin", err=True)


@user.command("edit")
@click.argument("name")
@click.option("--email", help="New e-mail address.")
@click.option("--role", type=click.Choice(list(OFFICE_ROLES)))
@click.option("--reports-to", "reports_to", metavar="NAME", help="New reports-to.")
@click.option("--no-reports-to", is_flag=True, help="Report to nobody (no escalations).")
@click.option(
    "--district", "districts", multiple=True, metavar="D", help="The districts (replaces them)."
)
@click.option("--all-districts", is_flag=True, help="Lift the district limit.")
@click.option("--qualification", metavar="NO", help="A legal reviewer's 法律职业资格证书编号.")
@click.option("--enable", is_flag=True, help="Give a disabled user back the right to act.")
@json_option
@pass_office
def user_edit(
    office: Office,
    name: str,
    email: str | None,
    role: str | None,
    reports_to: str | None,
    no_reports_to: bool,
    districts: tuple[str, ...],
    all_districts: bool,
    qualification: str | None,
    enable: bool,
    as_json: bool,
) -> None:
    """Change NAME's e-mail, role, reports-to, districts or qualification; the old values
    are kept.

    \b
    Example:
        supervise user edit zhang --reports-to li
        supervise user edit zhang --district 渝中区 --district 江北区
    """
    if districts and all_districts:
        raise click.UsageError("give either --district D or --all-districts, not both")
    office_districts: tuple[str, ...] | None = (
        () if all_districts else (districts if districts else None)
    )
    view = office.edit_user(
        name,
        email=email,
        role=role,
        reports_to=reports_to,
        no_reports_to=no_reports_to,
        districts=office_districts,
        qualification=qualification,
        enable=enable,
    )
    emit_one(view, as_json, _print_user)


@user.command("disable")
@click.argument("name")
@json_option
@pass_office
def user_disable(office: Office, name: str, as_json: bool) -> None:
    """Take NAME's right to act; what they did stays recorded as theirs.

    \b
    Example:
        supervise user disable zhang
    """
    emit_one(office.disable_user(name), as_json, _print_user)
