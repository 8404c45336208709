"""`supervise area …`: the districts (区县) and their townships and streets (乡镇/街道)."""

from __future__ import annotations

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, emit_many, json_option, pass_office
from supervise.office import Office
from supervise.views import AreaView, DistrictView


@cli.group()
def area() -> None:
    """Districts (区县) and their townships and streets (乡镇/街道)."""


@area.command("import")
@click.argument("file", type=FilePath(dir_okay=False))
@json_option
@pass_office
def area_import(office: Office, file: str, as_json: bool) -> None:
    """Load townships and streets from a CSV file: district,township,kind,code.

    Every row is checked first; nothing is loaded unless all rows are good (the refusal
    names each bad row's line). Loading the same file again changes nothing.

    \b
    Example:
        supervise area import 渝中区乡镇街道.csv
    """
    result = office.import_areas(file)
    if as_json:
        emit_json(result.as_json())
        return
    echo(
        f"{result.rows} townships and streets in {result.file}: {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged"
    )


def _print_district(view: DistrictView) -> None:
    echo(f"{view.name}  {view.kind}  {view.townships} 乡镇/街道")


def _print_area(view: AreaView) -> None:
    echo(f"{view.code}  {view.township}  {view.kind}")


@area.command("list")
@click.option("--district", help="List this district's townships and streets.")
@json_option
@pass_office
def area_list(office: Office, district: str | None, as_json: bool) -> None:
    """List the districts, or one district's townships and streets.

    \b
    Example:
        supervise area list
        supervise area list --district 渝中区
    """
    if district is None:
        emit_many(office.districts(), as_json, _print_district)
    else:
        emit_many(office.areas(district), as_json, _print_area)
