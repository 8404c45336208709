"""`supervise person …`: the people who hold or held posts (负责人)."""

from __future__ import annotations

import json

import click

from supervise.cli.base import cli, echo, emit_many, emit_one, json_option, pass_office
from supervise.office import Office
from supervise.views import PersonView


def _print_person(view: PersonView) -> None:
    echo(
        f"{view.id:>5}  {view.name}  {view.id_number_masked}  {view.email or '-'}"
        f"  {view.address or '(no address)'}"
    )


@cli.group()
def person() -> None:
    """People who hold or held posts (负责人); ID numbers are always shown masked."""


@person.command("add")
@click.option("--name", required=True)
@click.option("--id-number", required=True, help="居民身份证号码 (18 characters).")
@click.option("--email")
@click.option("--address", help="住址 (home address): decisions on the person must give it.")
@json_option
@pass_office
def person_add(
    office: Office,
    name: str,
    id_number: str,
    email: str | None,
    address: str | None,
    as_json: bool,
) -> None:
    """Register a person.

    \b
    Example:
        supervise person add --name 李四 --id-number 11010519491231002X \\
            --address 重庆市渝中区民生路2号
    """
    view = office.add_person(name=name, id_number=id_number, email=email, address=address)
    emit_one(view, as_json, _print_person)


@person.command("list")
@json_option
@pass_office
def person_list(office: Office, as_json: bool) -> None:
    """List persons.

    \b
    Example:
        supervise person list --json
    """
    views = office.persons()
    emit_many(views, as_json, _print_person)


@person.command("find")
@click.option("--name", help="Part of the name.")
@click.option("--id-number", help="The full ID number.")
@json_option
@pass_office
def person_find(office: Office, name: str | None, id_number: str | None, as_json: bool) -> None:
    """Find persons by name or ID number.

    \b
    Example:
        supervise person find --name 李
    """
    views = office.find_persons(name=name, id_number=id_number)
    emit_many(views, as_json, _print_person)
    if not as_json and not views:
        echo("no person matches", err=True)


@person.command("show")
@click.argument("person_id", metavar="ID", type=int)
@click.option("--reveal", is_flag=True, help="Also print the full ID number (directors; audited).")
@json_option
@pass_office
def person_show(office: Office, person_id: int, reveal: bool, as_json: bool) -> None:
    """Show a person and the history of their record.

    \b
    Example:
        supervise person show 1
        supervise person show 1 --reveal
    """
    view = office.person(person_id)
    number = office.reveal_id_number(person_id) if reveal else None
    if as_json and number is not None:
        # Deliberately past the masking of every other output: this is the audited reveal.
        click.echo(json.dumps({**view.as_json(), "id_number": number}, ensure_ascii=False))
        return
    emit_one(view, as_json, _print_person, edits=True)
    if number is not None:
        click.echo(f"ID number (revealed, audited): {number}")


@person.command("edit")
@click.argument("person_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--email")
@click.option("--address", help="住址 (home address).")
@json_option
@pass_office
def person_edit(
    office: Office,
    person_id: int,
    name: str | None,
    email: str | None,
    address: str | None,
    as_json: bool,
) -> None:
    """Change a person's name, e-mail or address (old values are kept).

    \b
    Example:
        supervise person edit 1 --email li@example.org
        supervise person edit 1 --address 重庆市渝中区民生路2号
    """
    view = office.edit_person(person_id, name=name, email=email, address=address)
    emit_one(view, as_json, _print_person)
