"""Organizations, persons, areas and the ban registry."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from supervise.inputs import record_id
from supervise.office.base import OfficeBase

if TYPE_CHECKING:
    from supervise.views import (
        AreaImport,
        AreaView,
        BanView,
        DistrictView,
        OrgAdvanceResult,
        OrgView,
        PersonView,
    )


class RegistryDesk(OfficeBase):
    # -- organizations and persons --------------------------------------------------------

    def add_org(
        self,
        *,
        name: str,
        credit_code: str,
        district: str,
        kind: str,
        township: str | None = None,
        charity: bool = False,
        email: str | None = None,
        address: str | None = None,
        legal_representative: str | None = None,
        professional: bool = False,
        services: Sequence[str] = (),
        serves: Sequence[str] = (),
        state: str = "active",
        actor: str | None = None,
    ) -> OrgView:
        """Register an organization (统一社会信用代码 checked; district and townships
        checked against the configured districts and the loaded townships); ``address`` is
        its 住所, which every decision addressed to it must give (行政处罚法 Art. 59(一))."""
        from supervise.services.registry import records

        data = records.OrgInput(
            name, credit_code, district, kind, township, charity, email, address,
            legal_representative, professional, tuple(services), tuple(serves), state,
        )  # fmt: skip
        return records.add_org(self.runtime, self._act("org.add", actor), data)

    def org(self, org_id: int, *, actor: str | None = None) -> OrgView:
        """An organization with the history of its record and of its lifecycle."""
        from supervise.services.registry import records

        return records.show_org(
            self.runtime, self._act("org.show", actor), record_id(org_id, "organization")
        )

    def orgs(
        self,
        *,
        district: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        actor: str | None = None,
    ) -> list[OrgView]:
        from supervise.services.registry import records

        return records.list_orgs(
            self.runtime, self._act("org.list", actor), district, limit, status
        )

    def edit_org(
        self,
        org_id: int,
        *,
        name: str | None = None,
        email: str | None = None,
        township: str | None = None,
        address: str | None = None,
        legal_representative: str | None = None,
        professional: bool | None = None,
        services: Sequence[str] | None = None,
        serves: Sequence[str] | None = None,
        actor: str | None = None,
    ) -> OrgView:
        """Change name, contact, township, address, legal representative, whether
        professional, the services or the townships served (each list replaced whole); the
        old values are kept."""
        from supervise.services.registry import records

        changes = {
            "name": name,
            "email": email,
            "township": township,
            "address": address,
            "legal_representative": legal_representative,
            "professional": professional,
            "services": None if services is None else list(services),
            "serves": None if serves is None else list(serves),
        }
        return records.edit_org(
            self.runtime, self._act("org.edit", actor), record_id(org_id, "organization"), changes
        )

    def link_org(
        self,
        org_id: int,
        *,
        institution: str,
        since: date | None = None,
        actor: str | None = None,
    ) -> OrgView:
        """Link an organization with its district's 未成年人救助保护机构 (结对)."""
        from supervise.services.registry import links

        org = record_id(org_id, "organization")
        return links.link(self.runtime, self._act("org.link", actor), org, institution, since)

    def unlink_org(
        self, org_id: int, *, on: date | None = None, actor: str | None = None
    ) -> OrgView:
        """End an organization's link (default today); the link stays as history."""
        from supervise.services.registry import links

        return links.unlink(
            self.runtime, self._act("org.unlink", actor), record_id(org_id, "organization"), on
        )

    def advance_org(
        self, org_id: int, event: str, *, reason: str | None = None, actor: str | None = None
    ) -> OrgAdvanceResult:
        """Move an organization on its lifecycle (restore and exit: directors only)."""
        from supervise.services.registry import lifecycle

        org = record_id(org_id, "organization")
        return lifecycle.advance_org(
            self.runtime, self._act("org.advance", actor), org, event, reason
        )

    # -- areas -----------------------------------------------------------------------------

    def import_areas(self, file: str | Path, *, actor: str | None = None) -> AreaImport:
        """Load townships and streets from a CSV file (all rows or none)."""
        from supervise.services.areas import areas

        return areas.import_areas(self.runtime, self._act("area.import", actor), Path(file))

    def areas(self, district: str, *, actor: str | None = None) -> list[AreaView]:
        """The loaded townships and streets of a district."""
        from supervise.services.areas import areas

        return areas.list_areas(self.runtime, self._act("area.list", actor), district)

    def districts(self, *, actor: str | None = None) -> list[DistrictView]:
        """The configured districts with how many townships each has loaded."""
        from supervise.services.areas import areas

        return areas.list_districts(self.runtime, self._act("area.list", actor))

    def add_person(
        self,
        *,
        name: str,
        id_number: str,
        email: str | None = None,
        address: str | None = None,
        actor: str | None = None,
    ) -> PersonView:
        """Register a person (居民身份证号码 checked; shown masked everywhere but on the
        original of a notice served on them); ``address`` is the 住址 a decision gives."""
        from supervise.services.registry import records

        return records.add_person(
            self.runtime, self._act("person.add", actor), name, id_number, email, address
        )

    def person(self, person_id: int, *, actor: str | None = None) -> PersonView:
        from supervise.services.registry import records

        return records.show_person(
            self.runtime, self._act("person.show", actor), record_id(person_id, "person")
        )

    def reveal_id_number(self, person_id: int, *, actor: str | None = None) -> str:
        """The person's full ID number (directors only; every reveal is audited)."""
        from supervise.services.registry import records

        return records.reveal_id_number(
            self.runtime, self._act("person.reveal", actor), record_id(person_id, "person")
        )

    def persons(self, *, limit: int = 1000, actor: str | None = None) -> list[PersonView]:
        from supervise.services.registry import records

        return records.list_persons(self.runtime, self._act("person.list", actor), limit)

    def find_persons(
        self,
        *,
        name: str | None = None,
        id_number: str | None = None,
        actor: str | None = None,
    ) -> list[PersonView]:
        """Persons by part of the name, or by the full ID number (exactly one of them)."""
        from supervise.services.registry import records

        return records.find_persons(self.runtime, self._act("person.find", actor), name, id_number)

    def edit_person(
        self,
        person_id: int,
        *,
        name: str | None = None,
        email: str | None = None,
        address: str | None = None,
        actor: str | None = None,
    ) -> PersonView:
        from supervise.services.registry import records

        changes = {"name": name, "email": email, "address": address}
        return records.edit_person(
            self.runtime, self._act("person.edit", actor), record_id(person_id, "person"), changes
        )

    # -- bans -----------------------------------------------------------------------------

    def check_bans(
        self, id_number: str, *, on: date | None = None, actor: str | None = None
    ) -> list[BanView]:
        """入职查询: the active bans on this person (empty when none or unknown)."""
        from supervise.services.registry import bans

        return bans.check(self.runtime, self._act("bans.check", actor), id_number, on)

    def add_court_ban(
        self,
        *,
        id_number: str,
        name: str,
        judgment: str,
        court: str,
        start: date,
        until: date | None = None,
        lifelong: bool = False,
        basis: str | None = None,
        actor: str | None = None,
    ) -> BanView:
        """Record a court's ban on someone who holds no post."""
        from supervise.services.registry import bans

        return bans.add_court_ban(
            self.runtime,
            self._act("bans.add", actor),
            id_number=id_number,
            name=name,
            judgment=judgment,
            court=court,
            start=start,
            until=until,
            lifelong=lifelong,
            basis=basis,
        )

    def bans(
        self, *, active: bool = False, limit: int = 1000, actor: str | None = None
    ) -> list[BanView]:
        from supervise.services.registry import bans

        return bans.list_bans(self.runtime, self._act("bans.list", actor), active, limit)
