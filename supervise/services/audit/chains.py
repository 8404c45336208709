"""Checking the hash chains: verify, anchor, export (service layer).

``verify`` walks every case's chain (its history in ``seq`` order) and the audit chain (in
id order), recomputing each row's hash from its content and the row before, and stops at
the first row that does not match. With an anchor it also recomputes the hash over the
chains' heads as they were when the anchor was taken, from the append-only rows themselves,
so that a chain rewritten whole (consistent with itself) is caught too. ``anchor`` takes
that hash now; ``export`` writes chains as JSON lines an outside party can check (README).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from supervise.adapters.database import UnitOfWork
from supervise.chain import (
    AUDIT_FIELDS,
    GENESIS,
    HISTORY_FIELDS,
    Anchor,
    audit_hash,
    canonical,
    history_hash,
)
from supervise.errors import InvalidInput, SuperviseError
from supervise.runtime import Runtime
from supervise.services.audit import store
from supervise.services.cases.store import case_in_districts
from supervise.views import AuditReport

BATCH = 2000


@dataclass
class _Walk:
    """One pass over the chains; ``problem`` is the first row that does not match."""

    anchor: Anchor | None
    history: int = 0
    audit: int = 0
    cases: int = 0
    problem: str | None = None
    # The anchor's hash, fed case by case in case-id order, so memory stays flat.
    heads: Any = field(default_factory=hashlib.sha256)
    audit_head_at_anchor: str = GENESIS


def parse_anchor(text: str) -> Anchor:
    anchor = Anchor.parse(text)
    if anchor is None:
        raise InvalidInput(
            "--anchor must be what `supervise audit anchor` printed (HISTORY.AUDIT.SHA256)"
        )
    return anchor


def verify(rt: Runtime, actor: str, anchor_text: str | None = None) -> AuditReport:
    """Walk every chain: how many rows were checked, or the first that does not match.

    Raises:
        InvalidInput: an anchor not of the form ``H.A.hex``.
    """
    anchor = None if anchor_text is None else parse_anchor(anchor_text)
    walk = _Walk(anchor)
    with rt.uow() as uow:
        _walk_history(uow, walk)
        if walk.problem is None:
            _walk_audit(uow, walk)
    anchored: bool | None = None
    if anchor is not None and walk.problem is None:
        walk.heads.update(f"audit:{walk.audit_head_at_anchor}".encode())
        anchored = walk.heads.hexdigest() == anchor.digest
        if not anchored:
            walk.problem = (
                f"the chains' heads as of the anchor (history row {anchor.history_id}, audit "
                f"row {anchor.audit_id}) do not hash to {anchor.digest[:16]}…: rows up to "
                "there were rewritten after the anchor was taken (or it is another database's)"
            )
    return AuditReport(
        walk.problem is None, walk.history, walk.audit, walk.cases, walk.problem, anchored
    )


def _walk_history(uow: UnitOfWork, walk: _Walk) -> None:
    with closing(store.history_rows(uow, BATCH)) as rows:
        _walk_cases(uow, walk, rows)


def _walk_cases(uow: UnitOfWork, walk: _Walk, rows: Iterator[dict[str, Any]]) -> None:
    current: dict[str, Any] | None = None
    for row in rows:
        if current is None or row["case_id"] != current["case_id"]:
            if current is not None and not _close_case(walk, current):
                return
            current = {
                "case_id": row["case_id"],
                "prev": GENESIS,
                "seq": 0,
                "chain_head": row["chain_head"],
                "case_seq": row["case_seq"],
                "at_anchor": None,
            }
        where = f"history row {row['id']} (case {row['case_id']}, step {row['seq']})"
        problem = _check_link(where, row, current["prev"], history_hash)
        if problem is None and row["seq"] != current["seq"] + 1:
            problem = (
                f"{where} follows step {current['seq']}: a row was deleted or the steps renumbered"
            )
        if problem is not None:
            walk.problem = problem
            return
        walk.history += 1
        if walk.anchor is not None and row["id"] <= walk.anchor.history_id:
            current["at_anchor"] = row["hash"]
        current["prev"], current["seq"] = row["hash"], row["seq"]
    if current is not None and not _close_case(walk, current):
        return
    orphan = store.case_without_history(uow)
    if orphan is not None:
        walk.problem = f"case {orphan} records a chain head but has no history left (deleted)"


def _check_link(where: str, row: Mapping[str, Any], prev: str, digest: Any) -> str | None:
    if row["prev_hash"] != prev:
        return (
            f"{where} does not link to the row before it: a row before it was changed, "
            "deleted, inserted or moved"
        )
    if digest(prev, row) != row["hash"]:
        return f"{where}: its content does not match its hash (changed after it was written)"
    return None


def _close_case(walk: _Walk, case: dict[str, Any]) -> bool:
    if case["chain_head"] != case["prev"] or case["case_seq"] != case["seq"]:
        walk.problem = (
            f"case {case['case_id']}: its last history row (step {case['seq']}) is not the "
            f"head the case records (step {case['case_seq']}): its last row was deleted, "
            "changed or added by hand"
        )
        return False
    walk.cases += 1
    if case["at_anchor"] is not None:
        walk.heads.update(f"{case['case_id']}:{case['at_anchor']}\n".encode())
    return True


def _walk_audit(uow: UnitOfWork, walk: _Walk) -> None:
    prev = GENESIS
    with closing(store.audit_rows(uow, BATCH)) as rows:
        for row in rows:
            problem = _check_link(f"audit row {row['id']}", row, prev, audit_hash)
            if problem is not None:
                walk.problem = problem
                return
            walk.audit += 1
            if walk.anchor is not None and row["id"] <= walk.anchor.audit_id:
                walk.audit_head_at_anchor = row["hash"]
            prev = row["hash"]


@dataclass(frozen=True)
class AnchorTaken:
    """An anchor with what it covers: how many case chains and rows, and when it was taken."""

    anchor: Anchor
    cases: int
    history_rows: int
    audit_rows: int
    at: datetime


def anchor(rt: Runtime, actor: str) -> Anchor:
    """The hash over every chain's head now, with the last ids it covers."""
    return take_anchor(rt).anchor


