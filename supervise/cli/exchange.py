"""`supervise export …` and `supervise import …`: registers to and from spreadsheets."""

from __future__ import annotations

import csv
import itertools
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, json_text
from supervise.errors import InvalidInput
from supervise.office import Office

EXPORT_KINDS = ("orgs", "cases", "contracts", "evaluations")
IMPORT_KINDS = ("orgs", "persons", "contracts")


def _special(path: Path) -> bool:
    """Whether ``path`` exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


@contextmanager
def _target(output: Path | None, encoding: str) -> Iterator[IO[str]]:
    """stdout, or a file written beside its final name and moved there only when complete
    (an interrupted export never leaves half a file under the name asked for)."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    if _special(output):
        # A device or a pipe (/dev/null, a FIFO) is written in place: renaming a file over
        # it would replace the device itself.
        try:
            with open(output, "w", encoding=encoding, newline="") as handle:
                yield handle
        except OSError as exc:
            raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
        return
    partial = output.with_name(f".{output.name}.{os.getpid()}.part")
    try:
        handle = open(partial, "w", encoding=encoding, newline="")  # noqa: SIM115
    except OSError as exc:
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise InvalidInput(f"cannot write {output!r}: not a file name") from exc
    try:
        with handle:
            yield handle
        os.replace(partial, output)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise InvalidInput(f"cannot write {output}: {exc.strerror}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _value(value: Any) -> Any:
    return "" if value is None else value


@cli.command("export")
@click.argument("kind", type=click.Choice(EXPORT_KINDS))
@click.option("--csv", "as_csv", is_flag=True, help="CSV (a file gets a BOM, for Excel).")
@click.option("--json", "as_json", is_flag=True, help="One JSON array.")
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="File to write (default: stdout).",
)
@click.pass_obj
def export(office: Office, kind: str, as_csv: bool, as_json: bool, output: Path | None) -> None:
    """Write every organization, case, service contract or evaluation as CSV or JSON,
    streamed (flat memory).

    ID numbers are exported masked. A CSV of organizations or contracts can be imported
    again.

    \b
    Example:
        supervise export cases --csv -o cases.csv
        supervise export orgs --json > orgs.json
    """
    if as_csv == as_json:
        raise InvalidInput("give exactly one of --csv or --json")
    result = office.export(kind)
    # The first row is read before anything is written: a database that cannot be read
    # is one line on stderr, not a refusal after half a document.
    head = next(result.rows, None)
    rows = result.rows if head is None else itertools.chain([head], result.rows)
    count = 0
    if as_csv:
        # Excel on a Chinese Windows reads UTF-8 only with a BOM; a pipe gets none.
        with _target(output, "utf-8-sig") as out:
            writer = csv.writer(out)
            writer.writerow(result.columns)
            for row in rows:
                writer.writerow([_value(v) for v in row])
                count += 1
    else:
        with _target(output, "utf-8") as out:
            out.write("[")
            for row in rows:
                item = json_text(dict(zip(result.columns, row, strict=True)), indent=None)
                out.write(("\n  " if count == 0 else ",\n  ") + item)
                count += 1
            out.write("]\n" if count == 0 else "\n]\n")
    if output is not None:
        # What went where: one line (or, with --json, one JSON object) on stdout.
        if as_json:
            emit_json({"kind": kind, "rows": count, "file": str(output)})
        else:
            echo(f"{kind}: {count} rows written to {output}")


class _Bars:
    """One progress bar per phase on stderr, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.phase: str | None = None
        self.bar: Any = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != self.phase:
            self.close()
            self.phase = phase
            self.bar = click.progressbar(length=total, label=phase, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command("import")
@click.argument("kind", type=click.Choice(IMPORT_KINDS))
@click.argument("path", metavar="FILE.csv", type=FilePath(path_type=Path, dir_okay=False))
@click.option(
    "--encoding",
    type=click.Choice(["utf-8", "utf-8-sig", "gb18030"]),
    help="The file's encoding (default: recognised; GB18030 covers GBK).",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Write the good rows; the bad ones go to FILE.rejects.csv beside the input.",
)
@json_option
@click.pass_obj
def import_(
    office: Office,
    kind: str,
    path: Path,
    encoding: str | None,
    skip_bad: bool,
    as_json: bool,
) -> None:
    """Import organizations, persons or service contracts from a CSV file (UTF-8 or
    GB18030).

    Every row is checked first; one bad row and nothing is written (every bad row is
    listed with its line and reason) unless --skip-bad. Importing the same file again
    changes nothing.

    \b
    Example:
        supervise import orgs 社会组织名录.csv
        supervise import persons 负责人.csv --encoding gb18030 --skip-bad
        supervise import contracts 购买服务合同.csv
    """
    bars = _Bars()
    try:
        result = office.import_file(
            kind,
            path,
            encoding=encoding,
            skip_bad=skip_bad,
            progress=bars if sys.stderr.isatty() else None,
        )
    finally:
        bars.close()
    if as_json:
        emit_json(result.as_json())
    else:
        for bad in result.bad:
            echo(f"line {bad.line}: {bad.reason}")
        if result.written:
            echo(
                f"{result.kind}: {result.inserted} imported, {result.unchanged} unchanged, "
                f"{len(result.bad)} bad of {result.rows} rows ({result.encoding})"
                + (f"; bad rows in {result.reject_file}" if result.reject_file else "")
            )
    if not result.written:
        raise InvalidInput(
            f"{len(result.bad)} of {result.rows} rows are bad (listed on stdout); nothing was "
            "imported: fix them, or use --skip-bad to import the good rows"
        )
