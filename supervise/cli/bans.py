"""`supervise bans …`: the ban registry and the pre-appointment check (入职查询)."""

from __future__ import annotations

import click

from supervise.cli.base import cli, echo, emit_json, emit_many, emit_one, json_option, pass_office
from supervise.clock import parse_date
from supervise.office import Office
from supervise.views import BanView


def _print_ban(view: BanView) -> None:
    end = "lifelong" if view.lifelong else f"until {view.until.isoformat() if view.until else '-'}"
    if view.start is not None:
        term = f"from {view.start.isoformat()} {end}"
    else:
        # Pending: decided, barring posts already; the term starts when it is served.
        years = "lifelong" if view.lifelong else f"{view.years} years"
        term = f"{years} from the service of the decision (not served yet)"
    source = f"case {view.case}" if view.case else ""
    if view.judgment:
        # A court's ban is the court's: it shows the court and the judgment's number.
        source = (source + " " if source else "") + f"{view.court or ''} judgment {view.judgment}"
    ended = f"  by {view.end_reference}" if view.end_reference else ""
    echo(
        f"{view.id:>5}  {view.person.name} ({view.person.id_number_masked})  {view.basis}  "
        f"{source}  {term}  scope {view.scope}  {view.status}"
        f"{ended}"
    )


@cli.group()
def bans() -> None:
    """Industry bans (从业禁止) and the pre-appointment check."""


@bans.command("check")
@click.option("--id-number", required=True, help="居民身份证号码 of the candidate.")
@json_option
@pass_office
def bans_check(office: Office, id_number: str, as_json: bool) -> None:
    """Is this person under an active ban today? Exit 0 either way.

    \b
    Example:
        supervise bans check --id-number 11010519491231002X --json
    """
    found = office.check_bans(id_number)
    if as_json:
        emit_json({"banned": bool(found), "bans": [b.check_json() for b in found]})
        return
    if not found:
        echo("no active ban")
    for ban in found:
        _print_ban(ban)


@bans.command("add")
@click.option("--id-number", required=True)
@click.option("--name", required=True)
@click.option("--judgment", required=True, metavar="REF", help="The court's judgment.")
@click.option("--court", required=True, metavar="NAME", help="The court that gave it.")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD")
@click.option("--until", metavar="YYYY-MM-DD")
@click.option("--lifelong", is_flag=True)
@click.option("--basis", metavar="KEY", help="Default: the one court-ban basis that fits.")
@json_option
@pass_office
def bans_add(
    office: Office,
    id_number: str,
    name: str,
    judgment: str,
    court: str,
    start: str,
    until: str | None,
    lifelong: bool,
    basis: str | None,
    as_json: bool,
) -> None:
    """Record a court's ban on someone who holds no post.

    \b
    Example:
        supervise bans add --id-number 11010519491231002X --name 王五 \\
            --judgment "(2026)渝0103刑初100号" --court 重庆市渝中区人民法院 \\
            --from 2026-06-01 --until 2030-05-31
    """
    view = office.add_court_ban(
        id_number=id_number,
        name=name,
        judgment=judgment,
        court=court,
        start=parse_date(start, "--from"),
        until=None if until is None else parse_date(until, "--until"),
        lifelong=lifelong,
        basis=basis,
    )
    emit_one(view, as_json, _print_ban)


@bans.command("list")
@click.option("--active", is_flag=True, help="Only bans in force today.")
@json_option
@pass_office
def bans_list(office: Office, active: bool, as_json: bool) -> None:
    """List the registry.

    \b
    Example:
        supervise bans list --active
    """
    views = office.bans(active=active)
    emit_many(views, as_json, _print_ban)