def take_anchor(rt: Runtime) -> AnchorTaken:
    """The anchor now, with the rows it covers (the directors' digest prints both)."""
    with rt.uow() as uow:
        heads = store.heads_now(uow)
        hasher = hashlib.sha256()
        for case_id, head in heads.cases:
            hasher.update(f"{case_id}:{head}\n".encode())
        hasher.update(f"audit:{heads.audit_head or GENESIS}".encode())
        uow.commit()
    return AnchorTaken(
        Anchor(heads.history_id, heads.audit_id, hasher.hexdigest()),
        len(heads.cases),
        heads.history_rows,
        heads.audit_rows,
        rt.clock.now(),
    )


def export(rt: Runtime, actor: str, case_id: int | None, path: Path) -> int:
    """Write the chain of ``case_id`` (or every case's and the audit chain) to ``path`` as
    JSON lines: ``chain``, ``id``, ``prev_hash``, ``hash`` and ``content`` (the fields the
    hash covers, times as hashed). Returns how many rows were written.

    Raises:
        NotFound: no such case (or one outside the user's districts).
        SuperviseError: the file cannot be written.
    """
    from supervise.permissions import districts_of

    try:
        out = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise SuperviseError(f"cannot write {path}: {exc.strerror or exc}") from exc
    count = 0
    with out, rt.uow() as uow:
        if case_id is not None:
            case_in_districts(uow, case_id, districts_of(actor))
        for line in _lines(uow, case_id):
            out.write(line + "\n")
            count += 1
    return count


def _lines(uow: UnitOfWork, case_id: int | None) -> Iterator[str]:
    for row in store.history_rows(uow, BATCH, case_id):
        yield _line(f"case:{row['case_id']}", row, HISTORY_FIELDS)
    if case_id is None:
        for row in store.audit_rows(uow, BATCH):
            yield _line("audit", row, AUDIT_FIELDS)


def _line(chain: str, row: Mapping[str, Any], names: tuple[str, ...]) -> str:
    content = json.loads(canonical(row, names))
    record = {
        "chain": chain,
        "id": row["id"],
        "prev_hash": row["prev_hash"],
        "hash": row["hash"],
        "content": content,
    }
    return json.dumps(record, ensure_ascii=False, sort_keys=True)
