"""`supervise org …`: the organizations supervised (社会组织)."""

from __future__ import annotations

import click

from supervise.cli.base import (
    cli,
    echo,
    emit_json,
    emit_many,
    emit_one,
    json_option,
    pass_office,
)
from supervise.clock import parse_date
from supervise.law import ORG_KINDS
from supervise.office import Office
from supervise.orgrecord import INITIAL_STATES
from supervise.states import ORG_EVENTS, OrgState
from supervise.views import OrgAdvanceResult, OrgView


def _print_org(view: OrgView) -> None:
    charity = " 慈善组织" if view.charity else ""
    professional = " 专业未保组织" if view.professional else ""
    echo(
        f"{view.id:>5}  {view.name}  {view.credit_code}  {ORG_KINDS.get(view.kind, view.kind)}"
        f"{charity}{professional}  {view.district}{' ' + view.township if view.township else ''}"
        f"  {view.address or '(no address)'}  {view.status_zh}"
    )


def _print_org_detail(view: OrgView) -> None:
    _print_org(view)
    if view.services:
        echo(f"       services: {'、'.join(view.services)}")
    if view.serves:
        echo(f"       serves: {'、'.join(view.serves)}")
    for link in view.links:
        until = f" until {link.until.isoformat()}" if link.until else ""
        echo(f"       linked with {link.institution} since {link.since.isoformat()}{until}")
    for event in view.lifecycle:
        reason = f": {event['reason']}" if event.get("reason") else ""
        echo(
            f"       {event['at']}  {event['event']}  {event['from'] or '-'} -> {event['to']}"
            f"  by {event['by']}{reason}"
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
@click.option("--professional", is_flag=True, help="A professional child-protection organization.")
@click.option(
    "--service", "services", multiple=True, help="A service it provides (repeat; configured)."
)
@click.option(
    "--serves", multiple=True, help="A township it serves: 乡镇 or 区县/乡镇 (repeat; loaded)."
)
@click.option(
    "--state",
    type=click.Choice(list(INITIAL_STATES)),
    default="active",
    show_default=True,
    help="Where it starts in its lifecycle.",
)
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
    professional: bool,
    services: tuple[str, ...],
    serves: tuple[str, ...],
    state: str,
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
        professional=professional,
        services=services,
        serves=serves,
        state=state,
    )
    emit_one(view, as_json, _print_org)


@org.command("list")
@click.option("--district")
@click.option("--status", type=click.Choice([s.value for s in OrgState]), help="Lifecycle state.")
@json_option
@pass_office
def org_list(office: Office, district: str | None, status: str | None, as_json: bool) -> None:
    """List organizations.

    \b
    Example:
        supervise org list --district 渝中区 --status under_review
    """
    views = office.orgs(district=district, status=status)
    emit_many(views, as_json, _print_org)


@org.command("show")
@click.argument("org_id", metavar="ID", type=int)
@json_option
@pass_office
def org_show(office: Office, org_id: int, as_json: bool) -> None:
    """Show an organization, its links, its lifecycle and the history of its record.

    \b
    Example:
        supervise org show 1
    """
    view = office.org(org_id)
    emit_one(view, as_json, _print_org_detail, edits=True)


@org.command("edit")
@click.argument("org_id", metavar="ID", type=int)
@click.option("--name")
@click.option("--email")
@click.option("--township")
@click.option("--address", help="住所 (registered address).")
@click.option("--legal-representative", help="法定代表人.")
@click.option(
    "--professional/--not-professional",
    default=None,
    help="Whether it is a professional child-protection organization.",
)
@click.option("--service", "services", multiple=True, help="Services (replace the list).")
@click.option("--no-services", is_flag=True, help="Clear the services.")
@click.option("--serves", multiple=True, help="Townships served (replace the list).")
@click.option("--no-serves", is_flag=True, help="Clear the townships served.")
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
    professional: bool | None,
    services: tuple[str, ...],
    no_services: bool,
    serves: tuple[str, ...],
    no_serves: bool,
    as_json: bool,
) -> None:
    """Change an organization's record (old values are kept).

    \b
    Example:
        supervise org edit 1 --email office@example.org
        supervise org edit 1 --address 重庆市渝中区人民路1号
        supervise org edit 1 --professional --service 关爱保护 --service 心理辅导 \\
            --serves 解放碑街道 --serves 七星岗街道
    """
    view = office.edit_org(
        org_id,
        name=name,
        email=email,
        township=township,
        address=address,
        legal_representative=legal_representative,
        professional=professional,
        services=_replacement(services, no_services, "--service", "--no-services"),
        serves=_replacement(serves, no_serves, "--serves", "--no-serves"),
    )
    emit_one(view, as_json, _print_org_detail)


def _replacement(
    values: tuple[str, ...], clear: bool, option: str, clear_option: str
) -> tuple[str, ...] | None:
    if values and clear:
        raise click.UsageError(f"give {option} or {clear_option}, not both")
    if clear:
        return ()
    return values or None


@org.command("link")
@click.argument("org_id", metavar="ORG", type=int)
@click.option("--institution", required=True, help="The district's 未成年人救助保护机构.")
@click.option("--since", metavar="YYYY-MM-DD", help="When the link began (default today).")
@json_option
@pass_office
def org_link(
    office: Office, org_id: int, institution: str, since: str | None, as_json: bool
) -> None:
    """Link an organization with its district's rescue-and-protection institution (结对).

    \b
    Example:
        supervise org link 1 --institution 渝中区未成年人救助保护中心 --since 2026-03-01
    """
    day = None if since is None else parse_date(since, "--since")
    view = office.link_org(org_id, institution=institution, since=day)
    emit_one(view, as_json, _print_org_detail)


@org.command("unlink")
@click.argument("org_id", metavar="ORG", type=int)
@click.option("--on", "on", metavar="YYYY-MM-DD", help="When the link ended (default today).")
@json_option
@pass_office
def org_unlink(office: Office, org_id: int, on: str | None, as_json: bool) -> None:
    """End an organization's link with the institution (kept as history).

    \b
    Example:
        supervise org unlink 1 --on 2026-11-30
    """
    day = None if on is None else parse_date(on, "--on")
    view = office.unlink_org(org_id, on=day)
    emit_one(view, as_json, _print_org_detail)


def _print_advance(result: OrgAdvanceResult) -> None:
    info = ORG_EVENTS.get(result.event)
    echo(
        f"organization {result.organization.id}: {result.event}"
        f"{' (' + info.zh + ')' if info else ''}  {result.from_state} -> {result.to_state}"
    )
    if result.terminated_contracts:
        ids = ", ".join(map(str, result.terminated_contracts))
        echo(f"  contracts terminated: {ids}")
    if result.ended_link is not None:
        echo(f"  link {result.ended_link} ended")
    if result.open_cases:
        ids = ", ".join(map(str, result.open_cases))
        echo(f"  leadership cases still open (close them by their own events): {ids}")


@org.command("advance")
@click.argument("org_id", metavar="ORG", type=int)
@click.argument("event", metavar="EVENT")
@click.option("--reason", help="Why (required for open_review, restore and exit).")
@json_option
@pass_office
def org_advance(office: Office, org_id: int, event: str, reason: str | None, as_json: bool) -> None:
    """Move an organization on its lifecycle: register, activate, open_review, restore, exit.

    restore and exit close an exit review and are for directors.

    \b
    Example:
        supervise --as director_li org advance 3 exit --reason 连续两次评估不合格
    """
    result = office.advance_org(org_id, event, reason=reason)
    if as_json:
        emit_json(result.as_json())
        return
    _print_advance(result)
