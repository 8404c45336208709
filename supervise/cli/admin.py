"""`supervise init`, `config show`, `doctor` and `graph`."""

from __future__ import annotations

from pathlib import Path

import click
import yaml

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office, report
from supervise.errors import NotAllowed
from supervise.office import Office
from supervise.permissions import table as permission_table
from supervise.state_diagram import mermaid
from supervise.states import MACHINES
from supervise.views import BackupView


@cli.command()
@click.option(
    "--force",
    is_flag=True,
    help="Initialise an existing empty file, or add our tables beside someone else's.",
)
@click.option(
    "--admin",
    metavar="NAME",
    help="Make NAME the office's first admin (while it has no enabled admin).",
)
@json_option
@pass_office
def init(office: Office, force: bool, admin: str | None, as_json: bool) -> None:
    """Create the database, or upgrade it to this version's schema. Safe to run twice.

    \b
    Example:
        supervise --db cases.db init --admin wang
    """
    result = office.init(force=force, admin=admin)
    where, before, after = result.database, result.before, result.after
    if as_json:
        emit_json(result.as_json())
    elif before == after:
        echo(f"database {where} is up to date (schema {after})")
    elif before is None:
        echo(f"database {where} initialised at schema {after}")
    else:
        echo(f"database {where} upgraded from schema {before} to {after}")
    if result.admin is not None and not as_json:
        echo(f"{result.admin} is the office's admin; add users with `supervise user add`")


@cli.command()
@json_option
def permissions(as_json: bool) -> None:
    """Print who may do what: the permission table the program enforces.

    \b
    Example:
        supervise permissions --json
    """
    rows = permission_table()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        roles = row["roles"]
        assert isinstance(roles, list)
        echo(f"{row['action']:<28} {', '.join(roles)}")


@cli.group()
def config() -> None:
    """Settings."""


@config.command("show")
@json_option
@pass_office
def config_show(office: Office, as_json: bool) -> None:
    """Print the effective settings (defaults with your file layered over them).

    \b
    Example:
        supervise --config office.yaml config show
    """
    data = office.config()
    if as_json:
        emit_json(data)
    else:
        echo(f"# from: {', '.join(office.settings.source)}")
        for line in yaml.safe_dump(data, allow_unicode=True, sort_keys=False).splitlines():
            echo(line)


@cli.command()
@json_option
@pass_office
def doctor(office: Office, as_json: bool) -> None:
    """Check the set-up and say what to fix; exit 1 if anything needs fixing.

    \b
    Example:
        supervise doctor
    """
    checks = office.doctor()
    if as_json:
        emit_json([c.as_json() for c in checks])
    else:
        for c in checks:
            echo(f"[{'ok' if c.ok else 'FIX'}] {c.name}: {c.message}")
    failed = [c.name for c in checks if not c.ok]
    if failed:
        report(NotAllowed(f"{len(failed)} check(s) need fixing: {', '.join(failed)}"), as_json)
        raise click.exceptions.Exit(1)


@cli.command()
@click.option(
    "--machine",
    type=click.Choice(list(MACHINES)),
    default="case",
    show_default=True,
    help="Which state machine: leadership cases or organizations.",
)
def graph(machine: str) -> None:
    """Print a state diagram as Mermaid: the case machine, or --machine org.

    \b
    Example:
        supervise graph > docs/states.mmd
        supervise graph --machine org
    """
    for line in mermaid(machine).splitlines():
        echo(line)


def _print_backup(view: BackupView, verb: str) -> None:
    if view.command is not None:
        echo(f"{view.database} is PostgreSQL: supervise writes no file; use its tools:")
        echo(f"  {view.command}")
        return
    echo(f"{verb} {view.file}")
    if view.saved_aside:
        echo(f"  the data it replaced is saved in {view.saved_aside}")
    rows = ", ".join(f"{table} {count}" for table, count in view.counts.items())
    echo(f"  checked: integrity ok; schema {view.schema}; rows: {rows}")
    for what, count in view.carried.items():
        if count:
            echo(f"  kept from the replaced data: {count} {what.replace('_', ' ')}")


@cli.command()
@click.argument("file", metavar="FILE", type=FilePath(path_type=Path, dir_okay=False))
@json_option
@pass_office
def backup(office: Office, file: Path, as_json: bool) -> None:
    """Write a consistent copy of the database to FILE while others keep working, and
    check it (integrity, schema, rows). On PostgreSQL: print the pg_dump command.

    \b
    Example:
        supervise backup /backups/cases-$(date +%F).db
    """
    view = office.backup(file)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_backup(view, "backup written to")


@cli.command()
@click.argument("file", metavar="FILE", type=FilePath(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Replace the current data (it is saved aside first).")
@json_option
@pass_office
def restore(office: Office, file: Path, yes: bool, as_json: bool) -> None:
    """Replace the database's contents with the backup FILE, after checking it.

    One transaction: others see the database before or after, never half restored. The
    current data is saved beside the database first; document numbers issued and mail sent
    since the backup stay used and sent. On PostgreSQL: print the pg_restore command.

    \b
    Example:
        supervise restore /backups/cases-2026-12-01.db --yes
    """
    view = office.restore(file, confirmed=yes)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_backup(view, "restored from")
