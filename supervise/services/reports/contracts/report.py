"""``report contracts``: contracts, evaluations, grades and exits (service layer).

Without a period every contract and exit counts; with ``--from``/``--to`` the contracts in
force during it (their terms overlap it) and the exits within it. The open exit reviews
are always as of today.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from supervise.evaluation import GRADES
from supervise.report_contracts import ContractFigures, ContractsReport, OrgContracts, OrgExit
from supervise.report_views import Period
from supervise.runtime import Runtime
from supervise.services.reports.contracts import store
from supervise.services.reports.period import instant, period
from supervise.services.reports.scope import scope_of


def contracts_report(
    rt: Runtime, actor: str, start: date | None = None, end: date | None = None
) -> ContractsReport:
    today = rt.clock.today()
    zone = rt.settings.zone
    span: Period | None = None
    if start is not None or end is not None:
        first = start if start is not None else date(rt.settings.dates.earliest_year, 1, 1)
        span = period(first, end, today, rt.settings.date_range)
    with rt.uow() as uow:
        scope = scope_of(uow, actor)
        rows = store.by_organization(
            uow, scope, GRADES, None if span is None else (span.start, span.end)
        )
        bounds = (
            None
            if span is None
            else (instant(span.start, zone), instant(span.end + timedelta(days=1), zone))
        )
        exits = store.exits(uow, scope, bounds)
        reviews = store.open_reviews(uow, scope)
    width = len(store.FIGURES)
    organizations = [
        OrgContracts(
            org_id,
            name,
            district,
            # The column is an enum of OrgState; the report keeps its value.
            getattr(status, "value", status),
            ContractFigures(
                figures[0],
                figures[1],
                figures[2],
                figures[3],
                figures[4],
                dict(zip(GRADES, figures[width:], strict=True)),
            ),
        )
        for org_id, name, district, status, *figures in rows
    ]

    def left(row: tuple[int, str, str, datetime, str | None]) -> OrgExit:
        org_id, name, district, at, reason = row
        return OrgExit(org_id, name, district, at.astimezone(zone).date(), reason)

    # The city's own order of districts (``areas.districts``), then any other name.
    listed = {name: i for i, name in enumerate(rt.settings.areas.districts)}
    organizations.sort(key=lambda r: (listed.get(r.district, len(listed)), r.district))
    return ContractsReport(
        period=span,
        today=today,
        scope=scope,
        organizations=organizations,
        exits=[left(r) for r in exits],
        reviews=[left(r) for r in reviews],
    )
