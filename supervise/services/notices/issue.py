"""Issuing official notices inside a transition (service layer).

A transition that needs a document creates its notice in the same transaction as the state
change: its number (文号, sequential per series and year, never reused or skipped), a frozen
snapshot of the data, the rendered HTML and its SHA-256. What each notice type is, which
events issue it and which window its service starts is in ``notices/types.py``.

Windows that the law counts from notice (陈述申辩, 听证申请, 整改, 撤换) wait until the notice
is served (``records.serve`` starts them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.banterm import PENDING, term_years
from supervise.deadlines import period_due
from supervise.errors import InvalidInput
from supervise.law import (
    BAN_SCOPES,
    CASCADE_BASIS,
    DECISION_EVENTS,
    FROM_SERVICE,
    LAWSUIT_MONTHS,
    ORG_KINDS,
    PENALTY_ZH,
    REVIEW_DAYS,
    REVOKED_PENALTY,
)
from supervise.notices.numbering import format_number
from supervise.notices.types import NOTICE_TYPES, notices_of_event, validate_details
from supervise.numerals import cn_date, cn_period, cn_time
from supervise.numerals import cn_num as cn_number
from supervise.redact import quoted
from supervise.rules import Params, Rulebook
from supervise.runtime import Runtime
from supervise.services.cases.store import running_deadlines, still_running
from supervise.services.notices import store
from supervise.states import CaseState
from supervise.validation import mask_id_number


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


@dataclass(frozen=True)
class IssueContext:
    """What the transition hands over for its notices (all read inside its transaction)."""

    law: Rulebook
    case: model.Case
    org: model.Organization
    person: model.Person
    event: str
    seq: int
    when: datetime
    basis: str | None
    details: Mapping[str, Mapping[str, Any]]
    ban: model.Ban | None = None
    breach: str | None = None  # a proposal's breached provision (its citation)
    #: The case's running deadlines as this transaction left them (loaded, then opened,
    #: closed or moved in memory), so that issuing reads none back; None: read them.
    running: Sequence[model.Deadline] | None = None


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
        snapshot = _context(uow, rt, ctx, notice_type, number, day, deadlines, starting)
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


def _ban_view(ban: model.Ban | None, scope: str, years: int | None) -> dict[str, Any]:
    """The ban as its documents state it: scope and term in the statute's words, and for a
    court's ban the court and the judgment (the bureau never calls it its own decision)."""
    # A decided ban not yet served has no dates: its term starts on service (banterm).
    pending = ban is not None and ban.status == PENDING
    return {
        "pending": pending,
        "from_cn": None if ban is None or pending else cn_date(ban.start),
        "until_cn": None if ban is None or pending or ban.until is None else cn_date(ban.until),
        "lifelong": False if ban is None else ban.lifelong,
        "scope_zh": BAN_SCOPES.get(scope, scope),
        "years": years,
        "term_zh": None if years is None else f"{cn_number(years)}年",
        "by_court": False if ban is None else ban.by_court,
        "court": None if ban is None else ban.court,
        "judgment": None if ban is None else ban.judgment,
    }


def _years_of(ban: model.Ban) -> int | None:
    """The ban's term in whole years, when its dates make one (N years end the day before)."""
    return None if ban.lifelong else term_years(ban.start, ban.until)


#: The prior notice of each penalty: what its decision was proposed in.
_PRIOR_NOTICE: dict[str, str] = {
    "warning": "warning_prior_notice",
    "replacement": "replacement_prior_notice",
    "ban": "ban_prior_notice",
}


def _proposed_breach(uow: UnitOfWork, ctx: IssueContext, penalty: str | None) -> str | None:
    """A decision cites the provision breached as its prior notice told the party (the
    notice's snapshot is the record of what was notified, Arts. 44, 45)."""
    if ctx.event not in DECISION_EVENTS or penalty not in _PRIOR_NOTICE:
        return None
    prior = store.latest_notice(uow, ctx.case.id, (_PRIOR_NOTICE[penalty],))
    if prior is None:
        return None
    found = (prior.snapshot.get("basis") or {}).get("breach")
    return found if isinstance(found, str) else None


#: The decision an ending or a setting aside refers to, per event.
_ORIGINAL_OF: dict[str, tuple[str, ...]] = {
    "lift_ban": ("ban_decision",),
    "revoke_ban": ("ban_decision",),
    "revoke_warning": ("warning_decision",),
    "ban_cascade": ("ban_decision",),
}


