"""`supervise calendar …`: official holiday schedules and what a year looks like."""

from __future__ import annotations

from pathlib import Path

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office
from supervise.office import Office


@cli.group()
def calendar() -> None:
    """The working-day calendar (holidays and 调休)."""


@calendar.command("load")
@click.argument("path", metavar="FILE", type=FilePath(path_type=Path, dir_okay=False))
@click.option(
    "--force",
    is_flag=True,
    help="Replace the schedule of a year that is official already (the change is recorded).",
)
@json_option
@pass_office
def calendar_load(office: Office, path: Path, force: bool, as_json: bool) -> None:
    """Load a year's official schedule from YAML and recompute provisional deadlines.

    The file holds `year`, `holidays` (days off), `workdays` (worked weekend days, 调休)
    and `source` (the State Council notice).

    \b
    Example:
        supervise calendar load 2027.yaml
    """
    year, changes = office.load_calendar(path, force=force)
    if as_json:
        emit_json({"year": year.as_json(), "recomputed": [c.as_json() for c in changes]})
        return
    echo(f"{year.year}: {year.source}")
    for c in changes:
        mark = " (still provisional)" if c.provisional else " (official)"
        change = (
            f"{c.old_due.isoformat()} -> {c.new_due.isoformat()}"
            if c.old_due != c.new_due
            else f"{c.new_due.isoformat()} confirmed"
        )
        echo(f"  case {c.case}: {c.kind} {change}{mark}")
    echo(f"{len(changes)} deadline(s) recomputed")


@calendar.command("show")
@click.argument("year", type=int)
@json_option
@pass_office
def calendar_show(office: Office, year: int, as_json: bool) -> None:
    """Show a year's weekday holidays and worked weekend days.

    \b
    Example:
        supervise calendar show 2026
    """
    view = office.calendar_year(year)
    if as_json:
        emit_json(view.as_json())
        return
    echo(f"{view.year}: {'official' if view.official else 'PROVISIONAL'} ({view.source})")
    echo("  weekday holidays: " + ", ".join(d.isoformat() for d in view.holidays))
    echo(
        "  worked weekend days (调休): "
        + (", ".join(d.isoformat() for d in view.workdays) or "none")
    )
