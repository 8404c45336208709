"""``supervise import contracts``: service contracts from a CSV file, all or nothing
(service layer), under the same rules as ``import orgs``.

Every row is checked before anything is written: its fields, then against the database —
the organization (by credit code) must exist and be registered or active, the townships
must be loaded ones, the dates plausible — through the same ``clean_contract`` as
``contract add``. A contract already stored (same organization, title and first day) with
the same amount, end and townships is left alone, so a second import changes nothing; with
different ones it is refused. Good rows are inserted with executemany through Core.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from supervise.contracts import ContractInput, clean_contract
from supervise.csvfiles import read_table
from supervise.errors import InvalidInput
from supervise.permissions import districts_of
from supervise.redact import clip
from supervise.runtime import Runtime
from supervise.services.areas import store as area_store
from supervise.services.contracts.contracts import CONTRACTING_STATES
from supervise.services.exchange import store
from supervise.services.exchange.contract_rows import CONTRACTS, key_of
from supervise.services.exchange.outcome import (
    CHUNK,
    BadRow,
    ImportReport,
    Progress,
    write_checked,
)
from supervise.services.exchange.rows import check_row, header_map


def import_contracts(
    rt: Runtime,
    actor: str,
    path: Path,
    *,
    encoding: str | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of ``path``, then write the good ones (see the module docstring)."""
    kind = CONTRACTS
    table = read_table(path, encoding)
    columns = header_map(kind, table.header, clip(str(path)))
    report = ImportReport(kind.name, str(path), table.encoding, rows=len(table.records))
    tick = progress or (lambda _phase, _n, _total: None)

    checked: list[tuple[int, dict[str, Any], list[str]]] = []
    first_line: dict[str, int] = {}
    for line, values in table.records:
        clean, reasons = check_row(kind, columns, len(table.header), values)
        if not reasons:
            key = key_of(clean)
            if key in first_line:
                reasons.append(
                    f"the contract {clean['title']} of {clean['credit_code']} from "
                    f"{clean['start'].isoformat()} appears already on line {first_line[key]}"
                )
            else:
                first_line[key] = line
        if reasons:
            report.bad.append(BadRow(line, "; ".join(reasons), values))
        else:
            checked.append((line, clean, values))
        tick("checking", 1, len(table.records))

    now = rt.clock.now()
    districts = districts_of(actor)
    with rt.uow() as uow:
        orgs = store.orgs_by_credit_code(uow, sorted({c["credit_code"] for _, c, _ in checked}))
        known = area_store.all_townships(uow)
        good: list[tuple[int, dict[str, Any], list[str]]] = []
        for line, clean, values in checked:
            org = orgs.get(clean["credit_code"])
            if org is not None and districts is not None and org[1] not in districts:
                org = None  # outside the user's districts: not theirs to see
            reason = _against_records(rt, clean, org, known)
            if reason is None:
                good.append((line, clean, values))
            else:
                report.bad.append(BadRow(line, reason, values))
        new: list[dict[str, Any]] = []
        for start in range(0, len(good), CHUNK):
            chunk = good[start : start + CHUNK]
            stored = store.stored_contracts(
                uow, sorted({c["organization_id"] for _, c, _ in chunk})
            )
            for line, clean, values in chunk:
                existing = stored.get((clean["organization_id"], clean["title"], clean["start"]))
                if existing is None:
                    new.append(clean)
                    continue
                changed = [
                    name
                    for name, mine, theirs in (
                        ("amount", clean["amount_fen"], existing["amount_fen"]),
                        ("end", clean["end"], existing["end"]),
                        ("townships", set(clean["places"]), set(existing["places"])),
                    )
                    if mine != theirs
                ]
                if changed:
                    report.bad.append(
                        BadRow(
                            line,
                            f"contract {existing['id']} ({clean['title']} from "
                            f"{clean['start'].isoformat()}) exists already with a different "
                            f"{', '.join(changed)}; a stored contract is not changed by an "
                            "import: check the file",
                            values,
                        )
                    )
                else:
                    report.unchanged += 1
        if not write_checked(
            report,
            path,
            table,
            new,
            skip_bad,
            lambda part: store.insert_contracts(uow, part, actor, now),
            tick,
        ):
            return report
        uow.commit()
    return report


def _against_records(
    rt: Runtime,
    clean: dict[str, Any],
    org: tuple[int, str, str] | None,
    known: dict[str, set[str]],
) -> str | None:
    """Why the row cannot be stored (None: it can); fills in what the row resolves to."""
    if org is None:
        return f"no organization with credit code {clean['credit_code']}; import or add it first"
    org_id, district, status = org
    if status not in {s.value for s in CONTRACTING_STATES}:
        return (
            f"organization {org_id} is {status}; contracts go to registered or active organizations"
        )
    if clean["end"] < clean["start"]:
        return (
            f"end {clean['end'].isoformat()} is before start {clean['start'].isoformat()}; "
            "check the dates"
        )
    try:
        contract = clean_contract(
            ContractInput(
                org_id,
                clean["title"],
                Decimal(clean["amount"]) / 100,
                clean["start"],
                clean["end"],
                clean["townships"] or (),
            ),
            district,
            rt.settings.areas.districts,
            known,
            rt.settings.date_range,
        )
    except InvalidInput as exc:
        return exc.message
    clean.update(
        organization_id=org_id,
        title=contract.title,
        amount_fen=contract.amount_fen,
        places=contract.townships,
    )
    return None
