"""Which districts a user's reports cover (service layer).

The one hook for the governance issue (roles, permissions, districts): every report query
passes the scope returned here through ``store.visible``: a user limited to districts
(issue 11) sees those; everyone else the whole city.
"""

from __future__ import annotations

from supervise.adapters.database import UnitOfWork
from supervise.permissions import districts_of
from supervise.services.reports.store import Scope


def scope_of(uow: UnitOfWork, actor: str) -> Scope:
    """The districts ``actor`` may see in a report; None for the whole city."""
    districts = districts_of(actor)
    return None if districts is None else tuple(districts)
