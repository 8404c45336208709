"""`supervise report …`: the bureau's reports, as tables, JSON or one HTML page."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office
from supervise.cli.tables import render
from supervise.clock import parse_date
from supervise.contracts import yuan
from supervise.errors import InvalidInput
from supervise.evaluation import GRADES
from supervise.office import Office
from supervise.report_contracts import ContractFigures, ContractsReport, org_state_zh
from supervise.report_contracts_html import contracts_page
from supervise.report_coverage import CoverageReport
from supervise.report_coverage_html import coverage_page
from supervise.report_html import cases_page
from supervise.report_views import PENALTY_EVENTS, PENALTY_SHORT, CasesReport, kind_zh, state_zh


def write_page(path: Path, html: str) -> None:
    """Write the page; a file that cannot be written is one line, not a traceback."""
    try:
        path.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror}") from exc
    except ValueError as exc:  # a NUL byte in the name
        raise InvalidInput(f"cannot write {path!r}: not a file name") from exc


def html_option(func: click.decorators.FC) -> click.decorators.FC:
    return click.option(
        "--html",
        "html",
        type=FilePath(path_type=Path, dir_okay=False),
        metavar="FILE",
        help="Also write the report as one self-contained HTML page.",
    )(func)


@cli.group()
def report() -> None:
    """The bureau's reports (统计报告): tables, --json, or --html FILE."""


@report.command("cases")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day of the period.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day of the period (default today).")
@html_option
@json_option
@pass_office
def report_cases(
    office: Office, start: str | None, end: str | None, html: Path | None, as_json: bool
) -> None:
    """Cases by state and district, overdue deadlines, penalties per month, median days
    from interview to closure, and notices not served in time.

    States and overdue deadlines are as of today; the other figures cover the period
    (default: the twelve calendar months up to today).

    \b
    Example:
        supervise report cases --from 2026-01-01 --to 2026-12-31 --html 案件统计.html
    """
    result = office.cases_report(
        start=None if start is None else parse_date(start, "--from"),
        end=None if end is None else parse_date(end, "--to"),
    )
    if html is not None:
        now = office.runtime.clock.now().isoformat(timespec="minutes")
        write_page(html, cases_page(result, now))
    if as_json:
        emit_json(result.as_json())
        return
    print_cases(result)
    if html is not None:
        blank()
        echo(f"HTML: {html}")


@report.command("coverage")
@html_option
@json_option
@pass_office
def report_coverage(office: Office, html: Path | None, as_json: bool) -> None:
    """The 2022 notice's cultivation targets: professional child-protection organizations
    city-wide, those linked with each district's 未成年人救助保护机构, and the townships and
    streets without an organization serving minors. Every shortfall is marked and listed.

    The targets are in the configuration (reports.coverage: 34 / 2 / 1 by default); an
    organization counts while registered, active or under review.

    \b
    Example:
        supervise report coverage --html 培育目标.html
    """
    result = office.coverage_report()
    if html is not None:
        now = office.runtime.clock.now().isoformat(timespec="minutes")
        write_page(html, coverage_page(result, now))
    if as_json:
        emit_json(result.as_json())
        return
    print_coverage(result)
    if html is not None:
        blank()
        echo(f"HTML: {html}")


@report.command("contracts")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Contracts in force from this day.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Contracts in force up to this day.")
@html_option
@json_option
@pass_office
def report_contracts(
    office: Office, start: str | None, end: str | None, html: Path | None, as_json: bool
) -> None:
    """Services bought (政府购买服务): money, evaluation scores and grades per district and
    organization; the exits and the exit reviews still open.

    Without --from/--to every contract and exit counts; with them, the contracts in force
    during the period and the exits within it. Only current evaluations count.

    \b
    Example:
        supervise report contracts --from 2026-01-01 --to 2026-12-31 --html 购买服务.html
    """
    result = office.contracts_report(
        start=None if start is None else parse_date(start, "--from"),
        end=None if end is None else parse_date(end, "--to"),
    )
    if html is not None:
        now = office.runtime.clock.now().isoformat(timespec="minutes")
        write_page(html, contracts_page(result, now))
    if as_json:
        emit_json(result.as_json())
        return
    print_contracts(result)
    if html is not None:
        blank()
        echo(f"HTML: {html}")


def blank() -> None:
    echo("")


def lines(text: str) -> None:
    """A table, one line at a time (``echo`` shows a line break inside a text as ``\\n``)."""
    for line in text.split("\n"):
        echo(line)


