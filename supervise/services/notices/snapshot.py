"""What a notice states: the frozen snapshot of the case, the organization, the person, the
basis, the deadlines and the decisions it refers to, from which its HTML is rendered and
which the record keeps as issued (service layer; ``issue.py`` issues the notices)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.banterm import PENDING, term_years
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
from supervise.notices.types import NOTICE_TYPES
from supervise.numerals import cn_date, cn_period
from supervise.numerals import cn_num as cn_number
from supervise.rules import Rulebook
from supervise.runtime import Runtime
from supervise.services.notices import store
from supervise.states import CaseState
from supervise.validation import mask_id_number


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


def notice_snapshot(
    uow: UnitOfWork,
    rt: Runtime,
    ctx: IssueContext,
    notice_type: str,
    number: str,
    day: date,
    deadlines: Sequence[model.Deadline],
    starts: frozenset[str | None],
) -> dict[str, Any]:
    """The snapshot of one notice of ``ctx``'s step: what its template prints."""
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
