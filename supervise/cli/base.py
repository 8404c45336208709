"""The click group, its global options, and the one place errors become exit statuses.

Entry-point layer. Commands parse input, call one service and print the result; they never
commit, and they never catch errors themselves: ``SuperviseGroup.invoke`` turns every
``SuperviseError`` into one line on stderr (or a JSON object with ``--json``) and its exit
status.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterable
from typing import Any, NoReturn, TypeVar

import click
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.exc import OperationalError

from supervise.bootstrap import App, bootstrap
from supervise.config import load_settings
from supervise.errors import DatabaseProblem, InvalidInput, SuperviseError

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
    "org": "registry",
    "person": "registry",
    "appoint": "cases",
    "case": "cases",
    "bans": "bans",
    "calendar": "calendar",
    "notice": "notice",
    "user": "users",
    "agenda": "users",
    "scheduler": "users",
    "remind": "remind",
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
        except (OperationalError, SqlDatabaseError) as error:
            app = ctx.obj if isinstance(ctx.obj, App) else None
            where = app.db_url if app else "the database"
            detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            _fail(
                ctx,
                DatabaseProblem(f"cannot use {where}: {detail}"),
                as_json or bool(ctx.meta.get("json")),
            )


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
    from supervise.adapters.database import environ_db_url

    settings = load_settings(config_path)
    app = bootstrap(
        settings,
        db_url=environ_db_url(db_url, settings.database.url),
        user=user,
        environ=os.environ,
    )
    ctx.obj = app
    ctx.call_on_close(app.close)


pass_app = click.make_pass_decorator(App)


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


def main() -> None:
    cli.main(prog_name="supervise")


def stderr(message: str) -> None:
    click.echo(message, err=True)
