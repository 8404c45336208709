"""Database tables and the imperative mapping of the domain classes (adapter layer).

The tables are plain Core; the mapping (``mapping.py``, which imports the ORM) is done when
the first session is made, so the read commands, which run on Core, never load the ORM.
Names are loaded on first use (PEP 562): a command reading cases builds the cases' tables
only, not the bureau's; ``metadata`` loads every table, so that it describes them all.

The Alembic migrations in ``supervise/db`` create exactly these tables; a test compares
the two so they cannot drift.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_CASE_TABLES = frozenset(
    {
        "audit",
        "bans",
        "calendar_years",
        "case_state",
        "cases",
        "data_keys",
        "deadlines",
        "edits",
        "history",
        "notice_services",
        "notices",
        "number_sequences",
        "org_state",
        "organizations",
        "outbox",
        "persons",
        "users",
    }
)
_BUREAU_TABLES = frozenset(
    {
        "DERIVED_TABLES",
        "areas",
        "case_tallies",
        "contract_townships",
        "contracts",
        "evaluations",
        "institution_links",
        "org_history",
        "org_townships",
    }
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


def __getattr__(name: str) -> Any:
    if name in _CASE_TABLES:
        module = "case_tables"
    elif name in _BUREAU_TABLES:
        module = "bureau_tables"
    elif name in ("UtcDateTime", "metadata"):
        module = "column_types"
        if name == "metadata":
            __import__(f"{__name__}.case_tables")
            __import__(f"{__name__}.bureau_tables")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__, not importlib.import_module: ``-X importtime`` (tests/perf) sees only the
    # former, and a lazily loaded module must not hide what it imports.
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)
    globals()[name] = value
    return value
