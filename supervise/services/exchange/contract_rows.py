"""What ``import contracts`` takes, column by column (service layer).

A contract is identified in a file by its organization's credit code, its title and its
first day (``key``): the same three in the database and the row is the contract stored
already (left alone when the amount, end and townships agree, refused otherwise).
The columns ``export contracts`` adds are accepted and ignored, so an export can be
imported again.
"""

from __future__ import annotations

import re
from typing import Any

from supervise.clock import parse_date
from supervise.contracts import parse_amount
from supervise.inputs import CONTRACT_TITLE, DISTRICT, TOWNSHIP, text
from supervise.services.exchange.rows import Column, Kind
from supervise.validation import validate_credit_code

#: Townships in one cell: 、 (as the export writes them), ；, ; or ,.
_SEPARATORS = re.compile(r"[、；;,，]")


def townships(value: str) -> tuple[str, ...]:
    parts = [p.strip() for p in _SEPARATORS.split(value) if p.strip()]
    return tuple(text(p, "townships", DISTRICT + TOWNSHIP + 1) for p in parts)


CONTRACTS = Kind(
    "contracts",
    (
        Column("credit_code", ("统一社会信用代码", "信用代码"), validate_credit_code, True),
        Column(
            "title",
            ("项目名称", "合同名称", "名称"),
            lambda v: text(v, "title", CONTRACT_TITLE),
            True,
        ),
        Column(
            "amount", ("金额", "合同金额", "金额（元）"), lambda v: parse_amount(v, "amount"), True
        ),
        Column("start", ("开始日期", "起始日期"), lambda v: parse_date(v, "start"), True),
        Column("end", ("结束日期", "终止日期"), lambda v: parse_date(v, "end"), True),
        Column("townships", ("服务乡镇", "乡镇街道", "乡镇/街道"), townships),
    ),  # fmt: skip
    key="key",
    compared=("amount", "end", "townships"),
    ignored=frozenset(
        {
            "id",
            "organization_id",
            "organization",
            "district",
            "amount_fen",
            "status",
            "end_reason",
            "evaluation_id",
            "score",
            "grade",
            "created_at",
            "created_by",
        }
    ),  # fmt: skip
)


def key_of(clean: dict[str, Any]) -> str:
    """The file's identity of a contract: credit code, title, first day."""
    return f"{clean['credit_code']} {clean['title']} {clean['start'].isoformat()}"
