"""What a service contract (政府购买服务合同) may hold, checked row by row (domain layer).

``contract add`` and the bulk importer (``import contracts``) check a contract with
:func:`clean_contract`, so a row is refused for the same reasons either way. Money is kept
in fen (分) as a whole number: ``120000.5`` yuan is 12000050 fen; never a float.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from supervise.areas import check_district, check_township, split_place
from supervise.errors import InvalidInput
from supervise.inputs import CONTRACT_TITLE, DISTRICT, TOWNSHIP, DateRange, text
from supervise.redact import quoted

#: The largest amount a contract may have: ten billion yuan (a typo beyond it).
MAX_FEN = 10**10 * 100
_AMOUNT = re.compile(r"^[0-9]+(?:\.[0-9]{1,2})?$")


def parse_amount(value: str | int | Decimal, what: str = "--amount") -> int:
    """An amount in yuan (元, at most two decimals, thousands separators allowed) as fen.

    Raises:
        InvalidInput: not a plain positive number of yuan with at most two decimals.
    """
    if isinstance(value, bool):
        raise InvalidInput(f"{what}: give an amount in yuan, e.g. 120000.50")
    raw = str(value).strip().replace(",", "").replace("，", "")
    raw = raw.removeprefix("¥").removeprefix("￥").removesuffix("元").strip()
    if not _AMOUNT.match(raw):
        raise InvalidInput(
            f"{what} {quoted(value, 40)} is not an amount in yuan; give digits with at most "
            "two decimals, e.g. 120000.50"
        )
    try:
        fen = int(Decimal(raw) * 100)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only numbers
        raise InvalidInput(f"{what} {quoted(value, 40)} is not an amount") from exc
    if fen <= 0:
        raise InvalidInput(f"{what} must be more than 0 yuan")
    if fen > MAX_FEN:
        raise InvalidInput(f"{what} {quoted(value, 40)} is more than ten billion yuan; check it")
    return fen


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals and thousands separators: 12000050 -> 120,000.50."""
    whole, cents = divmod(fen, 100)
    return f"{whole:,}.{cents:02d}"


@dataclass(frozen=True)
class ContractInput:
    """A contract as a person or a file gives it (raw text, dates parsed)."""

    organization: int
    title: str
    amount: str | int | Decimal
    start: date
    end: date
    townships: Sequence[str] = ()  # 乡镇 (in the organization's district) or 区县/乡镇


@dataclass(frozen=True)
class CleanContract:
    organization: int
    title: str
    amount_fen: int
    start: date
    end: date
    townships: tuple[tuple[str, str], ...]


def clean_contract(
    data: ContractInput,
    org_district: str,
    districts: Collection[str],
    townships: Mapping[str, Collection[str]],
    dates: DateRange,
) -> CleanContract:
    """Check every field of a contract for an organization of ``org_district``.

    Raises:
        InvalidInput: the first field that is wrong, named, with what to do.
    """
    title = text(data.title, "--title", CONTRACT_TITLE)
    fen = parse_amount(data.amount)
    start = dates.day(data.start, "--start")
    end = dates.day(data.end, "--end")
    if end < start:
        raise InvalidInput(
            f"--end {end.isoformat()} is before --start {start.isoformat()}; check the dates"
        )
    places: list[tuple[str, str]] = []
    for value in data.townships:
        place = text(value, "--township", DISTRICT + TOWNSHIP + 1)
        district, township = split_place(place, org_district)
        check_district(district, districts, "--township")
        check_township(district, township, townships, "--township", required=True)
        if (district, township) not in places:
            places.append((district, township))
    return CleanContract(data.organization, title, fen, start, end, tuple(places))
