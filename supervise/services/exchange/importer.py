"""``supervise import``: a register from a CSV file, all or nothing (service layer).

Every row is checked before anything is written: its fields (credit codes and ID numbers
with their check characters, names and districts through the input rules, e-mail; an
organization's district one of ``areas.districts`` and its township a loaded one, by the
checks ``orgrecord.clean_org`` makes for ``org add``), its key against the rows above it
in the file, and against the database. Without ``skip_bad`` a
single bad row means nothing is written, and the report lists every bad row with its line
and reason; with it the good rows are written and the bad ones go to a reject file beside
the input (the original columns, its line and reason). A row whose key is stored already
with the same values is left alone, so importing the same file twice changes nothing; with
different values it is refused (``org edit``/``person edit`` keep the history of a change).
Good rows are inserted with executemany through Core, in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from supervise.areas import check_district, check_township
from supervise.csvfiles import read_table
from supervise.errors import InvalidInput
from supervise.orgrecord import OrgRules, check_served, check_services
from supervise.permissions import districts_of
from supervise.redact import clip
from supervise.runtime import Runtime
from supervise.services.areas import store as area_store
from supervise.services.exchange import store
from supervise.services.exchange.outcome import (
    CHUNK,
    BadRow,
    ImportReport,
    Progress,
    reject_path,
    write_checked,
)
from supervise.services.exchange.rows import KINDS, Kind, check_row, header_map
from supervise.validation import mask_id_number

#: ``ImportReport`` and ``BadRow`` are part of what an import returns.
__all__ = ["BadRow", "ImportReport", "import_file", "reject_path"]


def _org_rules(rt: Runtime) -> OrgRules:
    """What ``org add`` checks a place against: the districts, the loaded townships."""
    with rt.uow() as uow:
        townships = area_store.all_townships(uow)
    return OrgRules(rt.settings.areas.districts, rt.settings.organizations.services, townships)


def _places(clean: dict[str, Any], rules: OrgRules) -> list[str]:
    """Why ``org add`` would refuse the row's district, township, services or townships
    served (its other fields passed the same input rules in ``check_row``); ``clean_org``'s
    own checks, without repeating the others, which doubled an import's time. The services
    and townships served are replaced by their checked values (no repeats; places as
    (district, township))."""
    reasons: list[str] = []
    try:
        check_district(clean["district"], rules.districts)
        if clean.get("township") is not None:
            check_township(clean["district"], clean["township"], rules.townships)
    except InvalidInput as exc:
        return [exc.message]
    try:
        clean["services"] = check_services(clean["services"], rules.services)
    except InvalidInput as exc:
        reasons.append(exc.message)
    try:
        clean["serves"] = check_served(clean["serves"], clean["district"], rules)
    except InvalidInput as exc:
        reasons.append(exc.message)
    return reasons


def _shown_key(kind: Kind, key: str) -> str:
    return mask_id_number(key) if kind.key == "id_number" else key


def _same(a: Any, b: Any) -> bool:
    # Services and townships served are sets: another order is the same record.
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return set(a) == set(b)
    return bool(a == b)


def _differences(kind: Kind, clean: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    return [c for c in kind.compared if not _same(clean.get(c), stored.get(c))]


def import_file(
    rt: Runtime,
    actor: str,
    kind_name: str,
    path: Path,
    *,
    encoding: str | None = None,
    skip_bad: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check every row of ``path``, then write the good ones (see the module docstring)."""
    if kind_name == "contracts":
        from supervise.services.exchange.contract_import import import_contracts

        return import_contracts(
            rt, actor, path, encoding=encoding, skip_bad=skip_bad, progress=progress
        )
    if kind_name not in KINDS:
        choices = ", ".join([*KINDS, "contracts"])
        raise InvalidInput(f"cannot import {kind_name!r}; choose one of {choices}")
    kind = KINDS[kind_name]
    table = read_table(path, encoding)
    where = clip(str(path))
    columns = header_map(kind, table.header, where)
    report = ImportReport(kind.name, str(path), table.encoding, rows=len(table.records))
    tick = progress or (lambda _phase, _n, _total: None)

    rules = _org_rules(rt) if kind.name == "orgs" else None
    # A user limited to districts imports organizations of those districts only.
    districts = districts_of(actor) if kind.name == "orgs" else None
    good: list[tuple[int, dict[str, Any], list[str]]] = []
    first_line: dict[str, int] = {}
    for line, values in table.records:
        clean, reasons = check_row(kind, columns, len(table.header), values)
        if rules is not None and not reasons:
            reasons.extend(_places(clean, rules))
        if districts is not None and not reasons and clean["district"] not in districts:
            reasons.append(
                f"district {clean['district']} is not one of {actor}'s "
                f"({', '.join(districts)}); a user of that district imports it"
            )
        key = clean.get(kind.key)
        if key is not None and not reasons:
            if key in first_line:
                reasons.append(
                    f"{kind.key} {_shown_key(kind, key)} appears already on line {first_line[key]}"
                )
            else:
                first_line[key] = line
        if reasons:
            report.bad.append(BadRow(line, "; ".join(reasons), values))
        else:
            good.append((line, clean, values))
        tick("checking", 1, len(table.records))

    now = rt.clock.now()
    with rt.uow() as uow:
        new: list[dict[str, Any]] = []
        for start in range(0, len(good), CHUNK):
            chunk = good[start : start + CHUNK]
            stored = store.stored_by_key(uow, kind.name, [c[kind.key] for _, c, _ in chunk])
            for line, clean, values in chunk:
                existing = stored.get(clean[kind.key])
                if existing is None:
                    new.append(clean)
                    continue
                changed = _differences(kind, clean, existing)
                if changed:
                    report.bad.append(
                        BadRow(
                            line,
                            f"{kind.key} {_shown_key(kind, clean[kind.key])} exists already "
                            f"(id {existing['id']}) with a different {', '.join(changed)}; "
                            f"change it with `supervise {kind.name[:-1]} edit`",
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
            lambda part: store.insert_rows(uow, kind.name, part, now, actor),
            tick,
        ):
            return report
        uow.commit()
    return report
