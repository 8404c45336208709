"""The input limits (supervise/inputs.py) against the columns they protect, and the masking."""

from __future__ import annotations

import pytest
from sqlalchemy import String

from supervise.adapters.orm import metadata
from supervise.errors import InvalidInput
from supervise.inputs import COLUMN_LIMITS, MAX_ID, printable, record_id, text
from supervise.redact import redact


@pytest.mark.parametrize(("column", "limit"), COLUMN_LIMITS.items(), ids=str)
def test_every_limit_fits_its_column(column: tuple[str, str], limit: int) -> None:
    table, name = column
    kind = metadata.tables[table].columns[name].type
    assert isinstance(kind, String) and kind.length is not None and limit <= kind.length


def test_ids_fit_postgresql_integer() -> None:
    assert record_id(MAX_ID, "case") == MAX_ID
    for bad in (0, MAX_ID + 1, 2**63, -1):
        with pytest.raises(InvalidInput, match="is not an id"):
            record_id(bad, "case")


@pytest.mark.parametrize("value", ["\x1b[31m", "a\nb", "\u202e", "\x00", "\u2028", "\udcff"])
def test_control_characters_are_refused_and_shown_escaped(value: str) -> None:
    with pytest.raises(InvalidInput, match="control character"):
        text(f"x{value}y", "--name", 100)
    assert all(c.isprintable() for c in printable(f"x{value}y"))


def test_redact_masks_ids_addresses_and_passwords_but_not_credit_codes() -> None:
    line = redact(
        "500103198001010016 zhang@x.cn postgresql://u:pw@h/db 914403001922038217 "
        "f738af2e46396e49553df807f7e6b4e0@mzj.example.gov.cn"
    )
    assert "500103********0016" in line and "z***@x.cn" in line and "u:***@h" in line
    assert "914403001922038217" in line and "f738af2e46396e49553df807f7e6b4e0@" in line
