"""Database tables and the imperative mapping of the domain classes (adapter layer).

The tables are plain Core; the mapping (``mapping.py``, which imports the ORM) is done when
the first session is made, so the read commands, which run on Core, never load the ORM.

The Alembic migrations in ``supervise/db`` create exactly these tables; a test compares
the two so they cannot drift.
"""

from __future__ import annotations

from supervise.adapters.orm.bureau_tables import (
    DERIVED_TABLES,
    areas,
    case_tallies,
    contract_townships,
    contracts,
    evaluations,
    institution_links,
    org_history,
    org_townships,
)
from supervise.adapters.orm.case_tables import (
    audit,
    bans,
    calendar_years,
    case_state,
    cases,
    data_keys,
    deadlines,
    edits,
    history,
    notice_services,
    notices,
    number_sequences,
    org_state,
    organizations,
    outbox,
    persons,
    users,
)
from supervise.adapters.orm.column_types import (
    UtcDateTime,
    metadata,
)

__all__ = [
    "DERIVED_TABLES",
    "UtcDateTime",
    "areas",
    "data_keys",
    "audit",
    "bans",
    "calendar_years",
    "case_state",
    "case_tallies",
    "cases",
    "contract_townships",
    "contracts",
    "deadlines",
    "edits",
    "evaluations",
    "history",
    "institution_links",
    "metadata",
    "notice_services",
    "notices",
    "number_sequences",
    "org_history",
    "org_state",
    "org_townships",
    "organizations",
    "outbox",
    "persons",
    "users",
]
