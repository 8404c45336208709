"""Official notices as part of the record: issue and number them (service layer).

A transition that needs a document creates its notice in the same transaction as the state
change: its number (文号, sequential per type and year, never reused or skipped), a frozen
snapshot of the data, the rendered HTML and its SHA-256. The PDF is made at first render,
outside any transaction, and every later render must reproduce it.

Windows that the law counts from notice (陈述申辩, 听证申请, 整改, 撤换) wait until the notice
is served; ``serve`` starts them, and serving again moves them, with a history entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import deadlines as deadlines_table
from supervise.adapters.orm import notices as notices_table
from supervise.adapters.orm import number_sequences
from supervise.bootstrap import App
from supervise.config import ORG_KINDS
from supervise.errors import InvalidInput
from supervise.rules import FROM_SERVICE, Law, Params, period_due

# Which documents each event produces (the notice type keys are part of the contract).
EVENT_NOTICES: dict[str, tuple[str, ...]] = {
    "schedule_interview": ("interview_notice",),
    "reschedule_interview": ("interview_notice",),
    "record_interview": ("interview_record", "rectification_order"),
    "propose_warning": ("warning_prior_notice",),
    "issue_warning": ("warning_decision",),
    "propose_replacement": ("replacement_prior_notice",),
    "order_replacement": ("replacement_order",),
    "propose_ban": ("ban_prior_notice",),
    "request_hearing": ("hearing_notice",),
    "reschedule_hearing": ("hearing_notice",),
    "impose_ban": ("ban_decision",),
    "lift_ban": ("ban_lifted",),
    "revoke_warning": ("revocation_notice",),
    "revoke_ban": ("revocation_notice",),
}
# The record of an interview is signed there; every other notice is served on the party.
NOT_SERVED = frozenset({"interview_record"})
# Which notice starts which window.
STARTS: dict[str, str] = {
    "warning_prior_notice": "defence_window",
    "replacement_prior_notice": "defence_window",
    "ban_prior_notice": "hearing_request",
    "rectification_order": "rectification",
    "warning_decision": "rectification",
    "replacement_order": "replacement",
}
DECISIONS = frozenset({"warning_decision", "replacement_order", "ban_decision"})
# Documents that must reach the party whatever happens to the case afterwards; the others
# (prior notices, interview and hearing notices) matter only while their step is pending.
SERVE_ALWAYS = DECISIONS | {"rectification_order", "ban_lifted", "revocation_notice"}
METHODS: dict[str, str] = {
    "direct": "直接送达",
    "lodged": "留置送达",
    "mail": "邮寄送达",
    "electronic": "电子送达",
    "public": "公告送达",
}
PUBLIC_NOTICE_DAYS = 30  # 民事诉讼法: served 30 days after publication
SCOPE_ZH = {"charity": "担任慈善组织管理人员", "all": "从事密切接触未成年人的工作"}
PENALTY_ZH = {"warning": "警告", "replacement": "责令撤换直接负责的主管人员", "ban": "从业禁止"}
# The penalty a notice is about (a basis may allow several: shetuan-30 allows two).
NOTICE_PENALTY = {
    "warning_prior_notice": "warning",
    "warning_decision": "warning",
    "replacement_prior_notice": "replacement",
    "replacement_order": "replacement",
    "ban_prior_notice": "ban",
    "hearing_notice": "ban",
    "ban_decision": "ban",
    "ban_lifted": "ban",
}
EVENT_PENALTY = {"revoke_warning": "warning", "revoke_ban": "ban"}


def cn_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _period_cn(workdays: int | None, calendar_days: int | None) -> str:
    if workdays is not None:
        return f"{workdays}个工作日"
    return f"{calendar_days}日"


def prepare(event: str, params: Params, when: datetime, zone: Any) -> dict[str, dict[str, Any]]:
    """Validate the event's document details before anything is read or written.

    The user's ``--details`` file, ``--facts`` and ``--place`` are spread over the event's
    notice types; fields the engine knows (dates, the record, the reason) fill the rest.

    Raises:
        InvalidInput: a field no notice of this event takes, or a required one missing.
    """
    types = EVENT_NOTICES.get(event, ())
    given = dict(params.details)
    if not types:
        if given:
            raise InvalidInput(
                f"{event} produces no notice, so it takes no --facts/--place/--details"
            )
        return {}
    # Imported here: events without notices (and `case show`) never load Jinja2.
    from supervise.notices import NOTICE_TYPES, validate_details

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
    derived: dict[str, Any] = {
        "time_cn": cn_date(params.date) if params.date else cn_date(day),
        "hearing_time_cn": cn_date(params.date) if params.date else None,
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


def _allocate_number(uow: UnitOfWork, notice_type: str, year: int) -> int:
    """The next number for (type, year). The row lock makes concurrent issuers queue, and a
    rollback returns the number, so numbers are never skipped or reused."""
    from sqlalchemy.dialects import postgresql, sqlite  # only when a notice is numbered

    insert = postgresql.insert if uow.dialect == "postgresql" else sqlite.insert
    uow.session.execute(
        insert(number_sequences)
        .values(type=notice_type, year=year, last=0)
        .on_conflict_do_nothing(index_elements=["type", "year"])
    )
    seq = uow.session.execute(
        update(number_sequences)
        .where(number_sequences.c.type == notice_type, number_sequences.c.year == year)
        .values(last=number_sequences.c.last + 1)
        .returning(number_sequences.c.last)
    ).scalar_one()
    return int(seq)


@dataclass(frozen=True)
class IssueContext:
    """What the transition hands over for its notices (all read inside its transaction)."""

    app: App
    law: Law
    case: model.Case
    org: model.Organization
    person: model.Person
    event: str
    seq: int
    when: datetime
    basis: str | None
    details: Mapping[str, Mapping[str, Any]]
    ban: model.Ban | None = None


def issue(uow: UnitOfWork, ctx: IssueContext) -> list[model.Notice]:
    """Create the event's notices inside the caller's transaction."""
    from supervise.notices import format_number

    types = EVENT_NOTICES.get(ctx.event, ())
    if not types:
        return []
    app, zone = ctx.app, ctx.app.settings.zone
    day = ctx.when.astimezone(zone).date()
    renderer = app.cached("notice_renderer", lambda: renderer_for(app))
    uow.flush()  # the deadlines this transition just opened
    deadlines = list(
        uow.session.scalars(
            select(model.Deadline).where(
                deadlines_table.c.case_id == ctx.case.id,
                deadlines_table.c.status.in_(("open", "waiting")),
            )
        )
    )
    created: list[model.Notice] = []
    # Every window this event's notices start counts from service, in all its documents
    # (the 约谈记录 states the rectification period the 整改通知书 starts).
    starting = frozenset(STARTS[t] for t in types if t in STARTS)
    for notice_type in types:
        _supersede(uow, ctx.case.id, notice_type, ctx.seq)
        pattern = _pattern(app, notice_type)
        seq = _allocate_number(uow, _series(app, pattern), day.year)
        number = format_number(pattern, year=day.year, seq=seq)
        starts = STARTS.get(notice_type)
        snapshot = _context(ctx, notice_type, number, day, deadlines, starting)
        html = renderer.render_html(notice_type, snapshot)
        notice = model.Notice(
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
            pdf_sha256=None,
            pdf_text_sha256=None,
            served_on=None,
            status="active",
        )
        uow.session.add(notice)
        uow.flush()
        created.append(notice)
        if starts:
            for deadline in deadlines:
                if deadline.kind == starts and deadline.opened_seq == ctx.seq:
                    deadline.status, deadline.notice_id = "waiting", notice.id
        if notice_type not in NOT_SERVED:
            rule, amount, due = period_due(ctx.law.calendar, day, app.settings.periods.service)
            uow.session.add(
                model.Deadline(
                    case_id=ctx.case.id,
                    kind="service",
                    nature="office",
                    owner="*" if notice_type in SERVE_ALWAYS else ctx.case.state.value,
                    start=day,
                    rule=rule,
                    amount=amount,
                    due=due.day,
                    provisional=due.provisional,
                    status="open",
                    opened_seq=ctx.seq,
                    closed_seq=None,
                    notice_id=notice.id,
                )
            )
    return created


def _pattern(app: App, notice_type: str) -> str:
    from supervise.notices import DEFAULT_PATTERNS

    return app.settings.notices.numbers.get(notice_type) or DEFAULT_PATTERNS[notice_type]


def _series(app: App, pattern: str) -> str:
    """The counter a pattern draws from: types sharing a pattern share one series."""
    from supervise.notices import NOTICE_TYPES

    return next(t for t in NOTICE_TYPES if _pattern(app, t) == pattern)


def _supersede(uow: UnitOfWork, case_id: int, notice_type: str, seq: int) -> None:
    """A rescheduled interview or hearing replaces the earlier notice and its service duty."""
    for old in uow.session.scalars(
        select(model.Notice).where(
            notices_table.c.case_id == case_id,
            notices_table.c.type == notice_type,
            notices_table.c.status == "active",
        )
    ):
        if notice_type not in ("interview_notice", "hearing_notice"):
            continue
        old.status = "superseded"
        for deadline in uow.session.scalars(
            select(model.Deadline).where(
                deadlines_table.c.notice_id == old.id, deadlines_table.c.status == "open"
            )
        ):
            deadline.status, deadline.closed_seq = "moved", seq


def _context(
    ctx: IssueContext,
    notice_type: str,
    number: str,
    day: date,
    deadlines: Sequence[model.Deadline],
    starts: frozenset[str],
) -> dict[str, Any]:
    from supervise.notices import NOTICE_TYPES

    settings = ctx.app.settings
    periods = settings.periods
    basis = settings.bases.get(ctx.basis or "")
    basis_view = None
    if basis is not None:
        kind = NOTICE_PENALTY.get(notice_type) or EVENT_PENALTY.get(ctx.event, "")
        basis_view = {
            "key": ctx.basis,
            "citation": basis.citation,
            "penalty_zh": PENALTY_ZH.get(kind, ""),
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
            "period_cn": _period_cn(period.workdays, period.calendar_days) if period else None,
        }
    if notice_type == "ban_prior_notice" and "defence_window" not in deadline_views:
        # A ban proceeding has one window (Art. 64's five working days); the party may state
        # and defend within it too, so the notice gives both rights the same end.
        deadline_views["defence_window"] = deadline_views.get("hearing_request")
    ban_view = None
    details = dict(ctx.details.get(notice_type, {}))
    if notice_type == "ban_prior_notice" and basis is not None and basis.ban is not None:
        # The term is decided later; the prior notice states the range the basis allows.
        term = basis.ban
        ban_view = {
            "from_cn": None,
            "until_cn": None,
            "lifelong": False,
            "scope_zh": SCOPE_ZH.get(term.scope, term.scope),
        }
        details.setdefault("term_zh", f"{term.min_years}年以上{term.max_years}年以下")
    if ctx.ban is not None:
        ban_view = {
            "from_cn": cn_date(ctx.ban.start),
            "until_cn": None if ctx.ban.until is None else cn_date(ctx.ban.until),
            "lifelong": ctx.ban.lifelong,
            "scope_zh": SCOPE_ZH.get(ctx.ban.scope, ctx.ban.scope),
        }
    from supervise.validation import mask_id_number

    return {
        "notice": {
            "type": notice_type,
            "number": number,
            "title": NOTICE_TYPES[notice_type].title_zh,
            "date_cn": cn_date(day),
        },
        "authority": {
            "name": settings.office.name,
            "address": settings.office.address,
            "phone": settings.office.phone,
            "review_body": settings.office.review_body,
            "court": settings.office.court,
        },
        "organization": {
            "name": ctx.org.name,
            "credit_code": ctx.org.credit_code,
            "kind_zh": ORG_KINDS.get(ctx.org.kind, ctx.org.kind),
            "district": ctx.org.district,
            "township": ctx.org.township,
            "address": None,
        },
        "person": {
            "name": ctx.person.name,
            "id_number_masked": mask_id_number(ctx.person.id_number),
            "role": ctx.case.role,
        },
        "case": {"id": ctx.case.id},
        "basis": basis_view,
        "event": {"name": ctx.event, "at_cn": cn_date(day)},
        "deadlines": deadline_views,
        "ban": ban_view,
        "details": details,
        "remedies": {"review_days": 60, "lawsuit_months": 6},
    }


def renderer_for(app: App) -> Any:
    from supervise.notices import NoticeRenderer

    folder = app.settings.notices.template_dir
    return NoticeRenderer(Path(folder) if folder else None)
