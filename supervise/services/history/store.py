"""A case's permanent history, written (service layer): the step's version-checked UPDATE
of the case and its hash-chained history row, in the caller's unit of work.

Every service that moves a case or records a step on it (the advance, notices, reviews,
users' and calendars' recorded changes) writes through :func:`append_history`.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from sqlalchemy import Update, bindparam, insert, update

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.adapters.orm import cases as cases_table
from supervise.adapters.orm import history as history_table
from supervise.chain import GENESIS, history_hash
from supervise.clock import wall_clock
from supervise.errors import Conflict
from supervise.states import CaseState


def append_history(
    uow: UnitOfWork,
    case: model.Case,
    event: str,
    *,
    at: datetime,
    by: str,
    before: CaseState | None,
    reason: str | None = None,
    basis: str | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Record ``event`` as the case's next step (the case is already in its new state).

    History is append-only: rows are inserted, never updated or deleted. The case's
    version-checked UPDATE (:func:`write_case`) goes first, so a concurrent change of the
    same case fails before the row is written.

    Returns:
        The step number (``seq``) of the new row.
    """
    if case.id is None:
        uow.flush()  # a new case: its id is part of what the first row's hash covers
    case.seq += 1
    fields: dict[str, Any] = {
        "case_id": case.id,
        "seq": case.seq,
        "event": event,
        "from_state": None if before is None else before.value,
        "to_state": case.state.value,
        "at": at,
        "recorded_at": wall_clock(),
        "by": by,
        "reason": reason,
        "basis": basis,
        "data": data or {},
    }
    prev = case.chain_head or GENESIS
    # The case's chain head rides on the version-checked UPDATE of the case: no statement
    # of its own, and a concurrent writer of the same case fails there (no fork).
    case.chain_head = history_hash(prev, fields)
    write_case(uow, case)
    # Whatever else the caller added (deadlines, notices) goes in now, after the case's
    # version check; nothing is pending on an ordinary step, and then this costs nothing.
    uow.flush()
    # A prebuilt Core INSERT: the row is never read back in this transaction as an object,
    # and the ORM's unit of work cost more than the statement itself.
    uow.session.connection().execute(
        _HISTORY_INSERT, {**fields, "prev_hash": prev, "hash": case.chain_head}
    )
    return case.seq


def write_case(uow: UnitOfWork, case: model.Case) -> None:
    """Write what changed in the case's row with a prebuilt Core UPDATE, checked against the
    version it was read at; the ORM then holds the row as written (nothing left to flush).

    The ORM's unit of work cost more than everything else an advance does before its
    UPDATE. Only the columns changed since the case was read are sent, as a flush would
    (an UPDATE of every column would also rewrite the entries of every index on the case);
    one statement is built per set of columns.

    Raises:
        Conflict: someone else changed (or deleted) the case since it was read.
    """
    # Imported here: the advance has loaded the ORM by now, and the read commands, which
    # import this module for its Core helpers, must not (tests/perf/test_imports.py).
    from sqlalchemy.orm.attributes import instance_state

    state = instance_state(case)
    row = state.dict
    old = row["version"]
    # Set since the read, to another value: a self-loop sets the state it already has, and
    # an indexed column in the SET clause costs index work even when its value is the same.
    before = state.committed_state
    changed = [k for k in _CASE_COLUMNS.intersection(before) if before[k] != row[k]]
    values: dict[str, Any] = {f"new_{name}": row[name] for name in changed}
    values["new_version"], values["case_id"], values["old_version"] = old + 1, case.id, old
    done = uow.session.connection().execute(_case_update(frozenset(changed)), values)
    if done.rowcount != 1:
        raise Conflict("the record was changed by someone else; reload and retry")
    row["version"] = old + 1
    # The row in the database now equals every loaded attribute: mark them committed, as a
    # flush does after its UPDATE (SQLAlchemy's own step), so that the commit sends nothing
    # more for the case while a later change to it is still flushed, checked against the
    # new version.
    state._commit_all(row, uow.session.identity_map)


#: The columns :func:`write_case` may set: all but the id and the version (set apart).
_CASE_COLUMNS = frozenset(c.name for c in cases_table.c if c.name not in ("id", "version"))


@functools.cache
def _case_update(columns: frozenset[str]) -> Update:
    """The version-checked UPDATE of these columns (and the version): an advance changes
    one of a few sets of columns, so there are a few statements, each built once."""
    c = cases_table.c
    return (
        update(cases_table)
        .where(c.id == bindparam("case_id"), c.version == bindparam("old_version"))
        .values({name: bindparam(f"new_{name}") for name in (*sorted(columns), "version")})
    )


_HISTORY_INSERT = insert(history_table)
