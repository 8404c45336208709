"""`supervise review` (法制审核) and `supervise discuss` (集体讨论): the law's four eyes on the
decision a case is heading for."""

from __future__ import annotations

import click

from supervise.cli.base import cli, echo, emit_json, json_option, pass_office
from supervise.clock import parse_date
from supervise.errors import InvalidInput
from supervise.office import Office


@cli.command()
@click.argument("case_id", metavar="CASE", type=int)
@click.option("--approve", is_flag=True, help="The review passes the decision.")
@click.option("--reject", is_flag=True, help="The review does not pass it.")
@click.option("--opinion", required=True, metavar="TEXT", help="The reviewer's written opinion.")
@json_option
@pass_office
def review(
    office: Office, case_id: int, approve: bool, reject: bool, opinion: str, as_json: bool
) -> None:
    """Record the legal review (法制审核) of the decision CASE is heading for.

    The review freezes the decision as it stands (event, basis, term, the prior notice's
    facts, the hearing record); if any of these changes, it must be made again. A reviewer
    who investigated the case is refused (行政处罚法 Art. 58).

    \b
    Example:
        supervise review 12 --approve --opinion 事实清楚，证据确凿，适用依据正确，程序合法
    """
    if approve == reject:
        raise InvalidInput("give exactly one of --approve or --reject")
    result = office.review(case_id, approve=approve, opinion=opinion)
    if as_json:
        emit_json(result.as_json())
        return
    frozen = result.frozen
    term = f", term {frozen['term']} years" if frozen.get("term") is not None else ""
    echo(
        f"case {case_id}: legal review {result.outcome} (step {result.seq}) of "
        f"{frozen['decision']} (basis {frozen['basis'] or '-'}{term})"
    )
    for line in result.scrutiny.lines():
        echo(f"  {line}")


@cli.command()
@click.argument("case_id", metavar="CASE", type=int)
@click.option("--on", "on", required=True, metavar="YYYY-MM-DD", help="The day it was held.")
@click.option(
    "--attendees",
    required=True,
    multiple=True,
    metavar="NAME",
    help="Each of the bureau's heads present (repeat, or list them after one --attendees).",
)
@click.option("--conclusion", required=True, metavar="TEXT", help="What the heads concluded.")
@click.option(
    "--decision",
    required=True,
    metavar="EVENT",
    help="The decision concluded: the case's decision event or its drop (impose_ban, drop_ban).",
)
@click.option("--years", type=int, help="For impose_ban: the term concluded.")
@click.argument("more_attendees", nargs=-1, metavar="")
@json_option
@pass_office
def discuss(
    office: Office,
    case_id: int,
    on: str,
    attendees: tuple[str, ...],
    conclusion: str,
    decision: str,
    years: int | None,
    more_attendees: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record the collective discussion (集体讨论) of the decision CASE is heading for.

    The decision may then follow only the discussion's conclusion (--decision, and --years
    for a ban); a change of the proposal or the hearing record makes it stale (行政处罚法
    Art. 57).

    \b
    Example:
        supervise discuss 12 --on 2026-12-20 --attendees 王局长 李副局长 张副局长 \\
            --decision impose_ban --years 3 --conclusion 同意作出从业禁止三年的决定
    """
    names = [*attendees, *more_attendees]
    result = office.discuss(
        case_id,
        on=parse_date(on, "--on"),
        attendees=names,
        conclusion=conclusion,
        decision=decision,
        years=years,
    )
    if as_json:
        emit_json(result.as_json())
        return
    term = f" ({years} years)" if years is not None else ""
    echo(
        f"case {case_id}: collective discussion of {on} (step {result.seq}) concluded "
        f"{result.outcome}{term}; attendees: {', '.join(names)}"
    )
    for line in result.scrutiny.lines():
        echo(f"  {line}")
