"""`supervise report …`: the bureau's reports, as tables, JSON or one HTML page."""

from __future__ import annotations

from pathlib import Path

import click

from supervise.cli.base import FilePath, cli, echo, emit_json, json_option, pass_office
from supervise.cli.tables import render
from supervise.clock import parse_date
from supervise.errors import InvalidInput
from supervise.office import Office
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
