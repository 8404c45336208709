"""``report cases``: where the cases stand, and what happened in a period (service layer).

Cases by state and district (today), the office's deadlines overdue (today), and over the
period: the penalties decided per month, the cases closed and the median days from the
interview (约谈) to closure, and the notices not served within their service deadline.
Every figure is a SQL aggregate (``store.py``); nothing here walks the cases.
"""

from __future__ import annotations

from datetime import date

from supervise.report_views import (
    PENALTY_EVENTS,
    CasesReport,
    DistrictStates,
    LateNotice,
    MonthPenalties,
    NoticeServiceRow,
    OverdueRow,
)
from supervise.runtime import Runtime
from supervise.services.reports import store
from supervise.services.reports.period import instant, months, period
from supervise.services.reports.scope import scope_of
from supervise.states import FINAL_STATES, TRANSITIONS

#: Events that end a case (into a final state): what "closure" means in the report.
CLOSING_EVENTS: tuple[str, ...] = tuple(
    sorted({t["trigger"] for t in TRANSITIONS if t["dest"] in FINAL_STATES})
)
FINAL: tuple[str, ...] = tuple(sorted(s.value for s in FINAL_STATES))
#: Late notices listed by name (the count is always complete).
LATE_LISTED = 100


def cases_report(
    rt: Runtime, actor: str, start: date | None = None, end: date | None = None
) -> CasesReport:
    today = rt.clock.today()
    zone = rt.settings.zone
    span = period(start, end, today, rt.settings.date_range)
    labels, bounds = months(span, zone)
    first, last = instant(span.start, zone), bounds[-1]
    with rt.uow() as uow:
        store.without_jit(uow)
        scope = scope_of(uow, actor)
        states: dict[str, dict[str, int]] = {}
        for district, state, n in store.states_by_district(uow, scope):
            states.setdefault(district, {})[state] = n
        overdue = [OverdueRow(*row) for row in store.overdue_by_district(uow, scope, today)]
        per_month = [{p: 0 for p in PENALTY_EVENTS.values()} for _ in labels]
        for index, event, n in store.penalties_by_month(uow, scope, tuple(PENALTY_EVENTS), bounds):
            per_month[index][PENALTY_EVENTS[event]] += n
        closed, interviewed, median = store.closure_figures(
            uow, uow.dialect, scope, CLOSING_EVENTS, FINAL, first, last
        )
        service = [
            NoticeServiceRow(*row)
            for row in store.notice_service_by_district(uow, scope, first, last, today)
        ]
        late_total = sum(r.late for r in service)
        late = [
            LateNotice(*row)
            for row in store.late_notices(uow, scope, first, last, today, LATE_LISTED)
        ]
    return CasesReport(
        period=span,
        today=today,
        scope=scope,
        states=[DistrictStates(d, counts) for d, counts in sorted(states.items())],
        overdue=overdue,
        penalties=[MonthPenalties(m, c) for m, c in zip(labels, per_month, strict=True)],
        closed=closed,
        closed_after_interview=interviewed,
        median_days_interview_to_closure=median,
        notices=service,
        late_notices=late,
        late_notices_more=max(0, late_total - len(late)),
    )
