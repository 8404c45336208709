"""Areas: the 区县 an office's organizations are registered in, and their 乡镇/街道
(domain layer, standard library only).

The districts come from the configuration (``areas.districts``; the packaged file ships
Chongqing's 38 区县); townships and streets are loaded from a CSV file
(``supervise area import``). This module holds the rules both follow, so the importer of
organizations and the ``org``/``contract`` commands check a district or a township the same
way: :func:`check_district`, :func:`check_township` and :func:`parse_area_rows`.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from supervise.errors import InvalidInput
from supervise.inputs import DISTRICT, TOWNSHIP, control_characters
from supervise.redact import clip, quoted

TOWNSHIP_KINDS: tuple[str, ...] = ("乡镇", "街道")

# 区划代码 of a township: 9 digits (GB/T 10114 乡级) or the 12 of the statistics code.
_CODE = re.compile(r"^(?:[0-9]{9}|[0-9]{12})$")

#: Column names a header may use for each field (English, or the Chinese a spreadsheet has).
HEADERS: dict[str, tuple[str, ...]] = {
    "district": ("district", "区县"),
    "township": ("township", "乡镇街道", "乡镇（街道）", "乡镇(街道)", "乡镇/街道"),
    "kind": ("kind", "类型"),
    "code": ("code", "区划代码", "代码"),
}

#: How many bad rows one refusal names before "and N more".
SHOWN_ERRORS = 10


def district_kind(name: str) -> str:
    """区, 县, 自治县, 市 or 旗 (and their autonomous forms), read from the name's end."""
    for suffix in ("自治县", "自治旗", "县", "区", "市", "旗"):
        if name.endswith(suffix):
            return suffix
    return "其他"


def check_district(name: str, districts: Collection[str], what: str = "--district") -> str:
    """``name`` if it is one of the configured districts (an empty list accepts any name).

    Raises:
        InvalidInput: not a configured 区县; the message says where the list is.
    """
    if districts and name not in districts:
        raise InvalidInput(
            f"{what} {quoted(name, 60)} is not a 区县 of this office (setting "
            "areas.districts; see `supervise area list`); check the name"
        )
    return name


def check_township(
    district: str,
    township: str,
    known: Mapping[str, Collection[str]],
    what: str = "--township",
    *,
    required: bool = False,
) -> str:
    """``township`` if it is a loaded 乡镇/街道 of ``district``.

    ``known`` maps each district to its loaded townships. A district with none loaded
    accepts any name unless ``required`` (townships an organization serves or a contract
    covers must be loaded: the coverage report counts them).

    Raises:
        InvalidInput: not a township of the district.
    """
    names = known.get(district)
    if not names:
        if required:
            raise InvalidInput(
                f"{what} {quoted(township, 60)}: no 乡镇/街道 of {district} are loaded; "
                "load them with `supervise area import FILE.csv`"
            )
        return township
    if township not in names:
        raise InvalidInput(
            f"{what} {quoted(township, 60)} is not a 乡镇/街道 of {district} "
            f"(see `supervise area list --district {district}`); check the name"
        )
    return township


def split_place(value: str, default_district: str) -> tuple[str, str]:
    """``区县/乡镇`` or a bare township (in ``default_district``)."""
    district, sep, township = value.partition("/")
    if not sep:
        return default_district, value.strip()
    return district.strip(), township.strip()


@dataclass(frozen=True)
class AreaRow:
    """One township or street of a file, checked."""

    line: int
    district: str
    township: str
    kind: str
    code: str