def _original(uow: UnitOfWork, ctx: IssueContext, notice_type: str) -> dict[str, Any] | None:
    """The decision being ended or set aside, from the record (number, date, title): the
    user no longer types them. A court's ban has no decision of the bureau to refer to."""
    types = _ORIGINAL_OF.get(ctx.event)
    if not types or (ctx.ban is not None and ctx.ban.by_court):
        return None
    # A cascade cites the decision of the case that banned the person.
    case_id = ctx.ban.case_id if ctx.event == "ban_cascade" and ctx.ban is not None else None
    found = store.latest_notice(uow, case_id or ctx.case.id, types)
    if found is None:
        return None
    return {
        "title": NOTICE_TYPES[found.type].title_zh,
        "number": found.number,
        "date_cn": cn_date(found.created_at.astimezone(ctx.law.zone).date()),
    }


def _context(
    uow: UnitOfWork,
    rt: Runtime,
    ctx: IssueContext,
    notice_type: str,
    number: str,
    day: date,
    deadlines: Sequence[model.Deadline],
    starts: frozenset[str | None],
) -> dict[str, Any]:
    settings = rt.settings
    periods = settings.periods
    nt = NOTICE_TYPES[notice_type]
    basis = settings.bases.get(ctx.basis or "")
    basis_view = None
    if basis is not None:
        kind = nt.penalty or REVOKED_PENALTY.get(ctx.event, "")
        if notice_type == "hearing_notice" and ctx.case.state is CaseState.REPLACEMENT_PROPOSED:
            kind = "replacement"  # a hearing on a 责令撤换 (bases.*.hearing): to the organization
        basis_view = {
            "key": ctx.basis,
            "citation": basis.citation,
            "penalty": kind,
            "penalty_zh": PENALTY_ZH.get(kind, ""),
            # The provision breached, apart from the one that penalizes (item 7).
            "breach": ctx.breach or _proposed_breach(uow, ctx, nt.penalty),
        }
    deadline_views: dict[str, Any] = {}
    for d in deadlines:
        period = getattr(periods, d.kind, None)
        from_service = d.kind in FROM_SERVICE and (
            d.kind in starts and d.opened_seq == ctx.seq or d.status == "waiting"
        )
        deadline_views[d.kind] = {
            "due_cn": None if from_service else cn_date(d.due),
            "provisional": False if from_service else d.provisional,
            "period_cn": cn_period(period.workdays, period.calendar_days) if period else None,
        }
    if notice_type == "ban_prior_notice" and "defence_window" not in deadline_views:
        # A ban proceeding has one window (Art. 64's five working days); the party may state
        # and defend within it too, so the notice gives both rights the same end.
        deadline_views["defence_window"] = deadline_views.get("hearing_request")
    details = dict(ctx.details.get(notice_type, {}))
    ban_view = None
    if notice_type == "ban_prior_notice" and basis is not None and basis.ban is not None:
        # The prior notice states the term proposed (Art. 44), never a range.
        ban_view = _ban_view(None, basis.ban.scope, ctx.case.proposed_measure)
    if ctx.ban is not None:
        ban_view = _ban_view(ctx.ban, ctx.ban.scope, _years_of(ctx.ban))
    original = _original(uow, ctx, notice_type)
    return {
        "notice": {
            "type": notice_type,
            "number": number,
            "title": nt.title_zh,
            "date_cn": cn_date(day),
        },
        "authority": {
            "name": settings.office.name,
            "address": settings.office.address,
            "phone": settings.office.phone,
            "review_body": settings.office.review_body,
            "court": settings.office.court,
            "interview_basis": settings.office.interview_basis,
            "cascade_basis": CASCADE_BASIS.get(ctx.ban.scope) if ctx.ban else None,
            # Printed with placeholder office data, a notice is a sample: it says so.
            "sample": bool(settings.office.placeholders()),
        },
        "organization": {
            "name": ctx.org.name,
            "credit_code": ctx.org.credit_code,
            "kind_zh": ORG_KINDS.get(ctx.org.kind, ctx.org.kind),
            "district": ctx.org.district,
            "township": ctx.org.township,
            "address": ctx.org.address,
            "legal_representative": ctx.org.legal_representative,
        },
        "person": {
            "name": ctx.person.name,
            # Only the masked number is kept; the served original gets the full one when it
            # is rendered (notices/pii.py), so no second copy of it is stored.
            "id_number_masked": mask_id_number(ctx.person.id_number),
            "role": ctx.case.role,
            "address": ctx.person.address,
        },
        "case": {"id": ctx.case.id},
        "basis": basis_view,
        "event": {"name": ctx.event, "at_cn": cn_date(day)},
        "deadlines": deadline_views,
        "ban": ban_view,
        "original": original,
        "details": details,
        "remedies": {"review_days": REVIEW_DAYS, "lawsuit_months": LAWSUIT_MONTHS},
    }
