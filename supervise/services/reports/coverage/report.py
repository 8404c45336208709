"""``report coverage``: the city against the 2022 notice's targets (service layer).

Every figure is a SQL aggregate (``coverage_store.py``). The districts listed are the
configured ones (``areas.districts``) and any other a record names, within the user's
districts when they are limited to some.
"""

from __future__ import annotations

from supervise.adapters.database import UnitOfWork
from supervise.report_coverage import (
    COUNTED_STATES,
    CoverageReport,
    CoverageTargets,
    DistrictCoverage,
    UncoveredTownship,
)
from supervise.runtime import Runtime
from supervise.services.reports.coverage import store
from supervise.services.reports.scope import scope_of
from supervise.services.reports.store import Scope


def coverage_report(rt: Runtime, actor: str, targets: CoverageTargets) -> CoverageReport:
    """The report for ``actor``: the city, or the districts they are limited to."""
    with rt.uow() as uow:
        return coverage_in(uow, rt, scope_of(uow, actor), targets)


def coverage_in(
    uow: UnitOfWork, rt: Runtime, scope: Scope, targets: CoverageTargets
) -> CoverageReport:
    """The report over ``scope`` (None: the city), read in ``uow`` (the digest's delivery
    attaches it from inside its own transaction)."""
    today = rt.clock.today()
    professional = store.professional_by_district(uow, scope, COUNTED_STATES)
    linked = store.linked_by_district(uow, scope, COUNTED_STATES)
    townships = store.townships_by_district(uow, scope, COUNTED_STATES, targets.orgs_per_township)
    uncovered = [
        UncoveredTownship(*row)
        for row in store.uncovered_townships(uow, scope, COUNTED_STATES, targets.orgs_per_township)
    ]
    names = set(rt.settings.areas.districts) | set(professional) | set(linked) | set(townships)
    if scope is not None:
        names &= set(scope)
    configured = {name: i for i, name in enumerate(rt.settings.areas.districts)}

    def rank(district: str) -> tuple[int, str]:
        # The configured order first (the city's own listing), then any other name.
        return configured.get(district, len(configured)), district

    order = sorted(names, key=rank)
    uncovered.sort(key=lambda t: (rank(t.district), t.code))
    districts = [
        DistrictCoverage(
            district=d,
            professional=professional.get(d, 0),
            linked=linked.get(d, (0, 0))[0],
            linked_other=linked.get(d, (0, 0))[1],
            townships=townships.get(d, (0, 0))[0],
            townships_covered=townships.get(d, (0, 0))[1],
        )
        for d in order
    ]
    return CoverageReport(
        today=today,
        scope=scope,
        targets=targets,
        professional=sum(professional.values()),
        districts=districts,
        uncovered=uncovered,
    )
