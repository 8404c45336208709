"""``supervise export``: every row of a register, streamed (service layer).

The rows come from one Core query read in batches (a server-side cursor on PostgreSQL,
``yield_per``), turned into plain values one batch at a time, so a million rows pass in
flat memory. ID numbers leave only masked, as everywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supervise.errors import InvalidInput
from supervise.law import ORG_KINDS
from supervise.permissions import districts_of
from supervise.report_views import state_zh
from supervise.runtime import Runtime
from supervise.services.exchange import store
from supervise.validation import mask_id_number

BATCH = 1000
#: The districts a user is limited to (None: the whole city).
Districts = tuple[str, ...] | None


@dataclass(frozen=True)
class Export:
    """The columns of an export and its rows (a generator: the transaction stays open
    until the last row is read)."""

    kind: str
    columns: tuple[str, ...]
    rows: Iterator[tuple[Any, ...]]


def _when(value: datetime | None, rt: Runtime) -> str | None:
    return None if value is None else value.astimezone(rt.settings.zone).isoformat()


def _orgs(rt: Runtime, districts: Districts) -> Iterator[tuple[Any, ...]]:
    with rt.uow() as uow:
        query = store.within(store.orgs_query(uow.dialect), districts)
        for row in store.stream(uow, query, BATCH):
            yield (
                row.id, row.name, row.credit_code, row.kind, ORG_KINDS.get(row.kind, row.kind),
                row.charity, row.district, row.township, row.email, row.address,
                row.legal_representative, row.professional, "、".join(row.services or ()) or None,
                _places(row.serves), row.status,
                _when(row.created_at, rt),
            )  # fmt: skip


def _cases(rt: Runtime, districts: Districts) -> Iterator[tuple[Any, ...]]:
    with rt.uow() as uow:
        for row in store.stream(uow, store.within(store.cases_query(), districts), BATCH):
            state = row.state.value
            yield (
                row.id, row.organization_id, row.org_name, row.credit_code, row.district,
                row.person_id, row.person_name, mask_id_number(store.id_number_of(uow, row)),
                row.role, state, state_zh(state), row.supervisor, _when(row.created_at, rt),
                _when(row.last_event_at, rt),
            )  # fmt: skip


def _places(joined: str | None) -> str | None:
    """区县/乡镇 places joined by 、 as the importer reads them, sorted: the database joins
    them in no set order."""
    return "、".join(sorted(joined.split("、"))) if joined else None


def _amount(fen: int) -> str:
    """Yuan with two decimals and no separators (what ``import contracts`` reads back)."""
    return f"{fen // 100}.{fen % 100:02d}"


def _contracts(rt: Runtime, districts: Districts) -> Iterator[tuple[Any, ...]]:
    with rt.uow() as uow:
        query = store.within(store.contracts_query(uow.dialect), districts)
        for row in store.stream(uow, query, BATCH):
            places = _places(row.townships)
            yield (
                row.id, row.organization_id, row.org_name, row.credit_code, row.district,
                row.title, _amount(row.amount_fen), row.amount_fen, row.start.isoformat(),
                row.end.isoformat(), places, row.status, row.end_reason, row.evaluation_id,
                None if row.score is None else f"{row.score:.2f}", row.grade,
                _when(row.created_at, rt), row.created_by,
            )  # fmt: skip


def _evaluations(rt: Runtime, districts: Districts) -> Iterator[tuple[Any, ...]]:
    with rt.uow() as uow:
        for row in store.stream(uow, store.within(store.evaluations_query(), districts), BATCH):
            yield (
                row.id, row.contract_id, row.title, row.organization_id, row.org_name,
                row.credit_code, row.district, f"{row.score:.2f}", row.grade,
                json.dumps(row.groups, ensure_ascii=False, sort_keys=True),
                row.evaluated_on.isoformat(), row.by, _when(row.recorded_at, rt), row.status,
                row.supersedes_id, row.reason, row.note,
            )  # fmt: skip


EXPORTS = {
    "orgs": (
        (
            "id", "name", "credit_code", "kind", "kind_zh", "charity", "district", "township",
            "email", "address", "legal_representative", "professional", "services", "serves",
            "status", "created_at",
        ),
        _orgs,
    ),
    "cases": (
        (
            "id", "organization_id", "organization", "credit_code", "district", "person_id",
            "person", "id_number_masked", "role", "state", "state_zh", "supervisor",
            "created_at", "last_event_at",
        ),
        _cases,
    ),
    "contracts": (
        (
            "id", "organization_id", "organization", "credit_code", "district", "title",
            "amount", "amount_fen", "start", "end", "townships", "status", "end_reason",
            "evaluation_id", "score", "grade", "created_at", "created_by",
        ),
        _contracts,
    ),
    "evaluations": (
        (
            "id", "contract_id", "contract", "organization_id", "organization", "credit_code",
            "district", "score", "grade", "groups", "evaluated_on", "by", "recorded_at",
            "status", "supersedes_id", "reason", "note",
        ),
        _evaluations,
    ),
}  # fmt: skip


def export(rt: Runtime, actor: str, kind: str) -> Export:
    """The export of ``kind`` (``orgs``, ``cases``, ``contracts``, ``evaluations``), rows
    streamed."""
    if kind not in EXPORTS:
        raise InvalidInput(f"cannot export {kind!r}; choose one of {', '.join(EXPORTS)}")
    columns, rows = EXPORTS[kind]
    # A user limited to districts exports theirs only, like every list they see.
    return Export(kind, columns, rows(rt, districts_of(actor)))
