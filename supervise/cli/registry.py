"""`supervise org …` and `supervise person …`: the organizations and people supervised."""

from __future__ import annotations

import click

from supervise.bootstrap import App
from supervise.cli.base import cli, emit_json, json_option, pass_app
from supervise.config import ORG_KINDS
from supervise.services import registry as service
from supervise.services.views import OrgView, PersonView


def _print_org(view: OrgView) -> None:
    charity = " 慈善组织" if view.charity else ""
    click.echo(
        f"{view.id:>5}  {view.name}  {view.credit_code}  {ORG_KINDS.get(view.kind, view.kind)}"
        f"{charity}  {view.district}{' ' + view.township if view.township else ''}"
    )


def _print_person(view: PersonView) -> None:
    click.echo(f"{view.id:>5}  {view.name}  {view.id_number_masked}  {view.email or '-'}")


def _print_edits(history: list[dict[str, object]]) -> None:
    for edit in history:
        changes = edit["changes"]
        assert isinstance(changes, dict)
        text = "; ".join(f"{k}: {v['old']!r} -> {v['new']!r}" for k, v in changes.items())
        click.echo(f"       edited {edit['at']} by {edit['by']}: {text}")


@cli.group()
def org() -> None:
    """Social organizations (社会组织)."""


@org.command("add")
@click.option("--name", required=True)
@click.option("--credit-code", required=True, help="统一社会信用代码 (18 characters).")
@click.option("--district", required=True, help="区县.")
@click.option("--kind", required=True, type=click.Choice(list(ORG_KINDS)))
@click.option("--township", help="乡镇/街道.")
@click.option("--charity", is_flag=True, help="A registered charity (慈善组织).")
@click.option("--email", help="Contact e-mail.")
@json_option
@pass_app
def org_add(
    app: App,
    name: str,
    credit_code: str,
    district: str,
    kind: str,
    township: str | None,
    charity: bool,
    email: str | None,
    as_json: bool,
) -> None:
    """Register an organization.

    \b
    Example:
        supervise org add --name 某某儿童服务中心 --credit-code 52500103MJP1234567 \\
            --district 渝中区 --kind service-org --charity
    """
    view = service.add_org(
        app,
        service.OrgInput(name, credit_code, district, kind, township, charity, email),
    )
    if as_json:
        emit_json(view.as_json())
    else:
        _print_org(view)


@org.command("list")
@click.option("--district")
@json_option
@pass_app
def org_list(app: App, district: str | None, as_json: bool) -> None:
    """List organizations.

    \b
    Example:
        supervise org list --district 渝中区
    """
    views = service.list_orgs(app, district)
    if as_json:
        emit_json([v.as_json() for v in views])
    else:
        for v in views:
            _print_org(v)


@org.command("show")
@click.argument("org_id", metavar="ID", type=int)
@json_option
@pass_app
def org_show(app: App, org_id: int, as_json: bool) -> None:
    """Show an organization and the history of its record.

    \b
    Example:
        supervise org show 1
    """
    view = service.show_org(app, org_id)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_org(view)
        _print_edits(view.history)


@org.command("edit")
@click.argument("org_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--email")
@click.option("--township")
@json_option
@pass_app
def org_edit(
    app: App,
    org_id: int,
    name: str | None,
    email: str | None,
    township: str | None,
    as_json: bool,
) -> None:
    """Change an organization's name, contact or township (old values are kept).

    \b
    Example:
        supervise org edit 1 --email office@example.org
    """
    view = service.edit_org(app, org_id, {"name": name, "email": email, "township": township})
    if as_json:
        emit_json(view.as_json())
    else:
        _print_org(view)


@cli.group()
def person() -> None:
    """People who hold or held posts (负责人); ID numbers are always shown masked."""


@person.command("add")
@click.option("--name", required=True)
@click.option("--id-number", required=True, help="居民身份证号码 (18 characters).")
@click.option("--email")
@json_option
@pass_app
def person_add(app: App, name: str, id_number: str, email: str | None, as_json: bool) -> None:
    """Register a person.

    \b
    Example:
        supervise person add --name 李四 --id-number 11010519491231002X
    """
    view = service.add_person(app, name, id_number, email)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_person(view)


@person.command("list")
@json_option
@pass_app
def person_list(app: App, as_json: bool) -> None:
    """List persons.

    \b
    Example:
        supervise person list --json
    """
    views = service.list_persons(app)
    if as_json:
        emit_json([v.as_json() for v in views])
    else:
        for v in views:
            _print_person(v)


@person.command("find")
@click.option("--name", help="Part of the name.")
@click.option("--id-number", help="The full ID number.")
@json_option
@pass_app
def person_find(app: App, name: str | None, id_number: str | None, as_json: bool) -> None:
    """Find persons by name or ID number.

    \b
    Example:
        supervise person find --name 李
    """
    views = service.find_persons(app, name, id_number)
    if as_json:
        emit_json([v.as_json() for v in views])
    else:
        for v in views:
            _print_person(v)
        if not views:
            click.echo("no person matches", err=True)


@person.command("show")
@click.argument("person_id", metavar="ID", type=int)
@json_option
@pass_app
def person_show(app: App, person_id: int, as_json: bool) -> None:
    """Show a person and the history of their record.

    \b
    Example:
        supervise person show 1
    """
    view = service.show_person(app, person_id)
    if as_json:
        emit_json(view.as_json())
    else:
        _print_person(view)
        _print_edits(view.history)


@person.command("edit")
@click.argument("person_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--email")
@json_option
@pass_app
def person_edit(
    app: App, person_id: int, name: str | None, email: str | None, as_json: bool
) -> None:
    """Change a person's name or e-mail (old values are kept).

    \b
    Example:
        supervise person edit 1 --email li@example.org
    """
    view = service.edit_person(app, person_id, {"name": name, "email": email})
    if as_json:
        emit_json(view.as_json())
    else:
        _print_person(view)
