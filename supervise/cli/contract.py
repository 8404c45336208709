"""`supervise contract …` and `supervise evaluate`: service contracts (政府购买服务) and
their performance evaluations."""

from __future__ import annotations

import click

from supervise.cli.base import (
    FilePath,
    cli,
    echo,
    emit_json,
    json_option,
    pass_office,
)
from supervise.clock import parse_date
from supervise.office import Office
from supervise.views import ContractView, EvaluationView


def _print_contract(view: ContractView) -> None:
    whole, cents = divmod(view.amount_fen, 100)
    grade = f"  {view.evaluation.score} {view.evaluation.grade}" if view.evaluation else "  未评估"
    echo(
        f"{view.id:>5}  {view.title}  {view.organization_name} ({view.organization})  "
        f"{view.district}  ¥{whole:,}.{cents:02d}  {view.start.isoformat()}..{view.end.isoformat()}"
        f"  {view.status}{grade}"
    )


def _print_evaluation(view: EvaluationView) -> None:
    supersedes = f"  supersedes {view.supersedes}: {view.reason}" if view.supersedes else ""
    echo(
        f"  evaluation {view.id}  {view.score} {view.grade}  {view.evaluated_on.isoformat()}  "
        f"by {view.by}  {view.status}{supersedes}"
    )
    echo("    " + "  ".join(f"{g} {s}" for g, s in view.groups.items()))


@cli.group()
def contract() -> None:
    """Service contracts the government buys (政府购买服务)."""


@contract.command("add")
@click.option("--org", "org_id", required=True, type=int, help="The organization's id.")
@click.option("--title", required=True)
@click.option("--amount", required=True, help="In yuan (元), e.g. 120000.50.")
@click.option("--start", required=True, metavar="YYYY-MM-DD")
@click.option("--end", required=True, metavar="YYYY-MM-DD")
@click.option(
    "--township", "townships", multiple=True, help="A township covered: 乡镇 or 区县/乡镇."
)
@json_option
@pass_office
def contract_add(
    office: Office,
    org_id: int,
    title: str,
    amount: str,
    start: str,
    end: str,
    townships: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record a service contract with a registered or active organization.

    \b
    Example:
        supervise contract add --org 1 --title 困境儿童关爱服务项目 --amount 120000 \\
            --start 2026-01-01 --end 2026-12-31 --township 解放碑街道
    """
    view = office.add_contract(
        org=org_id,
        title=title,
        amount=amount,
        start=parse_date(start, "--start"),
        end=parse_date(end, "--end"),
        townships=townships,
    )
    if as_json:
        emit_json(view.as_json(office.settings.zone))
        return
    _print_contract(view)


@contract.command("list")
@click.option("--org", "org_id", type=int, help="One organization's contracts.")
@click.option("--district", help="Contracts of the district's organizations.")
@click.option("--status", type=click.Choice(["open", "terminated"]))
@json_option
@pass_office
def contract_list(
    office: Office, org_id: int | None, district: str | None, status: str | None, as_json: bool
) -> None:
    """List contracts with their current evaluation.

    \b
    Example:
        supervise contract list --district 渝中区
    """
    views = office.contracts(org=org_id, district=district, status=status)
    if as_json:
        emit_json([v.as_json(office.settings.zone) for v in views])
        return
    for view in views:
        _print_contract(view)


@contract.command("show")
@click.argument("contract_id", metavar="CONTRACT", type=int)
@json_option
@pass_office
def contract_show(office: Office, contract_id: int, as_json: bool) -> None:
    """Show a contract and every evaluation of it, superseded ones included.

    \b
    Example:
        supervise contract show 1
    """
    view = office.contract(contract_id)
    if as_json:
        emit_json(view.as_json(office.settings.zone))
        return
    _print_contract(view)
    if view.townships:
        echo(f"  townships: {'、'.join(view.townships)}")
    if view.end_reason:
        echo(f"  ended: {view.end_reason}")
    for evaluation in view.evaluations:
        _print_evaluation(evaluation)


@cli.command()
@click.argument("contract_id", metavar="CONTRACT", type=int)
@click.option(
    "--scores", required=True, type=FilePath(dir_okay=False), help="The scores file (YAML)."
)
@click.option("--reason", help="Correct the current evaluation (superseding it): why.")
@json_option
@pass_office
def evaluate(
    office: Office, contract_id: int, scores: str, reason: str | None, as_json: bool
) -> None:
    """Evaluate a contract against the configured indicator system.

    The scores file gives a value for every item of every indicator group (see the
    README). A failing grade may open the organization's exit review.

    \b
    Example:
        supervise evaluate 1 --scores 评估-2026.yaml
        supervise evaluate 1 --scores 评估-2026-更正.yaml --reason 服务人次统计有误
    """
    view = office.evaluate(contract_id, scores, reason=reason)
    if as_json:
        emit_json(view.as_json(office.settings.zone))
        return
    echo(f"contract {view.contract}: evaluation {view.id}")
    _print_evaluation(view)
    if view.review_opened:
        echo(f"  organization {view.organization} is now under exit review (under_review)")
