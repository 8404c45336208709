"""The click group, its global options, and the one place errors become exit statuses.

Entry-point layer, a thin layer over the library API: the group opens an
:class:`~supervise.office.Office` for ``--db``/``--config`` with ``--as`` as the actor; each
command parses its input, calls one method of the office and prints the result. Commands
never commit and never catch errors themselves: ``SuperviseGroup.invoke`` turns every
``SuperviseError`` into one line on stderr (or a JSON object with ``--json``) and its exit
status. Database errors reach here already translated by the database adapter.
"""

from __future__ import annotations

import getpass
import importlib
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn, Protocol, TypeVar

import click

import supervise
from supervise.errors import InvalidInput, SuperviseError

F = TypeVar("F", bound=Callable[..., Any])


def _fail(ctx: click.Context, error: SuperviseError, as_json: bool) -> NoReturn:
    if as_json:
        click.echo(
            json.dumps({"error": error.kind, "message": error.message}, ensure_ascii=False),
            err=True,
        )
    else:
        click.echo(f"Error: {error.message}", err=True)
    ctx.exit(error.exit_code)


# Which module defines each top-level command: a command imports only its own module, so
# `case show` never pays for the mail, scheduler or PDF code (tests/perf checks it).
COMMAND_MODULES: dict[str, str] = {
    "init": "admin",
    "config": "admin",
    "doctor": "admin",
    "graph": "admin",
    "org": "org",
    "person": "person",
    "appoint": "case",
    "case": "case",
    "bans": "bans",
    "calendar": "calendar",
    "notice": "notice",
    "user": "user",
    "remind": "remind",
    # Reminder commands kept at the top level too (`remind agenda`, `remind scheduler`).
    "agenda": "remind",
    "scheduler": "remind",
}


class SuperviseGroup(click.Group):
    """A group that loads its commands' modules on demand and translates domain errors."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            # Importing the module registers its commands on this group.
            importlib.import_module(f"supervise.cli.{COMMAND_MODULES[cmd_name]}")
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        as_json = "--json" in rest
        try:
            return super().invoke(ctx)
        except SuperviseError as error:
            _fail(ctx, error, as_json or bool(ctx.meta.get("json")))
        except click.UsageError as error:
            if not as_json:
                raise
            _fail(ctx, InvalidInput(error.format_message()), True)


def current_user(cli_value: str | None, environ: Mapping[str, str]) -> str:
    """Who is acting: --as, else $SUPERVISE_USER, else the OS user."""
    if cli_value:
        return cli_value
    if environ.get("SUPERVISE_USER"):
        return environ["SUPERVISE_USER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "unknown"


@click.group(
    cls=SuperviseGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--db", "db_url", metavar="URL", help="Database URL or SQLite path (env SUPERVISE_DB)."
)
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    help="Settings file layered over the defaults (env SUPERVISE_CONFIG).",
)
@click.option("--as", "user", metavar="USER", help="Who is acting (env SUPERVISE_USER).")
@click.version_option(None, "--version", package_name="supervise", prog_name="supervise")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, config_path: str | None, user: str | None) -> None:
    """supervise: leadership cases of child-protection social organizations.

    Takes a leader's appointment through interview, warning, ordered replacement and
    industry ban, keeps every legal deadline, and never forgets a step.

    \b
    Example:
        supervise init
        supervise org add --name 某某儿童服务中心 --credit-code CODE \\
            --district 渝中区 --kind service-org
        supervise case next 1
    """
    office = supervise.open(
        db_url, config=config_path, actor=current_user(user, os.environ), environ=os.environ
    )
    ctx.obj = office
    ctx.call_on_close(office.close)


#: Hands the group's :class:`~supervise.office.Office` to a command as its first argument.
pass_office = click.pass_obj


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        ctx.meta["json"] = True
    return value


def json_option(func: F) -> F:
    """``--json``: print one JSON document on stdout; errors as JSON on stderr."""
    return click.option(
        "--json",
        "as_json",
        is_flag=True,
        is_eager=True,
        expose_value=True,
        callback=_set_json,
        help="Print JSON on stdout (errors as JSON on stderr).",
    )(func)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def emit_json_list(items: Iterable[Any]) -> None:
    """One JSON array, written item by item: a long listing never sits whole in memory."""
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        click.echo(("[\n  " if first else ",\n  ") + text, nl=False)
        first = False
    click.echo("[]" if first else "\n]")


class Record(Protocol):
    """A view the registry commands print: one line of text, or its JSON."""

    def as_json(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Record)


def emit_one(view: R, as_json: bool, line: Callable[[R], None], *, edits: bool = False) -> None:
    """One record: its JSON object, or its line (and the edits of its history)."""
    if as_json:
        emit_json(view.as_json())
        return
    line(view)
    if edits:
        print_edits(getattr(view, "history", []))


def emit_many(views: Sequence[R], as_json: bool, line: Callable[[R], None]) -> None:
    """Several records: one JSON array, or a line each."""
    if as_json:
        emit_json([v.as_json() for v in views])
        return
    for view in views:
        line(view)


def print_edits(history: list[dict[str, object]]) -> None:
    """The edits of an organization's or a person's record, oldest first."""
    for edit in history:
        changes = edit["changes"]
        assert isinstance(changes, dict)
        text = "; ".join(f"{k}: {v['old']!r} -> {v['new']!r}" for k, v in changes.items())
        click.echo(f"       edited {edit['at']} by {edit['by']}: {text}")


def main() -> None:
    cli.main(prog_name="supervise")


def stderr(message: str) -> None:
    click.echo(message, err=True)
