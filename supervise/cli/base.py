"""The click group, its global options, and the one place errors become exit statuses.

Entry-point layer, a thin layer over the library API: the group opens an
:class:`~supervise.office.Office` for ``--db``/``--config`` with ``--as`` as the actor; each
command parses its input, calls one method of the office and prints the result. Commands
never commit and never catch errors themselves: ``SuperviseGroup.invoke`` turns every
``SuperviseError`` into one line on stderr (or a JSON object with ``--json``) and its exit
status. Database errors reach here already translated by the database adapter.
"""

from __future__ import annotations

import errno
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NoReturn, Protocol, TypeVar

import click

import supervise
from supervise import incidents
from supervise.cli.commands import COMMAND_HELP, COMMAND_MODULES
from supervise.cli.formatting import HelpContext, write_rows
from supervise.errors import InvalidInput, NotAllowed, SuperviseError
from supervise.redact import mask_id_numbers

F = TypeVar("F", bound=Callable[..., Any])


def report(error: SuperviseError, as_json: bool, **extra: str) -> None:
    """The one line on stderr a refusal gets: ``Error: …`` or its JSON object."""
    if as_json:
        data = {"error": error.kind, "message": error.message, **extra}
        click.echo(json_text(data, indent=None), err=True)
    else:
        echo(f"Error: {error.message}", err=True)


def _fail(ctx: click.Context, error: SuperviseError, as_json: bool) -> NoReturn:
    report(error, as_json)
    ctx.exit(error.exit_code)


def _unexpected(error: BaseException, argv: Sequence[str], as_json: bool) -> int:
    """A bug: one line with an incident id; the masked traceback goes to the log file."""
    command = "supervise " + " ".join(a for a in argv[:3] if not a.startswith("-"))
    incident, path, problem = incidents.record(error, command)
    where = (
        f"the details are in {path}"
        if problem is None
        else f"the details could not be written to {path} ({problem})"
    )
    message = (
        f"unexpected error ({type(error).__name__}), incident {incident}; {where}; "
        "please report the incident id"
    )
    internal = SuperviseError(message)
    if as_json:
        click.echo(
            json_text(
                {"error": "internal", "message": internal.message, "incident": incident},
                indent=None,
            ),
            err=True,
        )
    else:
        echo(f"Error: {internal.message}", err=True)
    return 1


def _usage(error: click.ClickException, as_json: bool) -> int:
    """click's usage block (three lines) as one line: what was wrong, what to do."""
    ctx = getattr(error, "ctx", None)
    where = ctx.command_path if ctx is not None else "supervise"
    message = error.format_message().strip().rstrip(".")
    if isinstance(error, click.UsageError):
        refusal: SuperviseError = InvalidInput(f"{message}; see `{where} --help`")
    else:
        refusal = NotAllowed(message)
    report(refusal, as_json)
    return 2 if isinstance(error, click.UsageError) else error.exit_code


class SuperviseGroup(click.Group):
    """A group that loads its commands' modules on demand and translates domain errors."""

    context_class = HelpContext

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            loaded = self.commands.get(name)
            if loaded is None and name in COMMAND_HELP:
                # A bare command with the same help shortens it as click would the real one.
                summary = click.Command(name, help=COMMAND_HELP[name])
                rows.append((name, summary.get_short_help_str(limit)))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            write_rows(formatter, rows)

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

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; whatever happens, at most one line on stderr.

        click prints usage errors as a three-line block and lets other exceptions out as
        tracebacks; here a usage error is one line (``invalid``, exit 2), a refusal one line
        with its exit status, and anything unexpected one line with an incident id whose
        masked traceback is in the log file (exit 1).
        """
        argv = list(sys.argv[1:] if args is None else args)
        as_json = "--json" in argv
        incidents.reset(os.environ)
        try:
            result = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) and not isinstance(result, bool) else 0
        except click.ClickException as error:
            code = _usage(error, as_json)
        except click.Abort:
            report(NotAllowed("aborted"), as_json)
            code = 1
        except SuperviseError as error:  # raised while closing the office
            report(error, as_json)
            code = error.exit_code
        except OSError as error:
            if error.errno != errno.EPIPE:
                code = _unexpected(error, argv, as_json)
            else:  # the reader went away (`| head`): nothing to say, and nowhere to say it
                code = 1
        except Exception as error:
            code = _unexpected(error, argv, as_json)
        if not standalone_mode:
            return code
        sys.exit(code)


class FilePath(click.Path):
    """click's Path, refusing a name with a NUL byte in one line (click lets ``os.stat``'s
    ValueError out as a traceback)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and "\x00" in value:
            self.fail(f"{value!r} is not a file name (it holds a NUL byte)", param, ctx)
        return super().convert(value, param, ctx)


