"""`supervise org …`: the organizations supervised (社会组织)."""

from __future__ import annotations

import click

from supervise.cli.base import cli, echo, emit_many, emit_one, json_option, pass_office
from supervise.law import ORG_KINDS
from supervise.office import Office
from supervise.views import OrgView


def _print_org(view: OrgView) -> None:
    charity = " 慈善组织" if view.charity else ""
    echo(
        f"{view.id:>5}  {view.name}  {view.credit_code}  {ORG_KINDS.get(view.kind, view.kind)}"
        f"{charity}  {view.district}{' ' + view.township if view.township else ''}"
        f"  {view.address or '(no address)'}"
    )


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
@click.option("--address", help="住所 (registered address): decisions must give it.")
@click.option("--legal-representative", help="法定代表人.")
@json_option
@pass_office
def org_add(
    office: Office,
    name: str,
    credit_code: str,
    district: str,
    kind: str,
    township: str | None,
    charity: bool,
    email: str | None,
    address: str | None,
    legal_representative: str | None,
    as_json: bool,
) -> None:
    """Register an organization.

    \b
    Example:
        supervise org add --name 某某儿童服务中心 --credit-code 52500103MJP1234567 \\
            --district 渝中区 --kind service-org --charity \\
            --address 重庆市渝中区人民路1号 --legal-representative 李四
    """
    view = office.add_org(
        name=name,
        credit_code=credit_code,
        district=district,
        kind=kind,
        township=township,
        charity=charity,
        email=email,
        address=address,
        legal_representative=legal_representative,
    )
    emit_one(view, as_json, _print_org)


@org.command("list")
@click.option("--district")
@json_option
@pass_office
def org_list(office: Office, district: str | None, as_json: bool) -> None:
    """List organizations.

    \b
    Example:
        supervise org list --district 渝中区
    """
    views = office.orgs(district=district)
    emit_many(views, as_json, _print_org)


@org.command("show")
@click.argument("org_id", metavar="ID", type=int)
@json_option
@pass_office
def org_show(office: Office, org_id: int, as_json: bool) -> None:
    """Show an organization and the history of its record.

    \b
    Example:
        supervise org show 1
    """
    view = office.org(org_id)
    emit_one(view, as_json, _print_org, edits=True)


@org.command("edit")
@click.argument("org_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--email")
@click.option("--township")
@click.option("--address", help="住所 (registered address).")
@click.option("--legal-representative", help="法定代表人.")
@json_option
@pass_office
def org_edit(
    office: Office,
    org_id: int,
    name: str | None,
    email: str | None,
    township: str | None,
    address: str | None,
    legal_representative: str | None,
    as_json: bool,
) -> None:
    """Change an organization's name, contact, township, address or legal representative
    (old values are kept).

    \b
    Example:
        supervise org edit 1 --email office@example.org
        supervise org edit 1 --address 重庆市渝中区人民路1号
    """
    view = office.edit_org(
        org_id,
        name=name,
        email=email,
        township=township,
        address=address,
        legal_representative=legal_representative,
    )
    emit_one(view, as_json, _print_org)
