"""`supervise notice …`: list, render, batch-render, serve and verify official notices."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from supervise.bootstrap import App
from supervise.cli.base import cli, emit_json, json_option, pass_app
from supervise.clock import parse_date
from supervise.errors import InvalidInput
from supervise.services import notice_records as service
from supervise.services.notices import METHODS, NOT_SERVED


@cli.group()
def notice() -> None:
    """Official notices (文书): numbered, rendered to HTML and PDF, served."""


@notice.command("list")
@click.option("--case", "case_id", type=int, help="Only this case's notices.")
@json_option
@pass_app
def notice_list(app: App, case_id: int | None, as_json: bool) -> None:
    """List notices with their numbers and whether they were served.

    \b
    Example:
        supervise notice list --case 1 --json
    """
    views = service.list_notices(app, case_id)
    zone = app.settings.zone
    if as_json:
        rows = []
        for v in views:
            data = v.as_json(zone)
            data["created_at"] = v.created_at.astimezone(zone).isoformat()
            rows.append(data)
        emit_json(rows)
        return
    for v in views:
        served = f"served {v.served_on.isoformat()} ({v.method})" if v.served_on else "NOT SERVED"
        if v.type in NOT_SERVED:
            served = "record"
        click.echo(f"{v.id:>5}  case {v.case:<5} {v.number:<24} {v.type:<26} {served}  {v.status}")


@notice.command("render")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="File to write.",
)
@pass_app
def notice_render(app: App, notice_id: int, fmt: str, output: Path) -> None:
    """Write a notice as PDF or HTML; every render reproduces the first.

    \b
    Example:
        supervise notice render 3 --format pdf -o 警告决定书.pdf
    """
    rendered = service.render(app, notice_id, fmt)
    _write(output, rendered.data)
    click.echo(f"{output}: {rendered.notice.number} ({len(rendered.data)} bytes)")


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc


@notice.command("batch")
@click.option("--case", "case_id", type=int, help="All notices of this case.")
@click.option("--since", metavar="YYYY-MM-DD", help="All notices issued on or after this day.")
@click.option(
    "--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Folder to write into (created if missing).",
)
@pass_app
def notice_batch(app: App, case_id: int | None, since: str | None, fmt: str, output: Path) -> None:
    """Render many notices into a folder, with a progress bar on stderr.

    \b
    Example:
        supervise notice batch --since 2026-12-01 -o notices/
    """
    if (case_id is None) == (since is None):
        raise InvalidInput("give exactly one of --case or --since")
    views = service.list_notices(
        app, case_id, None if since is None else parse_date(since, "--since")
    )
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(f"cannot create {output}: {exc.strerror}") from exc
    with click.progressbar(length=len(views), label="rendering", file=sys.stderr) as bar:
        for view in views:
            rendered = service.render(app, view.id, fmt)
            _write(output / f"{view.id:06d}-{view.type}.{fmt}", rendered.data)
            bar.update(1)
    click.echo(f"{len(views)} notice(s) written to {output}")


@notice.command("serve")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@click.option("--method", type=click.Choice(list(METHODS)), required=True)
@click.option("--on", "on", metavar="YYYY-MM-DD", required=True, help="Day of delivery.")
@click.option(
    "--receipt",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Scanned proof of service (送达回证); its SHA-256 is kept.",
)
@click.option("--consent", metavar="REF", help="The party's consent to electronic service.")
@json_option
@pass_app
def notice_serve(
    app: App,
    notice_id: int,
    method: str,
    on: str,
    receipt: Path | None,
    consent: str | None,
    as_json: bool,
) -> None:
    """Record service (送达); windows counted from notice start on the day of service.

    Public notice (公告送达) counts as served 30 days after publication. Serving again
    (a first attempt returned) moves the window, with a history entry.

    \b
    Example:
        supervise notice serve 3 --method direct --on 2026-12-01 --receipt 回证.pdf
    """
    view, started = service.serve(app, notice_id, method, parse_date(on, "--on"), receipt, consent)
    if as_json:
        data = view.as_json(app.settings.zone)
        data["windows"] = {k: d.isoformat() for k, d in started}
        emit_json(data)
        return
    click.echo(f"notice {view.id} ({view.number}) served on {view.served_on} ({METHODS[method]})")
    for kind, day in started:
        click.echo(f"  {kind} now runs until {day.isoformat()}")


@notice.command("verify")
@click.argument("notice_id", metavar="NOTICE_ID", type=int)
@click.argument("path", metavar="FILE", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def notice_verify(app: App, notice_id: int, path: Path) -> None:
    """Exit 0 if FILE is this notice as rendered or served, 1 otherwise.

    \b
    Example:
        supervise notice verify 3 警告决定书.pdf
    """
    if service.verify(app, notice_id, path):
        click.echo(f"{path}: matches notice {notice_id}")
        return
    click.echo(f"{path}: does NOT match notice {notice_id}", err=True)
    raise click.exceptions.Exit(1)