def current_user(cli_value: str | None, environ: Mapping[str, str]) -> str:
    """Who is acting: --as, else $SUPERVISE_USER, else the OS user."""
    if cli_value:
        return cli_value
    if environ.get("SUPERVISE_USER"):
        return environ["SUPERVISE_USER"]
    try:
        import getpass  # here: only when neither --as nor SUPERVISE_USER says who

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
@click.version_option(supervise.__version__, "--version", prog_name="supervise")
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
    incidents.use(incidents.log_path(os.environ, office.settings.log.file))
    ctx.obj = office
    ctx.call_on_close(office.close)
    _loaded()


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


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(data: Any, indent: int | None = 2) -> str:
    """JSON with Chinese readable and every control character escaped.

    ``ensure_ascii=False`` keeps 李四 as it is but leaves DEL, C1 controls and bidirectional
    overrides raw, which a terminal would act on; they are escaped here (valid JSON: any
    character may be written as an escape inside a string, and none occurs outside one).
    """
    import json  # here, as ``printable`` in echo: `--help` and `--version` need neither

    from supervise.inputs import printable

    text = mask_id_numbers(json.dumps(data, ensure_ascii=False, indent=indent))
    if printable(text.replace("\n", "")) == text.replace("\n", ""):
        return text  # the usual case: nothing to escape (line feeds are the indentation's)
    return "".join(_escape(c) if c != "\n" and printable(c) != c else c for c in text)


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    """Print one line of text output, stored text's control characters shown as escapes,
    so that a name holding an escape sequence or a line break cannot forge a line, and any
    ID number masked (a file or a name a user chose may hold one)."""
    from supervise.inputs import printable  # loaded once; `--help` never needs it

    click.echo(mask_id_numbers(printable(text)), err=err, nl=nl)


def emit_json(data: Any) -> None:
    click.echo(json_text(data))


def emit_json_list(items: Iterable[Any]) -> None:
    """One JSON array, written item by item: a long listing never sits whole in memory."""
    first = True
    for item in items:
        text = json_text(item).replace("\n", "\n  ")
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
        echo(f"       edited {edit['at']} by {edit['by']}: {text}")


#: Whether :func:`main` switched the cyclic garbage collector off while the program loads.
_COLLECTOR_PAUSED: list[bool] = []


def _loaded() -> None:
    """The program is loaded: the collector back on, for the command's own work, with what
    was loaded frozen (it lives until exit, so no scan need look at it again)."""
    if _COLLECTOR_PAUSED:
        _COLLECTOR_PAUSED.clear()
        gc.freeze()
        gc.enable()


def main() -> None:
    """The ``supervise`` program (the console script and ``python -m supervise``)."""
    # Loading a command allocates a few hundred thousand objects (modules, classes, tables)
    # that live until exit; the cyclic collector would scan them again and again as they
    # are made: 4% of a read command's start-up (issue 13, target 3). So it is off until
    # the office is open (``_loaded``), and a command that never gets there exits soon.
    if gc.isenabled():
        gc.disable()
        _COLLECTOR_PAUSED.append(True)
    cli.main(prog_name="supervise")


def stderr(message: str) -> None:
    echo(message, err=True)
