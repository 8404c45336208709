"""Issuing official notices inside a transition (service layer).

A transition that needs a document creates its notice in the same transaction as the state
change: its number (文号, sequential per series and year, never reused or skipped), a frozen
snapshot of the data (``snapshot.py``), the rendered HTML and its SHA-256. What each notice
type is, which events issue it and which window its service starts is in
``notices/types.py``.

Windows that the law counts from notice (陈述申辩, 听证申请, 整改, 撤换) wait until the notice
is served (``records.serve`` starts them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.deadlines import period_due
from supervise.errors import InvalidInput
from supervise.notices.numbering import format_number
from supervise.notices.types import NOTICE_TYPES, notices_of_event, validate_details
from supervise.numerals import cn_date, cn_time
from supervise.redact import quoted
from supervise.rules import Params
from supervise.runtime import Runtime
from supervise.services.cases.store import running_deadlines, still_running
from supervise.services.notices import store
from supervise.services.notices.snapshot import IssueContext, notice_snapshot


def prepare(
    event: str, params: Params, when: datetime, zone: ZoneInfo
) -> dict[str, dict[str, Any]]:
    """Validate the event's document details before anything is read or written.

    The user's ``--details`` file, ``--facts`` and ``--place`` are spread over the event's
    notice types; fields the engine knows (dates, the record, the reason) fill the rest.

    Raises:
        InvalidInput: a field no notice of this event takes, or a required one missing.
    """
    types = notices_of_event(event)
    given = dict(params.details)
    odd = [k for k in given if not isinstance(k, str)]
    if odd:
        raise InvalidInput(
            f"--details has a field named {quoted(odd[0], 60)}; field names are text, "
            "e.g. evidence: ..."
        )
    if not types:
        if given:
            raise InvalidInput(
                f"{event} produces no notice, so it takes no --facts/--place/--details"
            )
        return {}
    allowed = {f for t in types for f in NOTICE_TYPES[t].allowed_fields}
    if "hearing_place" in allowed:
        allowed.add("place")  # --place names the hearing's place on a hearing notice
    unknown = sorted(k for k in given if k not in allowed)
    if unknown:
        raise InvalidInput(
            f"{event} does not take details field(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    day = when.astimezone(zone).date()
    if params.date is not None:
        for key in ("time_cn", "hearing_time_cn"):
            _same_day(key, given.get(key), params.date)
    derived: dict[str, Any] = {
        "time_cn": cn_time(params.date, params.time) if params.date else cn_date(day),
        "hearing_time_cn": cn_time(params.date, params.time) if params.date else None,
        "hearing_place": given.get("place"),
        "record": params.reason,
        "reason": params.reason,
        "reference": params.reference,
    }
    out: dict[str, dict[str, Any]] = {}
    for notice_type in types:
        fields = NOTICE_TYPES[notice_type].allowed_fields
        chosen = {k: v for k, v in given.items() if k in fields}
        for key, value in derived.items():
            if key in fields and key not in chosen and value is not None:
                chosen[key] = value
        out[notice_type] = validate_details(notice_type, chosen)
    return out


def _same_day(key: str, value: object, day: date) -> None:
    """A time written out in --details must be on the day --date gives."""
    if value is None:
        return
    wanted = cn_date(day)
    if not isinstance(value, str) or wanted not in value:
        raise InvalidInput(
            f"details field {key} ({quoted(value, 60)}) is not on --date {day.isoformat()}; "
            f"write the time on {wanted} (e.g. {wanted}上午9时30分) or leave {key} out"
        )


@dataclass
class Issued:
    """What a step's notices created: each notice's (id, type, number), and the service
    deadlines they opened (added to the unit of work, not yet written)."""

    notices: list[tuple[int, str, str]] = field(default_factory=list)
    deadlines: list[model.Deadline] = field(default_factory=list)


def pattern_of(rt: Runtime, notice_type: str) -> str:
    """The document-number pattern of a type: the office's, else the type's default."""
    return rt.settings.notices.numbers.get(notice_type) or NOTICE_TYPES[notice_type].pattern


def _series(rt: Runtime, pattern: str) -> str:
    """The counter a pattern draws from: types sharing a pattern share one series."""
    return next(t for t in NOTICE_TYPES if pattern_of(rt, t) == pattern)


def issue(uow: UnitOfWork, rt: Runtime, ctx: IssueContext) -> Issued:
    """Create the event's notices inside the caller's transaction."""
    types = notices_of_event(ctx.event)
    issued = Issued()
    if not types:
        return issued
    day = ctx.when.astimezone(rt.settings.zone).date()
    renderer = rt.notice_renderer()
    if ctx.running is None:
        uow.flush()  # the deadlines this transition just opened, for the read
        deadlines = running_deadlines(uow, ctx.case.id)
    else:
        # Those opened by this step are written later, with the windows' notice ids set
        # (one INSERT each instead of an INSERT and an UPDATE).
        deadlines = still_running(ctx.case.id, ctx.running)
    # Every window this event's notices start counts from service, in all its documents
    # (the 约谈记录 states the rectification period the 整改通知书 starts).
    starting = frozenset(kind for t in types for kind in NOTICE_TYPES[t].starts)
    for notice_type in types:
        nt = NOTICE_TYPES[notice_type]
        if nt.replaces_earlier:
            _supersede(uow, ctx.case.id, notice_type, ctx.seq, deadlines)
        pattern = pattern_of(rt, notice_type)
        seq = store.allocate_number(uow, _series(rt, pattern), day.year)
        number = format_number(pattern, year=day.year, seq=seq)
        snapshot = notice_snapshot(uow, rt, ctx, notice_type, number, day, deadlines, starting)
        html = renderer.render_html(notice_type, snapshot)
        # A prebuilt Core INSERT: the notice is not used as an object in this transaction,
        # and the ORM's unit of work cost more than the statement.
        notice_id = store.insert_notice(
            uow,
            case_id=ctx.case.id,
            history_seq=ctx.seq,
            type=notice_type,
            number=number,
            year=day.year,
            seq=seq,
            created_at=ctx.when,
            snapshot=snapshot,
            template_version=renderer.template_version(notice_type),
            html=html,
            html_sha256=hashlib.sha256(html.encode("utf-8")).hexdigest(),
        )
        issued.notices.append((notice_id, notice_type, number))
        if nt.starts:
            for deadline in deadlines:
                if deadline.kind in nt.starts and deadline.opened_seq == ctx.seq:
                    deadline.status, deadline.notice_id = "waiting", notice_id
        if nt.served:
            rule, amount, due = period_due(ctx.law.calendar, day, rt.settings.periods.service)
            service = model.Deadline(
                case_id=ctx.case.id,
                kind="service",
                nature="office",
                owner="*" if nt.serve_always else ctx.case.state.value,
                start=day,
                rule=rule,
                amount=amount,
                due=due.day,
                provisional=due.provisional,
                status="open",
                opened_seq=ctx.seq,
                closed_seq=None,
                notice_id=notice_id,
            )
            uow.session.add(service)
            issued.deadlines.append(service)
    return issued


def _supersede(
    uow: UnitOfWork, case_id: int, notice_type: str, seq: int, running: Sequence[model.Deadline]
) -> None:
    """A rescheduled interview or hearing replaces the earlier notice and its service duty
    (an earlier notice's open deadlines are among the case's running ones)."""
    old = store.supersede_notices(uow, case_id, notice_type)
    for deadline in running:
        if deadline.notice_id in old and deadline.status == "open":
            deadline.status, deadline.closed_seq = "moved", seq