def print_cases(result: CasesReport) -> None:
    scope = "全市" if result.scope is None else "、".join(result.scope)
    echo(
        f"案件统计 cases report — {scope}; period {result.period.start} to {result.period.end}; "
        f"states as of {result.today}"
    )
    states = result.state_columns
    totals = result.state_totals()
    blank()
    echo("各区县案件 cases by state and district")
    lines(
        render(
            ["区县", "合计", *[state_zh(s) for s in states]],
            [[r.district, r.total, *[r.counts.get(s, 0) for s in states]] for r in result.states]
            + [["合计", sum(totals.values()), *[totals.get(s, 0) for s in states]]],
        )
    )
    blank()
    echo(f"逾期期限 overdue deadlines: {result.overdue_total}")
    if result.overdue:
        lines(
            render(
                ["区县", "期限", "件数"],
                [[r.district, kind_zh(r.kind), r.count] for r in result.overdue],
                numeric_from=2,
            )
        )
    blank()
    echo("每月处罚决定 penalties per month")
    lines(
        render(
            ["月份", "合计", *[PENALTY_SHORT[p] for p in PENALTY_EVENTS.values()]],
            [[m.month, m.total, *m.counts.values()] for m in result.penalties],
        )
    )
    median = result.median_days_interview_to_closure
    blank()
    echo(
        f"结案 closed in the period: {result.closed} "
        f"(after an interview: {result.closed_after_interview}); "
        f"median days from interview to closure: {'-' if median is None else median}"
    )
    blank()
    echo(f"文书未按期送达 notices not served in time: {result.late_total}")
    if result.notices:
        lines(
            render(
                ["区县", "应送达", "未按期"],
                [[r.district, r.to_serve, r.late] for r in result.notices],
            )
        )
    for n in result.late_notices:
        served = "unserved" if n.served_on is None else f"served {n.served_on}"
        echo(f"  notice {n.notice_id} {n.number} (case {n.case_id}): due {n.due}, {served}")
    if result.late_notices_more:
        echo(f"  … and {result.late_notices_more} more")


def mark(short: bool) -> str:
    return "▲ short" if short else "ok"


def print_coverage(result: CoverageReport) -> None:
    targets = result.targets
    scope = "全市" if result.scope is None else "、".join(result.scope)
    echo(f"培育目标 coverage report — {scope}; as of {result.today}")
    blank()
    professional = (
        f"专业未成年人保护社会组织 professional child-protection organizations: "
        f"{result.professional} / {targets.professional_orgs}"
    )
    if result.professional_short:
        professional += f"  ▲ short by {result.professional_short}"
    echo(professional)
    if result.scope is not None:
        echo("  (the target is the city's; only your districts are counted)")
    blank()
    short = result.districts_short
    echo(
        f"结对 linked with the district's rescue institution (target {targets.linked_per_district}"
        f" each): {len(short)} district(s) short"
    )
    lines(
        render(
            ["区县", "专业组织", "结对", "差额", "其他结对", "乡镇街道", "已覆盖", ""],
            [
                [
                    d.district,
                    d.professional,
                    d.linked,
                    max(0, targets.linked_per_district - d.linked),
                    d.linked_other,
                    d.townships,
                    d.townships_covered,
                    mark(d.linked_short(targets.linked_per_district)),
                ]
                for d in result.districts
            ],
        )
    )
    blank()
    echo(
        f"乡镇街道覆盖 townships and streets served (target {targets.orgs_per_township} each): "
        f"{result.townships_covered} / {result.townships}; {len(result.uncovered)} short"
    )
    for district, group in groupby(result.uncovered, key=lambda t: t.district):
        names = [t.township for t in group]
        echo(f"  ▲ {district} ({len(names)}): {'、'.join(names)}")


def _figures(f: ContractFigures) -> list[object]:
    mean = f.mean
    return [
        f.contracts,
        f.open,
        yuan(f.amount_fen),
        f.evaluated,
        "-" if mean is None else str(mean),
        *(f.grades.get(g, 0) for g in GRADES),
    ]


_FIGURE_HEADS = ["合同", "执行中", "金额（元）", "已评估", "平均分", *GRADES]


def print_contracts(result: ContractsReport) -> None:
    scope = "全市" if result.scope is None else "、".join(result.scope)
    period = (
        "all contracts"
        if result.period is None
        else f"in force {result.period.start} to {result.period.end}"
    )
    total = result.total
    echo(f"购买服务 contracts report — {scope}; {period}; as of {result.today}")
    blank()
    echo(
        f"contracts: {total.contracts}; amount: {yuan(total.amount_fen)} 元; "
        f"evaluated: {total.evaluated}; mean score: {total.mean or '-'}"
    )
    blank()
    echo("各区县 by district")
    lines(
        render(
            ["区县", *_FIGURE_HEADS],
            [[d, *_figures(f)] for d, f in result.districts] + [["合计", *_figures(total)]],
        )
    )
    blank()
    echo("各机构 by organization")
    lines(
        render(
            ["机构", "名称", "区县", "状态", *_FIGURE_HEADS],
            [
                [r.organization, r.name, r.district, org_state_zh(r.status), *_figures(r.figures)]
                for r in result.organizations
            ],
            numeric_from=4,
        )
    )
    blank()
    echo(f"整改评估中 exit reviews open: {len(result.reviews)}")
    for e in result.reviews:
        echo(f"  ▲ org {e.organization} {e.name} ({e.district}) since {e.on}: {e.reason or ''}")
    echo(f"退出 exits: {len(result.exits)}")
    for e in result.exits:
        echo(f"  org {e.organization} {e.name} ({e.district}) on {e.on}: {e.reason or ''}")
