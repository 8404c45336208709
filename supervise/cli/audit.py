"""`supervise audit …`: the tamper-evident record (hash chains): verify, anchor, export."""

from __future__ import annotations

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office
from supervise.errors import Tampered
from supervise.office import Office


@cli.group()
def audit() -> None:
    """The tamper-evident record: every history and audit row is hash-chained."""


@audit.command("verify")
@click.option("--anchor", metavar="ANCHOR", help="Also check an anchor printed by `audit anchor`.")
@json_option
@pass_office
def audit_verify(office: Office, anchor: str | None, as_json: bool) -> None:
    """Walk every chain; exit 1 naming the first row that does not match.

    \b
    Example:
        supervise audit verify
        supervise audit verify --anchor 1523.40.5f0c…
    """
    report = office.verify_chains(anchor=anchor)
    if not report.ok:
        assert report.problem is not None
        raise Tampered(f"the record was altered: {report.problem}")
    if as_json:
        emit_json(report.as_json())
        return
    anchored = ", and the anchor matches" if report.anchored else ""
    echo(
        f"intact: {report.history_rows} history rows in {report.cases} case chains and "
        f"{report.audit_rows} audit rows checked{anchored}"
    )


@audit.command("anchor")
@json_option
@pass_office
def audit_anchor(office: Office, as_json: bool) -> None:
    """Print the hash over every chain's head, to keep outside the database.

    \b
    Example:
        supervise audit anchor >> /mnt/usb/anchors.txt
    """
    anchor = office.anchor_chains()
    if as_json:
        emit_json({"anchor": anchor})
    else:
        echo(anchor)


@audit.command("export")
@click.option("--case", "case_id", type=int, help="One case's chain.")
@click.option("--all", "everything", is_flag=True, help="Every case's chain and the audit chain.")
@click.option(
    "-o",
    "--output",
    required=True,
    type=FilePath(dir_okay=False, writable=True),
    help="The JSON-lines file to write.",
)
@json_option
@pass_office
def audit_export(
    office: Office, case_id: int | None, everything: bool, output: str, as_json: bool
) -> None:
    """Write the chains with their hashes as JSON lines (checkable with the README's script).

    \b
    Example:
        supervise audit export --case 7 -o case7.jsonl
        supervise audit export --all -o record.jsonl
    """
    if (case_id is None) == (not everything):
        raise click.UsageError("give --case N or --all (one of them)")
    rows = office.export_chains(output, case=case_id)
    if as_json:
        emit_json({"rows": rows, "file": output})
    else:
        echo(f"{rows} rows written to {output}")