def decode_text(data: bytes, what: str) -> str:
    """UTF-8 (with or without BOM), else GB18030 as Chinese spreadsheets export it."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{what} is neither UTF-8 nor GB18030 text (byte {exc.start + 1}); save it as UTF-8 CSV"
        ) from exc


def _columns(header: Sequence[str], what: str) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    found: dict[str, int] = {}
    for key, aliases in HEADERS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
        else:
            raise InvalidInput(
                f"{what}: line 1 must be the header district,township,kind,code "
                f"(or 区县,乡镇街道,类型,区划代码); column {key} is missing"
            )
    return found


def _row_problem(
    fields: dict[str, str], districts: Collection[str]
) -> tuple[str | None, AreaRow | None]:
    for key, value in fields.items():
        bad = control_characters(value)
        if bad:
            return f"{key} contains control character(s) {' '.join(bad[:3])}", None
    district, township = fields["district"].strip(), fields["township"].strip()
    kind, code = fields["kind"].strip(), fields["code"].strip()
    if not district:
        return "district is empty", None
    if len(district) > DISTRICT:
        return f"district has more than {DISTRICT} characters", None
    if districts and district not in districts:
        return (
            f"district {quoted(district, 40)} is not a 区县 of this office (areas.districts)",
            None,
        )
    if not township:
        return "township is empty", None
    if len(township) > TOWNSHIP:
        return f"township has more than {TOWNSHIP} characters", None
    if kind not in TOWNSHIP_KINDS:
        return f"kind {quoted(kind, 20)} must be 乡镇 or 街道", None
    if not _CODE.match(code):
        return f"code {quoted(code, 20)} must be a 区划代码 of 9 or 12 digits", None
    return None, AreaRow(0, district, township, kind, code)


def parse_area_rows(text: str, what: str, districts: Collection[str]) -> list[AreaRow]:
    """Every row of an area CSV file, checked; all or nothing.

    Raises:
        InvalidInput: one line naming every bad row (line number and reason), up to
            :data:`SHOWN_ERRORS`, and how many more there are.
    """
    try:
        records = [r for r in reader_lines(text) if r is not None]
    except csv.Error as exc:
        raise InvalidInput(f"{what} is not a CSV file: {clip(str(exc), 80)}; fix the file") from exc
    if not records:
        raise InvalidInput(f"{what} is empty; give the header and one row per 乡镇/街道")
    columns = _columns(records[0][0], what)
    problems: list[str] = []
    good: list[AreaRow] = []
    seen_place: dict[tuple[str, str], int] = {}
    seen_code: dict[str, int] = {}
    for cells, line in records[1:]:
        if len(cells) <= max(columns.values()):
            problems.append(f"line {line}: expected {len(HEADERS)} columns, found {len(cells)}")
            continue
        fields = {key: cells[i] for key, i in columns.items()}
        problem, area = _row_problem(fields, districts)
        if problem is not None or area is None:
            problems.append(f"line {line}: {problem}")
            continue
        place = (area.district, area.township)
        if place in seen_place:
            problems.append(
                f"line {line}: {area.district} {area.township} is also on line {seen_place[place]}"
            )
            continue
        if area.code in seen_code:
            problems.append(f"line {line}: code {area.code} is also on line {seen_code[area.code]}")
            continue
        seen_place[place] = line
        seen_code[area.code] = line
        good.append(AreaRow(line, area.district, area.township, area.kind, area.code))
    if problems:
        raise InvalidInput(bad_rows_message(what, problems))
    if not good:
        raise InvalidInput(f"{what} has a header but no rows; give one row per 乡镇/街道")
    return good


def reader_lines(text: str) -> list[tuple[list[str], int] | None]:
    """The CSV records of ``text`` with the line each starts on (None for blank records)."""
    out: list[tuple[list[str], int] | None] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for cells in reader:
        out.append((cells, start) if any(c.strip() for c in cells) else None)
        start = reader.line_num + 1
    return out


def bad_rows_message(what: str, problems: Sequence[str]) -> str:
    """One line: how many rows are bad, the first of them, and that nothing was written."""
    shown = "; ".join(problems[:SHOWN_ERRORS])
    more = f"; and {len(problems) - SHOWN_ERRORS} more" if len(problems) > SHOWN_ERRORS else ""
    return (
        f"{what}: {len(problems)} bad row(s), nothing was loaded: {shown}{more}; "
        "fix them and import the file again"
    )
