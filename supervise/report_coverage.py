"""``report coverage``: the 2022 notice's cultivation targets, and how far the city is from
them (domain layer: standard library only).

The notice (重庆市民政局, 2022) sets three numbers, configured under ``reports.coverage`` so
that next year's plan is a change of configuration:

- ``professional_orgs``: professional child-protection organizations city-wide (34);
- ``linked_per_district``: of them, linked (结对/联系) with each district's
  未成年人救助保护机构 (2);
- ``orgs_per_township``: organizations serving minors in every township or street (1).

An organization counts while it is in the programme (``COUNTED_STATES``: registered, active
or under an exit review); one being incubated is not yet one, one that exited no longer is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from supervise.errors import ConfigError
from supervise.states import OrgState

#: The organizations a target counts: in the programme, neither still incubated nor exited.
COUNTED_STATES: tuple[str, ...] = (
    OrgState.REGISTERED.value,
    OrgState.ACTIVE.value,
    OrgState.UNDER_REVIEW.value,
)


@dataclass(frozen=True)
class CoverageTargets:
    """YAML ``reports.coverage``: the notice's targets (defaults: 34 / 2 / 1)."""

    professional_orgs: int = 34
    linked_per_district: int = 2
    orgs_per_township: int = 1


@dataclass(frozen=True)
class ReportSettings:
    """YAML ``reports``: the coverage targets, and whether the directors' morning digest
    carries the coverage report."""

    coverage: CoverageTargets = field(default_factory=CoverageTargets)
    digest: bool = False


def check_report_settings(settings: ReportSettings) -> None:
    """Refuse a target that is not a count.

    Raises:
        ConfigError: a negative target (0 switches a target off).
    """
    for key in ("professional_orgs", "linked_per_district", "orgs_per_township"):
        value = getattr(settings.coverage, key)
        if value < 0:
            raise ConfigError(
                f"config key reports.coverage.{key}: give a count of 0 or more (got {value})"
            )


@dataclass(frozen=True)
class DistrictCoverage:
    """One district: its professional organizations, those linked with its rescue
    institution (and other linked organizations), and its townships covered."""

    district: str
    professional: int
    linked: int
    linked_other: int
    townships: int
    townships_covered: int

    def linked_short(self, target: int) -> bool:
        return self.linked < target

    @property
    def townships_uncovered(self) -> int:
        return self.townships - self.townships_covered


@dataclass(frozen=True)
class UncoveredTownship:
    """A township or street with fewer organizations serving minors than the target."""

    district: str
    township: str
    kind: str
    code: str
    organizations: int


@dataclass(frozen=True)
class CoverageReport:
    """Where the city (or a user's districts) stands against the targets today."""

    today: date
    scope: tuple[str, ...] | None
    targets: CoverageTargets
    professional: int
    districts: list[DistrictCoverage]
    uncovered: list[UncoveredTownship]

    @property
    def professional_short(self) -> int:
        """How many professional organizations the city lacks (0 when the target is met).

        A district user's report compares their districts' count with the city target:
        it shows what they contribute, and never claims the city's target is met."""
        return max(0, self.targets.professional_orgs - self.professional)

    @property
    def districts_short(self) -> list[DistrictCoverage]:
        target = self.targets.linked_per_district
        return [d for d in self.districts if d.linked_short(target)]

    @property
    def townships(self) -> int:
        return sum(d.townships for d in self.districts)

    @property
    def townships_covered(self) -> int:
        return sum(d.townships_covered for d in self.districts)

    @property
    def shortfalls(self) -> int:
        """The number of targets missed: the city's, each district's, each township's."""
        return (
            (1 if self.professional_short else 0) + len(self.districts_short) + len(self.uncovered)
        )

    def as_json(self) -> dict[str, Any]:
        targets = self.targets
        return {
            "report": "coverage",
            "title": "培育目标",
            "today": self.today.isoformat(),
            "scope": None if self.scope is None else list(self.scope),
            "targets": {
                "professional_orgs": targets.professional_orgs,
                "linked_per_district": targets.linked_per_district,
                "orgs_per_township": targets.orgs_per_township,
            },
            "counted_states": list(COUNTED_STATES),
            "professional_orgs": {
                "count": self.professional,
                "target": targets.professional_orgs,
                "short": self.professional_short,
            },
            "districts": [
                {
                    "district": d.district,
                    "professional_orgs": d.professional,
                    "linked": d.linked,
                    "linked_target": targets.linked_per_district,
                    "linked_short": max(0, targets.linked_per_district - d.linked),
                    "linked_other": d.linked_other,
                    "townships": d.townships,
                    "townships_covered": d.townships_covered,
                    "townships_uncovered": d.townships_uncovered,
                }
                for d in self.districts
            ],
            "districts_short": [d.district for d in self.districts_short],
            "townships": {
                "total": self.townships,
                "covered": self.townships_covered,
                "target_per_township": targets.orgs_per_township,
                "uncovered": [
                    {
                        "district": t.district,
                        "township": t.township,
                        "kind": t.kind,
                        "code": t.code,
                        "organizations": t.organizations,
                    }
                    for t in self.uncovered
                ],
            },
            "shortfalls": self.shortfalls,
        }
