"""Which districts a user's reports cover (service layer).

The one hook for the governance issue (roles, permissions, districts): every report query
passes the scope returned here through ``store.visible``. Until users carry districts,
every user sees the whole city.
"""

from __future__ import annotations

from supervise.adapters.database import UnitOfWork
from supervise.services.reports.store import Scope


def scope_of(uow: UnitOfWork, actor: str) -> Scope:
    """The districts ``actor`` may see in a report; None for the whole city."""
    return None
