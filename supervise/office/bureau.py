"""The bureau's view: service contracts, evaluations, reports, export and import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from supervise.inputs import optional_id, record_id
from supervise.office.base import OfficeBase

if TYPE_CHECKING:
    from supervise.report_contracts import ContractsReport
    from supervise.report_coverage import CoverageReport
    from supervise.report_views import CasesReport
    from supervise.services.exchange.export import Export
    from supervise.services.exchange.importer import ImportReport
    from supervise.views import (
        ContractView,
        EvaluationView,
    )


class BureauDesk(OfficeBase):
    # -- service contracts and evaluations --------------------------------------------------

    def add_contract(
        self,
        *,
        org: int,
        title: str,
        amount: str | int | Decimal,
        start: date,
        end: date,
        townships: Sequence[str] = (),
        actor: str | None = None,
    ) -> ContractView:
        """Record a service contract (amount in yuan, kept in fen) with an organization."""
        from supervise.contracts import ContractInput
        from supervise.services.contracts import contracts

        data = ContractInput(
            record_id(org, "organization"), title, amount, start, end, tuple(townships)
        )
        return contracts.add_contract(self.runtime, self._act("contract.add", actor), data)

    def contract(self, contract_id: int, *, actor: str | None = None) -> ContractView:
        """A contract with all its evaluations (superseded ones included)."""
        from supervise.services.contracts import contracts

        cid = record_id(contract_id, "contract")
        return contracts.show_contract(self.runtime, self._act("contract.show", actor), cid)

    def contracts(
        self,
        *,
        org: int | None = None,
        district: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        actor: str | None = None,
    ) -> list[ContractView]:
        from supervise.services.contracts import contracts

        return contracts.list_contracts(
            self.runtime,
            self._act("contract.list", actor),
            optional_id(org, "--org"),
            district,
            status,
            limit,
        )

    def evaluate(
        self,
        contract_id: int,
        scores: str | Path,
        *,
        reason: str | None = None,
        actor: str | None = None,
    ) -> EvaluationView:
        """Evaluate a contract from a scores file (YAML); ``reason`` corrects the current
        evaluation by superseding it. A failing grade may open the organization's exit
        review (``evaluation.exit_review``)."""
        from supervise.services.contracts import evaluate

        cid = record_id(contract_id, "contract")
        return evaluate.evaluate(
            self.runtime, self._act("evaluate", actor), cid, Path(scores), reason
        )

    # -- reports --------------------------------------------------------------------------

    def cases_report(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        actor: str | None = None,
    ) -> CasesReport:
        """Cases by state and district today; overdue deadlines; over the period (default:
        the twelve months up to today) penalties per month, closures and the median days
        from interview to closure, and notices not served in time."""
        from supervise.services.reports import cases

        return cases.cases_report(self.runtime, self._act("report.cases", actor), start, end)

    def coverage_report(self, *, actor: str | None = None) -> CoverageReport:
        """The city against the 2022 notice's targets (``reports.coverage``): professional
        organizations, links with each district's rescue institution, townships served."""
        from supervise.services.reports.coverage import report

        return report.coverage_report(
            self.runtime,
            self._act("report.coverage", actor),
            self.runtime.settings.reports.coverage,
        )

    def contracts_report(
        self,
        *,
        start: date | None = None,
        end: date | None = None,
        actor: str | None = None,
    ) -> ContractsReport:
        """Services bought: money, evaluation scores and grades per district and
        organization, open exit reviews and exits (a period: the contracts in force
        during it, the exits within it)."""
        from supervise.services.reports.contracts import report

        return report.contracts_report(
            self.runtime, self._act("report.contracts", actor), start, end
        )

    def export(self, kind: str, *, actor: str | None = None) -> Export:
        """Every row of a register (``orgs``, ``cases``, ``contracts``, ``evaluations``): its
        columns and a stream of rows."""
        from supervise.services.exchange import export

        return export.export(self.runtime, self._act("export", actor), kind)

    def import_file(
        self,
        kind: str,
        path: str | Path,
        *,
        encoding: str | None = None,
        skip_bad: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
        actor: str | None = None,
    ) -> ImportReport:
        """Import ``orgs``, ``persons`` or ``contracts`` from a CSV file, every row checked
        first.

        Nothing is written when any row is bad (``report.written`` is False and
        ``report.bad`` lists every bad row) unless ``skip_bad``: then the good rows are
        written and the bad ones go to ``report.reject_file`` beside the input. Rows stored
        already with the same values are left alone (``report.unchanged``)."""
        from supervise.services.exchange import importer

        return importer.import_file(
            self.runtime,
            self._act("import", actor),
            kind,
            Path(path),
            encoding=encoding,
            skip_bad=skip_bad,
            progress=progress,
        )
