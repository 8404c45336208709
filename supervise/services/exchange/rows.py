"""What each import takes, column by column, and how one row is checked (service layer).

A column is known by its English key (as ``export`` writes it) or its Chinese title (as a
person types it in a spreadsheet); the columns ``export`` adds that an import cannot set
(``id``, ``status``, ``created_at``, …) are accepted and ignored, so an export can be
imported again. Any other column is refused by name: a typo must not drop a column.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from supervise.errors import InvalidInput
from supervise.inputs import ADDRESS, DISTRICT, ORG_NAME, PERSON_NAME, SERVICE, TOWNSHIP, text
from supervise.law import ORG_KINDS
from supervise.redact import quoted
from supervise.validation import validate_credit_code, validate_email, validate_id_number

TRUE = {"true", "yes", "1", "是", "y", "t"}
FALSE = {"false", "no", "0", "否", "n", "f", ""}
#: Several values in one cell: 、 (as ``export`` writes them), ；, ; or ,.
SEPARATORS = re.compile(r"[、；;,，]")


def _optional(value: str, check: Callable[[str], Any]) -> Any:
    return None if not value.strip() else check(value)


def _kind(value: str) -> str:
    clean = value.strip()
    if clean in ORG_KINDS:
        return clean
    for key, name in ORG_KINDS.items():
        if clean == name:
            return key
    raise InvalidInput(
        f"kind {quoted(clean, 40)} is not one of "
        + ", ".join(f"{k} ({v})" for k, v in ORG_KINDS.items())
    )


def _flag(what: str) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        clean = value.strip().lower()
        if clean in TRUE:
            return True
        if clean in FALSE:
            return False
        raise InvalidInput(f"{what} {quoted(value, 20)} is not yes/no (是/否, true/false, 1/0)")

    return check


def _items(what: str, limit: int) -> Callable[[str], tuple[str, ...]]:
    """A cell of several values (checked against the configuration by the importer)."""

    def check(value: str) -> tuple[str, ...]:
        parts = [p.strip() for p in SEPARATORS.split(value) if p.strip()]
        return tuple(text(p, what, limit) for p in parts)

    return check


@dataclass(frozen=True)
class Column:
    key: str
    titles: tuple[str, ...]
    check: Callable[[str], Any]
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One importable register: its columns, its key column, the columns compared with a
    stored row (equal: the row is already there; different: refused)."""

    name: str
    columns: tuple[Column, ...]
    key: str
    compared: tuple[str, ...]
    ignored: frozenset[str]

    def titles(self) -> dict[str, str]:
        out = {}
        for column in self.columns:
            out[column.key] = column.key
            for title in column.titles:
                out[title] = column.key
        return out


ORGS = Kind(
    "orgs",
    (
        Column(
            "name", ("名称", "组织名称", "社会组织名称"), lambda v: text(v, "name", ORG_NAME), True
        ),
        Column("credit_code", ("统一社会信用代码", "信用代码"), validate_credit_code, True),
        Column("district", ("区县", "所在区县"), lambda v: text(v, "district", DISTRICT), True),
        Column("kind", ("类型", "组织类型"), _kind, True),
        Column(
            "township",
            ("乡镇街道", "乡镇/街道", "街道"),
            lambda v: _optional(v, lambda x: text(x, "township", TOWNSHIP)),
        ),
        Column("charity", ("慈善组织",), _flag("charity")),
        Column("email", ("邮箱", "电子邮箱"), lambda v: _optional(v, validate_email)),
        Column(
            "address",
            ("住所", "地址"),
            lambda v: _optional(v, lambda x: text(x, "address", ADDRESS)),
        ),
        Column(
            "legal_representative",
            ("法定代表人",),
            lambda v: _optional(v, lambda x: text(x, "legal_representative", PERSON_NAME)),
        ),
        # Issue 12's columns, with org add's vocabulary: --professional, --service, --serves.
        Column("professional", ("专业儿童保护组织", "专业未保组织"), _flag("professional")),
        Column("services", ("服务内容", "提供服务"), _items("services", SERVICE)),
        Column("serves", ("服务乡镇街道", "服务乡镇"), _items("serves", DISTRICT + TOWNSHIP + 1)),
    ),  # fmt: skip
    key="credit_code",
    compared=(
        "name",
        "district",
        "kind",
        "township",
        "charity",
        "email",
        "address",
        "legal_representative",
        "professional",
        "services",
        "serves",
    ),  # fmt: skip
    ignored=frozenset({"id", "kind_zh", "status", "created_at"}),
)

PERSONS = Kind(
    "persons",
    (
        Column("name", ("姓名",), lambda v: text(v, "name", PERSON_NAME), True),
        Column("id_number", ("身份证号码", "居民身份证号码", "身份证号"), validate_id_number, True),
        Column("email", ("邮箱", "电子邮箱"), lambda v: _optional(v, validate_email)),
        Column(
            "address",
            ("住址", "地址"),
            lambda v: _optional(v, lambda x: text(x, "address", ADDRESS)),
        ),
    ),  # fmt: skip
    key="id_number",
    compared=("name", "email", "address"),
    ignored=frozenset({"id", "created_at", "id_number_masked"}),
)

KINDS: dict[str, Kind] = {k.name: k for k in (ORGS, PERSONS)}


def header_map(kind: Kind, header: list[str], where: str) -> dict[int, str]:
    """Which column index holds which field; refuses unknown, doubled and missing ones."""
    titles = kind.titles()
    found: dict[int, str] = {}
    unknown = []
    for index, title in enumerate(header):
        if title in titles:
            key = titles[title]
            if key in found.values():
                raise InvalidInput(f"{where}: column {quoted(title, 40)} appears twice; keep one")
            found[index] = key
        elif title not in kind.ignored:
            unknown.append(title)
    if unknown:
        known = ", ".join(c.key for c in kind.columns)
        raise InvalidInput(
            f"{where}: unknown column(s) {', '.join(quoted(u, 40) for u in unknown[:5])}; "
            f"an import of {kind.name} takes {known}"
        )
    missing = [c.key for c in kind.columns if c.required and c.key not in found.values()]
    if missing:
        raise InvalidInput(f"{where}: column(s) {', '.join(missing)} missing; add them")
    return found


def check_row(
    kind: Kind, columns: Mapping[int, str], width: int, values: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """The row's clean values, and every reason it is bad (empty when it is good);
    ``width`` is the number of columns the header names."""
    raw = {key: (values[i] if i < len(values) else "") for i, key in columns.items()}
    clean: dict[str, Any] = {}
    reasons: list[str] = []
    if len(values) > width and any(v.strip() for v in values[width:]):
        reasons.append(f"{len(values)} fields, the header names {width}")
    for column in kind.columns:
        value = raw.get(column.key, "")
        if column.required and not value.strip():
            reasons.append(f"{column.key} is empty")
            continue
        try:
            clean[column.key] = column.check(value)
        except InvalidInput as exc:
            reasons.append(exc.message)
    return clean, reasons
