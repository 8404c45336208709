"""Who is acting, and whether they may: the one place permissions are enforced (service layer).

Every method of the library API (``Office``) names its action from the permission table
(``supervise/permissions.py``) and comes here before its service runs: one statement reads
the acting user (role, districts, disabled) and whether the directory is empty; a refusal
names the rule, changes nothing, and is written to the ``audit`` table in a transaction of
its own (who tried what, when, why refused). An empty directory (a fresh office before
``init --admin``) enforces nothing, as before users existed.
"""

from __future__ import annotations

from typing import Any

from supervise import model
from supervise.adapters.database import UnitOfWork
from supervise.chain import GENESIS, audit_hash
from supervise.clock import wall_clock
from supervise.errors import Conflict, NotAllowed
from supervise.permissions import Actor, check
from supervise.runtime import Runtime
from supervise.services.admin.store import ActingUser, acting_user, audit_head

AUDIT_ATTEMPTS = 5


def authorize(rt: Runtime, name: str, action: str, *, case_id: int | None = None) -> Actor:
    """The acting user, if they may do ``action``.

    Raises:
        NotAllowed: an unknown or disabled user once the directory has users, or a role the
            permission table does not allow (the refusal is audited).
    """
    with rt.uow(core=True) as uow:
        found = acting_user(uow, name)
    return decide(rt, name, action, found, case_id=case_id)


def decide(
    rt: Runtime,
    name: str,
    action: str,
    found: ActingUser | None,
    *,
    case_id: int | None = None,
) -> Actor:
    """The acting user as read (``store.acting_user``'s answer, or the same columns read
    with what a service works on), if they may do ``action``; a refusal is audited in a
    transaction of its own.

    Raises:
        NotAllowed: as :func:`authorize`.
    """
    if found is None:
        return Actor(name)
    known, role, districts, disabled = found
    if not known:
        why = (
            f"{name} is not a user of this office; ask an admin to `supervise user add "
            f"{name} --role ROLE` (or act with --as NAME)"
        )
        raise _refused(rt, name, action, why, case_id)
    if disabled:
        raise _refused(rt, name, action, f"user {name} is disabled", case_id)
    actor = Actor(name, role, districts or ())
    try:
        check(actor, action)
    except NotAllowed as refusal:
        raise _refused(rt, name, action, refusal.message, case_id) from None
    return actor


def _refused(rt: Runtime, name: str, action: str, why: str, case_id: int | None) -> NotAllowed:
    record(rt, name, action, "refused", why, case_id=case_id)
    return NotAllowed(why, rule=action)


def record(
    rt: Runtime,
    by: str,
    action: str,
    outcome: str,
    reason: str | None,
    *,
    case_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> None:
    """Write one audit row in a transaction of its own (a refusal's own change is none).

    Two writers at once may both read the same head of the audit chain; the second then
    fails on the unique ``prev_hash`` and tries again on the new head."""
    for attempt in range(AUDIT_ATTEMPTS):
        try:
            with rt.uow() as uow:
                add_entry(uow, rt, by, action, outcome, reason, case_id=case_id, data=data)
                uow.commit()
            return
        except Conflict:
            if attempt == AUDIT_ATTEMPTS - 1:
                raise


def add_entry(
    uow: UnitOfWork,
    rt: Runtime,
    by: str,
    action: str,
    outcome: str,
    reason: str | None,
    *,
    case_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> model.AuditEntry:
    """Add one audit row, linked to the audit chain's head, to the caller's transaction."""
    fields: dict[str, Any] = {
        "at": rt.clock.now(),
        "recorded_at": wall_clock(),
        "by": by[:100],
        "action": action[:60],
        "outcome": outcome,
        "case_id": case_id,
        "reason": reason,
        "data": data or {},
    }
    prev = audit_head(uow) or GENESIS
    entry = model.AuditEntry(**fields, prev_hash=prev, hash=audit_hash(prev, fields))
    uow.session.add(entry)
    uow.flush()
    return entry
