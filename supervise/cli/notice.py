"""`supervise notice …`: list, render, batch-render, serve and verify official notices."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office
from supervise.clock import parse_date
from supervise.errors import InvalidInput
from supervise.law import SERVICE_METHODS
from supervise.notices.types import NOTICE_TYPES
from supervise.office import Office


@cli.group()
def notice() -> None:
    """Official notices (文书): numbered, rendered to HTML and PDF, served."""


@notice.command("list")
@click.option("--case", "case_id", type=int, help="Only this case's notices.")
@json_option
@pass_office
def notice_list(office: Office, case_id: int | None, as_json: bool) -> None:
    """List notices with their numbers and whether they were served.

    \b
    Example:
        supervise notice list --case 1 --json
    """
    views = office.notices(case=case_id)
    if as_json:
        emit_json([v.as_json(office.settings.zone) for v in views])
        return
    for v in views:
        served = f"served {v.served_on.isoformat()} ({v.method})" if v.served_on else "NOT SERVED"
        if not NOTICE_TYPES[v.type].served:
            served = "record"
        echo(f"{v.id:>5}  case {v.case:<5} {v.number:<24} {v.type:<26} {served}  {v.status}")


def document_output(command: Callable[..., None]) -> Callable[..., None]:
    """--format pdf|html and -o FILE, shared by every command that writes one document."""
    command = click.option(
        "-o",
        "--output",
        type=FilePath(path_type=Path, dir_okay=False),
        required=True,
        help="File to write.",
    )(command)
    return click.option(
        "--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True
    )(command)


@notice.command("render")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@document_output
@click.option(
    "--public",
    is_flag=True,
    help="The version for publication (Art. 48): ID numbers and personal addresses masked.",
)
@pass_office
def notice_render(office: Office, notice_id: int, fmt: str, output: Path, public: bool) -> None:
    """Write a notice as PDF or HTML; every render of the original reproduces the first.

    The original of a notice served on a person carries the person's full ID number;
    --public writes the version for publication instead.

    \b
    Example:
        supervise notice render 3 --format pdf -o 警告决定书.pdf
        supervise notice render 3 --public --format pdf -o 警告决定书（公开）.pdf
    """
    _writable(output)  # before rendering: a first render records the PDF's hash
    rendered = office.render_notice(notice_id, fmt, public=public)
    _write(output, rendered.data)
    echo(f"{output}: {rendered.notice.number} ({len(rendered.data)} bytes)")


@notice.command("receipt-form")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@document_output
@pass_office
def notice_receipt_form(office: Office, notice_id: int, fmt: str, output: Path) -> None:
    """Write the notice's 送达回证 (receipt of service), printed from the record.

    Blank for the server to fill in and the recipient to sign; once service is recorded it
    shows the method and the day. Its signed scan goes to `notice serve --receipt`.

    \b
    Example:
        supervise notice receipt-form 3 -o 送达回证-3.pdf
    """
    _writable(output)
    rendered = office.receipt_form(notice_id, fmt)
    _write(output, rendered.data)
    echo(f"{output}: 送达回证 of {rendered.notice.number} ({len(rendered.data)} bytes)")


def _writable(path: Path) -> None:
    """Refuse, before anything is rendered or recorded, a file that cannot be written."""
    folder = path.parent
    try:
        if not folder.is_dir():
            raise InvalidInput(f"cannot write {path}: no folder {folder}; create it first")
        if (
            path.is_dir()
            or not os.access(folder, os.W_OK)
            or (path.exists() and not os.access(path, os.W_OK))
        ):
            raise InvalidInput(f"cannot write {path}: permission denied or not a file")
    except OSError as exc:  # a name too long for the file system
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise InvalidInput(f"cannot write {path!r}: not a file name") from exc


@notice.command("batch")
@click.option("--case", "case_id", type=int, help="All notices of this case.")
@click.option("--since", metavar="YYYY-MM-DD", help="All notices issued on or after this day.")
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=FilePath(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (created if missing).",
)
@pass_office
def notice_batch(
    office: Office, case_id: int | None, since: str | None, fmt: str, output: Path
) -> None:
    """Render many notices into a folder, with a progress bar on stderr.

    \b
    Example:
        supervise notice batch --since 2026-12-01 -o notices/
    """
    if (case_id is None) == (since is None):
        raise InvalidInput("give exactly one of --case or --since")
    views = office.notices(
        case=case_id, since=None if since is None else parse_date(since, "--since")
    )
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create {output}: {exc.strerror}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise InvalidInput(f"cannot create {output!r}: not a folder name") from exc
    with click.progressbar(length=len(views), label="rendering", file=sys.stderr) as bar:
        for view in views:
            rendered = office.render_notice(view.id, fmt)
            _write(output / f"{view.id:06d}-{view.type}.{fmt}", rendered.data)
            bar.update(1)
    echo(f"{len(views)} notice(s) written to {output}")


@notice.command("serve")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@click.option("--method", type=click.Choice(list(SERVICE_METHODS)), required=True)
@click.option("--on", "on", metavar="YYYY-MM-DD", required=True, help="Day of delivery.")
@click.option(
    "--receipt",
    type=FilePath(path_type=Path, dir_okay=False),
    help="Scanned proof of service (送达回证); its SHA-256 is kept.",
)
@click.option(
    "--no-receipt", is_flag=True, help="Direct or lodged service without a signed 送达回证."
)
@click.option("--reason", metavar="TEXT", help="Why there is no 送达回证 (with --no-receipt).")
@click.option("--consent", metavar="REF", help="The party's consent to electronic service.")
@json_option
@pass_office
def notice_serve(
    office: Office,
    notice_id: int,
    method: str,
    on: str,
    receipt: Path | None,
    no_receipt: bool,
    reason: str | None,
    consent: str | None,
    as_json: bool,
) -> None:
    """Record service (送达); windows counted from notice start on the day of service.

    Direct and lodged service need the signed 送达回证 (--receipt FILE, its scan) or
    --no-receipt --reason TEXT. Public notice (公告送达) counts as served 30 days after
    publication. Serving again (a first attempt returned) moves the window, with a history
    entry.

    \b
    Example:
        supervise notice serve 3 --method direct --on 2026-12-01 --receipt 回证.pdf
    """
    if no_receipt != (reason is not None):
        raise InvalidInput("--no-receipt and --reason go together: say why there is no 送达回证")
    served = office.serve_notice(
        notice_id,
        method=method,
        on=parse_date(on, "--on"),
        receipt=receipt,
        consent=consent,
        no_receipt_reason=reason,
    )
    if as_json:
        emit_json(served.as_json(office.settings.zone))
        return
    view = served.notice
    echo(f"notice {view.id} ({view.number}) served on {view.served_on} ({SERVICE_METHODS[method]})")
    for kind, day in served.windows:
        echo(f"  {kind} now runs until {day.isoformat()}")


@notice.command("verify")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@click.argument("path", metavar="FILE", type=FilePath(path_type=Path, dir_okay=False))
@pass_office
def notice_verify(office: Office, notice_id: int, path: Path) -> None:
    """Exit 0 if FILE is this notice as rendered or served, 1 otherwise.

    \b
    Example:
        supervise notice verify 3 警告决定书.pdf
    """
    if office.verify_notice(notice_id, path):
        echo(f"{path}: matches notice {notice_id}")
        return
    echo(f"{path}: does NOT match notice {notice_id}", err=True)
    raise click.exceptions.Exit(1)
