"""`supervise appoint` and `supervise case …`: open, advance and inspect leadership cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from supervise.cli.base import (
    FilePath,
    cli,
    echo,
    emit_json,
    emit_json_list,
    json_option,
    pass_office,
)
from supervise.clock import parse_date, parse_day_and_time, parse_time, parse_when
from supervise.errors import InvalidInput
from supervise.office import Office
from supervise.states import EVENTS, STATE_NAMES
from supervise.userfiles import read_yaml_file
from supervise.views import CaseView, DeadlineView


def _due(d: DeadlineView) -> str:
    if d.waiting:
        return f"waits until notice {d.notice} is served"
    mark = " (provisional: holidays not announced yet)" if d.provisional else ""
    return f"{d.due.isoformat()}{mark}"


def read_details(path: Path | None) -> dict[str, Any]:
    """The notice fields of --details FILE.yaml."""
    if path is None:
        return {}
    loaded = read_yaml_file(path, "--details")
    if loaded is not None and not isinstance(loaded, dict):
        raise InvalidInput(f"--details {path} must hold a mapping of field names to values")
    return dict(loaded or {})


def print_case(office: Office, view: CaseView, *, detail: bool) -> None:
    zone = office.settings.zone
    zh, en = STATE_NAMES[view.state]
    echo(
        f"case {view.id}: {view.person.name} ({view.person.id_number_masked}), {view.role}, "
        f"{view.organization.name} [org {view.organization.id}]"
    )
    echo(f"  state: {view.state.value} ({zh})   supervisor: {view.supervisor or '-'}")
    if not detail:
        return
    if view.deadlines:
        echo("  open deadlines:")
        for d in view.deadlines:
            echo(f"    {_due(d):<12}  {d.kind} {d.label}")
    else:
        echo("  open deadlines: none")
    if view.scrutiny is not None:
        for line in view.scrutiny.lines():
            echo(f"  {line}")
    echo("  history:")
    for h in view.history:
        at = h.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        move = f"{h.from_state or '-'} -> {h.to_state}"
        extra = "".join(
            f"  {label}: {value}"
            for label, value in (("basis", h.basis), ("reason", h.reason))
            if value
        )
        echo(f"    {h.seq:>3}  {at}  {h.event:<22} {move}  by {h.by}{extra}")


@cli.command()
@click.option("--org", "org_id", type=int, required=True, help="Organization id.")
@click.option("--person", "person_id", type=int, required=True, help="Person id.")
@click.option("--role", required=True, help="The post, e.g. 秘书长 (see `config show`).")
@click.option("--at", "at", metavar="WHEN", help="When it happened (default now).")
@json_option
@pass_office
def appoint(
    office: Office, org_id: int, person_id: int, role: str, at: str | None, as_json: bool
) -> None:
    """Open a case: PERSON takes ROLE in ORG, after the ban check (入职查询).

    \b
    Example:
        supervise appoint --org 1 --person 1 --role 秘书长
    """
    when = None if at is None else parse_when(at, office.settings.zone, "--at")
    view = office.appoint(org=org_id, person=person_id, role=role, at=when)
    if as_json:
        emit_json(view.as_json(office.settings.zone))
    else:
        print_case(office, view, detail=False)


@cli.group()
def case() -> None:
    """Advance, show and list leadership cases."""


@case.command("advance")
@click.argument("case_id", metavar="CASE", type=int)
@click.argument("event")
@click.option(
    "--date",
    "date_",
    metavar="YYYY-MM-DD[THH:MM]",
    help="Interview or hearing date, with its hour (2026-05-06T09:30).",
)
@click.option("--time", "time_", metavar="HH:MM", help="The hour of the interview or hearing.")
@click.option("--until", metavar="YYYY-MM-DD", help="Last day of a ban.")
@click.option("--years", type=int, help="A ban's term in years: proposed, then decided.")
@click.option(
    "--conduct-date", metavar="YYYY-MM-DD", help="When the conduct a proposal is about happened."
)
@click.option("--lifelong", is_flag=True, help="A lifelong court ban.")
@click.option("--judgment", metavar="REF", help="The court judgment recording a ban.")
@click.option("--court", metavar="NAME", help="The court that gave the judgment.")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day of a court ban.")
@click.option("--waiver", is_flag=True, help="The party expressly waived the statement window.")
@click.option("--absent", is_flag=True, help="The party was absent from the hearing.")
@click.option("--reason", metavar="TEXT", help="Why; the statement or record text.")
@click.option("--basis", metavar="KEY", help="Legal basis key (see `config show`).")
@click.option(
    "--breach", metavar="KEY", help="The provision breached: a key of the basis's provisions."
)
@click.option("--reference", metavar="REF", help="Review decision or judgment setting aside.")
@click.option("--facts", metavar="TEXT", help="The facts, for the event's notice.")
@click.option("--place", metavar="TEXT", help="The place of an interview or hearing.")
@click.option(
    "--details",
    "details_file",
    metavar="FILE.yaml",
    type=FilePath(path_type=Path, dir_okay=False),
    help="Any field the event's notice uses (evidence, interviewers, chair, ...).",
)
@click.option("--at", "at", metavar="WHEN", help="When it happened (default now).")
@json_option
@pass_office
def advance(
    office: Office,
    case_id: int,
    event: str,
    date_: str | None,
    time_: str | None,
    until: str | None,
    years: int | None,
    conduct_date: str | None,
    lifelong: bool,
    judgment: str | None,
    court: str | None,
    start: str | None,
    waiver: bool,
    absent: bool,
    reason: str | None,
    basis: str | None,
    breach: str | None,
    reference: str | None,
    facts: str | None,
    place: str | None,
    details_file: Path | None,
    at: str | None,
    as_json: bool,
) -> None:
    """Apply EVENT to CASE (`case next CASE` lists what is possible).

    Events that produce a notice take its content with --facts, --place and --details
    (a YAML file of the notice's fields); missing or unknown fields are refused by name.

    \b
    Example:
        supervise case advance 1 schedule_interview --date 2026-12-10 \\
            --facts 未按期报送年度工作报告 --place 区民政局301室 --details interview.yaml
        supervise case advance 2 propose_ban --years 3 --breach 109 --details ban.yaml
        supervise case advance 2 request_hearing --date 2026-05-06T09:30 --place 听证室
        supervise case advance 2 impose_ban --years 3 --details ban.yaml
    """
    zone = office.settings.zone
    day, hour = (None, None) if date_ is None else parse_day_and_time(date_, "--date")
    if time_ is not None:
        if hour is not None:
            raise InvalidInput("give the hour once: --date DAYTHH:MM or --date DAY --time HH:MM")
        hour = parse_time(time_, "--time")
    result = office.advance(
        case_id,
        event,
        at=None if at is None else parse_when(at, zone, "--at"),
        details=read_details(details_file),
        facts=facts,
        place=place,
        date=day,
        time=hour,
        until=None if until is None else parse_date(until, "--until"),
        years=years,
        conduct_date=None if conduct_date is None else parse_date(conduct_date, "--conduct-date"),
        lifelong=lifelong,
        judgment=judgment,
        court=court,
        start=None if start is None else parse_date(start, "--from"),
        waiver=waiver,
        absent=absent,
        reason=reason,
        basis=basis,
        breach=breach,
        reference=reference,
    )
    if as_json:
        emit_json(result.as_json(zone))
        return
    echo(
        f"case {case_id}: {event} ({EVENTS[event].zh}) "
        f"{result.from_state.value} -> {result.to_state.value}"
    )
    for other in result.cascaded:
        echo(f"case {other}: ban_cascade -> replacement_ordered (banned person may not serve)")
    # A ban's cascade notices belong to the other cases, one each, in the order cascaded.
    reached = iter(result.cascaded)
    for notice_id, notice_type, number in result.notices:
        where = f", case {next(reached)}" if notice_type == "cascade_notice" else ""
        echo(f"  notice {notice_id}: {number} ({notice_type}{where})")
    for d in result.case.deadlines:
        echo(f"  deadline {d.kind} ({d.label}): {_due(d)}")
    echo(f"  next: {', '.join(result.next_events) or 'none (final state)'}")


@case.command("show")
@click.argument("case_id", metavar="CASE", type=int)
@json_option
@pass_office
def show(office: Office, case_id: int, as_json: bool) -> None:
    """Show CASE: state, organization, person, open deadlines and the full history.

    \b
    Example:
        supervise case show 1 --json
    """
    view = office.case(case_id)
    if as_json:
        emit_json(view.as_json(office.settings.zone, detail=True))
    else:
        print_case(office, view, detail=True)


@case.command("list")
@click.option("--state", metavar="STATE", help="Only cases in this state.")
@click.option("--org", "org_id", type=int, help="Only this organization's cases.")
@click.option("--person", "person_id", type=int, help="Only this person's cases.")
@click.option("--overdue", is_flag=True, help="Only cases with a deadline of the office passed.")
@click.option("--limit", type=click.IntRange(1, 100_000), default=100, show_default=True)
@json_option
@pass_office
def list_(
    office: Office,
    state: str | None,
    org_id: int | None,
    person_id: int | None,
    overdue: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List cases, oldest first.

    \b
    Example:
        supervise case list --state warning_proposed
        supervise case list --overdue --json
    """
    views = office.cases(state=state, org=org_id, person=person_id, overdue=overdue, limit=limit)
    if as_json:
        emit_json_list(v.as_json(office.settings.zone) for v in views)
        return
    shown = 0
    for v in views:
        shown += 1
        echo(
            f"{v.id:>6}  {v.state.value:<22} {v.role:<6} {v.person.name} "
            f"({v.person.id_number_masked})  {v.organization.name}"
        )
    if not shown:
        echo("no cases match", err=True)


@case.command("next")
@click.argument("case_id", metavar="CASE", type=int)
@json_option
@pass_office
def next_(office: Office, case_id: int, as_json: bool) -> None:
    """What can happen to CASE now: each event, allowed or not, and why.

    \b
    Example:
        supervise case next 1
    """
    view, events = office.next_events(case_id)
    zone = office.settings.zone
    if as_json:
        emit_json([e.as_json(zone) for e in events])
        return
    echo(f"case {view.id} is {view.state.value} ({view.state_zh})")
    if not events:
        echo("  no further events: the case is closed")
    for e in events:
        mark = "yes" if e.allowed else "no "
        needs = " ".join(f"--{n}" for n in e.needs)
        line = f"  [{mark}] {e.event:<22} {e.zh}"
        if needs:
            line += f"   needs {needs}"
        if e.bases:
            line += f"   basis: {', '.join(e.bases)}"
        echo(line)
        if e.reason:
            echo(f"         {e.reason}")
        needed = e.scrutiny is not None and {e.scrutiny["review"], e.scrutiny["discussion"]} != {
            "not_needed"
        }
        if e.scrutiny is not None and needed and e.event == e.scrutiny["decision"]:
            echo(
                f"         legal review (法制审核): {e.scrutiny['review']}; "
                f"collective discussion (集体讨论): {e.scrutiny['discussion']}"
            )
        if e.earliest:
            echo(f"         earliest: {e.earliest.astimezone(zone).isoformat()}")


@case.command("assign")
@click.argument("case_id", metavar="CASE", type=int)
@click.argument("name", metavar="USER")
@click.option("--reason", metavar="TEXT", help="Why (kept in the history).")
@json_option
@pass_office
def case_assign(office: Office, case_id: int, name: str, reason: str | None, as_json: bool) -> None:
    """Make USER the supervisor of CASE (recorded in its history as `assign`).

    \b
    Example:
        supervise case assign 12 li --reason 工作调整
    """
    result = office.assign(case_id, name, reason=reason)
    if as_json:
        emit_json(result.as_json())
    else:
        before = result.previous or "nobody"
        echo(f"case {result.case}: supervisor {before} -> {result.supervisor}")
