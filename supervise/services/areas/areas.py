"""Use cases for areas: load townships and streets from a CSV file, list them (service
layer). A file is loaded whole or not at all."""

from __future__ import annotations

from pathlib import Path

from supervise import model
from supervise.areas import (
    bad_rows_message,
    check_district,
    decode_text,
    district_kind,
    parse_area_rows,
)
from supervise.errors import InvalidInput
from supervise.inputs import DISTRICT, text
from supervise.redact import clip
from supervise.runtime import Runtime
from supervise.services.areas import store
from supervise.userfiles import read_bytes
from supervise.views import AreaImport, AreaView, DistrictView


def import_areas(rt: Runtime, actor: str, path: Path) -> AreaImport:
    """Load a file of townships and streets (district, township, kind, code).

    Every row is checked first (line numbers in the refusal); nothing is written unless all
    are good. A township already loaded with the same kind and code is left as it is; one
    with a new kind or code is updated; none is ever deleted (organizations refer to them).

    Raises:
        InvalidInput: the file cannot be read, or any row is bad; one line naming them.
    """
    what = f"area file {clip(str(path))}"
    text = decode_text(read_bytes(path, "area file"), what)
    rows = parse_area_rows(text, what, rt.settings.areas.districts)
    added = updated = unchanged = 0
    with rt.uow() as uow:
        existing = {(a.district, a.township): a for a in store.all_areas(uow)}
        by_code = {a.code: a for a in existing.values()}
        problems: list[str] = []
        for row in rows:
            holder = by_code.get(row.code)
            if holder is not None and (holder.district, holder.township) != (
                row.district,
                row.township,
            ):
                problems.append(
                    f"line {row.line}: code {row.code} is already {holder.district} "
                    f"{holder.township}"
                )
        if problems:
            raise InvalidInput(bad_rows_message(what, problems))
        now = rt.clock.now()
        for row in rows:
            area = existing.get((row.district, row.township))
            if area is None:
                uow.session.add(
                    model.Area(
                        district=row.district,
                        township=row.township,
                        kind=row.kind,
                        code=row.code,
                        loaded_at=now,
                        loaded_by=actor,
                    )
                )
                added += 1
            elif (area.kind, area.code) != (row.kind, row.code):
                area.kind, area.code = row.kind, row.code
                area.loaded_at, area.loaded_by = now, actor
                updated += 1
            else:
                unchanged += 1
        uow.commit()
    return AreaImport(str(path), len(rows), added, updated, unchanged)


def list_areas(rt: Runtime, actor: str, district: str) -> list[AreaView]:
    """The loaded townships and streets of one district, by code."""
    name = check_district(text(district, "--district", DISTRICT), rt.settings.areas.districts)
    with rt.uow() as uow:
        return [AreaView.of(a) for a in store.list_areas(uow, name)]


def list_districts(rt: Runtime, actor: str) -> list[DistrictView]:
    """The configured districts (and any others townships were loaded for), with how many
    townships and streets each has loaded."""
    with rt.uow() as uow:
        counts = store.township_counts(uow)
    names = list(rt.settings.areas.districts)
    names += sorted(d for d in counts if d not in names)
    return [DistrictView(n, district_kind(n), counts.get(n, 0)) for n in names]
